#pragma once
// Fuzz entry for monitor::Monitor (the engine of `wirestate analyze`): the input is a
// sequence of frames, each [2-byte length][1-byte time step] bytes..., all Ethernet,
// so decode, IPv4 reassembly, the TCP observer, UDP flows and the ARP detector all see
// fuzzed traffic with state carried from frame to frame. Small table limits make every
// eviction path run.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "input.hpp"
#include "wirestate/monitor/monitor.hpp"

namespace wirestate::fuzz {

inline constexpr std::size_t kFuzzMaxMonitorFrames = 2000;

// The limits of the fuzzed monitor (small, so eviction runs).
inline monitor::MonitorConfig small_monitor_config() {
  monitor::MonitorConfig c;
  c.observer.max_connections = 8;
  c.reassembly.max_datagrams = 4;
  c.reassembly.max_bytes = 8192;
  c.arp.max_ips = 8;
  c.arp.max_macs = 8;
  c.arp.max_pending_requests = 8;
  c.arp.max_dedup = 8;
  c.max_udp_flows = 8;
  c.max_kept_connections = 16;
  c.max_kept_udp_flows = 16;
  c.max_kept_arp_alerts = 16;
  return c;
}

// Checks the monitor's tables against its limits.
inline void check_monitor(const monitor::Monitor& m) {
  const auto& c = m.config();
  WIRESTATE_FUZZ_CHECK(m.observer().size() <= c.observer.max_connections);
  WIRESTATE_FUZZ_CHECK(m.reassembler().pending() <= c.reassembly.max_datagrams);
  WIRESTATE_FUZZ_CHECK(m.reassembler().bytes_held() <= c.reassembly.max_bytes);
  WIRESTATE_FUZZ_CHECK(m.arp_detector().ip_table_size() <= c.arp.max_ips);
  WIRESTATE_FUZZ_CHECK(m.arp_alerts().size() <= c.max_kept_arp_alerts);
}

// One fuzz input: see the layout above.
inline int fuzz_monitor(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  monitor::Monitor m(small_monitor_config());
  std::vector<trace::Event> events;
  net::Time now = net::Time::from_ns(1000000000);
  std::vector<std::uint8_t> frame;
  for (std::uint64_t n = 1; n <= kFuzzMaxMonitorFrames && !in.empty(); ++n) {
    const std::size_t len = in.u16() % 1600U;
    now += net::Duration::milliseconds(in.u8());
    const auto bytes = in.bytes(len);
    frame.assign(bytes.begin(), bytes.end());  // exactly sized: ASan sees overreads
    monitor::FrameIn f;
    f.data = frame;
    f.number = n;
    f.time = now;
    f.wire_len = static_cast<std::uint32_t>(len);
    events.clear();
    m.on_frame(f, events);
    check_monitor(m);
  }
  events.clear();
  m.finish(now + net::Duration::seconds(120), events);
  (void)m.connections();
  (void)m.udp_flows();
  return 0;
}

}  // namespace wirestate::fuzz
