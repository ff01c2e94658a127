#pragma once
// A scenario as plain data: what scenario::load_file() produces after validating every
// field (see docs/scenario-format.md for the JSON). Everything here is already checked:
// host names in steps and expectations exist, connection names were defined by an
// earlier "as", addresses are parsed, numbers are in range. The runner only executes it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/side.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/scenario/pattern.hpp"
#include "wirestate/tcp/state.hpp"
#include "wirestate/trace/alert_rule.hpp"
#include "wirestate/wire/arp_repr.hpp"
#include "wirestate/wire/frame_builder.hpp"
#include "wirestate/wire/ipv4.hpp"
#include "wirestate/wire/tcp_repr.hpp"
#include "wirestate/wire/udp.hpp"

namespace wirestate::scenario {

// ---------------------------------------------------------------------------------------
// Hosts

// TCP tunables a host overrides; unset fields keep tcp::Config's defaults.
struct TcpParams {
  std::optional<std::uint32_t> window;          // receive buffer = advertised window, bytes
  std::optional<std::uint32_t> send_buffer;     // bytes
  std::optional<std::uint16_t> mss;             // our MSS option
  std::optional<std::uint8_t> wscale;           // our window-scale shift, 0..14
  std::optional<bool> window_scaling;           // false: no window-scale option ("wscale": false)
  std::optional<bool> sack;
  std::optional<bool> timestamps;
  std::optional<net::Duration> msl;             // TIME_WAIT lasts 2*msl
  std::optional<net::Duration> rto_initial;
  std::optional<net::Duration> rto_min;
  std::optional<net::Duration> rto_max;
  std::optional<std::uint32_t> syn_retries;
  std::optional<std::uint32_t> synack_retries;
  std::optional<std::uint32_t> retries;         // data/FIN retransmissions
  std::optional<bool> delayed_ack;
  std::optional<net::Duration> delayed_ack_timeout;
  std::optional<std::uint32_t> initial_cwnd;    // segments
  std::optional<std::uint32_t> isn;             // fixed initial sequence number (else random)
  std::optional<std::uint32_t> max_connections; // bound on the host's connection table
};

// ARP tunables a host overrides; unset fields keep arp's defaults.
struct ArpParams {
  std::optional<net::Duration> reachable_time;  // an entry's life after confirmation
  std::optional<net::Duration> retry_interval;  // between unanswered requests
  std::optional<std::uint32_t> retries;         // requests before resolution fails
  std::optional<std::uint32_t> max_entries;     // bound on the cache
  bool probe = false;     // RFC 5227 §2.1: probe for our own address at start-up
  bool announce = false;  // RFC 5227 §2.3: announce it (gratuitous ARP) at start-up
  // Static (permanent) entries, in file order.
  std::vector<std::pair<net::Ipv4Addr, net::MacAddr>> static_entries;
};

// One simulated host with one NIC on the segment.
struct Host {
  std::string name;          // the key in "hosts"
  std::string description;   // optional
  net::MacAddr mac;
  net::Ipv4Addr ip;
  int prefix_len = 24;       // from "netmask" (contiguous) or "prefix"; default /24
  TcpParams tcp;
  ArpParams arp;
};

// ---------------------------------------------------------------------------------------
// The link

// Settings of the link; unset fields keep the previous value (the defaults of
// sim::LinkParams for the initial link, the current value for a link change).
struct LinkSettings {
  std::optional<net::Duration> latency;
  std::optional<net::Duration> jitter;
  std::optional<double> loss;          // 0..1
  std::optional<double> duplicate;     // 0..1
  std::optional<double> reorder;       // 0..1
  std::optional<net::Duration> reorder_delay;
  std::optional<std::uint64_t> bandwidth_bps;  // "100Mbit" -> 100000000
  std::optional<std::uint32_t> mtu;            // 68..65535
  std::optional<std::uint32_t> queue;          // sender queue limit in frames
};

// Settings for one direction: frames sent by `from` (and received by `to`, when given).
struct LinkDirection {
  std::string from;
  std::optional<std::string> to;  // none: towards every other host
  LinkSettings settings;
};

// The whole link: symmetric settings plus per-direction overrides (applied on top).
struct LinkSpec {
  LinkSettings settings;
  std::vector<LinkDirection> directions;
};

// ---------------------------------------------------------------------------------------
// Steps

// Where a connection or datagram goes: a host's address (host set) or a bare IP.
struct Target {
  std::optional<std::string> host;  // set when written as "host:port" / "host"
  net::Ipv4Addr ip;                 // the host's IP, or the literal one
  std::uint16_t port = 0;           // 0 where no port applies (ping)
};

// Data to send or expect: text (UTF-8 bytes), hex, or a byte count.
struct Payload {
  enum class Kind : std::uint8_t { kText, kHex, kCount };
  Kind kind = Kind::kText;
  std::vector<std::uint8_t> bytes;  // for kText and kHex
  std::uint64_t count = 0;          // for kCount
  // For a sent kCount: the generated stream (net/payload_stream.hpp) it is cut from, one
  // per scenario seed and direction of a connection or UDP flow, and where in it it
  // starts (the bytes that direction sent before). Set by the loader.
  std::uint64_t stream_key = 0;
  std::uint64_t stream_offset = 0;

