#pragma once
// The rule behind an alert, typed: one of the ARP spoof detector's, one of the NDP spoof
// detector's, or one of the IP layer's. Outputs print its stable snake_case name; checks compare the enum.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "wirestate/arp/alert.hpp"
#include "wirestate/ndp/alert.hpp"

namespace wirestate::trace {

// Rules of the IP layer (reassembly).
enum class IpRule : std::uint8_t {
  kFragmentOverlap,  // "ip_fragment_overlap": RFC 5722 overlapping fragments
};

using AlertRule = std::variant<arp::Rule, ndp::Rule, IpRule>;

// The stable name: "mac_changed", "ndp_mac_changed", "ip_fragment_overlap", ...
std::string_view to_string(const AlertRule& rule) noexcept;
// The rule with that stable name, if any.
std::optional<AlertRule> parse_alert_rule(std::string_view name) noexcept;
// Every rule's name, comma-separated (for "expected one of ..." messages).
std::string alert_rule_names();

}  // namespace wirestate::trace
