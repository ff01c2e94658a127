#pragma once
// Lengths derived the way tshark and tcpdump derive them (shared by the printers).
#include <cstddef>

#include "wirestate/wire/decode.hpp"

namespace wirestate::print {

// Bytes of IPv4 payload the header declares (total length - header length), or what
// follows the header in the frame when total length is 0 (TSO).
inline std::size_t ip_payload_length(const wire::Ipv4View& ip) {
  return ip.is_tso() ? ip.payload().size() : ip.declared_payload_len();
}

// tshark's tcp.len: IP payload length - TCP header length (never negative).
inline std::size_t tcp_payload_length(const wire::DecodedPacket& p) {
  if (!p.tcp || !p.ipv4) return 0;
  const std::size_t ip_payload = ip_payload_length(*p.ipv4);
  return ip_payload > p.tcp->header_len() ? ip_payload - p.tcp->header_len() : 0;
}

}  // namespace wirestate::print
