// The two attack patterns of issue 4, end to end through the detector.
#include <algorithm>

#include <gtest/gtest.h>

#include "arp/arp_support.hpp"
#include "wirestate/arp/spoof_detector.hpp"

namespace wirestate::arp {
namespace {

using namespace testing;

// victim .1 / ..:01, gateway .2 / ..:02, attacker .66 / ..:66
std::vector<Alert> warm_up(SpoofDetector& d) {
  std::vector<Alert> out;
  d.observe(request(mac(1), ip(1), ip(2), at_s(0), 1), out);
  d.observe(reply(mac(2), ip(2), mac(1), ip(1), at_ms(1), 2), out);
  d.observe(request(mac(0x66), ip(0x66), ip(1), at_s(1), 3), out);
  d.observe(reply(mac(1), ip(1), mac(0x66), ip(0x66), at_ms(1001), 4), out);
  return out;
}

bool any_rule(const std::vector<Alert>& alerts, Rule rule) {
  return std::any_of(alerts.begin(), alerts.end(), [&](const Alert& a) { return a.rule == rule; });
}

TEST(AttackPatterns, WarmUpOfANormalLanRaisesOnlyNewStation) {
  SpoofDetector d;
  const auto alerts = warm_up(d);
  ASSERT_EQ(alerts.size(), 3U);  // .1, .2 and .66 are new; .1's reply at frame 4 is not
  for (const auto& a : alerts) EXPECT_EQ(a.rule, Rule::kNewStation) << a.message;
}

TEST(AttackPatterns, ForgedBroadcastWhoHasClaimingTheGatewayIsCaughtByStatefulRulesOnly) {
  // The attacker broadcasts "who-has 10.77.0.1 tell 10.77.0.2" with its own MAC in both
  // the Ethernet source and the ARP sender: every stateless check passes.
  const ArpFrame forged = request(mac(0x66), ip(2), ip(1), at_s(10), 5);

  SpoofDetector stateless_view;  // a detector that knows nothing yet
  const auto first_sight = stateless_view.observe(forged);
  ASSERT_EQ(first_sight.size(), 1U);  // .2 at ..:66 is a new station, nothing more
  for (const auto& a : first_sight) {
    EXPECT_EQ(a.rule, Rule::kNewStation) << a.message;
  }

  SpoofDetector d;
  warm_up(d);
  auto alerts = d.observe(forged);
  EXPECT_FALSE(any_rule(alerts, Rule::kEthernetSenderMismatch));
  EXPECT_FALSE(any_rule(alerts, Rule::kEthernetTargetMismatch));
  EXPECT_FALSE(any_rule(alerts, Rule::kUnicastRequest));
  EXPECT_FALSE(any_rule(alerts, Rule::kBogusSender));
  auto changed = std::find_if(alerts.begin(), alerts.end(),
                              [](const Alert& a) { return a.rule == Rule::kMacChanged; });
  ASSERT_NE(changed, alerts.end());
  EXPECT_EQ(changed->ip, ip(2));
  EXPECT_EQ(changed->old_mac, mac(2));
  EXPECT_EQ(changed->new_mac, mac(0x66));
  EXPECT_EQ(changed->packet, 5u);
  auto mitm = std::find_if(alerts.begin(), alerts.end(),
                           [](const Alert& a) { return a.rule == Rule::kOneMacManyIps; });
  ASSERT_NE(mitm, alerts.end());
  EXPECT_EQ(mitm->severity, Severity::kCritical);

  // Repeating the forgery every second does not drown the user.
  std::vector<Alert> more;
  for (int i = 1; i <= 20; ++i) d.observe(request(mac(0x66), ip(2), ip(1), at_s(10 + i)), more);
  EXPECT_TRUE(more.empty());
  EXPECT_GT(d.counters().frames, 20u);
}

TEST(AttackPatterns, ForgedUnicastRequestsAndRepliesToOneVictim) {
  SpoofDetector d;
  warm_up(d);
  // A unicast request to the victim only, claiming the gateway's IP.
  auto req = d.observe(unicast_request(mac(0x66), ip(2), ip(1), mac(1), at_s(10), 5));
  EXPECT_TRUE(any_rule(req, Rule::kUnicastRequest));
  EXPECT_TRUE(any_rule(req, Rule::kMacChanged));
  // Then unsolicited unicast replies to the victim, as arpspoof/scapy send them.
  auto rep = d.observe(reply(mac(0x66), ip(2), mac(1), ip(1), at_s(12), 6));
  EXPECT_TRUE(any_rule(rep, Rule::kUnsolicitedReply));
  EXPECT_FALSE(any_rule(rep, Rule::kEthernetTargetMismatch));
  auto again = d.observe(reply(mac(0x66), ip(2), mac(1), ip(1), at_s(14), 7));
  EXPECT_TRUE(again.empty());  // de-duplicated
  // The real gateway's next request restores the binding: flip_flop.
  auto back = d.observe(unicast_request(mac(2), ip(2), ip(1), mac(1), at_s(20), 8));
  EXPECT_TRUE(any_rule(back, Rule::kFlipFlop));
}

}  // namespace
}  // namespace wirestate::arp
