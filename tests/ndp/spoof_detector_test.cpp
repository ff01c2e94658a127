// ndp::SpoofDetector on frames built with the wire builders and decoded the way the
// monitor decodes them: what Linux does on a quiet link raises only ndp_new_station, and
// each attack raises its rule naming the address.
#include "wirestate/ndp/spoof_detector.hpp"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "ndp_support.hpp"

namespace wirestate::ndp {
namespace {

using testing::advertisement;
using testing::at_ms;
using testing::dad_probe;
using testing::global;
using testing::link_local;
using testing::mac;
using testing::redirect;
using testing::router_advertisement;
using testing::solicitation;
using testing::unicast_probe;
using testing::usual_ra;
using testing::v6;

class NdpDetector : public ::testing::Test {
 protected:
  // Feeds one frame; returns its alerts and keeps every alert in all_.
  std::vector<Alert> feed(const NdpFrame& f) {
    if (!detector_) detector_.emplace(config_);
    auto out = detector_->observe(f);
    all_.insert(all_.end(), out.begin(), out.end());
    return out;
  }
  // Alerts other than informational ones, so far.
  std::vector<Alert> warnings() const {
    std::vector<Alert> out;
    std::copy_if(all_.begin(), all_.end(), std::back_inserter(out),
                 [](const Alert& a) { return a.severity != Severity::kInfo; });
    return out;
  }
  static bool has(const std::vector<Alert>& alerts, Rule rule, const net::Ipv6Addr& ip) {
    return std::any_of(alerts.begin(), alerts.end(), [&](const Alert& a) { return a.rule == rule && a.ip == ip; });
  }
  static std::vector<Rule> rules(const std::vector<Alert>& alerts) {
    std::vector<Rule> out;
    for (const auto& a : alerts) out.push_back(a.rule);
    return out;
  }
  // Hosts 1 and 2 come up (DAD for both addresses each) and 1 resolves 2's global address.
  void two_hosts_resolved() {
    for (std::uint8_t h : {1, 2}) {
      feed(dad_probe(h, link_local(h), at_ms(h * 10)));
      feed(dad_probe(h, global(h), at_ms(h * 10 + 1)));
    }
    feed(solicitation(1, global(1), global(2), at_ms(2000)));
    feed(advertisement(2, global(2), global(1), true, true, at_ms(2001)));
  }

