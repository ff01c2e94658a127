#pragma once
// The vocabulary of the passive TCP observer: what it is fed (ObservedSegment), what it
// reports (ObserverEvent, ConnectionSummary) and its limits (ObserverConfig).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wirestate/net/endpoint.hpp"
#include "wirestate/net/flow_key.hpp"
#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/side.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/tcp/state.hpp"
#include "wirestate/wire/tcp_repr.hpp"

namespace wirestate::tcp {

// One TCP segment as captured: the parsed header plus what the IP layer (either family)
// knew. Owned values only, so both the capture decoder and the simulator can build it.
struct ObservedSegment {
  net::IpAddr src;
  net::IpAddr dst;
  wire::TcpRepr tcp;
  std::uint32_t payload_len = 0;   // TCP payload bytes (from the IP total length)
  bool checksum_bad = false;       // the checksum was verified, is wrong, and the segment moves no state
  // The checksum was verified and is wrong, but the segment still counts for state
  // inference: as Wireshark and tcpdump do, since a capture taken on the sending host sees
  // segments before the NIC fills the checksum in (offload).
  bool checksum_flagged = false;
  std::uint64_t packet = 0;        // capture packet number (1-based, like frame.number)
  net::Time time;
};

// Which endpoint: the client sent the first SYN (with no SYN seen: the first packet).
using ConnSide = net::Side;
using net::to_string;

// Per-packet anomalies. The first thirteen use Wireshark's tcp.analysis vocabulary and
// rules; the rest are the observer's own findings.
enum class Anomaly : std::uint8_t {
  kRetransmission,          // tcp.analysis.retransmission
  kFastRetransmission,      // tcp.analysis.fast_retransmission
  kSpuriousRetransmission,  // tcp.analysis.spurious_retransmission
  kOutOfOrder,              // tcp.analysis.out_of_order
  kLostSegment,             // tcp.analysis.lost_segment ("previous segment not captured")
  kAckedUnseen,             // tcp.analysis.ack_lost_segment
  kDuplicateAck,            // tcp.analysis.duplicate_ack
  kZeroWindow,              // tcp.analysis.zero_window
  kZeroWindowProbe,         // tcp.analysis.zero_window_probe
  kWindowFull,              // tcp.analysis.window_full
  kWindowUpdate,            // tcp.analysis.window_update
  kKeepAlive,               // tcp.analysis.keep_alive
  kReusedPorts,             // tcp.analysis.reused_ports
  kBadChecksum,             // the checksum does not verify (flagged; dropped only when enforced)
  kRstOutOfWindow,          // RST whose sequence number is outside the window (RFC 5961 §3.2)
  kLoneRst,                 // a RST for a connection never seen before (backscatter)
  kSynAckIsnChanged,        // a retransmitted SYN-ACK carried a different ISN
  kSynRetransmission,       // the same SYN (same ISN) seen again
  kRstNotExact,             // RST inside the window but not at RCV.NXT: challenged, not obeyed (RFC 5961 §3.2)
  kRevived,                 // an endpoint inferred closed sent new data or ACKs: the close is withdrawn
};

// Number of Anomaly values.
inline constexpr std::size_t kAnomalyCount = 20;

// The snake_case name; for the Wireshark ones, the tcp.analysis field suffix.
std::string_view to_string(Anomaly anomaly) noexcept;

// What an ObserverEvent reports.
enum class ObserverEventKind : std::uint8_t {
  kNewConnection,  // a connection entered the table
  kTransition,     // one endpoint's inferred state changed
  kAnomaly,        // a packet raised an anomaly
  kEvicted,        // a connection left the table to respect the cap
  kRetired,        // a connection left the table because its ports were reused
};

// "new_connection", "transition", "anomaly", "evicted", "retired".
std::string_view to_string(ObserverEventKind kind) noexcept;

// One thing the observer inferred, tied to the packet that caused it.
struct ObserverEvent {
  ObserverEventKind kind = ObserverEventKind::kTransition;
  std::uint64_t connection = 0;  // connection id (1, 2, ... in order of creation)
  ConnSide side = ConnSide::kClient;  // transition: whose state; anomaly: who sent the packet
  State from = State::kClosed;
  State to = State::kClosed;
  Anomaly anomaly = Anomaly::kRetransmission;  // kind == kAnomaly only
  std::uint64_t packet = 0;  // the packet that caused it (0: a timer, e.g. 2·MSL)
  net::Time time;            // that packet's time (or the timer's)
  std::string_view cause;    // a static description ("SYN sent", "FIN received", ...)
};

// Totals of one direction of a connection.
struct DirectionStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  // TCP payload bytes
};

// Everything the observer knows about one connection.
struct ConnectionSummary {
  std::uint64_t id = 0;
  net::Endpoint client;
  net::Endpoint server;
  bool partial = false;       // the capture started after the handshake (no SYN seen)
  std::vector<State> client_states;  // the client's path, from the first state it was seen in
  std::vector<State> server_states;  // likewise for the server
  DirectionStats client_to_server;
  DirectionStats server_to_client;
  std::optional<net::Duration> handshake_rtt;  // first SYN to the ACK of the SYN-ACK
  net::Time first_seen;
  net::Time last_seen;
  std::uint64_t first_packet = 0;
  std::uint64_t last_packet = 0;
  std::array<std::uint32_t, kAnomalyCount> anomalies{};  // count per Anomaly
  std::string conn_state;  // Zeek's conn_state (S0, S1, SF, REJ, ...)
  std::string history;     // Zeek's history string

  // duration = last_seen - first_seen.
  net::Duration duration() const noexcept { return last_seen - first_seen; }
  // The connection's identity (either order of client and server gives the same key).
  net::FlowKey key() const noexcept { return {client, server}; }
  // The side none of whose segments was captured (a tap on one direction, asymmetric
  // routing): its states are only what the other side's sequence and ACK numbers prove.
  std::optional<ConnSide> unseen() const noexcept {
    if (client_to_server.packets == 0) return ConnSide::kClient;
    if (server_to_client.packets == 0) return ConnSide::kServer;
    return std::nullopt;
  }
  // Count of one anomaly kind.
  std::uint32_t count(Anomaly a) const noexcept { return anomalies[static_cast<std::size_t>(a)]; }
};

// Limits and timers of the observer.
struct ObserverConfig {
  std::size_t max_connections = 65536;  // table cap; evicts closed, then idle, first
  net::Duration msl = net::Duration::seconds(30);  // TIME_WAIT lasts 2·MSL (RFC 9293 §3.4.2)
  // Wireshark's out-of-order threshold when no handshake RTT is known.
  net::Duration out_of_order_threshold = net::Duration::milliseconds(3);
};

// Running totals of the observer.
struct ObserverCounters {
  std::uint64_t segments = 0;
  std::uint64_t connections = 0;        // created
  std::uint64_t evicted_closed = 0;     // evicted while both sides were closed
  std::uint64_t evicted_idle = 0;       // evicted while still open (longest idle first)
  std::uint64_t retired_reused = 0;     // replaced by a new connection on the same ports
  std::uint64_t bad_checksum = 0;
  std::size_t peak_connections = 0;
};

}  // namespace wirestate::tcp
