// Segments processed per second by a tcp::Endpoint pair moving 100 MB through an
// in-memory link (1 ms latency), with and without seeded loss; plus the size of one
// connection's state. Run: build/bench/tcp_transfer_bench
#include <benchmark/benchmark.h>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "wirestate/tcp/endpoint.hpp"

namespace {

using namespace wirestate;

struct Arrival {
  net::Time at;
  int to;
  tcp::Segment seg;
};

// Moves `total` bytes from a to b; returns segments handed to on_segment.
std::uint64_t transfer(std::size_t total, double loss, std::uint64_t seed) {
  tcp::Config cfg;
  cfg.receive_buffer = 4 << 20;  // 4 MiB windows so the 1 ms link is not window-bound
  cfg.send_buffer = 4 << 20;
  tcp::IsnGenerator isn(seed);
  tcp::Endpoint ends[2] = {tcp::Endpoint(cfg),
                           tcp::Endpoint::listening(cfg, 8000, isn.source(), net::Time())};
  (void)ends[0].open_active(40000, 8000, isn.source(), net::Time());
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::deque<Arrival> link;  // fixed latency: FIFO is time order
  const net::Duration latency = net::Duration::milliseconds(1);
  std::vector<std::uint8_t> chunk(256 * 1024, 0x5a);
  std::size_t sent = 0, received = 0;
  std::uint64_t processed = 0;
  net::Time now;
  while (received < total) {
    if (sent < total && ends[0].state() == tcp::State::kEstablished) {
      const std::size_t n = std::min(chunk.size(), total - sent);
      sent += ends[0].send(std::span(chunk).first(n), now).value_or(0);
    }
    received += ends[1].receive(SIZE_MAX, now).size();
    for (int i = 0; i < 2; ++i) {
      for (auto& s : ends[i].take_outgoing()) {
        if (loss > 0 && u(rng) < loss) continue;
        link.push_back({now + latency, 1 - i, std::move(s)});
      }
    }
    net::Time next = std::min(ends[0].next_deadline(), ends[1].next_deadline());
    if (!link.empty()) next = std::min(next, link.front().at);
    if (next == net::Time::max()) break;
    now = std::max(now, next);
    while (!link.empty() && link.front().at <= now) {
      ends[link.front().to].on_segment(link.front().seg, now);
      link.pop_front();
      ++processed;
    }
    for (auto& e : ends) {
      if (e.next_deadline() <= now) e.on_timer(now);
    }
  }
  return processed;
}

void run(benchmark::State& state, double loss) {
  const std::size_t total = 100u << 20;
  std::uint64_t segments = 0;
  for (auto _ : state) segments += transfer(total, loss, 1);
  state.counters["segments_per_s"] =
      benchmark::Counter(static_cast<double>(segments), benchmark::Counter::kIsRate);
  state.counters["segments"] = static_cast<double>(segments) / static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(total) * state.iterations());
}

void BM_Transfer100MB_NoLoss(benchmark::State& state) { run(state, 0.0); }
void BM_Transfer100MB_Loss1Percent(benchmark::State& state) { run(state, 0.01); }
BENCHMARK(BM_Transfer100MB_NoLoss)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_Transfer100MB_Loss1Percent)->Unit(benchmark::kMillisecond)->Iterations(1);

// The size of one connection: sizeof(Endpoint) and the heap of an idle ESTABLISHED one.
void BM_ConnectionSize(benchmark::State& state) {
  tcp::Config cfg;
  std::size_t heap = 0;
  for (auto _ : state) {
    tcp::Endpoint a(cfg);
    tcp::Endpoint b = tcp::Endpoint::listening(cfg, 8000, tcp::fixed_isn(net::SeqNum(9)), net::Time());
    (void)a.open_active(40000, 8000, tcp::fixed_isn(net::SeqNum(1)), net::Time());
    for (int round = 0; round < 3; ++round) {
      for (auto& s : a.take_outgoing()) b.on_segment(s, net::Time());
      for (auto& s : b.take_outgoing()) a.on_segment(s, net::Time());
    }
    benchmark::DoNotOptimize(a);
    heap = a.heap_bytes();
  }
  state.counters["sizeof_Endpoint"] = static_cast<double>(sizeof(tcp::Endpoint));
  state.counters["idle_heap_bytes"] = static_cast<double>(heap);
}
BENCHMARK(BM_ConnectionSize);

}  // namespace
