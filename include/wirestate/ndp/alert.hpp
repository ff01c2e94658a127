#pragma once
// Alerts raised by ndp::SpoofDetector: a stable rule name, a severity, and what was seen.
// The alert is arp::DetectorAlert with an IPv6 address; the names share the ARP detector's
// vocabulary with an "ndp_" prefix, so one name never means two rules.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wirestate/arp/alert.hpp"
#include "wirestate/net/ipv6_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/trace/severity.hpp"

namespace wirestate::ndp {

// The rules; to_string() gives the stable name. Sources: NDPMon's alerts (which carry
// arpwatch's station rules over to NDP), RFC 3756's threats, RFC 4861/4862 for the facts.
enum class Rule : std::uint8_t {
  kNewStation,              // ndp_new_station: NDPMon "new station" (info)
  kMacChanged,              // ndp_mac_changed: NDPMon "changed ethernet address"; RFC 3756 §4.1.1
  kFlipFlop,                // ndp_flip_flop: NDPMon "flip flop"
  kReusedOldMac,            // ndp_reused_old_mac: NDPMon "reused old ethernet address"
  kUnsolicitedOverride,     // ndp_unsolicited_override: RFC 3756 §4.1.1, RFC 4861 §7.2.5-7.2.6
  kLinkAddrMismatch,        // ndp_link_addr_mismatch: NDPMon "ethernet mismatch"
  kStaticBindingViolation,  // ndp_static_binding_violation: the user's bindings (Snort 112:4 for ARP)
  kDadDenial,               // ndp_dad_denial: RFC 3756 §4.1.3, NDPMon "dad dos"
  kRogueRouter,             // ndp_rogue_router: RFC 3756 §4.2.1, NDPMon "wrong router mac/ip"
  kRouterChanged,           // ndp_router_changed: RFC 3756 §4.2.3/§4.2.5/§4.2.7, NDPMon "wrong prefix"
  kRouterLifetimeZero,      // ndp_router_lifetime_zero: RFC 3756 §4.2.2 "default router is killed"
  kRogueRedirect,           // ndp_rogue_redirect: RFC 3756 §4.2.4, RFC 4861 §8.1
};
inline constexpr std::size_t kRuleCount = 12;

// "ndp_new_station", "ndp_mac_changed", ... (the names alerts carry in every output).
std::string_view to_string(Rule rule) noexcept;
// The rule with that stable name, if any.
std::optional<Rule> parse_rule(std::string_view name) noexcept;

using Severity = trace::Severity;

// rule, severity, ip (IPv6), old_mac, new_mac, message, packet and time.
using Alert = arp::DetectorAlert<Rule, net::Ipv6Addr>;

}  // namespace wirestate::ndp
