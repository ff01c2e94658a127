#pragma once
// Neighbor Discovery (RFC 4861) over ICMPv6: views of router solicitation/advertisement,
// neighbor solicitation/advertisement and redirect, a walker over their options that always
// advances (source/target link-layer address, prefix information, redirected header, MTU,
// RDNSS of RFC 8106), and builders for the messages a host sends.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/ipv6_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/wire/error.hpp"
#include "wirestate/wire/icmpv6.hpp"

namespace wirestate::wire {

// NDP option types (RFC 4861 §4.6, RFC 8106 §5.1 for RDNSS, RFC 8106 §5.2 for DNSSL,
// RFC 7527 / RFC 3971 for the nonce).
struct NdpOptionType {
  static constexpr std::uint8_t kSourceLinkAddr = 1;
  static constexpr std::uint8_t kTargetLinkAddr = 2;
  static constexpr std::uint8_t kPrefixInfo = 3;
  static constexpr std::uint8_t kRedirectedHeader = 4;
  static constexpr std::uint8_t kMtu = 5;
  static constexpr std::uint8_t kNonce = 14;
  static constexpr std::uint8_t kRdnss = 25;
  static constexpr std::uint8_t kDnssl = 31;
};

// One option as found in the message; bytes points into the packet.
struct NdpOption {
  std::uint8_t type = 0;
  std::uint8_t length_units = 0;  // the length field: 8-byte units, type and length included
  std::size_t offset = 0;         // from the start of the ICMPv6 message
  net::Bytes bytes;               // the whole option

  // The wrong-length problem of a known option (kBadOptionLength), or none: link-layer
  // address (on Ethernet) 1 unit, prefix information 4, MTU 1, RDNSS 3 + 2n.
  std::optional<Error> check() const noexcept;

  // Source/target link-layer address: the 6-byte Ethernet address (needs length 1).
  std::optional<net::MacAddr> link_addr() const noexcept;
  // Prefix information (RFC 4861 §4.6.2; needs length 4).
  std::uint8_t prefix_length() const noexcept { return bytes[2]; }
  bool on_link() const noexcept { return (bytes[3] & 0x80) != 0; }
  bool autonomous() const noexcept { return (bytes[3] & 0x40) != 0; }
  std::uint32_t valid_lifetime() const noexcept { return net::load_be32(bytes.data() + 4); }
  std::uint32_t preferred_lifetime() const noexcept { return net::load_be32(bytes.data() + 8); }
  net::Ipv6Addr prefix() const noexcept { return net::Ipv6Addr::from_bytes(bytes.data() + 16); }
  // MTU (RFC 4861 §4.6.4; needs length 1).
  std::uint32_t mtu() const noexcept { return net::load_be32(bytes.data() + 4); }
  // RDNSS (RFC 8106 §5.1; needs length >= 3): lifetime and the server addresses.
  std::uint32_t rdnss_lifetime() const noexcept { return net::load_be32(bytes.data() + 4); }
  std::size_t rdnss_count() const noexcept { return bytes.size() < 8 ? 0 : (bytes.size() - 8) / 16; }
  net::Ipv6Addr rdnss_address(std::size_t i) const noexcept {
    return net::Ipv6Addr::from_bytes(bytes.data() + 8 + 16 * i);
  }
  // Redirected header (RFC 4861 §4.6.3): the quoted packet after the 8-byte option header.
  net::Bytes redirected_packet() const noexcept { return bytes.subspan(8); }
};

// Walks the options: every next() consumes a whole option or stops; it stops at the end or at
// the first option with length 0 (kOptionLengthZero; RFC 4861 §4.6 says to discard the
// message) or running past the message (kOptionOverrun).
class NdpOptionWalker {
 public:
  // options: the bytes after the message's fixed part; base: their offset in the message.
  NdpOptionWalker(net::Bytes options, std::size_t base) noexcept : options_(options), base_(base) {}

  bool next(NdpOption& out) noexcept;
  std::optional<Error> error() const noexcept { return error_; }
  // Offset (from the message start) of the option that caused error().
  std::size_t error_offset() const noexcept { return base_ + pos_; }

 private:
  net::Bytes options_;
  std::size_t base_;
  std::size_t pos_ = 0;
  std::optional<Error> error_;
};

// An NDP message. parse() checks that the ICMPv6 type is one of 133-137 (kUnsupportedProtocol
// otherwise) and that the fixed part for its type is present (kTruncated): RS 8 bytes, RA 16,
// NS 24, NA 24, redirect 40. No getter reads past that fixed part: fields a type lacks are
// absent (target, destination) or 0.
class NdpView {
 public:
  static tl::expected<NdpView, Error> parse(const Icmpv6View& message) noexcept;
  // Size of the fixed part of a message of this type (0 for a type that is not NDP).
  static std::size_t fixed_len(std::uint8_t type) noexcept;

  std::uint8_t type() const noexcept { return bytes_[0]; }
  std::uint8_t code() const noexcept { return bytes_[1]; }

