#pragma once
// Lengths of a decoded packet derived the way tshark and tcpdump derive them: from the
// length fields, but never more than the frame held on the wire (a total length that
// claims more than the frame is clamped; a snapshot-length cut is not, since the bytes
// were on the wire). The printers and the monitor share them, so `decode` and `analyze`
// agree on every segment's size.
#include <cstddef>

#include "wirestate/wire/decode.hpp"

namespace wirestate::wire {

// Bytes of the frame on the wire from the start of the outer IP header.
inline std::size_t ip_bytes_on_wire(const DecodedPacket& p) {
  return p.wire_len > p.network_offset ? p.wire_len - p.network_offset : 0;
}

// tshark's ip.len: the total-length field, or the bytes on the wire when it is 0 (TSO,
// big TCP: Wireshark takes the length from the frame).
inline std::size_t ip_length(const DecodedPacket& p) {
  return p.ipv4->is_tso() ? ip_bytes_on_wire(p) : p.ipv4->total_length();
}

// True for a first fragment (IPv4 MF set, or an IPv6 fragment header with M set): it holds
// only the start of the transport segment.
inline bool is_first_fragment(const DecodedPacket& p) {
  if (p.ipv4) return p.ipv4->more_fragments();
  return p.ipv6_chain.fragment && p.ipv6_chain.fragment->more;
}

// Bytes after the IPv6 fixed header and the extension headers before the transport: the
// payload length less the extension headers, no more than the frame holds on the wire.
inline std::size_t ipv6_transport_length(const DecodedPacket& p) {
  const std::size_t ext = p.transport_offset > p.network_offset + Ipv6View::kHeaderLen
                              ? p.transport_offset - p.network_offset - Ipv6View::kHeaderLen
                              : 0;
  const std::size_t on_wire = ip_bytes_on_wire(p) > Ipv6View::kHeaderLen ? ip_bytes_on_wire(p) - Ipv6View::kHeaderLen : 0;
  std::size_t len = p.ipv6->is_jumbo() ? on_wire : p.ipv6->payload_length();
  if (len > on_wire) len = on_wire;
  return len > ext ? len - ext : 0;
}

// Bytes of IP payload after the headers before the transport: for IPv4 total length -
// header length, but no more than the frame holds on the wire (as Wireshark clamps a
// total length that exceeds the packet).
inline std::size_t ip_payload_length(const DecodedPacket& p) {
  if (p.ipv6) return ipv6_transport_length(p);
  const std::size_t hdr = p.ipv4->header_len();
  const std::size_t on_wire = ip_bytes_on_wire(p);
  std::size_t len = ip_length(p);
  if (len > on_wire) len = on_wire;
  return len > hdr ? len - hdr : 0;
}

// tshark's tcp.len: IP payload length - TCP header length (never negative).
inline std::size_t tcp_payload_length(const DecodedPacket& p) {
  if (!p.tcp || (!p.ipv4 && !p.ipv6)) return 0;
  const std::size_t ip_payload = ip_payload_length(p);
  return ip_payload > p.tcp->header_len() ? ip_payload - p.tcp->header_len() : 0;
}

}  // namespace wirestate::wire
