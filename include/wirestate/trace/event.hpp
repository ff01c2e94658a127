#pragma once
// The one event vocabulary of wirestate (DESIGN.md): the simulator, the passive monitor
// and the checks all speak it, so the JSONL writer, the timeline, the ladder diagram and
// the expectations work the same on a scenario run and on a capture. Events are typed
// (connections as ConnRef, sides, states, rules and severities as enums): only the
// writers (JSONL, timeline, render/) make strings of them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "wirestate/arp/cache_event.hpp"
#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/side.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/tcp/state.hpp"
#include "wirestate/trace/alert_rule.hpp"
#include "wirestate/trace/conn_names.hpp"
#include "wirestate/trace/severity.hpp"

namespace wirestate::trace {

// A frame put on the wire (or read from a capture), or one the link lost.
struct PacketEvent {
  std::uint64_t number = 0;   // 1-based, in wire order
  std::string from;           // sending host's name (simulation) or address (capture)
  std::string to;             // receiving host's name, "*" for broadcast, or address
  std::string summary;        // one line in tcpdump -nn style
  std::uint32_t length = 0;   // bytes on the wire
  bool dropped = false;       // lost on the link: never delivered
  std::string drop_reason;    // "loss", "mtu", ... when dropped
  bool malformed = false;
};

// Who reported a TCP state change: the endpoint itself (ground truth, simulation only)
// or the passive observer (inferred from packets).
enum class Origin { kEndpoint, kObserver };

// One side of one TCP connection changed state.
struct TcpStateEvent {
  ConnRef conn;
  net::Side side = net::Side::kClient;
  std::string host;           // the simulated host of that side; "" in a capture
  tcp::State from = tcp::State::kClosed;
  tcp::State to = tcp::State::kClosed;
  std::string cause;          // "connect", "rcv SYN,ACK seq 1 ack 1", "timer TIME_WAIT", ...
  Origin origin = Origin::kEndpoint;
  std::uint64_t packet = 0;   // the packet that caused it, 0 when none did

  // The endpoint of the side that changed.
  net::Endpoint endpoint() const { return conn.endpoint(side); }
};

// An ARP cache entry of a simulated host changed.
struct ArpCacheEvent {
  std::string host;
  net::Ipv4Addr ip;
  std::optional<net::MacAddr> old_mac;
  std::optional<net::MacAddr> new_mac;
  std::optional<arp::EntryState> old_state;  // nullopt: the entry did not exist
  std::optional<arp::EntryState> new_state;  // nullopt: the entry is gone
  arp::Cause cause = arp::Cause::kResolve;
};

// A security alert (ARP spoofing, overlapping fragments, ...).
struct AlertEvent {
  AlertRule rule = arp::Rule::kNewStation;
  Severity severity = Severity::kInfo;
  std::optional<net::IpAddr> ip;
  std::optional<net::MacAddr> old_mac;
  std::optional<net::MacAddr> new_mac;
  std::string message;
  std::uint64_t packet = 0;
};

// A protocol anomaly in Wireshark's or Zeek's vocabulary (retransmission, malformed, ...).
struct AnomalyEvent {
  std::string name;
  std::optional<ConnRef> conn;  // the TCP connection it is about, if one
  std::string subject;          // else what it is about ("a > b id 0x1 proto 17"), or ""
  std::string detail;
  std::uint64_t packet = 0;
};

// What an application did or was told (listen, connect, send, delivered, error, ...).
struct AppEvent {
  std::string host;
  std::string action;
  std::optional<ConnRef> conn;  // the connection it concerns, if one
  std::string detail;
};

// The outcome of one expectation.
struct VerdictEvent {
  std::string expectation;
  bool pass = false;
  std::string detail;
};

using Body = std::variant<PacketEvent, TcpStateEvent, ArpCacheEvent, AlertEvent, AnomalyEvent,
                          AppEvent, VerdictEvent>;

// One event at one point in (virtual or captured) time.
struct Event {
  net::Time time;
  Body body;
};

// The kind's stable name: packet, tcp_state, arp_cache, alert, anomaly, app, verdict.
std::string_view kind_name(const Event& event);

// "endpoint" or "observer".
std::string_view to_string(Origin origin);

}  // namespace wirestate::trace
