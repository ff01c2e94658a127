#pragma once
// Expectations on what a passive monitor saw (a capture, or a scenario's wire): the
// expectation file of `wirestate check` for captures, and the named presets usable on any
// target. Connections are chosen by index (0 = the first seen) or by a selector (see
// ConnSelector): an address of either family ("10.0.0.1", "2001:db8::1": either end), an
// endpoint ("10.0.0.1:40000", "[2001:db8::1]:40000": either end), or both endpoints
// ("10.0.0.1:40000-10.0.0.2:80", "[2001:db8::1]:40000-[2001:db8::2]:80": client first).
// State paths are written as in scenarios: from the first state after CLOSED.
//
//   {"expect": [
//     {"conn": 0, "side": "client", "states": ["SYN_SENT", "ESTABLISHED", ...]},
//     {"conn": "10.77.0.1:34216", "final": {"client": "TIME_WAIT", "server": "CLOSED"}},
//     {"conn": 0, "conn_state": "SF"}, {"conn": 0, "history": "ShADadFf"},
//     {"conn": 0, "bytes": {"client": 18, "server": 24}},
//     {"anomalies": {"retransmission": 0}}, {"conn": 0, "anomalies": {"duplicate_ack": 2}},
//     {"alerts": "none"}, {"alerts": [{"rule": "mac_changed", "ip": "10.77.0.2"}]},
//     {"connections": 1}
//   ]}
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "wirestate/arp/alert.hpp"
#include "wirestate/ndp/alert.hpp"
#include "wirestate/check/verdict.hpp"
#include "wirestate/tcp/observer_types.hpp"

namespace wirestate::check {

// A connection selector, parsed once: compared as typed addresses and endpoints, so
// "2001:db8:0::1" and "2001:db8::1" select the same host.
struct ConnSelector {
  enum class Kind : std::uint8_t { kAddress, kEndpoint, kPair };
  Kind kind = Kind::kAddress;
  net::IpAddr addr;      // kAddress
  net::Endpoint client;  // kEndpoint (either end), kPair (the client)
  net::Endpoint server;  // kPair

  // "addr", "addr:port" / "[v6]:port", or "endpoint-endpoint"; the error says what was expected.
  static tl::expected<ConnSelector, std::string> parse(std::string_view text);
  // True when the connection is the one (or one of those) selected.
  bool matches(const tcp::ConnectionSummary& c) const noexcept;
};

// What a monitor saw: the connections (with both sides' paths), the ARP and the NDP alerts.
struct Observation {
  std::vector<tcp::ConnectionSummary> connections;
  std::vector<arp::Alert> alerts;
  std::vector<ndp::Alert> ndp_alerts;
  std::uint64_t packets = 0;  // frames the monitor read (those a -f filter kept)
  std::string scope;          // what narrowed the connections ("--conn 10.0.0.9"); empty: nothing did
};

// The presets: "handshake", "clean-close", "no-rst", "no-retransmissions", "no-arp-alerts".
const std::vector<std::string>& preset_names();
bool is_preset(const std::string& name);
// One verdict for a preset, over every connection (and alert) observed. The TCP presets
// (all but no-arp-alerts) fail when no connection was observed, and no-arp-alerts when no
// packet was: they would hold on nothing.
// Likewise an "anomalies" expectation without "conn" fails on a capture without TCP.
Verdict evaluate_preset(const std::string& name, const Observation& seen);

// A parsed capture expectation file.
struct CaptureExpectations {
  struct Item {
    std::string pointer;  // "/expect/2"
    nlohmann::ordered_json spec;  // validated
  };
  std::vector<Item> items;
};

// Reads and validates an expectation file for captures; errors name the file, the JSON
// pointer (or line:column) and what was expected.
tl::expected<CaptureExpectations, std::string> load_capture_expectations(const std::string& path);

// One verdict per expectation.
std::vector<Verdict> evaluate(const CaptureExpectations& expectations, const Observation& seen);

}  // namespace wirestate::check
