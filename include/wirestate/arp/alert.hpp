#pragma once
// Alerts raised by arp::SpoofDetector: a stable rule name, a severity, and what was seen.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/trace/severity.hpp"

namespace wirestate::arp {

// The rules; to_string() gives the stable name (the enumerator without the k, snake_case).
enum class Rule : std::uint8_t {
  kNewStation,
  kMacChanged,
  kFlipFlop,
  kReusedOldMac,
  kEthernetSenderMismatch,
  kEthernetTargetMismatch,
  kUnicastRequest,
  kUnsolicitedReply,
  kGratuitousConflict,
  kDuplicateAddress,
  kStaticBindingViolation,
  kBogusSender,
  kArpStorm,
  kOneMacManyIps,
};
inline constexpr std::size_t kRuleCount = 14;

// "new_station", "mac_changed", ... (the names alerts carry in every output).
std::string_view to_string(Rule rule) noexcept;
// The rule with that stable name, if any.
std::optional<Rule> parse_rule(std::string_view name) noexcept;

using Severity = trace::Severity;
using trace::to_string;

// What a spoof detector reports; the ARP detector's with an IPv4 address, the NDP
// detector's (ndp::Alert) with an IPv6 one.
template <class RuleT, class Addr>
struct DetectorAlert {
  net::Time time;
  std::uint64_t packet = 0;             // 1-based packet number of the frame that raised it
  RuleT rule{};
  Severity severity = Severity::kInfo;
  Addr ip;                              // the address the alert is about
  std::optional<net::MacAddr> old_mac;  // the binding (or expected address) before
  std::optional<net::MacAddr> new_mac;  // the address now claimed (or seen)
  std::string message;                  // one human sentence
};

using Alert = DetectorAlert<Rule, net::Ipv4Addr>;

}  // namespace wirestate::arp