  DetectorConfig config_;
  std::optional<SpoofDetector> detector_;
  std::vector<Alert> all_;
};

TEST(NdpRuleNames, RoundTripAndCarryThePrefix) {
  for (std::size_t i = 0; i < kRuleCount; ++i) {
    const auto r = static_cast<Rule>(i);
    EXPECT_EQ(parse_rule(to_string(r)), r);
    EXPECT_TRUE(to_string(r).starts_with("ndp_")) << to_string(r);
  }
  EXPECT_FALSE(parse_rule("mac_changed").has_value());  // the ARP rule's name is not ours
}

TEST_F(NdpDetector, LinuxStartupResolutionAndNudRaiseOnlyNewStations) {
  two_hosts_resolved();
  // RFC 4861 §7.3.3: after ReachableTime the entry is STALE, used -> DELAY -> PROBE: a
  // unicast NS to the cached MAC, answered by a solicited NA.
  feed(unicast_probe(1, global(1), 2, global(2), at_ms(40000)));
  feed(advertisement(2, global(2), global(1), true, true, at_ms(40001)));
  // The peer probes back the same way, from its link-local address.
  feed(solicitation(2, link_local(2), link_local(1), at_ms(41000)));
  feed(advertisement(1, link_local(1), link_local(2), true, true, at_ms(41001)));
  feed(unicast_probe(2, link_local(2), 1, link_local(1), at_ms(80000)));
  feed(advertisement(1, link_local(1), link_local(2), true, true, at_ms(80001)));
  // ndisc_notify: an unsolicited NA with override that repeats the binding.
  feed(advertisement(2, global(2), v6("ff02::1"), false, true, at_ms(90000)));
  EXPECT_TRUE(warnings().empty()) << warnings().front().message;
  EXPECT_TRUE(has(all_, Rule::kNewStation, global(2)));
  EXPECT_TRUE(has(all_, Rule::kNewStation, link_local(1)));
  EXPECT_EQ(detector_->counters().dad_probes, 4u);
  // DAD probes bind nothing; the link-local and global addresses of a host share its MAC.
  EXPECT_EQ(detector_->binding(global(2)), mac(2));
  EXPECT_EQ(detector_->binding(link_local(2)), mac(2));
}

TEST_F(NdpDetector, ForgedOverrideAdvertisementIsAChangedBindingAndAnUnsolicitedOverride) {
  two_hosts_resolved();
  const auto out = feed(advertisement(66, global(2), global(1), false, true, at_ms(5000)));
  ASSERT_EQ(rules(out), (std::vector<Rule>{Rule::kMacChanged, Rule::kUnsolicitedOverride}));
  EXPECT_EQ(out[0].ip, global(2));
  EXPECT_EQ(out[0].old_mac, mac(2));
  EXPECT_EQ(out[0].new_mac, mac(66));
  EXPECT_EQ(out[0].severity, Severity::kWarning);
  EXPECT_EQ(out[1].severity, Severity::kCritical);
  EXPECT_EQ(detector_->binding(global(2)), mac(66));
}

TEST_F(NdpDetector, SolicitedAdvertisementWithAnotherMacIsAChangeButNotAnUnsolicitedOverride) {
  two_hosts_resolved();
  feed(solicitation(1, global(1), global(2), at_ms(9000)));
  const auto out = feed(advertisement(66, global(2), global(1), true, true, at_ms(9001)));
  EXPECT_EQ(rules(out), std::vector<Rule>{Rule::kMacChanged});
}

TEST_F(NdpDetector, SolicitedFlagWithoutASolicitationCountsAsUnsolicited) {
  two_hosts_resolved();
  const auto out = feed(advertisement(66, global(2), global(1), true, true, at_ms(60000)));
  EXPECT_EQ(rules(out), (std::vector<Rule>{Rule::kMacChanged, Rule::kUnsolicitedOverride}));
}

TEST_F(NdpDetector, FlipFlopAndReusedOldMac) {
  two_hosts_resolved();
  feed(advertisement(66, global(2), global(1), true, false, at_ms(3000)));
  EXPECT_EQ(rules(feed(advertisement(2, global(2), global(1), true, false, at_ms(4000)))),
            std::vector<Rule>{Rule::kFlipFlop});
  feed(advertisement(77, global(2), global(1), true, false, at_ms(5000)));  // changed
  EXPECT_EQ(rules(feed(advertisement(66, global(2), global(1), true, false, at_ms(6000)))),
            std::vector<Rule>{Rule::kReusedOldMac});
}

TEST_F(NdpDetector, LinkLayerOptionDifferentFromTheEthernetSource) {
  auto ns = solicitation(5, global(5), global(2), at_ms(0));
  ns.eth_src = mac(6);
  const auto out = feed(ns);
  ASSERT_TRUE(has(out, Rule::kLinkAddrMismatch, global(5)));
  EXPECT_EQ(out[0].old_mac, mac(6));
  EXPECT_EQ(out[0].new_mac, mac(5));
  auto na = advertisement(2, global(2), global(1), true, true, at_ms(10), mac(9));
  EXPECT_TRUE(has(feed(na), Rule::kLinkAddrMismatch, global(2)));
}

TEST_F(NdpDetector, AnsweringEveryDadProbeIsADadDenial) {
  const auto a = global(1);
  const auto b = v6("2001:db8::1:1");
  feed(dad_probe(1, a, at_ms(0)));
  // One answer: a real duplicate (RFC 4862 §5.4.5), not yet a denial.
  EXPECT_FALSE(has(feed(advertisement(66, a, v6("ff02::1"), false, true, at_ms(100))), Rule::kDadDenial, a));
  feed(dad_probe(1, b, at_ms(3000)));
  const auto out = feed(advertisement(66, b, v6("ff02::1"), false, true, at_ms(3100)));
  ASSERT_TRUE(has(out, Rule::kDadDenial, b));
  const auto it = std::find_if(out.begin(), out.end(), [](const Alert& x) { return x.rule == Rule::kDadDenial; });
  EXPECT_EQ(it->old_mac, mac(1));
  EXPECT_EQ(it->new_mac, mac(66));
  EXPECT_EQ(it->severity, Severity::kCritical);
}

TEST_F(NdpDetector, ASecondProbeFromAnotherMacAnswersTheFirst) {
  feed(dad_probe(1, global(1), at_ms(0)));
  feed(dad_probe(66, global(1), at_ms(10)));
  feed(dad_probe(1, global(3), at_ms(5000)));
  EXPECT_TRUE(has(feed(dad_probe(66, global(3), at_ms(5010))), Rule::kDadDenial, global(3)));
}

TEST_F(NdpDetector, AHostsOwnAdvertisementAfterItsDadIsNoAnswer) {
  for (std::uint8_t i = 1; i <= 3; ++i) {
    feed(dad_probe(1, global(i), at_ms(i * 100)));
    feed(advertisement(1, global(i), v6("ff02::1"), false, true, at_ms(i * 100 + 50)));
  }
  EXPECT_TRUE(warnings().empty());
}

TEST_F(NdpDetector, LateAnswerToADadProbeIsNoAnswer) {
  for (std::uint8_t i = 1; i <= 3; ++i) {
    feed(dad_probe(1, global(i), at_ms(i * 10000)));
    feed(advertisement(66, global(i), v6("ff02::1"), false, true, at_ms(i * 10000 + 5000)));
  }
  EXPECT_FALSE(has(all_, Rule::kDadDenial, global(3)));
}

TEST_F(NdpDetector, PeriodicUnchangedAdvertisementsOfTheRouterAreQuiet) {
  for (int i = 0; i < 5; ++i) feed(router_advertisement(9, usual_ra(9), at_ms(i * 200000)));
  EXPECT_TRUE(warnings().empty());
  ASSERT_TRUE(detector_->router(link_local(9)).has_value());
  EXPECT_EQ(detector_->router(link_local(9))->mac, mac(9));
}

TEST_F(NdpDetector, AdvertisementFromAnUndeclaredRouterIsRogue) {
  config_.routers.ips.insert(net::IpAddr(link_local(9)));
  EXPECT_TRUE(feed(router_advertisement(9, usual_ra(9), at_ms(0))).size() == 1u);  // new station only
  const auto out = feed(router_advertisement(66, usual_ra(66), at_ms(10)));
  ASSERT_TRUE(has(out, Rule::kRogueRouter, link_local(66)));
  EXPECT_EQ(out[0].severity, Severity::kCritical);
  EXPECT_EQ(out[0].new_mac, mac(66));
}

TEST_F(NdpDetector, ADeclaredRoutersAddressFromAnotherMacIsRogue) {
  config_.routers.ips.insert(net::IpAddr(link_local(9)));
  config_.routers.macs.insert(mac(9));
  auto forged = router_advertisement(66, usual_ra(66), at_ms(0));
  forged.src = link_local(9);  // before the real router was ever seen: the declared MAC decides
  EXPECT_TRUE(has(feed(forged), Rule::kRogueRouter, link_local(9)));
  EXPECT_FALSE(has(feed(router_advertisement(9, usual_ra(9), at_ms(10))), Rule::kRogueRouter, link_local(9)));
  EXPECT_TRUE(detector_->router(link_local(9)).has_value());
  EXPECT_EQ(detector_->router(link_local(9))->mac, mac(9));
}

TEST_F(NdpDetector, WithNoRoutersDeclaredTheFirstIsTrustedAndASecondIsRogue) {
  feed(router_advertisement(9, usual_ra(9), at_ms(0)));
  EXPECT_TRUE(warnings().empty());
  const auto out = feed(router_advertisement(66, usual_ra(66), at_ms(10)));
  ASSERT_TRUE(has(out, Rule::kRogueRouter, link_local(66)));
  EXPECT_EQ(out[0].severity, Severity::kWarning);
}

TEST_F(NdpDetector, TheRoutersAddressFromAnotherMacIsRogue) {
  feed(router_advertisement(9, usual_ra(9), at_ms(0)));
  auto forged = router_advertisement(66, usual_ra(66), at_ms(10));
  forged.src = link_local(9);
  const auto out = feed(forged);
  EXPECT_TRUE(has(out, Rule::kRogueRouter, link_local(9)));
  EXPECT_TRUE(has(out, Rule::kMacChanged, link_local(9)));
}

TEST_F(NdpDetector, AKnownRouterChangingFlagsMtuOrPrefixesIsReported) {
  feed(router_advertisement(9, usual_ra(9), at_ms(0)));
  auto ra = usual_ra(9);
  ra.managed = true;
  auto out = feed(router_advertisement(9, ra, at_ms(1000)));
  ASSERT_TRUE(has(out, Rule::kRouterChanged, link_local(9)));
  EXPECT_NE(out[0].message.find("M flag 0 -> 1"), std::string::npos) << out[0].message;
  // The same rule for the same router is de-duplicated for a minute.
  ra.mtu = 1280;
  EXPECT_TRUE(feed(router_advertisement(9, ra, at_ms(2000))).empty());
  ra.mtu = 1400;
  out = feed(router_advertisement(9, ra, at_ms(70000)));
  ASSERT_FALSE(out.empty());
  EXPECT_NE(out[0].message.find("MTU 1280 -> 1400"), std::string::npos) << out[0].message;
  ra.prefixes.push_back({v6("2001:db8:bad::"), 64});
  out = feed(router_advertisement(100, ra, at_ms(71000)));  // from another host: rogue, not a change
  EXPECT_TRUE(has(out, Rule::kRogueRouter, link_local(100)));
  out = feed(router_advertisement(9, ra, at_ms(140000)));
  ASSERT_FALSE(out.empty());
  EXPECT_NE(out[0].message.find("new prefix 2001:db8:bad::/64"), std::string::npos);
}

TEST_F(NdpDetector, RouterLifetimeZeroFromANonRouterKillsTheDefaultRouter) {
  feed(router_advertisement(9, usual_ra(9), at_ms(0)));
  auto kill = usual_ra(66);
  kill.router_lifetime = 0;
  auto forged = router_advertisement(66, kill, at_ms(10));
  forged.src = link_local(9);  // speaks for the router
  auto out = feed(forged);
  ASSERT_TRUE(has(out, Rule::kRouterLifetimeZero, link_local(9)));
  EXPECT_EQ(out[0].old_mac, mac(9));
  EXPECT_TRUE(has(feed(router_advertisement(66, kill, at_ms(20))), Rule::kRouterLifetimeZero, link_local(66)));
  // The router itself withdrawing (RFC 4861 §6.2.5) is quiet.
  auto bye = usual_ra(9);
  bye.router_lifetime = 0;
  EXPECT_FALSE(has(feed(router_advertisement(9, bye, at_ms(30))), Rule::kRouterLifetimeZero, link_local(9)));
}

TEST_F(NdpDetector, RedirectFromANonRouter) {
  feed(router_advertisement(9, usual_ra(9), at_ms(0)));
  EXPECT_FALSE(has(feed(redirect(9, 1, link_local(3), v6("2001:db8:1::7"), at_ms(10))), Rule::kRogueRedirect,
                   link_local(9)));
  const auto out = feed(redirect(66, 1, link_local(66), v6("2001:db8:1::7"), at_ms(20)));
  ASSERT_TRUE(has(out, Rule::kRogueRedirect, link_local(66)));
  EXPECT_NE(out[0].message.find("2001:db8:1::7"), std::string::npos);
}

TEST_F(NdpDetector, StaticBindingOutranksTheAllowList) {
  config_.static_bindings[net::IpAddr(global(2))] = mac(2);
  config_.allow.macs.insert(mac(66));
  two_hosts_resolved();
  const auto out = feed(advertisement(66, global(2), global(1), false, true, at_ms(5000)));
  EXPECT_EQ(rules(out), std::vector<Rule>{Rule::kStaticBindingViolation});
  EXPECT_EQ(detector_->counters().allowed, 2u);  // mac_changed and unsolicited_override
}

TEST_F(NdpDetector, RepeatedForgeriesAreReportedOncePerInterval) {
  two_hosts_resolved();
  // The same forgery again changes nothing; the attacker and the owner taking turns raise
  // each (rule, address, MAC) once.
  for (int i = 0; i < 5; ++i) feed(advertisement(66, global(2), global(1), false, true, at_ms(5000 + i * 100)));
  EXPECT_EQ(warnings().size(), 2u);
  for (int i = 0; i < 6; ++i) {
    feed(advertisement(i % 2 == 0 ? 2 : 66, global(2), global(1), false, true, at_ms(6000 + i * 1000)));
  }
  const auto w = warnings();
  for (const auto& a : w) {
    EXPECT_EQ(std::count_if(w.begin(), w.end(), [&](const Alert& b) { return b.rule == a.rule && b.new_mac == a.new_mac; }),
              1)
        << a.message;
  }
  EXPECT_TRUE(has(w, Rule::kFlipFlop, global(2)));
  EXPECT_GT(detector_->counters().suppressed, 0u);
}

TEST_F(NdpDetector, MessagesAReceiverDiscardsAreIgnored) {
  two_hosts_resolved();
  auto off_link = advertisement(66, global(2), global(1), false, true, at_ms(5000));
  off_link.hop_limit = 64;  // RFC 4861 §7.1.2: not 255, so not from the link
  EXPECT_TRUE(feed(off_link).empty());
  auto ra = router_advertisement(66, usual_ra(66), at_ms(6000));
  ra.src = global(66);  // RFC 4861 §6.1.2: an RA's source is link-local
  EXPECT_TRUE(feed(ra).empty());
  EXPECT_EQ(detector_->counters().invalid, 2u);
  EXPECT_EQ(detector_->binding(global(2)), mac(2));
}

TEST_F(NdpDetector, TablesAreBounded) {
  config_.max_addresses = 4;
  for (std::uint8_t h = 1; h <= 10; ++h) feed(solicitation(h, global(h), global(100), at_ms(h)));
  EXPECT_EQ(detector_->counters().address_evictions, 6u);
  EXPECT_FALSE(detector_->binding(global(1)).has_value());
  EXPECT_EQ(detector_->binding(global(10)), mac(10));
}

}  // namespace
}  // namespace wirestate::ndp
