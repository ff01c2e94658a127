#pragma once
// Link-layer header types: the DLT numbers libpcap's pcap_datalink() returns.
#include <cstdint>
#include <string_view>

namespace wirestate::wire {

// The values are libpcap's DLT_* numbers (what io::Packet::link_type holds), so an int
// from pcap_datalink() casts to LinkType directly; unknown numbers are kept as they are.
enum class LinkType : std::uint16_t {
  kNull = 0,             // DLT_NULL: BSD loopback, 4-byte address family in host order
  kEthernet = 1,         // DLT_EN10MB
  kRawLinux = 12,        // DLT_RAW on Linux and most systems: raw IPv4/IPv6
  kRawOpenBsd = 14,      // DLT_RAW on OpenBSD
  kRaw = 101,            // LINKTYPE_RAW (as stored in pcap files)
  kLoop = 108,           // DLT_LOOP: BSD loopback, family in network order
  kLinuxSll = 113,       // DLT_LINUX_SLL: Linux cooked v1 (-i any)
  kIpv4 = 228,           // LINKTYPE_IPV4
  kIpv6 = 229,           // LINKTYPE_IPV6
  kLinuxSll2 = 276,      // DLT_LINUX_SLL2: Linux cooked v2
};

// The link type for a pcap_datalink() value (any int; unknown values pass through).
constexpr LinkType link_type_from_dlt(int dlt) noexcept {
  return static_cast<LinkType>(static_cast<std::uint16_t>(dlt));
}

// True for the link types decode() understands.
bool is_supported(LinkType link) noexcept;

// "ethernet", "linux_sll", "linux_sll2", "raw", "ipv4", "ipv6", "null", "loop"; "unknown" otherwise.
std::string_view to_string(LinkType link) noexcept;

}  // namespace wirestate::wire