  // Router advertisement (§4.2).
  std::uint8_t cur_hop_limit() const noexcept { return bytes_[4]; }
  bool managed() const noexcept { return (bytes_[5] & 0x80) != 0; }
  bool other_config() const noexcept { return (bytes_[5] & 0x40) != 0; }
  // Default router preference (RFC 4191 §2.2): 1 high, 0 medium, 3 low, 2 reserved.
  std::uint8_t preference() const noexcept { return (bytes_[5] >> 3) & 0x03; }
  std::uint16_t router_lifetime() const noexcept { return net::load_be16(bytes_.data() + 6); }
  // Reachable time and retransmission timer: 0 on a message that is not an advertisement
  // (only that one is long enough to hold them).
  std::uint32_t reachable_time() const noexcept { return is_ra() ? net::load_be32(bytes_.data() + 8) : 0; }
  std::uint32_t retrans_timer() const noexcept { return is_ra() ? net::load_be32(bytes_.data() + 12) : 0; }
  // Neighbor advertisement flags (§4.4).
  bool router() const noexcept { return (bytes_[4] & 0x80) != 0; }
  bool solicited() const noexcept { return (bytes_[4] & 0x40) != 0; }
  bool override_flag() const noexcept { return (bytes_[4] & 0x20) != 0; }
  // The target address of a neighbor solicitation/advertisement or redirect (§4.3-4.5);
  // none for router messages.
  std::optional<net::Ipv6Addr> target() const noexcept {
    if (fixed_len(type()) < 24) return std::nullopt;
    return net::Ipv6Addr::from_bytes(bytes_.data() + 8);
  }
  // The destination address of a redirect (§4.5); none for the other messages.
  std::optional<net::Ipv6Addr> destination() const noexcept {
    if (type() != Icmpv6Type::kRedirect) return std::nullopt;
    return net::Ipv6Addr::from_bytes(bytes_.data() + 24);
  }

  NdpOptionWalker options() const noexcept {
    const std::size_t fixed = fixed_len(type());
    return NdpOptionWalker(bytes_.subspan(fixed), fixed);
  }
  // The first source (type 1) or target (type 2) link-layer address option with a valid
  // length, if any.
  std::optional<net::MacAddr> source_link_addr() const noexcept { return link_addr(NdpOptionType::kSourceLinkAddr); }
  std::optional<net::MacAddr> target_link_addr() const noexcept { return link_addr(NdpOptionType::kTargetLinkAddr); }

  net::Bytes bytes() const noexcept { return bytes_; }

 private:
  explicit NdpView(net::Bytes b) noexcept : bytes_(b) {}
  bool is_ra() const noexcept { return type() == Icmpv6Type::kRouterAdvertisement; }
  std::optional<net::MacAddr> link_addr(std::uint8_t type) const noexcept;
  net::Bytes bytes_;
};

// Builders for the NDP messages a host sends, as ICMPv6 messages ready to emit.
// Neighbor solicitation for target, with our link-layer address (omitted for DAD, whose
// source is ::, RFC 4862 §5.4.2).
Icmpv6Repr neighbor_solicitation(const net::Ipv6Addr& target, std::optional<net::MacAddr> source_link_addr);
// Neighbor advertisement for target with the R, S and O flags and our link-layer address.
Icmpv6Repr neighbor_advertisement(const net::Ipv6Addr& target, bool router, bool solicited, bool override_flag,
                                  std::optional<net::MacAddr> target_link_addr);
// Router solicitation with our link-layer address (omitted when the source is ::).
Icmpv6Repr router_solicitation(std::optional<net::MacAddr> source_link_addr);

// A prefix information option for a router advertisement.
struct NdpPrefixInfo {
  net::Ipv6Addr prefix;
  std::uint8_t prefix_length = 64;
  bool on_link = true;
  bool autonomous = true;
  std::uint32_t valid_lifetime = 2592000;     // RFC 4861 §6.2.1 default: 30 days
  std::uint32_t preferred_lifetime = 604800;  // 7 days
};

// The fixed fields of a router advertisement and the options it may carry.
struct RouterAdvertisement {
  std::uint8_t cur_hop_limit = 64;
  bool managed = false;
  bool other_config = false;
  std::uint8_t preference = 0;           // RFC 4191: 0 medium
  std::uint16_t router_lifetime = 1800;  // seconds
  std::uint32_t reachable_time = 0;      // ms, 0 = unspecified
  std::uint32_t retrans_timer = 0;       // ms, 0 = unspecified
  std::optional<net::MacAddr> source_link_addr;
  std::optional<std::uint32_t> mtu;
  std::vector<NdpPrefixInfo> prefixes;
  std::vector<net::Ipv6Addr> rdnss;      // RFC 8106 servers
  std::uint32_t rdnss_lifetime = 1800;
};
Icmpv6Repr router_advertisement(const RouterAdvertisement& ra);

}  // namespace wirestate::wire
