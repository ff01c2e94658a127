#pragma once
// What can be wrong with a captured frame: the typed error every view's parse() returns,
// the protocol layer it belongs to, and a Malformation record (layer, field, offset).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wirestate::wire {

// One kind of malformation. to_string() gives its stable snake_case name (also used as
// the malformation's name in JSON output and traces); never renumber, only append.
enum class Error : std::uint8_t {
  kTruncated,               // fewer bytes than the header or a length field needs
  kBadVersion,              // IPv4 version nibble is not 4 (IPv6: not 6)
  kBadHeaderLength,         // IPv4 IHL < 5, or beyond the total length
  kBadTotalLength,          // IPv4 total length < header, or beyond the captured bytes
  kTotalLengthZero,         // IPv4 total length 0 (TSO / big TCP): payload taken from the frame
  kBadDataOffset,           // TCP data offset < 5 or beyond the segment
  kOptionLengthZero,        // an IPv4/TCP option with length byte 0
  kOptionLengthOne,         // an IPv4/TCP option with length byte 1
  kOptionOverrun,           // an option's length runs past the option area
  kBadOptionLength,         // a known option with the wrong length (MSS != 4, RA != 4, ...)
  kBadOptionPointer,        // IPv4 RR/LSRR/SSRR/TS pointer out of range
  kBadSackLength,           // TCP SACK option length not 2 + 8n
  kWindowScaleTooLarge,     // TCP window scale shift > 14 (RFC 7323 §2.3)
  kBadChecksum,             // a checksum that does not verify
  kTooManyVlanTags,         // more stacked VLAN tags than kMaxVlanTags
  kBadLength,               // 802.3 length field beyond the frame
  kUnsupportedHardware,     // ARP hardware type other than Ethernet (1)
  kUnsupportedProtocol,     // ARP protocol type other than IPv4 (0x0800)
  kBadHardwareLength,       // ARP Ethernet hardware with hlen != 6
  kBadProtocolLength,       // ARP IPv4 protocol with plen != 4
  kBadUdpLength,            // UDP length < 8, or beyond the IP payload
  kBadIcmpQuote,            // ICMP error whose quoted IPv4 header does not parse
  kUnsupportedLinkType,     // a link type decode() does not know
  kBadPayloadLength,        // IPv6 payload length beyond the captured bytes
  kTooManyExtensionHeaders, // an IPv6 extension-header chain longer than its bound
};

// The stable snake_case name: "truncated", "bad_header_length", "option_length_zero", ...
std::string_view to_string(Error e) noexcept;

// The protocol layer a malformation (or a decoded header) belongs to.
enum class Layer : std::uint8_t {
  kLink,        // pcap link-layer header (Linux cooked, BSD loopback)
  kEthernet,
  kVlan,
  kLlc,         // 802.2 LLC / SNAP
  kArp,
  kIpv4,
  kIpv4Option,
  kTcp,
  kTcpOption,
  kUdp,
  kIcmp,
  kIpv6,
  kIpv6Extension,  // hop-by-hop, routing, fragment, destination options, AH, ...
  kIcmpv6,
  kNdp,            // the fixed part of an NDP message
  kNdpOption,
};

// "link", "ethernet", "vlan", "llc", "arp", "ipv4", "ipv4_option", "tcp", "tcp_option",
// "udp", "icmp", "ipv6", "ipv6_extension", "icmpv6", "ndp", "ndp_option".
std::string_view to_string(Layer l) noexcept;

// One thing found wrong while decoding a frame.
struct Malformation {
  Layer layer = Layer::kLink;
  const char* field = "";     // static string naming the header field ("ihl", "total_length")
  std::size_t offset = 0;     // byte offset of that field from the start of the frame
  Error error = Error::kTruncated;
  // Equal when layer, offset, error and the field's text match (not its pointer).
  friend bool operator==(const Malformation& a, const Malformation& b) noexcept {
    return a.layer == b.layer && a.offset == b.offset && a.error == b.error &&
           std::string_view(a.field) == std::string_view(b.field);
  }
};

// Result of verifying a checksum; numbered like tshark's *.checksum.status.
enum class ChecksumStatus : std::uint8_t {
  kBad = 0,
  kGood = 1,
  kUnverified = 2,  // not checked: truncated capture, fragment, UDP zero checksum, disabled
};

}  // namespace wirestate::wire
