// Hostile load for arp::SpoofDetector: forged replies with distinct IP/MAC pairs
// (an ARP flood) must keep every table at its cap. Run under /usr/bin/time -v to see
// the peak memory; the table sizes and evictions are reported as counters.
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "wirestate/arp/spoof_detector.hpp"

namespace {

using namespace wirestate;

arp::ArpFrame forged_reply(std::uint64_t i) {
  const auto b = [&](int shift) { return static_cast<std::uint8_t>(i >> shift); };
  const net::MacAddr sender({0x02, 0x66, b(24), b(16), b(8), b(0)});
  const net::Ipv4Addr sender_ip(static_cast<std::uint32_t>(0x0a000000U + (i & 0xffffffU)));
  const net::MacAddr victim({0x02, 0, 0, 0, 0, 0x01});
  arp::ArpFrame f;
  f.arp = {wire::ArpOp::kReply, sender, sender_ip, victim, net::Ipv4Addr(10, 77, 0, 1)};
  f.eth_src = sender;
  f.eth_dst = victim;
  f.number = i + 1;
  f.time = net::Time::from_ns(static_cast<std::int64_t>(i) * 1000);  // 1 Mpps of wire time
  return f;
}

void BM_ForgedReplyFlood(benchmark::State& state) {
  const auto packets = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t alerts_total = 0;
  for (auto _ : state) {
    arp::SpoofDetector detector;  // default caps: 4096 IPs, 4096 MACs, 4096 dedup keys
    std::vector<arp::Alert> alerts;
    alerts.reserve(16);
    for (std::uint64_t i = 0; i < packets; ++i) {
      alerts.clear();
      detector.observe(forged_reply(i), alerts);
      alerts_total += alerts.size();
    }
    const auto& c = detector.counters();
    state.counters["ip_table"] = static_cast<double>(detector.ip_table_size());
    state.counters["mac_table"] = static_cast<double>(detector.mac_table_size());
    state.counters["ip_evictions"] = static_cast<double>(c.ip_evictions);
    state.counters["dedup_evictions"] = static_cast<double>(c.dedup_evictions);
    benchmark::DoNotOptimize(alerts_total);
  }
  state.counters["alerts"] = static_cast<double>(alerts_total);
  state.SetItemsProcessed(static_cast<std::int64_t>(packets * state.iterations()));
}
BENCHMARK(BM_ForgedReplyFlood)->Arg(100000)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

// The same flood with new_station turned off (fewer alerts to format).
void BM_ForgedReplyFloodQuiet(benchmark::State& state) {
  const auto packets = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    arp::DetectorConfig config;
    config.report_new_station = false;
    arp::SpoofDetector detector(config);
    std::vector<arp::Alert> alerts;
    for (std::uint64_t i = 0; i < packets; ++i) {
      alerts.clear();
      detector.observe(forged_reply(i), alerts);
    }
    state.counters["ip_table"] = static_cast<double>(detector.ip_table_size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(packets * state.iterations()));
}
BENCHMARK(BM_ForgedReplyFloodQuiet)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
