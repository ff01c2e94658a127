#pragma once
// One JSON object per packet, keys nested by layer and named after Wireshark's
// display-filter fields (docs/decode-json.md lists every key).
#include <string>

#include <nlohmann/json.hpp>

#include "wirestate/print/frame_info.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::print {

// The JSON object for one decoded frame: {"frame":{...},"eth":{...},"ip":{...},...}.
// Flattening the nested keys with '.' gives the tshark field name ("ip" -> "ttl" is
// ip.ttl); the ICMP-quoted headers sit under "icmp" -> "quoted" (tshark's second
// occurrence of ip.*, udp.*, tcp.*).
nlohmann::ordered_json to_json(const FrameInfo& frame, const wire::DecodedPacket& packet);

// tshark's frame.protocols for the layers wirestate decoded: "eth:ethertype:ip:tcp",
// "sll:ethertype:arp", "eth:ethertype:vlan:ethertype:ip:icmp:ip:udp", "raw:ip:udp", ...
std::string protocols(const wire::DecodedPacket& packet);

// tshark's tcp.flags.str: 12 characters, '·' for a clear bit, "RRRACEUAPRSF" letters.
std::string tcp_flags_str(std::uint16_t flags12);

}  // namespace wirestate::print
