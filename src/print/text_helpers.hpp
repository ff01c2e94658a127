#pragma once
// Lengths derived the way tshark and tcpdump derive them (shared by the printers; the
// monitor uses the same ones from wire/lengths.hpp).
#include <cstddef>
#include <cstdint>

#include "wirestate/wire/decode.hpp"
#include "wirestate/wire/lengths.hpp"

namespace wirestate::print {

using wire::ip_bytes_on_wire;
using wire::ip_length;
using wire::ip_payload_length;
using wire::ipv6_transport_length;
using wire::is_first_fragment;
using wire::tcp_payload_length;

// The bytes of the i-th IPv6 extension header of p (ipv6_chain holds frame offsets).
inline const std::uint8_t* ipv6_extension(const wire::DecodedPacket& p, std::size_t i) {
  return p.ipv6->payload().data() + (p.ipv6_chain.offsets[i] - p.network_offset - wire::Ipv6View::kHeaderLen);
}

}  // namespace wirestate::print
