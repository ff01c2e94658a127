// Hostile traffic at reduced, fixed packet counts with reduced caps (the full-size runs
// are bench/hostile_traffic_bench.cpp): each flood keeps its tables at the cap, counts
// what it evicted or dropped, and keeps tracking the legitimate exchange in its middle.
#include <gtest/gtest.h>

#include "../../bench/hostile_traffic.hpp"

namespace {

using namespace wirestate;

monitor::MonitorConfig small_caps() {
  monitor::MonitorConfig c;
  c.observer.max_connections = 1024;
  c.max_kept_connections = 2048;
  c.arp.max_ips = 256;
  c.arp.max_macs = 256;
  c.arp.max_dedup = 256;
  c.arp.max_pending_requests = 256;
  c.max_kept_arp_alerts = 500;
  c.reassembly.max_datagrams = 256;
  c.reassembly.max_bytes = 256 * 1024;
  return c;
}

TEST(HostileTraffic, SynFloodStaysAtTheCapAndTracksTheRealConnection) {
  const auto c = small_caps();
  const auto r = hostile::syn_flood(20000, c);
  EXPECT_EQ(r.table_size, c.observer.max_connections);
  EXPECT_EQ(r.peak_table_size, c.observer.max_connections);
  // 20000 flood + 1 real connection, 1024 still tracked.
  EXPECT_EQ(r.evicted, 20001U - c.observer.max_connections);
  EXPECT_EQ(r.connections_not_kept, r.evicted - c.max_kept_connections);
  EXPECT_TRUE(r.legit_established);
  EXPECT_TRUE(r.legit_closed);
  // SYN_SENT ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT; LISTEN/SYN_RECEIVED ESTABLISHED
  // CLOSE_WAIT LAST_ACK CLOSED: at least 8 changes reported while the flood went on.
  EXPECT_GE(r.legit_transitions, 8U);
  // The kept list is full of half-open flood connections long before the real one ends:
  // it still keeps the real one's summary (a half-open one makes room).
  EXPECT_TRUE(r.legit_summary_kept);
}

TEST(HostileTraffic, ArpFloodStaysAtTheCapAndStillCatchesASpoofOfARealHost) {
  const auto c = small_caps();
  const auto r = hostile::arp_flood(20000, c);
  EXPECT_LE(r.ip_table, c.arp.max_ips);
  EXPECT_LE(r.mac_table, c.arp.max_macs);
  EXPECT_GE(r.ip_evictions, 20000U - c.arp.max_ips);
  EXPECT_LE(r.alerts_kept, c.max_kept_arp_alerts);
  EXPECT_EQ(r.alerts_kept + r.alerts_not_kept, r.alerts);
  EXPECT_TRUE(r.legit_binding_tracked);
  EXPECT_TRUE(r.legit_spoof_alerted);
}

TEST(HostileTraffic, FragmentFloodStaysWithinItsLimitsAndReassemblesTheRealDatagram) {
  const auto c = small_caps();
  const auto r = hostile::fragment_flood(10000, c);
  EXPECT_LE(r.peak_pending, c.reassembly.max_datagrams);
  EXPECT_LE(r.peak_bytes_held, c.reassembly.max_bytes);
  EXPECT_GT(r.evictions, 0U);
  // Every never-completed set is either still held or was evicted (none timed out: the
  // flood lasts 10 ms of capture time).
  EXPECT_EQ(r.evictions + r.pending, 10000U);
  EXPECT_EQ(r.timeouts, 0U);
  EXPECT_EQ(r.reassembled, 1U);
  EXPECT_TRUE(r.legit_flow_seen);
}

TEST(HostileTraffic, OneByteOutOfOrderFloodIsBoundedAndRealDataStillFlows) {
  const auto r = hostile::ooo_flood(20000);
  const tcp::Config defaults;
  EXPECT_LE(r.ooo_segments_max, defaults.out_of_order_max_segments);
  EXPECT_GT(r.dropped_full, 0U);
  EXPECT_EQ(r.legit_delivered, 20U * 100U);
  EXPECT_TRUE(r.still_established);
  // Buffers stay within the configured sizes plus the bounded queue's bookkeeping.
  EXPECT_LE(r.heap_bytes_max, std::size_t{defaults.receive_buffer} + defaults.send_buffer + 64 * 1024);
}

}  // namespace
