// Stable names of the NDP detector's rules.
#include <array>

#include "wirestate/ndp/alert.hpp"

namespace wirestate::ndp {
namespace {

constexpr std::array<std::string_view, kRuleCount> kNdpRuleNames = {
    "ndp_new_station",     "ndp_mac_changed",    "ndp_flip_flop",
    "ndp_reused_old_mac",  "ndp_unsolicited_override", "ndp_link_addr_mismatch",
    "ndp_static_binding_violation", "ndp_dad_denial", "ndp_rogue_router",
    "ndp_router_changed",  "ndp_router_lifetime_zero", "ndp_rogue_redirect",
};

}  // namespace

std::string_view to_string(Rule rule) noexcept {
  const auto i = static_cast<std::size_t>(rule);
  return i < kNdpRuleNames.size() ? kNdpRuleNames[i] : "?";
}

std::optional<Rule> parse_rule(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kNdpRuleNames.size(); ++i) {
    if (kNdpRuleNames[i] == name) return static_cast<Rule>(i);
  }
  return std::nullopt;
}

}  // namespace wirestate::ndp
