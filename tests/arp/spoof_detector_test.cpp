// arp::SpoofDetector: for each rule a frame sequence that fires it and a near miss that
// must not.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "arp/arp_support.hpp"
#include "wirestate/arp/spoof_detector.hpp"

namespace wirestate::arp {
namespace {

using namespace testing;

// victim .1 / 02:..:01, gateway .2 / 02:..:02, attacker .66 / 02:..:66
class DetectorTest : public ::testing::Test {
 protected:
  std::vector<Alert> feed(const ArpFrame& f) { return detector_->observe(f); }
  // Feeds a frame and returns the names of the rules it raised.
  std::vector<std::string> rules(const ArpFrame& f) {
    std::vector<std::string> names;
    for (const auto& a : feed(f)) names.emplace_back(to_string(a.rule));
    return names;
  }
  static bool has(const std::vector<std::string>& v, std::string_view name) {
    return std::find(v.begin(), v.end(), name) != v.end();
  }
  void rebuild() { detector_ = std::make_unique<SpoofDetector>(config_); }
  // Normal first contact: victim asks for the gateway, the gateway answers.
  void baseline(net::Time t) {
    feed(request(mac(1), ip(1), ip(2), t, 1));
    feed(reply(mac(2), ip(2), mac(1), ip(1), t + net::Duration::milliseconds(1), 2));
  }

  DetectorConfig config_;
  std::unique_ptr<SpoofDetector> detector_ = std::make_unique<SpoofDetector>(config_);
};

TEST_F(DetectorTest, NewStationIsInformational) {
  auto alerts = feed(request(mac(1), ip(1), ip(2), at_s(0), 1));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].rule), "new_station");
  EXPECT_EQ(alerts[0].severity, Severity::kInfo);
  EXPECT_EQ(alerts[0].ip, ip(1));
  EXPECT_EQ(alerts[0].new_mac, mac(1));
  EXPECT_EQ(alerts[0].packet, 1u);
  EXPECT_EQ(alerts[0].time, at_s(0));
  EXPECT_FALSE(alerts[0].message.empty());
}

TEST_F(DetectorTest, NearMissRequestRefreshFromTheSameMacIsSilent) {
  feed(request(mac(1), ip(1), ip(2), at_s(0)));
  EXPECT_TRUE(feed(request(mac(1), ip(1), ip(2), at_s(100))).empty());
}

TEST_F(DetectorTest, NewStationCanBeTurnedOff) {
  config_.report_new_station = false;
  rebuild();
  EXPECT_TRUE(feed(request(mac(1), ip(1), ip(2), at_s(0))).empty());
}

TEST_F(DetectorTest, MacChangedWhenAnIpMovesToANeverSeenMac) {
  baseline(at_s(0));
  auto alerts = feed(request(mac(0x66), ip(2), ip(9), at_s(10), 5));
  ASSERT_FALSE(alerts.empty());
  const auto& a = alerts[0];
  EXPECT_EQ(to_string(a.rule), "mac_changed");
  EXPECT_EQ(a.severity, Severity::kWarning);
  EXPECT_EQ(a.ip, ip(2));
  EXPECT_EQ(a.old_mac, mac(2));
  EXPECT_EQ(a.new_mac, mac(0x66));
  EXPECT_EQ(detector_->binding(ip(2))->mac, mac(0x66));
}

TEST_F(DetectorTest, NearMissHostReannouncingItsOwnAddressIsSilent) {
  baseline(at_s(0));
  EXPECT_TRUE(feed(announcement(mac(2), ip(2), at_s(10))).empty());
  EXPECT_TRUE(feed(announcement(mac(2), ip(2), at_s(11))).empty());
}

TEST_F(DetectorTest, FlipFlopWhenAnIpMovesBackToItsPreviousMac) {
  baseline(at_s(0));
  EXPECT_TRUE(has(rules(request(mac(0x66), ip(2), ip(9), at_s(10))), "mac_changed"));
  auto r = rules(request(mac(2), ip(2), ip(9), at_s(20)));
  EXPECT_TRUE(has(r, "flip_flop"));
  EXPECT_FALSE(has(r, "mac_changed"));
}

