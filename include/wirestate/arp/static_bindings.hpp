#pragma once
// Loading the user's static IP -> MAC bindings from JSON, IPv4 and IPv6 alike:
//   { "bindings": [ { "ip": "10.0.0.1", "mac": "02:00:00:00:00:01" },
//                   { "ip": "fe80::1", "mac": "02:00:00:00:00:01" }, ... ] }
// Unknown keys, bad addresses and one IP bound twice are errors that name the file and
// the JSON pointer ("bindings.json: /bindings/2/mac: expected a MAC address ...").
#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "wirestate/arp/detector_config.hpp"

namespace wirestate::arp {

// At most this many bindings are accepted (every table has a limit).
inline constexpr std::size_t kMaxStaticBindings = 65536;

// Parses JSON text; `origin` names the source in error messages (usually the path).
tl::expected<StaticBindings, std::string> parse_static_bindings(std::string_view text,
                                                                std::string_view origin);

// Reads and parses the file at path.
tl::expected<StaticBindings, std::string> load_static_bindings(const std::string& path);

}  // namespace wirestate::arp
