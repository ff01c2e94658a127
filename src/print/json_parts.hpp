#pragma once
// Internal to print: the small formatters the JSON writers share, and the IPv6 parts of the
// packet JSON (json_ipv6.cpp), in Wireshark's field names.
#include <cstdint>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "wirestate/wire/decode.hpp"

namespace wirestate::print::detail {

using json = nlohmann::ordered_json;

inline std::string hex16(std::uint16_t v) { return fmt::format("0x{:04x}", v); }

inline std::string mac_text(net::Bytes m) {
  std::string s;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (i != 0) s += ':';
    fmt::format_to(std::back_inserter(s), "{:02x}", m[i]);
  }
  return s;
}

// tshark's *.checksum.status number.
inline int status_number(wire::ChecksumStatus s) { return static_cast<int>(s); }

// The "ipv6" object: fixed header and extension headers (ipv6.hopopts.*, ipv6.routing.*,
// ipv6.dstopts.*, ipv6.fraghdr.*).
json ipv6_json(const wire::DecodedPacket& p);
// The "icmpv6" object: header, echo, error fields and NDP (icmpv6.nd.*, icmpv6.opt.*).
json icmpv6_json(const wire::DecodedPacket& p);
// tshark's frame.protocols names of the extension headers, in order ("ipv6.hopopts", ...).
void add_ipv6_protocols(const wire::DecodedPacket& p, std::string& protocols);

}  // namespace wirestate::print::detail