TEST_F(DetectorTest, NearMissFirstChangeIsNotAFlipFlop) {
  baseline(at_s(0));
  auto r = rules(request(mac(0x66), ip(2), ip(9), at_s(10)));
  EXPECT_FALSE(has(r, "flip_flop"));
  EXPECT_FALSE(has(r, "reused_old_mac"));
}

TEST_F(DetectorTest, ReusedOldMacWhenAnIpReturnsToAnOlderMac) {
  baseline(at_s(0));
  rules(request(mac(0x66), ip(2), ip(9), at_s(10)));
  rules(request(mac(0x77), ip(2), ip(9), at_s(20)));
  auto r = rules(request(mac(2), ip(2), ip(9), at_s(30)));
  EXPECT_TRUE(has(r, "reused_old_mac"));
  EXPECT_FALSE(has(r, "flip_flop"));
}

TEST_F(DetectorTest, EthernetSenderMismatch) {
  ArpFrame f = request(mac(2), ip(2), ip(1), at_s(0));
  f.eth_src = mac(0x66);
  auto alerts = feed(f);
  ASSERT_FALSE(alerts.empty());
  EXPECT_EQ(to_string(alerts[0].rule), "ethernet_sender_mismatch");
  EXPECT_EQ(alerts[0].old_mac, mac(0x66));
  EXPECT_EQ(alerts[0].new_mac, mac(2));
}

TEST_F(DetectorTest, NearMissMatchingEthernetSenderIsSilent) {
  EXPECT_FALSE(has(rules(request(mac(2), ip(2), ip(1), at_s(0))), "ethernet_sender_mismatch"));
}

TEST_F(DetectorTest, EthernetTargetMismatchOnAUnicastReply) {
  feed(request(mac(5), ip(5), ip(2), at_s(0)));
  ArpFrame f = reply(mac(2), ip(2), mac(5), ip(5), at_ms(1));
  f.eth_dst = mac(1);
  EXPECT_TRUE(has(rules(f), "ethernet_target_mismatch"));
}

TEST_F(DetectorTest, NearMissBroadcastGratuitousReplyIsNoTargetMismatch) {
  ArpFrame f{{wire::ArpOp::kReply, mac(2), ip(2), net::MacAddr{}, ip(2)}, mac(2),
             net::MacAddr::broadcast(), 1, at_s(0)};
  auto r = rules(f);
  EXPECT_FALSE(has(r, "ethernet_target_mismatch"));
  EXPECT_FALSE(has(r, "unsolicited_reply"));
}

TEST_F(DetectorTest, UnicastRequestSentToAMacThatIsNotTheTargets) {
  baseline(at_s(0));
  // who-has 10.77.0.2 tell 10.77.0.1, but sent to the attacker's MAC.
  auto r = rules(unicast_request(mac(1), ip(1), ip(2), mac(0x66), at_s(5)));
  EXPECT_TRUE(has(r, "unicast_request"));
}

TEST_F(DetectorTest, NearMissLinuxUnicastRevalidationIsSilent) {
  baseline(at_s(0));
  // Linux NUD probe of a STALE entry (arp_basic.pcap frames 5, 7, 9, ...).
  EXPECT_TRUE(feed(unicast_request(mac(1), ip(1), ip(2), mac(2), at_s(30))).empty());
  EXPECT_TRUE(feed(reply(mac(2), ip(2), mac(1), ip(1), at_ms(30001))).empty());
  EXPECT_TRUE(feed(unicast_request(mac(2), ip(2), ip(1), mac(1), at_s(31))).empty());
}

TEST_F(DetectorTest, UnsolicitedReplyWithoutARequest) {
  auto alerts = feed(reply(mac(2), ip(2), mac(1), ip(1), at_s(0), 3));
  std::vector<std::string> r;
  for (auto& a : alerts) r.emplace_back(to_string(a.rule));
  EXPECT_TRUE(has(r, "unsolicited_reply"));
}

TEST_F(DetectorTest, UnsolicitedReplyWhenTheRequestIsOlderThanTheWindow) {
  feed(request(mac(1), ip(1), ip(2), at_s(0)));
  EXPECT_TRUE(has(rules(reply(mac(2), ip(2), mac(1), ip(1), at_ms(1900))), "unsolicited_reply"));
}

