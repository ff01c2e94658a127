// RFC 5227 start-up through arp::Cache: probe, announce, conflicts, defence.
#include <gtest/gtest.h>

#include "arp/arp_support.hpp"
#include "wirestate/arp/cache.hpp"

namespace wirestate::arp {
namespace {

using namespace testing;

CacheConfig probing(bool randomize = false, std::uint64_t seed = 1) {
  CacheConfig c;
  c.claim.startup = Startup::kProbeAndAnnounce;
  c.claim.randomize = randomize;
  c.claim.seed = seed;
  return c;
}

bool is_probe_for(const ArpFrame& f, net::Ipv4Addr a) {
  return f.arp.is_probe() && f.arp.target_ip == a && f.eth_dst.is_broadcast() &&
         f.arp.target_mac.is_zero();
}
bool is_announcement_of(const ArpFrame& f, net::Ipv4Addr a) {
  return f.arp.op == wire::ArpOp::kRequest && f.arp.sender_ip == a && f.arp.target_ip == a &&
         f.eth_dst.is_broadcast();
}

TEST(AddressClaim, ProbesThreeTimesThenAnnouncesTwice) {
  Cache cache(probing(), mac(1), ip(1));
  CacheOutput out;
  cache.start(at_s(0), out);
  EXPECT_TRUE(out.send.empty());
  EXPECT_FALSE(cache.address_usable());
  EXPECT_EQ(cache.claim_state(), ClaimState::kWaiting);
  // PROBE_WAIT, then PROBE_NUM probes PROBE_MIN apart (randomize off), then ANNOUNCE_WAIT.
  const std::int64_t probes_at[] = {1000, 2000, 3000};
  for (auto ms : probes_at) {
    EXPECT_EQ(cache.next_deadline(), at_ms(ms));
    out.clear();
    cache.on_timer(at_ms(ms), out);
    ASSERT_EQ(out.send.size(), 1u);
    EXPECT_TRUE(is_probe_for(out.send[0], ip(1)));
    EXPECT_EQ(out.events.at(0).cause, Cause::kProbeSent);
  }
  EXPECT_EQ(cache.claim_state(), ClaimState::kProbing);
  EXPECT_EQ(cache.next_deadline(), at_ms(5000));
  out.clear();
  cache.on_timer(at_ms(5000), out);
  ASSERT_EQ(out.send.size(), 1u);
  EXPECT_TRUE(is_announcement_of(out.send[0], ip(1)));
  EXPECT_TRUE(cache.address_usable());
  EXPECT_EQ(cache.claim_state(), ClaimState::kAnnouncing);
  EXPECT_EQ(cache.next_deadline(), at_ms(7000));
  out.clear();
  cache.on_timer(at_ms(7000), out);
  ASSERT_EQ(out.send.size(), 1u);
  EXPECT_TRUE(is_announcement_of(out.send[0], ip(1)));
  EXPECT_EQ(cache.claim_state(), ClaimState::kBound);
  EXPECT_EQ(cache.next_deadline(), net::Time::max());
}

TEST(AddressClaim, RandomDelaysStayInTheRfcRanges) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Cache cache(probing(true, seed), mac(1), ip(1));
    CacheOutput out;
    cache.start(at_s(0), out);
    net::Time t = cache.next_deadline();
    EXPECT_LE(t, at_s(1));  // [0, PROBE_WAIT]
    for (int i = 0; i < 2; ++i) {
      cache.on_timer(t, out);
      const net::Time next = cache.next_deadline();
      EXPECT_GE(next - t, net::Duration::seconds(1));  // PROBE_MIN
      EXPECT_LE(next - t, net::Duration::seconds(2));  // PROBE_MAX
      t = next;
    }
  }
}

TEST(AddressClaim, ReplyClaimingTheProbedAddressIsAConflict) {
  Cache cache(probing(), mac(1), ip(1));
  CacheOutput out;
  cache.start(at_s(0), out);
  cache.on_timer(at_s(1), out);
  out.clear();
  // The owner answers our probe: RFC 5227 §2.1.1 conflict.
  cache.on_arp(reply(mac(0x66), ip(1), mac(1), net::Ipv4Addr{}, at_ms(1001), 4), at_ms(1001), out);
  EXPECT_EQ(cache.claim_state(), ClaimState::kConflict);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].cause, Cause::kProbeConflict);
  EXPECT_EQ(out.events[0].new_mac, mac(0x66));
  EXPECT_EQ(out.events[0].packet, 4u);
  EXPECT_EQ(cache.next_deadline(), net::Time::max());
  EXPECT_FALSE(cache.address_usable());
}

TEST(AddressClaim, SimultaneousProbeFromAnotherHostIsAConflict) {
  Cache cache(probing(), mac(1), ip(1));
  CacheOutput out;
  cache.start(at_s(0), out);
  cache.on_arp(probe(mac(5), ip(1), at_ms(500)), at_ms(500), out);
  EXPECT_EQ(cache.claim_state(), ClaimState::kConflict);
}

TEST(AddressClaim, ProbeForAnotherAddressIsNoConflict) {
  Cache cache(probing(), mac(1), ip(1));
  CacheOutput out;
  cache.start(at_s(0), out);
  cache.on_arp(probe(mac(5), ip(50), at_ms(500)), at_ms(500), out);
  EXPECT_EQ(cache.claim_state(), ClaimState::kWaiting);
}

TEST(AddressClaim, RequestsForTheAddressAreNotAnsweredWhileProbing) {
  Cache cache(probing(), mac(1), ip(1));
  CacheOutput out;
  cache.start(at_s(0), out);
  cache.on_arp(request(mac(2), ip(2), ip(1), at_ms(10)), at_ms(10), out);
  EXPECT_TRUE(out.send.empty());
}

TEST(AddressClaim, BoundAddressClaimedByAnotherMacIsReportedAndDefendedOncePerInterval) {
  CacheConfig config;  // Startup::kNone: bound at once
  Cache cache(config, mac(1), ip(1));
  CacheOutput out;
  cache.on_arp(announcement(mac(0x66), ip(1), at_s(0), 3), at_s(0), out);
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[0].cause, Cause::kAddressConflict);
  EXPECT_EQ(out.events[0].new_mac, mac(0x66));
  EXPECT_EQ(out.events[1].cause, Cause::kAddressDefended);
  ASSERT_EQ(out.send.size(), 1u);
  EXPECT_TRUE(is_announcement_of(out.send[0], ip(1)));
  out.clear();
  cache.on_arp(announcement(mac(0x66), ip(1), at_s(5)), at_s(5), out);
  EXPECT_TRUE(out.send.empty());  // DEFEND_INTERVAL = 10 s
  cache.on_arp(announcement(mac(0x66), ip(1), at_s(10)), at_s(10), out);
  EXPECT_EQ(out.send.size(), 1u);
  EXPECT_FALSE(cache.lookup(ip(1)));  // our own address never enters the table
}

TEST(AddressClaim, AnnounceOnlyStartupSendsTwoGratuitousArps) {
  CacheConfig config;
  config.claim.startup = Startup::kAnnounce;
  Cache cache(config, mac(1), ip(1));
  CacheOutput out;
  cache.start(at_s(0), out);
  ASSERT_EQ(out.send.size(), 1u);
  EXPECT_TRUE(out.send[0].arp.is_gratuitous());
  EXPECT_TRUE(cache.address_usable());
  cache.on_timer(at_s(2), out);
  EXPECT_EQ(out.send.size(), 2u);
  EXPECT_EQ(cache.claim_state(), ClaimState::kBound);
}

}  // namespace
}  // namespace wirestate::arp
