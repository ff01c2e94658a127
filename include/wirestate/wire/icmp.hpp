#pragma once
// ICMP for IPv4 (RFC 792): a zero-copy view with checksum verification, echo fields, and
// the quoted IPv4 header + first 8 bytes of error messages; the owned IcmpRepr and builder.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"
#include "wirestate/wire/error.hpp"
#include "wirestate/wire/ipv4.hpp"

namespace wirestate::wire {

// ICMP message types wirestate interprets (RFC 792).
struct IcmpType {
  static constexpr std::uint8_t kEchoReply = 0;
  static constexpr std::uint8_t kDestUnreachable = 3;
  static constexpr std::uint8_t kSourceQuench = 4;
  static constexpr std::uint8_t kRedirect = 5;
  static constexpr std::uint8_t kEchoRequest = 8;
  static constexpr std::uint8_t kTimeExceeded = 11;
  static constexpr std::uint8_t kParameterProblem = 12;
};

// Source and destination ports read from the first 8 bytes a ICMP error quotes.
struct QuotedPorts {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
};

// An ICMP message. parse() needs the 8-byte header (type, code, checksum, 4 bytes of
// rest-of-header), else kTruncated.
class IcmpView {
 public:
  static constexpr std::size_t kHeaderLen = 8;

  static tl::expected<IcmpView, Error> parse(net::Bytes message) noexcept;

  std::uint8_t type() const noexcept { return bytes_[0]; }
  std::uint8_t code() const noexcept { return bytes_[1]; }
  std::uint16_t checksum() const noexcept { return net::load_be16(bytes_.data() + 2); }
  std::uint32_t rest_of_header() const noexcept { return net::load_be32(bytes_.data() + 4); }
  // Echo request/reply (RFC 792 "Echo or Echo Reply Message").
  bool is_echo() const noexcept {
    return type() == IcmpType::kEchoRequest || type() == IcmpType::kEchoReply;
  }
  std::uint16_t echo_id() const noexcept { return net::load_be16(bytes_.data() + 4); }
  std::uint16_t echo_seq() const noexcept { return net::load_be16(bytes_.data() + 6); }
  // Everything after the 8-byte header (echo data, or the quoted datagram of an error).
  net::Bytes data() const noexcept { return bytes_.subspan(kHeaderLen); }

  // Destination unreachable, source quench, redirect, time exceeded, parameter problem:
  // data() quotes the offending IPv4 header + at least 8 bytes of its payload.
  bool is_error() const noexcept;
  // The quoted IPv4 header as a view (its payload: the quoted first bytes), or why not.
  tl::expected<Ipv4View, Error> quoted_ipv4() const noexcept;
  // Ports of a quoted TCP or UDP header (needs 4 quoted payload bytes).
  std::optional<QuotedPorts> quoted_ports() const noexcept;

  // RFC 792: the checksum over the whole message; kUnverified when message_length (what
  // the IP header declares) is more than the bytes captured.
  ChecksumStatus verify_checksum(std::size_t message_length) const noexcept;
  ChecksumStatus verify_checksum() const noexcept { return verify_checksum(bytes_.size()); }

  net::Bytes bytes() const noexcept { return bytes_; }

 private:
  explicit IcmpView(net::Bytes b) noexcept : bytes_(b) {}
  net::Bytes bytes_;
};

// An ICMP message in owned form. rest_of_header holds id/seq for echo, the unused word
// (or next-hop MTU, RFC 1191) for errors; data is the echo data or the quoted datagram.
struct IcmpRepr {
  std::uint8_t type = IcmpType::kEchoRequest;
  std::uint8_t code = 0;
  std::uint32_t rest_of_header = 0;
  std::vector<std::uint8_t> data;
  bool operator==(const IcmpRepr&) const = default;

  static IcmpRepr echo_request(std::uint16_t id, std::uint16_t seq, std::vector<std::uint8_t> data);
  static IcmpRepr echo_reply(std::uint16_t id, std::uint16_t seq, std::vector<std::uint8_t> data);
  // quoted: the offending datagram's IPv4 header + first 8 payload bytes (RFC 792).
  static IcmpRepr dest_unreachable(std::uint8_t code, std::vector<std::uint8_t> quoted,
                                   std::uint16_t next_hop_mtu = 0);
  static IcmpRepr time_exceeded(std::uint8_t code, std::vector<std::uint8_t> quoted);

  std::size_t len() const noexcept { return 8 + data.size(); }
  // Writes the message into out (out.size() >= len()) with its checksum. Returns len().
  std::size_t emit(net::MutableBytes out) const noexcept;
};

// The owned form of a parsed message.
IcmpRepr to_repr(const IcmpView& view);

}  // namespace wirestate::wire