TEST_F(DetectorTest, NearMissAnsweredRequestIsNotUnsolicited) {
  feed(request(mac(1), ip(1), ip(2), at_s(0)));
  EXPECT_FALSE(has(rules(reply(mac(2), ip(2), mac(1), ip(1), at_ms(1))), "unsolicited_reply"));
}

TEST_F(DetectorTest, NearMissReplyToAProbeIsNotUnsolicited) {
  feed(probe(mac(1), ip(2), at_s(0)));
  ArpFrame f = reply(mac(2), ip(2), mac(1), net::Ipv4Addr{}, at_ms(1));
  EXPECT_FALSE(has(rules(f), "unsolicited_reply"));
}

TEST_F(DetectorTest, GratuitousConflictWhenAnAnnouncementClaimsAnotherHostsIp) {
  baseline(at_s(0));
  auto r = rules(announcement(mac(0x66), ip(2), at_s(10)));
  EXPECT_TRUE(has(r, "gratuitous_conflict"));
  EXPECT_TRUE(has(r, "mac_changed"));
}

TEST_F(DetectorTest, NearMissGratuitousFromTheOwnerIsNoConflict) {
  baseline(at_s(0));
  EXPECT_FALSE(has(rules(announcement(mac(2), ip(2), at_s(10))), "gratuitous_conflict"));
}

TEST_F(DetectorTest, DuplicateAddressWhenTwoMacsAnswerForOneIp) {
  feed(request(mac(1), ip(1), ip(2), at_s(0)));
  feed(reply(mac(2), ip(2), mac(1), ip(1), at_ms(1)));
  auto alerts = feed(reply(mac(0x66), ip(2), mac(1), ip(1), at_ms(2)));
  auto it = std::find_if(alerts.begin(), alerts.end(),
                         [](const Alert& a) { return a.rule == Rule::kDuplicateAddress; });
  ASSERT_NE(it, alerts.end());
  EXPECT_EQ(it->severity, Severity::kCritical);
  EXPECT_EQ(it->old_mac, mac(2));
  EXPECT_EQ(it->new_mac, mac(0x66));
}

TEST_F(DetectorTest, NearMissRepliesFromOneMacOrFarApartAreNoDuplicate) {
  feed(request(mac(1), ip(1), ip(2), at_s(0)));
  feed(reply(mac(2), ip(2), mac(1), ip(1), at_ms(1)));
  EXPECT_FALSE(has(rules(reply(mac(2), ip(2), mac(1), ip(1), at_ms(2))), "duplicate_address"));
  feed(request(mac(1), ip(1), ip(2), at_s(60)));
  auto r = rules(reply(mac(0x66), ip(2), mac(1), ip(1), at_ms(60001)));
  EXPECT_FALSE(has(r, "duplicate_address"));
  EXPECT_TRUE(has(r, "mac_changed"));
}

TEST_F(DetectorTest, StaticBindingViolationAgainstTheUsersBindings) {
  config_.static_bindings[ip(2)] = mac(2);
  rebuild();
  auto alerts = feed(request(mac(0x66), ip(2), ip(1), at_s(0)));
  auto it = std::find_if(alerts.begin(), alerts.end(),
                         [](const Alert& a) { return a.rule == Rule::kStaticBindingViolation; });
  ASSERT_NE(it, alerts.end());
  EXPECT_EQ(it->severity, Severity::kCritical);
  EXPECT_EQ(it->old_mac, mac(2));
  EXPECT_EQ(it->new_mac, mac(0x66));
}

TEST_F(DetectorTest, StaticBindingViolationWhenOnlyTheEthernetSourceDiffers) {
  config_.static_bindings[ip(2)] = mac(2);
  rebuild();
  ArpFrame f = request(mac(2), ip(2), ip(1), at_s(0));
  f.eth_src = mac(0x66);
  EXPECT_TRUE(has(rules(f), "static_binding_violation"));
}

TEST_F(DetectorTest, NearMissTheBoundMacIsNoViolation) {
  config_.static_bindings[ip(2)] = mac(2);
  rebuild();
  EXPECT_FALSE(has(rules(request(mac(2), ip(2), ip(1), at_s(0))), "static_binding_violation"));
}

