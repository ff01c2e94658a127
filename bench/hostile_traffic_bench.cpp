// Hostile traffic at full size (fixed packet counts, see hostile_traffic.hpp): the table
// sizes at the cap, evictions, drops and whether the legitimate exchange in the middle
// was still tracked are reported as counters, with the process's peak RSS. Run one
// benchmark per process so peak_rss_MiB is its own:
//   build/bench/hostile_traffic_bench --benchmark_filter=SynFlood
#include <sys/resource.h>

#include <cstdint>

#include <benchmark/benchmark.h>

#include "hostile_traffic.hpp"

namespace {

using namespace wirestate;

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// One million SYNs from distinct sources through the Monitor (default caps: 65536
// connections tracked, 100000 finished summaries kept).
void BM_HostileSynFlood(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  hostile::SynFloodResult r;
  for (auto _ : state) r = hostile::syn_flood(n, monitor::MonitorConfig{});
  state.counters["syns"] = n;
  state.counters["table"] = static_cast<double>(r.table_size);
  state.counters["peak_table"] = static_cast<double>(r.peak_table_size);
  state.counters["evicted"] = static_cast<double>(r.evicted);
  state.counters["summaries_not_kept"] = static_cast<double>(r.connections_not_kept);
  state.counters["record_bytes"] = static_cast<double>(r.record_bytes);
  state.counters["legit_established"] = r.legit_established ? 1 : 0;
  state.counters["legit_closed"] = r.legit_closed ? 1 : 0;
  state.counters["legit_transitions"] = static_cast<double>(r.legit_transitions);
  state.counters["legit_summary_kept"] = r.legit_summary_kept ? 1 : 0;
  state.counters["peak_rss_MiB"] = peak_rss_mib();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_HostileSynFlood)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

// One million forged ARP replies with distinct (IP, MAC) pairs through the Monitor
// (default detector caps: 4096 IPs, 4096 MACs, 4096 de-dup keys; 10000 alerts kept).
void BM_HostileArpFlood(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  hostile::ArpFloodResult r;
  for (auto _ : state) r = hostile::arp_flood(n, monitor::MonitorConfig{});
  state.counters["replies"] = n;
  state.counters["ip_table"] = static_cast<double>(r.ip_table);
  state.counters["mac_table"] = static_cast<double>(r.mac_table);
  state.counters["ip_evictions"] = static_cast<double>(r.ip_evictions);
  state.counters["mac_evictions"] = static_cast<double>(r.mac_evictions);
  state.counters["dedup_evictions"] = static_cast<double>(r.dedup_evictions);
  state.counters["alerts"] = static_cast<double>(r.alerts);
  state.counters["alerts_kept"] = static_cast<double>(r.alerts_kept);
  state.counters["alerts_not_kept"] = static_cast<double>(r.alerts_not_kept);
  state.counters["legit_tracked"] = r.legit_binding_tracked ? 1 : 0;
  state.counters["legit_spoof_alerted"] = r.legit_spoof_alerted ? 1 : 0;
  state.counters["peak_rss_MiB"] = peak_rss_mib();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_HostileArpFlood)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

// 100,000 never-completed fragment sets through the Monitor (default reassembly caps:
// 1024 partial datagrams, 4 MiB of payload, 30 s timeout).
void BM_HostileFragmentFlood(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  hostile::FragmentFloodResult r;
  for (auto _ : state) r = hostile::fragment_flood(n, monitor::MonitorConfig{});
  state.counters["sets"] = n;
  state.counters["peak_pending"] = static_cast<double>(r.peak_pending);
  state.counters["peak_bytes_held"] = static_cast<double>(r.peak_bytes_held);
  state.counters["evictions"] = static_cast<double>(r.evictions);
  state.counters["timeouts"] = static_cast<double>(r.timeouts);
  state.counters["reassembled"] = static_cast<double>(r.reassembled);
  state.counters["legit_flow_seen"] = r.legit_flow_seen ? 1 : 0;
  state.counters["peak_rss_MiB"] = peak_rss_mib();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_HostileFragmentFlood)->Arg(100'000)->Iterations(1)->Unit(benchmark::kMillisecond);

// One million 1-byte out-of-order segments into one ESTABLISHED endpoint (default
// Config: 64 out-of-order segments kept).
void BM_HostileOutOfOrderFlood(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  hostile::OooFloodResult r;
  for (auto _ : state) r = hostile::ooo_flood(n);
  state.counters["segments"] = n;
  state.counters["ooo_bytes_max"] = static_cast<double>(r.ooo_segments_max);
  state.counters["heap_bytes_max"] = static_cast<double>(r.heap_bytes_max);
  state.counters["dropped_full"] = static_cast<double>(r.dropped_full);
  state.counters["legit_delivered"] = static_cast<double>(r.legit_delivered);
  state.counters["still_established"] = r.still_established ? 1 : 0;
  state.counters["peak_rss_MiB"] = peak_rss_mib();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * n);
}
BENCHMARK(BM_HostileOutOfOrderFlood)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
