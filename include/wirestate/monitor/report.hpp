#pragma once
// The analysis report: the one JSON document `wirestate analyze --json` prints (its
// keys are documented in docs/analyze-json.md) and the pieces it is made of.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "wirestate/monitor/monitor.hpp"

namespace wirestate::monitor {

// What the caller knows about the input beyond the monitor.
struct ReportSource {
  std::string file;                  // capture path (or interface name)
  std::string filter;                // BPF filter in force, "" for none
  std::optional<std::string> problem;  // why reading stopped early (truncated file, ...)
};

// One connection: client/server endpoints with their state paths, conn_state, history,
// packets, bytes, duration, handshake RTT and non-zero anomaly counts.
nlohmann::ordered_json to_json(const tcp::ConnectionSummary& c);
// One UDP flow.
nlohmann::ordered_json to_json(const UdpFlow& f);
// One ARP alert: rule, severity, ip, old_mac, new_mac, packet, message.
nlohmann::ordered_json to_json(const arp::Alert& a);
// One NDP alert, with the same keys.
nlohmann::ordered_json to_json(const ndp::Alert& a);

// The whole report of a finished monitor (call Monitor::finish() first).
nlohmann::ordered_json report_json(const Monitor& monitor, const ReportSource& source);

}  // namespace wirestate::monitor
