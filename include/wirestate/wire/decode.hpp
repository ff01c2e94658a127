#pragma once
// wire::decode: a captured frame plus its link type gives the layer stack (zero-copy views)
// and the list of malformations. Never throws, never reads past the captured bytes, and
// allocates nothing (the malformation list has a fixed capacity and an overflow count).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "wirestate/net/bytes.hpp"
#include "wirestate/wire/arp.hpp"
#include "wirestate/wire/error.hpp"
#include "wirestate/wire/ethernet.hpp"
#include "wirestate/wire/icmp.hpp"
#include "wirestate/wire/icmpv6.hpp"
#include "wirestate/wire/ipv4.hpp"
#include "wirestate/wire/ipv6.hpp"
#include "wirestate/wire/link_type.hpp"
#include "wirestate/wire/ndp.hpp"
#include "wirestate/wire/tcp.hpp"
#include "wirestate/wire/udp.hpp"

namespace wirestate::wire {

// Malformations of one packet: the first kCapacity are kept, the rest only counted.
class Malformations {
 public:
  static constexpr std::size_t kCapacity = 8;

  void push(const Malformation& m) noexcept {
    if (size_ < kCapacity) items_[size_++] = m; else ++overflow_;
  }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  // How many were found beyond kCapacity (not stored).
  std::size_t overflow() const noexcept { return overflow_; }
  // All found, stored or not.
  std::size_t total() const noexcept { return size_ + overflow_; }
  const Malformation& operator[](std::size_t i) const noexcept { return items_[i]; }
  // Forgets everything (the storage is not cleared: nothing reads past size()).
  void clear() noexcept { size_ = 0; overflow_ = 0; }
  const Malformation* begin() const noexcept { return items_.data(); }
  const Malformation* end() const noexcept { return items_.data() + size_; }
  // True when an entry with this error is stored.
  bool contains(Error e) const noexcept {
    for (const auto& m : *this) if (m.error == e) return true;
    return false;
  }

 private:
  std::array<Malformation, kCapacity> items_{};
  std::size_t size_ = 0;
  std::size_t overflow_ = 0;
};

// Why decoding stopped before a transport layer, when it is not a malformation.
enum class NotDecoded : std::uint8_t {
  kNone,                 // decoded down to the transport payload (or ARP)
  kOtherEthertype,       // an EtherType / LLC / address family wirestate does not decode
  kOtherIpProtocol,      // IPv4 or IPv6 carrying a protocol other than ICMP(v6), TCP, UDP
                         // (IPv6: also ESP and No Next Header, where the chain ends)
  kFragment,             // a non-first IPv4 or IPv6 fragment: no transport header in it
  kUnsupportedLinkType,  // a link type decode() does not know (also flagged as malformation)
};

// "none", "other_ethertype", "other_ip_protocol", "fragment", "unsupported_link_type".
std::string_view to_string(NotDecoded n) noexcept;

// One VLAN tag as found on the wire.
struct VlanTag {
  std::uint16_t tpid = 0;  // 0x8100, 0x88a8 or 0x9100
  std::uint16_t tci = 0;
  std::uint16_t vid() const noexcept { return tci & 0x0fff; }
  std::uint8_t pcp() const noexcept { return static_cast<std::uint8_t>(tci >> 13); }
  bool dei() const noexcept { return (tci & 0x1000) != 0; }
};

// The Linux cooked header (v1: 16 bytes, v2: 20 bytes; see pcap-linktype(7)).
struct SllHeader {
  std::uint16_t packet_type = 0;     // 0 to us, 1 broadcast, 2 multicast, 3 other host, 4 outgoing
  std::uint16_t arphrd_type = 0;     // ARPHRD_* (1 = Ethernet, 772 = loopback)
  std::uint16_t protocol = 0;        // EtherType of the payload
  std::uint32_t interface_index = 0; // v2 only
  net::Bytes address;                // link-layer address (at most 8 bytes)
};

// The IPv6 extension headers of one packet, in order (at most the walker's bound).
struct Ipv6Chain {
  std::array<std::uint8_t, Ipv6ExtensionWalker::kMaxHeaders> types{};   // Next Header values
  std::array<std::uint16_t, Ipv6ExtensionWalker::kMaxHeaders> offsets{};  // frame offsets
  std::uint8_t count = 0;
  std::uint8_t upper_protocol = 0;        // where the chain ended (TCP, UDP, ICMPv6, ...)
  std::optional<Ipv6Fragment> fragment;   // the fragment header, if any
};

// Everything decode() found in one frame. Views point into the frame passed to decode().
struct DecodedPacket {
  LinkType link = LinkType::kEthernet;
  std::uint32_t caplen = 0;
  std::uint32_t wire_len = 0;
  bool truncated = false;                 // caplen < wire_len: snaplen cut the frame

  std::optional<SllHeader> sll;           // Linux cooked v1/v2
  std::optional<std::uint32_t> loopback_family;  // BSD loopback (AF_INET = 2)
  std::optional<EthernetView> ethernet;   // Ethernet MAC header
  std::array<VlanTag, kMaxVlanTags> vlan{};
  std::uint8_t vlan_count = 0;            // tags in vlan[], outermost first
  std::optional<LlcView> llc;             // 802.3 length frames
  std::uint16_t ethertype = 0;            // the network-layer type reached (0 when none)

  std::optional<ArpView> arp;
  std::optional<Ipv4View> ipv4;
  std::optional<Ipv6View> ipv6;
  Ipv6Chain ipv6_chain;                   // meaningful when ipv6 is set
  std::optional<TcpView> tcp;
  std::optional<UdpView> udp;
  std::optional<IcmpView> icmp;
  std::optional<Icmpv6View> icmpv6;
  std::optional<NdpView> ndp;             // an ICMPv6 NDP message (types 133-137)
  net::Bytes payload;                     // transport payload (TCP/UDP data, ICMP(v6) data)

  std::size_t network_offset = 0;         // frame offset of the ARP / IPv4 / IPv6 header
  std::size_t transport_offset = 0;       // frame offset of the TCP / UDP / ICMP(v6) header
  ChecksumStatus ipv4_checksum = ChecksumStatus::kUnverified;
  ChecksumStatus transport_checksum = ChecksumStatus::kUnverified;

  NotDecoded not_decoded = NotDecoded::kNone;
  Malformations malformations;

  // True when at least one malformation was found.
  bool malformed() const noexcept { return malformations.total() != 0; }
};

// What decode() does beyond parsing.
struct DecodeOptions {
  bool verify_checksums = true;  // IPv4 header, TCP, UDP, ICMP, ICMPv6 checksums
};

// Decodes frame (the captured bytes) of the given link type; wire_len is the original
// length (pass frame.size() when not known). Malformations carry frame offsets.
DecodedPacket decode(net::Bytes frame, LinkType link, std::uint32_t wire_len,
                     const DecodeOptions& options = {}) noexcept;

// Same, writing into out (reuses nothing; avoids a large return copy in hot loops).
void decode_into(DecodedPacket& out, net::Bytes frame, LinkType link, std::uint32_t wire_len,
                 const DecodeOptions& options = {}) noexcept;

}  // namespace wirestate::wire
