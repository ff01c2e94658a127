#pragma once
// ARP (RFC 826): a zero-copy view of the generic header and its addresses, the check
// that it is Ethernet/IPv4, and the builder for ArpRepr.
#include <cstddef>
#include <cstdint>
#include <optional>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"
#include "wirestate/wire/arp_repr.hpp"
#include "wirestate/wire/error.hpp"

namespace wirestate::wire {

// The generic ARP header (htype, ptype, hlen, plen, op) and, when they fit, the four
// variable-length addresses.
class ArpView {
 public:
  static constexpr std::size_t kFixedLen = 8;
  static constexpr std::size_t kEthIpv4Len = 28;
  static constexpr std::uint16_t kHtypeEthernet = 1;
  static constexpr std::uint16_t kPtypeIpv4 = 0x0800;

  // Needs the 8-byte generic header, else Error::kTruncated. The addresses are not
  // required here (see addresses_present() and check()).
  static tl::expected<ArpView, Error> parse(net::Bytes bytes) noexcept;

  std::uint16_t htype() const noexcept { return net::load_be16(bytes_.data()); }
  std::uint16_t ptype() const noexcept { return net::load_be16(bytes_.data() + 2); }
  std::uint8_t hlen() const noexcept { return bytes_[4]; }
  std::uint8_t plen() const noexcept { return bytes_[5]; }
  std::uint16_t op() const noexcept { return net::load_be16(bytes_.data() + 6); }

  // Bytes the packet needs: 8 + 2 * (hlen + plen).
  std::size_t packet_len() const noexcept { return kFixedLen + 2 * (std::size_t{hlen()} + plen()); }
  // True when all four addresses are inside the captured bytes.
  bool addresses_present() const noexcept { return bytes_.size() >= packet_len(); }
  // The addresses; empty spans when !addresses_present().
  net::Bytes sender_hw() const noexcept { return address(0, hlen()); }
  net::Bytes sender_proto() const noexcept { return address(hlen(), plen()); }
  net::Bytes target_hw() const noexcept { return address(std::size_t{hlen()} + plen(), hlen()); }
  net::Bytes target_proto() const noexcept { return address(2 * std::size_t{hlen()} + plen(), plen()); }

  // True for htype 1, ptype 0x0800, hlen 6, plen 4 with all addresses present.
  bool is_ethernet_ipv4() const noexcept;
  // The first problem with this packet as Ethernet/IPv4 ARP, in this order:
  // kUnsupportedHardware (htype != 1), kUnsupportedProtocol (ptype != 0x0800),
  // kBadHardwareLength (hlen != 6), kBadProtocolLength (plen != 4), kTruncated.
  std::optional<Error> check() const noexcept;
  // Byte offset (from the start of the ARP header) of the field check() complains about.
  static std::size_t field_offset(Error e) noexcept;
  // The owned form, or check()'s error.
  tl::expected<ArpRepr, Error> to_repr() const noexcept;

  net::Bytes bytes() const noexcept { return bytes_; }

 private:
  explicit ArpView(net::Bytes b) noexcept : bytes_(b) {}
  net::Bytes address(std::size_t at, std::size_t len) const noexcept {
    return addresses_present() ? bytes_.subspan(kFixedLen + at, len) : net::Bytes{};
  }
  net::Bytes bytes_;
};

// Writes the 28-byte Ethernet/IPv4 ARP packet for repr into out (out must hold 28 bytes).
// Returns the number of bytes written.
std::size_t emit_arp(const ArpRepr& repr, net::MutableBytes out) noexcept;

}  // namespace wirestate::wire
