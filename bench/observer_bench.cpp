// Observer throughput over many synthetic connections, and a SYN flood from distinct
// sources that must keep the table at its cap (peak RSS reported as a counter).
#include <sys/resource.h>

#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "wirestate/tcp/observer.hpp"

namespace {

using namespace wirestate;

tcp::ObservedSegment make(std::uint32_t client, std::uint16_t cport, bool from_client, std::uint16_t flags,
                          std::uint32_t seq, std::uint32_t ack, std::uint32_t len, std::int64_t ns,
                          std::uint64_t packet) {
  tcp::ObservedSegment s;
  const net::Ipv4Addr c(0x0a000000U + client);
  const net::Ipv4Addr srv(10, 255, 0, 1);
  s.src = from_client ? c : srv;
  s.dst = from_client ? srv : c;
  s.tcp.src_port = from_client ? cport : 80;
  s.tcp.dst_port = from_client ? 80 : cport;
  s.tcp.flags.bits = flags;
  s.tcp.seq = net::SeqNum(seq);
  s.tcp.ack = net::SeqNum(ack);
  s.tcp.window = 502;
  s.payload_len = len;
  s.packet = packet;
  s.time = net::Time::from_ns(ns);
  return s;
}

// `conns` connections, interleaved: handshake, 8 data/ACK pairs, 4-way close = 23 packets each.
std::vector<tcp::ObservedSegment> synthetic(std::uint32_t conns) {
  using F = wire::TcpFlags;
  std::vector<tcp::ObservedSegment> out;
  out.reserve(std::size_t{conns} * 23);
  std::uint64_t pkt = 0;
  std::int64_t ns = 0;
  for (int step = 0; step < 23; ++step) {
    for (std::uint32_t c = 0; c < conns; ++c) {
      const std::uint32_t ci = 1000, si = 5000;
      const std::uint16_t port = static_cast<std::uint16_t>(1024 + c % 60000);
      const std::uint32_t host = c / 60000;
      ns += 1000;
      ++pkt;
      if (step == 0) out.push_back(make(host, port, true, F::kSyn, ci, 0, 0, ns, pkt));
      else if (step == 1) out.push_back(make(host, port, false, F::kSyn | F::kAck, si, ci + 1, 0, ns, pkt));
      else if (step == 2) out.push_back(make(host, port, true, F::kAck, ci + 1, si + 1, 0, ns, pkt));
      else if (step < 19) {
        const int k = (step - 3) / 2;
        if ((step - 3) % 2 == 0) {
          out.push_back(make(host, port, true, F::kAck | F::kPsh, ci + 1 + k * 1000, si + 1, 1000, ns, pkt));
        } else {
          out.push_back(make(host, port, false, F::kAck, si + 1, ci + 1 + (k + 1) * 1000, 0, ns, pkt));
        }
      } else if (step == 19) out.push_back(make(host, port, true, F::kFin | F::kAck, ci + 8001, si + 1, 0, ns, pkt));
      else if (step == 20) out.push_back(make(host, port, false, F::kAck, si + 1, ci + 8002, 0, ns, pkt));
      else if (step == 21) out.push_back(make(host, port, false, F::kFin | F::kAck, si + 1, ci + 8002, 0, ns, pkt));
      else out.push_back(make(host, port, true, F::kAck, ci + 8002, si + 2, 0, ns, pkt));
    }
  }
  return out;
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void BM_ObserverThroughput(benchmark::State& state) {
  const auto conns = static_cast<std::uint32_t>(state.range(0));
  const auto segs = synthetic(conns);
  std::vector<tcp::ObserverEvent> events;
  events.reserve(64);
  for (auto _ : state) {
    tcp::ObserverConfig config;
    config.max_connections = conns;
    tcp::Observer obs(config);
    for (const auto& s : segs) {
      events.clear();
      obs.observe(s, events);
    }
    benchmark::DoNotOptimize(obs.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * segs.size()));
  state.counters["ns_per_packet"] = benchmark::Counter(
      static_cast<double>(state.iterations() * segs.size()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["packets"] = static_cast<double>(segs.size());
}
BENCHMARK(BM_ObserverThroughput)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_SynFloodAtCap(benchmark::State& state) {
  const std::size_t cap = static_cast<std::size_t>(state.range(0));
  constexpr std::uint32_t kSyns = 1'000'000;
  std::size_t peak = 0, final_size = 0;
  std::uint64_t evicted = 0;
  std::vector<tcp::ObserverEvent> events;
  for (auto _ : state) {
    tcp::ObserverConfig config;
    config.max_connections = cap;
    tcp::Observer obs(config);
    for (std::uint32_t i = 0; i < kSyns; ++i) {
      events.clear();
      // A distinct source address per SYN.
      obs.observe(make(i, 40000, true, wire::TcpFlags::kSyn, i * 7919U, 0, 0, i * 1000LL, i + 1), events);
    }
    peak = obs.counters().peak_connections;
    final_size = obs.size();
    evicted = obs.counters().evicted_idle + obs.counters().evicted_closed;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kSyns);
  state.counters["ns_per_syn"] = benchmark::Counter(static_cast<double>(state.iterations()) * kSyns,
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["peak_conns"] = static_cast<double>(peak);
  state.counters["final_conns"] = static_cast<double>(final_size);
  state.counters["evicted"] = static_cast<double>(evicted);
  state.counters["peak_rss_MiB"] = static_cast<double>(peak_rss_kib()) / 1024.0;
  state.counters["record_bytes"] = static_cast<double>(tcp::Observer::connection_record_size());
}
BENCHMARK(BM_SynFloodAtCap)->Arg(65536)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
