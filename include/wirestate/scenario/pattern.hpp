#pragma once
// Packet patterns in the spirit of packetdrill and tcpdump, parsed once at load time:
//
//   "client > server S"
//   "server > client S. seq 0 ack 1 win 65535 <mss 1460,sackOK,nop,wscale 7>"
//   "client:40000 > server:8000 P. seq 1:6 ack 1 length 5"
//   "* > server R"                  "client > server udp length 5"
//   "attacker > * arp reply 10.0.0.2 is-at 02:00:00:00:00:66"
//   "client > * arp who-has 10.0.0.2"      "client > server icmp echo-request"
//
// Grammar: SRC '>' DST KIND FIELD*, where SRC/DST is a host name, a dotted IP or '*',
// optionally ':' port. KIND is a TCP flag string made of S F R P U E W '.' in any order
// (or "none"), or udp, arp, icmp. TCP fields: seq N | seq N:M, ack N, win N, length N,
// <option,...> with options mss N, wscale N, sackOK, TS [val N ecr N], sack N:M [N:M...],
// nop, eol (nop/eol are accepted and ignored). seq/ack are relative to each side's initial
// sequence number, as tcpdump prints them. Unmentioned fields match anything.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/wire/tcp_repr.hpp"

namespace wirestate::scenario {

// One end of a pattern: a named host, an IP, or anything; optionally a port.
struct PatternEnd {
  std::optional<std::string> host;  // a host name (checked against the scenario's hosts)
  std::optional<net::Ipv4Addr> ip;  // a literal address
  std::optional<std::uint16_t> port;
  bool any() const noexcept { return !host && !ip; }
};

// TCP options a pattern requires (each set field must match; sack_ok/ts true must be present,
// and when `exact` the segment may carry no other option).
struct PatternTcpOptions {
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> wscale;
  bool sack_ok = false;
  bool ts = false;
  std::optional<wire::TcpTimestamps> ts_values;
  std::vector<wire::SackBlock> sack;
  bool exact = true;  // a <...> list names all options the segment carries
};

struct PacketPattern {
  enum class Kind : std::uint8_t { kTcp, kUdp, kArp, kIcmp };
  enum class ArpKind : std::uint8_t { kAny, kWhoHas, kReply };
  enum class IcmpKind : std::uint8_t { kAny, kEchoRequest, kEchoReply, kPortUnreachable, kUnreachable };

  std::string text;  // as written, for messages
  PatternEnd src;
  PatternEnd dst;
  Kind kind = Kind::kTcp;
  // TCP
  wire::TcpFlags flags;  // the exact flag set
  std::optional<std::uint32_t> seq;
  std::optional<std::uint32_t> seq_end;  // "seq N:M": M = N + length
  std::optional<std::uint32_t> ack;
  std::optional<std::uint16_t> win;
  std::optional<PatternTcpOptions> options;
  // TCP and UDP payload length
  std::optional<std::uint32_t> length;
  // ARP
  ArpKind arp = ArpKind::kAny;
  std::optional<net::Ipv4Addr> arp_ip;    // who-has IP / reply IP
  std::optional<net::Ipv4Addr> arp_tell;  // who-has IP tell IP
  std::optional<net::MacAddr> arp_mac;    // reply ... is-at MAC
  // ICMP
  IcmpKind icmp = IcmpKind::kAny;
};

// Why a pattern string did not parse: what was expected (quoting the whole pattern) and
// the word found instead.
struct PatternError {
  std::string expected;  // "TCP flags (S F R P U E W . or none) or udp/arp/icmp in \"a > b SYN\""
  std::string got;       // "\"SYN\"" (or "the end")
  std::string to_string() const { return "expected " + expected + ", got " + got; }
};

// Parses one pattern string.
tl::expected<PacketPattern, PatternError> parse_pattern(std::string_view text);

// Parses tcpdump/packetdrill flag letters in any order: S F R P U E W and '.' for ACK
// (each at most once), or "none". nullopt when the text is not such a string.
std::optional<wire::TcpFlags> parse_tcp_flags(std::string_view text);

}  // namespace wirestate::scenario
