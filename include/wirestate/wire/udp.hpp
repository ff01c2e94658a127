#pragma once
// UDP (RFC 768): a zero-copy view, checksum verification (zero means none) and a builder.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/ipv6_addr.hpp"
#include "wirestate/wire/error.hpp"

namespace wirestate::wire {

// A UDP header. parse() checks: 8 bytes present (kTruncated) and length >= 8
// (kBadUdpLength). A length beyond the bytes given is allowed: payload() is cut and
// is_cut() says so (decode() decides whether that is a capture cut or a malformation).
class UdpView {
 public:
  static constexpr std::size_t kHeaderLen = 8;
  static constexpr std::size_t kLengthOffset = 4;

  static tl::expected<UdpView, Error> parse(net::Bytes datagram) noexcept;

  std::uint16_t src_port() const noexcept { return net::load_be16(bytes_.data()); }
  std::uint16_t dst_port() const noexcept { return net::load_be16(bytes_.data() + 2); }
  std::uint16_t length() const noexcept { return net::load_be16(bytes_.data() + 4); }
  std::uint16_t checksum() const noexcept { return net::load_be16(bytes_.data() + 6); }
  // The payload: length - 8 bytes, cut at the bytes given.
  net::Bytes payload() const noexcept;
  // True when length runs past the bytes given.
  bool is_cut() const noexcept { return length() > bytes_.size(); }

  // RFC 768: checksum 0 means none (kUnverified); a cut datagram is kUnverified. Over IPv6
  // (RFC 8200 §8.1) a zero checksum is not allowed: it is kBad.
  ChecksumStatus verify_checksum(net::Ipv4Addr src, net::Ipv4Addr dst) const noexcept;
  ChecksumStatus verify_checksum(const net::Ipv6Addr& src, const net::Ipv6Addr& dst) const noexcept;
  ChecksumStatus verify_checksum(const net::IpAddr& src, const net::IpAddr& dst) const noexcept {
    return src.is_v4() ? verify_checksum(src.v4(), dst.v4()) : verify_checksum(src.v6(), dst.v6());
  }

 private:
  ChecksumStatus verify_with_pseudo(std::uint64_t pseudo) const noexcept;
  explicit UdpView(net::Bytes b) noexcept : bytes_(b) {}
  net::Bytes bytes_;
};

// A UDP header in owned form (the builder derives length and checksum).
struct UdpRepr {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  bool operator==(const UdpRepr&) const = default;
};

// The owned form of a parsed header.
UdpRepr to_repr(const UdpView& view) noexcept;

// Writes header + payload into out (out.size() >= 8 + payload.size()); length and the
// checksum over the pseudo-header are computed (a computed 0 is sent as 0xffff, RFC 768).
// With compute_checksum false the checksum field is 0 (none). Returns the bytes written.
std::size_t emit_udp(const UdpRepr& repr, net::Bytes payload, const net::IpAddr& src, const net::IpAddr& dst,
                     net::MutableBytes out, bool compute_checksum = true) noexcept;

// emit_udp into a new vector.
std::vector<std::uint8_t> build_udp(const UdpRepr& repr, net::Bytes payload, const net::IpAddr& src,
                                    const net::IpAddr& dst, bool compute_checksum = true);

}  // namespace wirestate::wire