  // The number of bytes.
  std::uint64_t size() const noexcept { return kind == Kind::kCount ? count : bytes.size(); }
  // The bytes themselves; a count yields bytes stream_offset .. stream_offset + count - 1
  // of stream stream_key.
  std::vector<std::uint8_t> materialize() const;
};

struct Listen { std::uint16_t port = 0; };
// An active open; `conn` names the connection for later steps and expectations.
struct Connect {
  Target to;
  std::string conn;
  std::optional<std::uint16_t> local_port;  // else an ephemeral port
};
struct Send { std::string conn; Payload data; };
struct Shutdown { std::string conn; };  // half-close: send FIN, keep receiving
struct Close { std::string conn; };
struct Abort { std::string conn; };     // RST
struct UdpBind { std::uint16_t port = 0; };
struct UdpSend {
  std::uint16_t from_port = 0;
  Target to;
  Payload data;
  std::optional<std::string> as;  // names the flow for "delivered"
};
struct Ping {
  Target to;  // port 0
  std::uint32_t count = 1;
  std::uint32_t size = 56;  // ICMP data bytes, as ping(8)
  net::Duration interval = net::Duration::seconds(1);
};
// A gratuitous ARP from the step's host; ip/mac override what it claims (spoofing).
struct GratuitousArp {
  wire::ArpOp op = wire::ArpOp::kRequest;  // RFC 5227 §2.3 announcements are requests
  std::optional<net::Ipv4Addr> ip;
  std::optional<net::MacAddr> mac;
};
// New link settings from this step's time on.
struct LinkChange { LinkSpec link; };

// A raw frame to put on the wire from the step's host's port, described field by field.
struct InjectFrame {
  wire::EthernetSpec eth;
  std::uint16_t ethertype = 0;              // from eth.type, else implied by the layer below
  std::optional<wire::ArpRepr> arp;
  std::optional<wire::Ipv4Repr> ip;         // protocol implied by tcp/udp unless given
  std::optional<wire::TcpRepr> tcp;
  std::optional<wire::UdpRepr> udp;
  wire::ChecksumOverrides checksums;        // given checksums; others are computed
  std::vector<std::uint8_t> payload;
};
struct Inject { InjectFrame frame; };

using Action = std::variant<Listen, Connect, Send, Shutdown, Close, Abort, UdpBind, UdpSend, Ping,
                            GratuitousArp, LinkChange, Inject>;

// The step's JSON key: "listen", "connect", ... (for timelines and messages).
std::string_view action_name(const Action& action) noexcept;

struct Step {
  net::Time at;          // absolute virtual time (relative "+5ms" already resolved)
  std::string host;      // empty for a link change
  Action action;
  std::string pointer;   // "/steps/3", for messages at run time
};

// ---------------------------------------------------------------------------------------
// Expectations

using Side = net::Side;
using net::to_string;

enum class ConnKind : std::uint8_t { kTcp, kUdp };

// What the loader knows about each named connection (defined by connect/udp_send "as").
struct ConnInfo {
  std::string name;
  ConnKind kind = ConnKind::kTcp;
  std::string client_host;                 // the host that connected / sent
  std::optional<std::string> server_host;  // the target host, when it is a named host
  Target target;
  std::string defined_at;                  // "/steps/1"
};

// The sequence of states one side went through (consecutive repeats collapse).
struct ExpectStates { std::string conn; Side side = Side::kClient; std::vector<tcp::State> states; };
// The state of one side at a time.
struct ExpectStateAt { std::string conn; Side side = Side::kClient; net::Time at; tcp::State state{}; };
// Data received by one side of a connection (or the receiver of a UDP flow).
struct ExpectDelivered {
  std::string conn;
  Side to = Side::kServer;
  Payload data;        // text/hex: exact bytes; count: that many bytes
  bool intact = true;  // for a count: the bytes must be the generated ones, in order
};
// One alert of the ARP spoof detector (or another rule).
struct AlertSpec {
  trace::AlertRule rule;
  std::optional<net::Ipv4Addr> ip;
  std::optional<net::MacAddr> mac;
};
// The exact set of alerts (empty: none at all).
struct ExpectAlerts { std::vector<AlertSpec> alerts; };
// ARP cache contents of a host at the end: MAC, or no entry (nullopt).
struct ExpectArpCache {
  std::string host;
  std::vector<std::pair<net::Ipv4Addr, std::optional<net::MacAddr>>> entries;
};
// The number of frames on the wire (optionally only those matching a pattern).
struct ExpectPackets {
  std::optional<std::uint64_t> count;
  std::optional<std::uint64_t> min;
  std::optional<std::uint64_t> max;
  std::optional<PacketPattern> match;
};
// Frames matching these patterns appear in this order (others may come between).
struct ExpectPattern { std::vector<PacketPattern> lines; };

using ExpectKind = std::variant<ExpectStates, ExpectStateAt, ExpectDelivered, ExpectAlerts,
                                ExpectArpCache, ExpectPackets, ExpectPattern>;

struct Expectation {
  ExpectKind what;
  std::string description;  // optional "description"
  std::string pointer;      // "/expect/2"
};

// ---------------------------------------------------------------------------------------

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  net::Duration duration;  // run at least until this time (0: until the queue drains)
  std::vector<Host> hosts;  // in file order
  LinkSpec link;
  std::vector<Step> steps;  // in time order (stable: file order for equal times)
  std::vector<Expectation> expect;
  std::map<std::string, ConnInfo> conns;  // every connection name defined by a step

  // The host with this name, or nullptr.
  const Host* find_host(std::string_view name) const noexcept;
};

}  // namespace wirestate::scenario
