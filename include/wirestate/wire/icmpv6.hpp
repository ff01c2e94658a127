#pragma once
// ICMPv6 (RFC 4443): a zero-copy view with checksum verification over the IPv6
// pseudo-header, echo fields, the packet-too-big MTU and parameter-problem pointer, the
// quoted packet of error messages; the owned Icmpv6Repr and its builder. NDP messages
// (RFC 4861) are read through wire/ndp.hpp; MLD messages are named here.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/ipv6_addr.hpp"
#include "wirestate/wire/error.hpp"
#include "wirestate/wire/icmp.hpp"
#include "wirestate/wire/ipv6.hpp"

namespace wirestate::wire {

// ICMPv6 message types (RFC 4443 §2.1, RFC 4861 §4, RFC 2710 and RFC 3810 for MLD).
struct Icmpv6Type {
  static constexpr std::uint8_t kDestUnreachable = 1;
  static constexpr std::uint8_t kPacketTooBig = 2;
  static constexpr std::uint8_t kTimeExceeded = 3;
  static constexpr std::uint8_t kParameterProblem = 4;
  static constexpr std::uint8_t kEchoRequest = 128;
  static constexpr std::uint8_t kEchoReply = 129;
  static constexpr std::uint8_t kMldQuery = 130;
  static constexpr std::uint8_t kMldReport = 131;
  static constexpr std::uint8_t kMldDone = 132;
  static constexpr std::uint8_t kRouterSolicitation = 133;
  static constexpr std::uint8_t kRouterAdvertisement = 134;
  static constexpr std::uint8_t kNeighborSolicitation = 135;
  static constexpr std::uint8_t kNeighborAdvertisement = 136;
  static constexpr std::uint8_t kRedirect = 137;
  static constexpr std::uint8_t kMldv2Report = 143;
};

// A stable snake_case name of a type ("echo_request", "neighbor_solicitation",
// "mld_report", ...; "type_N" is not returned: unknown types give "unknown").
std::string_view icmpv6_type_name(std::uint8_t type) noexcept;

// An ICMPv6 message. parse() needs the 4-byte header and the 4 bytes every message defined
// so far has after it (else kTruncated).
class Icmpv6View {
 public:
  static constexpr std::size_t kHeaderLen = 8;

  static tl::expected<Icmpv6View, Error> parse(net::Bytes message) noexcept;

  std::uint8_t type() const noexcept { return bytes_[0]; }
  std::uint8_t code() const noexcept { return bytes_[1]; }
  std::uint16_t checksum() const noexcept { return net::load_be16(bytes_.data() + 2); }
  std::uint32_t rest_of_header() const noexcept { return net::load_be32(bytes_.data() + 4); }

  // RFC 4443 §2.1: types 0-127 are errors, 128-255 informational.
  bool is_error() const noexcept { return type() < 128; }
  bool is_echo() const noexcept {
    return type() == Icmpv6Type::kEchoRequest || type() == Icmpv6Type::kEchoReply;
  }
  bool is_ndp() const noexcept {
    return type() >= Icmpv6Type::kRouterSolicitation && type() <= Icmpv6Type::kRedirect;
  }
  bool is_mld() const noexcept {
    return (type() >= Icmpv6Type::kMldQuery && type() <= Icmpv6Type::kMldDone) || type() == Icmpv6Type::kMldv2Report;
  }
  std::uint16_t echo_id() const noexcept { return net::load_be16(bytes_.data() + 4); }
  std::uint16_t echo_seq() const noexcept { return net::load_be16(bytes_.data() + 6); }
  // Packet Too Big (RFC 4443 §3.2): the next-hop MTU.
  std::uint32_t mtu() const noexcept { return rest_of_header(); }
  // Parameter Problem (RFC 4443 §3.4): offset of the offending octet in the quoted packet.
  std::uint32_t pointer() const noexcept { return rest_of_header(); }
  // Everything after the 8 bytes (echo data, the quoted packet of an error, NDP body).
  net::Bytes data() const noexcept { return bytes_.subspan(kHeaderLen); }
  net::Bytes bytes() const noexcept { return bytes_; }

  // An error's quoted packet ("as much of invoking packet as possible without the ICMPv6
  // packet exceeding the minimum IPv6 MTU", RFC 4443 §3) as a view, or why not.
  tl::expected<Ipv6View, Error> quoted_ipv6() const noexcept;
  // Ports of a quoted TCP or UDP header, found past the quoted extension headers.
  std::optional<QuotedPorts> quoted_ports() const noexcept;

  // RFC 4443 §2.3: the checksum over the pseudo-header and the whole message; kUnverified
  // when message_length (what the IPv6 header declares) is more than the bytes captured.
  ChecksumStatus verify_checksum(const net::Ipv6Addr& src, const net::Ipv6Addr& dst,
                                 std::size_t message_length) const noexcept;

 private:
  explicit Icmpv6View(net::Bytes b) noexcept : bytes_(b) {}
  net::Bytes bytes_;
};

// An ICMPv6 message in owned form: the 4 bytes after the checksum and the rest.
struct Icmpv6Repr {
  std::uint8_t type = Icmpv6Type::kEchoRequest;
  std::uint8_t code = 0;
  std::uint32_t rest_of_header = 0;
  std::vector<std::uint8_t> data;
  bool operator==(const Icmpv6Repr&) const = default;

  static Icmpv6Repr echo_request(std::uint16_t id, std::uint16_t seq, std::vector<std::uint8_t> data);
  static Icmpv6Repr echo_reply(std::uint16_t id, std::uint16_t seq, std::vector<std::uint8_t> data);
  // quoted: the invoking packet from its IPv6 header on, cut by the caller to fit 1280 bytes.
  static Icmpv6Repr dest_unreachable(std::uint8_t code, std::vector<std::uint8_t> quoted);
  static Icmpv6Repr packet_too_big(std::uint32_t mtu, std::vector<std::uint8_t> quoted);
  static Icmpv6Repr time_exceeded(std::uint8_t code, std::vector<std::uint8_t> quoted);
  static Icmpv6Repr parameter_problem(std::uint8_t code, std::uint32_t pointer, std::vector<std::uint8_t> quoted);

  std::size_t len() const noexcept { return Icmpv6View::kHeaderLen + data.size(); }
  // Writes the message into out (out.size() >= len()) with its checksum over the IPv6
  // pseudo-header of src and dst. Returns len().
  std::size_t emit(net::MutableBytes out, const net::Ipv6Addr& src, const net::Ipv6Addr& dst) const noexcept;
};

// The owned form of a parsed message.
Icmpv6Repr to_repr(const Icmpv6View& view);

}  // namespace wirestate::wire