TEST_F(DetectorTest, BogusSenderBroadcastMac) {
  ArpFrame f = request(net::MacAddr::broadcast(), ip(2), ip(1), at_s(0));
  auto r = rules(f);
  EXPECT_TRUE(has(r, "bogus_sender"));
  EXPECT_FALSE(has(r, "new_station"));  // nothing is learned from a bogus sender
}

TEST_F(DetectorTest, BogusSenderZeroMac) {
  EXPECT_TRUE(has(rules(request(net::MacAddr{}, ip(2), ip(1), at_s(0))), "bogus_sender"));
}

TEST_F(DetectorTest, BogusSenderBroadcastIp) {
  EXPECT_TRUE(has(rules(request(mac(2), net::Ipv4Addr(0xffffffffU), ip(1), at_s(0))),
                  "bogus_sender"));
}

TEST_F(DetectorTest, BogusSenderZeroIpInAReply) {
  EXPECT_TRUE(has(rules(reply(mac(2), net::Ipv4Addr{}, mac(1), ip(1), at_s(0))), "bogus_sender"));
}

TEST_F(DetectorTest, NearMissProbeWithZeroSenderIpIsSilent) {
  baseline(at_s(0));
  EXPECT_TRUE(feed(probe(mac(1), ip(50), at_s(5))).empty());
  EXPECT_TRUE(feed(probe(mac(1), ip(50), at_s(6))).empty());
  EXPECT_EQ(detector_->counters().probes, 2u);
}

TEST_F(DetectorTest, ArpStormWhenOneSourceExceedsTheRequestRate) {
  int storms = 0;
  for (int i = 0; i < 40; ++i) {
    for (auto& a : feed(request(mac(1), ip(1), net::Ipv4Addr(10, 77, 1, i), at_ms(i * 10)))) {
      storms += a.rule == Rule::kArpStorm;
    }
  }
  EXPECT_EQ(storms, 1);  // raised at the 31st request, then de-duplicated
}

TEST_F(DetectorTest, NearMissThirtyRequestsPerSecondIsNoStorm) {
  for (int i = 0; i < 30; ++i) {
    EXPECT_FALSE(has(rules(request(mac(1), ip(1), net::Ipv4Addr(10, 77, 1, i), at_ms(i * 10))),
                     "arp_storm"));
  }
  // A slow sweep never is.
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(has(rules(request(mac(3), ip(3), net::Ipv4Addr(10, 77, 2, i), at_s(10 + i))),
                     "arp_storm"));
  }
}

TEST_F(DetectorTest, OneMacManyIpsIsCriticalWhenAnIpIsContested) {
  baseline(at_s(0));
  feed(request(mac(0x66), ip(0x66), ip(1), at_s(1)));
  auto alerts = feed(request(mac(0x66), ip(2), ip(1), at_s(5)));
  auto it = std::find_if(alerts.begin(), alerts.end(),
                         [](const Alert& a) { return a.rule == Rule::kOneMacManyIps; });
  ASSERT_NE(it, alerts.end());
  EXPECT_EQ(it->severity, Severity::kCritical);
  EXPECT_EQ(it->ip, ip(2));
  EXPECT_EQ(it->old_mac, mac(2));
  EXPECT_EQ(it->new_mac, mac(0x66));
}

TEST_F(DetectorTest, OneMacManyIpsIsAWarningForUncontestedAddresses) {
  feed(request(mac(7), ip(7), ip(1), at_s(0)));
  auto alerts = feed(request(mac(7), ip(8), ip(1), at_s(1)));
  auto it = std::find_if(alerts.begin(), alerts.end(),
                         [](const Alert& a) { return a.rule == Rule::kOneMacManyIps; });
  ASSERT_NE(it, alerts.end());
  EXPECT_EQ(it->severity, Severity::kWarning);
}

TEST_F(DetectorTest, NearMissOneMacRepeatingItsOwnIpIsSilent) {
  feed(request(mac(0x66), ip(0x66), ip(1), at_s(0)));
  EXPECT_FALSE(has(rules(request(mac(0x66), ip(0x66), ip(1), at_s(5))), "one_mac_many_ips"));
}

