#include "wirestate/trace/alert_rule.hpp"

namespace wirestate::trace {

namespace {

std::string_view ip_rule_name(IpRule rule) noexcept {
  switch (rule) {
    case IpRule::kFragmentOverlap: return "ip_fragment_overlap";
  }
  return "?";
}

constexpr IpRule kIpRules[] = {IpRule::kFragmentOverlap};

}  // namespace

std::string_view to_string(const AlertRule& rule) noexcept {
  if (const auto* a = std::get_if<arp::Rule>(&rule)) return arp::to_string(*a);
  if (const auto* n = std::get_if<ndp::Rule>(&rule)) return ndp::to_string(*n);
  return ip_rule_name(std::get<IpRule>(rule));
}

std::optional<AlertRule> parse_alert_rule(std::string_view name) noexcept {
  if (auto a = arp::parse_rule(name)) return AlertRule{*a};
  if (auto n = ndp::parse_rule(name)) return AlertRule{*n};
  for (IpRule r : kIpRules) {
    if (ip_rule_name(r) == name) return AlertRule{r};
  }
  return std::nullopt;
}

std::string alert_rule_names() {
  std::string out;
  for (std::size_t i = 0; i < arp::kRuleCount; ++i) {
    out += arp::to_string(static_cast<arp::Rule>(i));
    out += ", ";
  }
  for (std::size_t i = 0; i < ndp::kRuleCount; ++i) {
    out += ndp::to_string(static_cast<ndp::Rule>(i));
    out += ", ";
  }
  for (IpRule r : kIpRules) out += ip_rule_name(r);
  return out;
}

}  // namespace wirestate::trace
