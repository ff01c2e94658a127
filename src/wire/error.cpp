#include "wirestate/wire/error.hpp"

namespace wirestate::wire {

std::string_view to_string(Error e) noexcept {
  switch (e) {
    case Error::kTruncated: return "truncated";
    case Error::kBadVersion: return "bad_version";
    case Error::kBadHeaderLength: return "bad_header_length";
    case Error::kBadTotalLength: return "bad_total_length";
    case Error::kTotalLengthZero: return "total_length_zero";
    case Error::kBadDataOffset: return "bad_data_offset";
    case Error::kOptionLengthZero: return "option_length_zero";
    case Error::kOptionLengthOne: return "option_length_one";
    case Error::kOptionOverrun: return "option_overrun";
    case Error::kBadOptionLength: return "bad_option_length";
    case Error::kBadOptionPointer: return "bad_option_pointer";
    case Error::kBadSackLength: return "bad_sack_length";
    case Error::kWindowScaleTooLarge: return "window_scale_too_large";
    case Error::kBadChecksum: return "bad_checksum";
    case Error::kTooManyVlanTags: return "too_many_vlan_tags";
    case Error::kBadLength: return "bad_length";
    case Error::kUnsupportedHardware: return "unsupported_hardware";
    case Error::kUnsupportedProtocol: return "unsupported_protocol";
    case Error::kBadHardwareLength: return "bad_hardware_length";
    case Error::kBadProtocolLength: return "bad_protocol_length";
    case Error::kBadUdpLength: return "bad_udp_length";
    case Error::kBadIcmpQuote: return "bad_icmp_quote";
    case Error::kUnsupportedLinkType: return "unsupported_link_type";
    case Error::kBadPayloadLength: return "bad_payload_length";
    case Error::kTooManyExtensionHeaders: return "too_many_extension_headers";
  }
  return "unknown_error";
}

std::string_view to_string(Layer l) noexcept {
  switch (l) {
    case Layer::kLink: return "link";
    case Layer::kEthernet: return "ethernet";
    case Layer::kVlan: return "vlan";
    case Layer::kLlc: return "llc";
    case Layer::kArp: return "arp";
    case Layer::kIpv4: return "ipv4";
    case Layer::kIpv4Option: return "ipv4_option";
    case Layer::kTcp: return "tcp";
    case Layer::kTcpOption: return "tcp_option";
    case Layer::kUdp: return "udp";
    case Layer::kIcmp: return "icmp";
    case Layer::kIpv6: return "ipv6";
    case Layer::kIpv6Extension: return "ipv6_extension";
    case Layer::kIcmpv6: return "icmpv6";
    case Layer::kNdp: return "ndp";
    case Layer::kNdpOption: return "ndp_option";
  }
  return "unknown_layer";
}

}  // namespace wirestate::wire