TEST_F(DetectorTest, AllowListedVrrpMacIsSilent) {
  const net::MacAddr vrrp({0x00, 0x00, 0x5e, 0x00, 0x01, 0x07});
  const net::Ipv4Addr vip(10, 77, 0, 254);
  config_.allow.add_virtual_router_macs();
  rebuild();
  // The VRRP owner answers for the virtual IP with its real MAC and the virtual MAC.
  feed(request(vrrp, vip, ip(1), at_s(0)));
  EXPECT_TRUE(feed(request(mac(0xfe), vip, ip(1), at_s(10))).empty());
  EXPECT_TRUE(feed(request(vrrp, vip, ip(1), at_s(20))).empty());
  EXPECT_GT(detector_->counters().allowed, 0u);
}

TEST_F(DetectorTest, WithoutTheAllowListTheSameVrrpTrafficAlerts) {
  const net::MacAddr vrrp({0x00, 0x00, 0x5e, 0x00, 0x01, 0x07});
  const net::Ipv4Addr vip(10, 77, 0, 254);
  feed(request(vrrp, vip, ip(1), at_s(0)));
  EXPECT_TRUE(has(rules(request(mac(0xfe), vip, ip(1), at_s(10))), "mac_changed"));
}

TEST_F(DetectorTest, AllowListedIpIsSilent) {
  config_.allow.ips.insert(ip(2));
  rebuild();
  baseline(at_s(0));
  EXPECT_TRUE(feed(request(mac(0x66), ip(2), ip(9), at_s(10))).empty());
}

TEST_F(DetectorTest, DeduplicatesPerRuleIpMacAndInterval) {
  ArpFrame f = request(mac(2), ip(2), ip(1), at_s(0));
  f.eth_src = mac(0x66);
  EXPECT_TRUE(has(rules(f), "ethernet_sender_mismatch"));
  f.time = at_s(1);
  EXPECT_FALSE(has(rules(f), "ethernet_sender_mismatch"));
  f.time = at_s(59);
  EXPECT_FALSE(has(rules(f), "ethernet_sender_mismatch"));
  EXPECT_EQ(detector_->counters().suppressed, 2u);
  f.time = at_s(60);
  EXPECT_TRUE(has(rules(f), "ethernet_sender_mismatch"));
}

TEST_F(DetectorTest, TablesAreBoundedAndCountEvictions) {
  config_.max_ips = 8;
  config_.max_macs = 8;
  config_.max_pending_requests = 8;
  config_.max_dedup = 8;
  rebuild();
  for (int i = 0; i < 100; ++i) {
    const auto m = net::MacAddr({0x02, 0, 0, 1, 0, static_cast<std::uint8_t>(i)});
    feed(request(m, net::Ipv4Addr(10, 1, 0, i), ip(1), at_ms(i * 100)));
  }
  EXPECT_EQ(detector_->ip_table_size(), 8u);
  EXPECT_LE(detector_->mac_table_size(), 8u);
  const auto& c = detector_->counters();
  EXPECT_EQ(c.ip_evictions, 92u);
  EXPECT_GT(c.mac_evictions, 0u);
  EXPECT_GT(c.pending_evictions, 0u);
  EXPECT_GT(c.dedup_evictions, 0u);
}

TEST(AlertNames, RulesRoundTripThroughTheirStableNames) {
  for (std::size_t i = 0; i < kRuleCount; ++i) {
    const auto rule = static_cast<Rule>(i);
    EXPECT_EQ(parse_rule(to_string(rule)), rule);
  }
  EXPECT_EQ(to_string(Rule::kOneMacManyIps), "one_mac_many_ips");
  EXPECT_FALSE(parse_rule("nope"));
  EXPECT_EQ(to_string(Severity::kCritical), "critical");
}

TEST(MacPrefix, MatchesOnlyTheLeadingBits) {
  MacPrefix p{net::MacAddr({0x00, 0x00, 0x0c, 0x9f, 0xf0, 0x00}), 36};
  EXPECT_TRUE(p.matches(net::MacAddr({0x00, 0x00, 0x0c, 0x9f, 0xf1, 0x23})));
  EXPECT_FALSE(p.matches(net::MacAddr({0x00, 0x00, 0x0c, 0x9f, 0xe1, 0x23})));
}

}  // namespace
}  // namespace wirestate::arp
