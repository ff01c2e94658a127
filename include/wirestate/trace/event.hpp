#pragma once
// The one event vocabulary of wirestate (DESIGN.md): the simulator, the passive monitor
// and the checks all speak it, so the JSONL writer, the timeline, the ladder diagram and
// the expectations work the same on a scenario run and on a capture.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/tcp/state.hpp"

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
  std::string conn;           // scenario connection name, or "a.b.c.d:p-e.f.g.h:q"
  std::string side;           // "client" or "server"
  std::string host;           // host name or ip:port of that side
  tcp::State from = tcp::State::kClosed;
  tcp::State to = tcp::State::kClosed;
  std::string cause;          // "connect", "rcv SYN,ACK seq 1 ack 1", "timer TIME_WAIT", ...
  Origin origin = Origin::kEndpoint;
  std::uint64_t packet = 0;   // the packet that caused it, 0 when none did
};

// An ARP cache entry of a simulated host changed.
struct ArpCacheEvent {
  std::string host;
  net::Ipv4Addr ip;
  std::optional<net::MacAddr> old_mac;
  std::optional<net::MacAddr> new_mac;
  std::string old_state;      // INCOMPLETE, REACHABLE, STALE, PERMANENT, or "" (absent)
  std::string new_state;
  std::string cause;
};

// A security alert (ARP spoofing, overlapping fragments, ...).
struct AlertEvent {
  std::string rule;           // stable name: mac_changed, flip_flop, ...
  std::string severity;       // info, warning, critical
  std::optional<net::Ipv4Addr> ip;
  std::optional<net::MacAddr> old_mac;
  std::optional<net::MacAddr> new_mac;
  std::string message;
  std::uint64_t packet = 0;
};

// A protocol anomaly in Wireshark's or Zeek's vocabulary (retransmission, malformed, ...).
struct AnomalyEvent {
  std::string name;
  std::string conn;
  std::string detail;
  std::uint64_t packet = 0;
};

// What an application did or was told (listen, connect, send, delivered, error, ...).
struct AppEvent {
  std::string host;
  std::string action;
  std::string conn;
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
