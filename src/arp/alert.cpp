// Stable names of the detector's rules and severities; allow-list matching.
#include <array>

#include "wirestate/arp/alert.hpp"
#include "wirestate/arp/detector_config.hpp"

namespace wirestate::arp {
namespace {

constexpr std::array<std::string_view, kRuleCount> kRuleNames = {
    "new_station",          "mac_changed",           "flip_flop",
    "reused_old_mac",       "ethernet_sender_mismatch", "ethernet_target_mismatch",
    "unicast_request",      "unsolicited_reply",     "gratuitous_conflict",
    "duplicate_address",    "static_binding_violation", "bogus_sender",
    "arp_storm",            "one_mac_many_ips",
};

}  // namespace

std::string_view to_string(Rule rule) noexcept {
  const auto i = static_cast<std::size_t>(rule);
  return i < kRuleNames.size() ? kRuleNames[i] : "?";
}

std::optional<Rule> parse_rule(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kRuleNames.size(); ++i) {
    if (kRuleNames[i] == name) return static_cast<Rule>(i);
  }
  return std::nullopt;
}

bool MacPrefix::matches(net::MacAddr mac) const noexcept {
  const auto& a = base.octets();
  const auto& b = mac.octets();
  int left = bits < 0 ? 0 : (bits > 48 ? 48 : bits);
  for (std::size_t i = 0; i < 6 && left > 0; ++i, left -= 8) {
    const int n = left >= 8 ? 8 : left;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - n));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

bool AllowList::contains(net::MacAddr mac) const noexcept {
  if (macs.contains(mac)) return true;
  for (const auto& p : mac_prefixes) {
    if (p.matches(mac)) return true;
  }
  return false;
}

void AllowList::add_virtual_router_macs() {
  // RFC 5798 §7.3 (VRRP; CARP uses the same block): 00-00-5E-00-01-{VRID}.
  mac_prefixes.push_back({net::MacAddr({0x00, 0x00, 0x5e, 0x00, 0x01, 0x00}), 40});
  // Cisco HSRP version 1: 00:00:0c:07:ac:{group}.
  mac_prefixes.push_back({net::MacAddr({0x00, 0x00, 0x0c, 0x07, 0xac, 0x00}), 40});
  // Cisco HSRP version 2: 00:00:0c:9f:f{group, 12 bits}.
  mac_prefixes.push_back({net::MacAddr({0x00, 0x00, 0x0c, 0x9f, 0xf0, 0x00}), 36});
  // Cisco GLBP: 00:07:b4:xx:xx:xx.
  mac_prefixes.push_back({net::MacAddr({0x00, 0x07, 0xb4, 0x00, 0x00, 0x00}), 24});
}

}  // namespace wirestate::arp
