#pragma once
// Ethernet II / 802.3 MAC header, 802.1Q/802.1ad VLAN tags and 802.2 LLC/SNAP: zero-copy
// views whose parse() checks the length once, so no getter reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <span>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/wire/error.hpp"

namespace wirestate::wire {

// EtherType values wirestate recognises.
struct EtherType {
  static constexpr std::uint16_t kIpv4 = 0x0800;
  static constexpr std::uint16_t kArp = 0x0806;
  static constexpr std::uint16_t kVlan = 0x8100;    // IEEE 802.1Q C-tag
  static constexpr std::uint16_t kQinQ = 0x88a8;    // IEEE 802.1ad S-tag
  static constexpr std::uint16_t kQinQOld = 0x9100; // pre-standard QinQ
  static constexpr std::uint16_t kIpv6 = 0x86dd;
  // IEEE 802.3 §3.2.6: a type/length field <= 1500 is a length, >= 0x0600 a type.
  static constexpr std::uint16_t kMaxLength = 1500;
};

// At most this many stacked VLAN tags are decoded; more is Error::kTooManyVlanTags.
inline constexpr std::size_t kMaxVlanTags = 8;

// True for the TPIDs that start a VLAN tag (0x8100, 0x88a8, 0x9100).
constexpr bool is_vlan_tpid(std::uint16_t type) noexcept {
  return type == EtherType::kVlan || type == EtherType::kQinQ || type == EtherType::kQinQOld;
}

// The 14-byte MAC header: destination, source, type/length (IEEE 802.3 §3.2).
class EthernetView {
 public:
  static constexpr std::size_t kHeaderLen = 14;
  static constexpr std::size_t kTypeOffset = 12;

  // Needs 14 bytes, else Error::kTruncated.
  static tl::expected<EthernetView, Error> parse(net::Bytes frame) noexcept;

  net::MacAddr dst() const noexcept { return net::MacAddr::from_bytes(bytes_.data()); }
  net::MacAddr src() const noexcept { return net::MacAddr::from_bytes(bytes_.data() + 6); }
  // The raw type/length field at offset 12 (a TPID when a VLAN tag follows).
  std::uint16_t type_or_length() const noexcept { return net::load_be16(bytes_.data() + 12); }
  // True when type_or_length() is an 802.3 length (<= 1500), i.e. LLC follows.
  bool is_8023_length() const noexcept { return type_or_length() <= EtherType::kMaxLength; }
  // Everything after the 14-byte header (tags, LLC or the network layer).
  net::Bytes payload() const noexcept { return bytes_.subspan(kHeaderLen); }
  // The whole frame this view was parsed from.
  net::Bytes bytes() const noexcept { return bytes_; }

 private:
  explicit EthernetView(net::Bytes b) noexcept : bytes_(b) {}
  net::Bytes bytes_;
};

// One 4-byte 802.1Q tag as it follows a TPID: TCI (PCP, DEI, VID) and the next type.
class VlanTagView {
 public:
  static constexpr std::size_t kTagLen = 4;

  // Needs 4 bytes (the TCI and the inner type), else Error::kTruncated.
  static tl::expected<VlanTagView, Error> parse(net::Bytes after_tpid) noexcept;

  std::uint16_t tci() const noexcept { return net::load_be16(bytes_.data()); }
  std::uint8_t pcp() const noexcept { return static_cast<std::uint8_t>(tci() >> 13); }
  bool dei() const noexcept { return (tci() & 0x1000) != 0; }
  std::uint16_t vid() const noexcept { return static_cast<std::uint16_t>(tci() & 0x0fff); }
  // The type/length that follows this tag (another TPID for stacked tags).
  std::uint16_t inner_type() const noexcept { return net::load_be16(bytes_.data() + 2); }
  net::Bytes payload() const noexcept { return bytes_.subspan(kTagLen); }

 private:
  explicit VlanTagView(net::Bytes b) noexcept : bytes_(b) {}
  net::Bytes bytes_;
};

// IEEE 802.2 LLC header, with the SNAP extension (RFC 1042) when DSAP = SSAP = 0xAA.
class LlcView {
 public:
  static constexpr std::size_t kLlcLen = 3;
  static constexpr std::size_t kSnapLen = 8;  // LLC(3) + OUI(3) + type(2)

  // Needs 3 bytes, and 8 when the header announces SNAP; else Error::kTruncated.
  static tl::expected<LlcView, Error> parse(net::Bytes after_length) noexcept;

  std::uint8_t dsap() const noexcept { return bytes_[0]; }
  std::uint8_t ssap() const noexcept { return bytes_[1]; }
  std::uint8_t control() const noexcept { return bytes_[2]; }
  // AA AA 03: a SNAP header follows.
  bool is_snap() const noexcept { return dsap() == 0xaa && ssap() == 0xaa && control() == 0x03; }
  // The 24-bit OUI (SNAP only; 0 otherwise).
  std::uint32_t oui() const noexcept;
  // RFC 1042: OUI 000000 carries an EtherType (SNAP only; 0 otherwise).
  std::uint16_t snap_type() const noexcept {
    return is_snap() ? net::load_be16(bytes_.data() + 6) : std::uint16_t{0};
  }
  // True when this is SNAP with OUI 000000, so snap_type() is an EtherType.
  bool carries_ethertype() const noexcept { return is_snap() && oui() == 0; }
  std::size_t header_len() const noexcept { return is_snap() ? kSnapLen : kLlcLen; }
  net::Bytes payload() const noexcept { return bytes_.subspan(header_len()); }

 private:
  explicit LlcView(net::Bytes b) noexcept : bytes_(b) {}
  net::Bytes bytes_;
};

// Writes a 14-byte Ethernet II header at out[0..13] (out must hold 14 bytes).
void emit_ethernet(net::MacAddr dst, net::MacAddr src, std::uint16_t type,
                   net::MutableBytes out) noexcept;

}  // namespace wirestate::wire
