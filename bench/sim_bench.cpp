// Simulated packets per second for a scenario with many concurrent connections: two hosts,
// N connections opened at once, each sending 100 bytes, then the client and the server
// close (counter connections_closed_ok: endpoints that reached CLOSED, 2 per connection).
// Run: ./build/bench/sim_bench  (peak memory: /usr/bin/time -v ./build/bench/sim_bench
// --benchmark_filter=Concurrent/10000)
#include <benchmark/benchmark.h>

#include "wirestate/sim/simulator.hpp"

namespace wirestate::sim {
namespace {

HostConfig host(std::string name, std::uint8_t last, std::size_t max_conns) {
  HostConfig c;
  c.name = std::move(name);
  c.mac = net::MacAddr({0x02, 0, 0, 0, 0, last});
  c.ip = net::Ipv4Addr(10, 0, 0, last);
  c.max_connections = max_conns;
  c.tcp.msl = net::Duration::seconds(1);
  return c;
}

void BM_ConcurrentConnections(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::uint64_t frames = 0;
  for (auto _ : state) {
    LinkParams link;
    link.latency = net::Duration::milliseconds(1);
    link.tx_queue_frames = 1u << 20;
    Simulator sim(1, link);
    Host& client = sim.add_host(host("client", 1, n + 16));
    Host& server = sim.add_host(host("server", 2, n + 16));
    std::vector<net::FlowKey> keys(n);
    sim.at(net::Time(), [&](net::Time now) { (void)server.listen(80, now); });
    sim.at(net::Time() + net::Duration::milliseconds(1), [&](net::Time now) {
      for (std::size_t i = 0; i < n; ++i) keys[i] = *client.connect(server.config().ip, 80, 0, now);
    });
    sim.at(net::Time() + net::Duration::seconds(1), [&](net::Time now) {
      for (const auto& k : keys) (void)client.send(k, std::vector<std::uint8_t>(100, 'x'), now);
    });
    sim.at(net::Time() + net::Duration::seconds(2), [&](net::Time now) {
      for (const auto& k : keys) (void)client.close(k, now);
    });
    sim.at(net::Time() + net::Duration::seconds(3), [&](net::Time now) {
      for (const auto& k : keys) (void)server.close(k, now);  // one key names both ends
    });
    sim.run(net::Time() + net::Duration::seconds(10));
    frames += sim.frames().size();
    state.counters["connections_closed_ok"] = static_cast<double>(
        std::count_if(sim.events().begin(), sim.events().end(), [](const trace::Event& e) {
          const auto* s = std::get_if<trace::TcpStateEvent>(&e.body);
          return s && s->to == tcp::State::kClosed && s->origin == trace::Origin::kEndpoint;
        }));
  }
  state.counters["frames_per_run"] = static_cast<double>(frames) / static_cast<double>(state.iterations());
  state.counters["packets_per_s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ConcurrentConnections)->Arg(100)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace wirestate::sim
