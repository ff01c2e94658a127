// arp::Cache: states, timers, queue, eviction, learning (RFC 826) and poisoning.
#include <gtest/gtest.h>

#include "arp/arp_support.hpp"
#include "wirestate/arp/cache.hpp"

namespace wirestate::arp {
namespace {

using namespace testing;

constexpr auto kSec = net::Duration::seconds(1);

class CacheTest : public ::testing::Test {
 protected:
  CacheTest() : cache_(config_, mac(1), ip(1)) {}
  void rebuild() { cache_ = Cache(config_, mac(1), ip(1)); }
  static QueuedItem item(std::uint64_t id) { return {id, {static_cast<std::uint8_t>(id)}}; }
  EntryState state_of(net::Ipv4Addr a) const { return cache_.lookup(a)->state; }
  // A unicast reply "who is-at what" addressed to us.
  ArpFrame reply_to_us(std::uint8_t host, std::uint8_t hw, net::Time t) {
    return reply(mac(hw), ip(host), mac(1), ip(1), t);
  }
  // Makes ip(host) REACHABLE at mac(hw) at time t (resolve + reply).
  void learn(std::uint8_t host, std::uint8_t hw, net::Time t) {
    cache_.resolve(ip(host), t, out_);
    cache_.on_arp(reply_to_us(host, hw, t), t, out_);
    out_.clear();
  }

  CacheConfig config_;
  Cache cache_;
  CacheOutput out_;
};

TEST_F(CacheTest, ResolveMissCreatesIncompleteEntryAndBroadcastsRequest) {
  EXPECT_FALSE(cache_.resolve(ip(2), at_s(0), out_));
  ASSERT_EQ(out_.send.size(), 1u);
  const ArpFrame& f = out_.send[0];
  EXPECT_EQ(f.eth_dst, net::MacAddr::broadcast());
  EXPECT_EQ(f.eth_src, mac(1));
  EXPECT_EQ(f.arp, (wire::ArpRepr{wire::ArpOp::kRequest, mac(1), ip(1), net::MacAddr{}, ip(2)}));
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0].cause, Cause::kResolve);
  EXPECT_FALSE(out_.events[0].old_state);
  EXPECT_EQ(out_.events[0].new_state, EntryState::kIncomplete);
  EXPECT_EQ(state_of(ip(2)), EntryState::kIncomplete);
}

TEST_F(CacheTest, SecondResolveJoinsTheResolutionWithoutANewRequest) {
  cache_.resolve(ip(2), at_s(0), out_);
  out_.clear();
  EXPECT_FALSE(cache_.resolve(ip(2), at_ms(100), out_));
  EXPECT_TRUE(out_.send.empty());
  EXPECT_TRUE(out_.events.empty());
}

TEST_F(CacheTest, ReplyReleasesTheQueueInOrderAndMakesTheEntryReachable) {
  EXPECT_EQ(cache_.submit(ip(2), item(1), at_s(0), out_), Submit::kQueued);
  EXPECT_EQ(cache_.submit(ip(2), item(2), at_s(0), out_), Submit::kQueued);
  out_.clear();
  cache_.on_arp(reply_to_us(2, 2, at_ms(5)), at_ms(5), out_);
  ASSERT_EQ(out_.released.size(), 2u);
  EXPECT_EQ(out_.released[0].item.id, 1u);
  EXPECT_EQ(out_.released[1].item.id, 2u);
  EXPECT_EQ(out_.released[0].mac, mac(2));
  EXPECT_EQ(state_of(ip(2)), EntryState::kReachable);
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0].old_state, EntryState::kIncomplete);
  EXPECT_EQ(out_.events[0].new_state, EntryState::kReachable);
  EXPECT_EQ(out_.events[0].new_mac, mac(2));
  EXPECT_EQ(out_.events[0].cause, Cause::kLearnReply);
}

TEST_F(CacheTest, SubmitToAKnownAddressIsReleasedAtOnce) {
  learn(2, 2, at_s(0));
  EXPECT_EQ(cache_.submit(ip(2), item(9), at_s(1), out_), Submit::kReleased);
  ASSERT_EQ(out_.released.size(), 1u);
  EXPECT_EQ(out_.released[0].mac, mac(2));
  EXPECT_TRUE(out_.send.empty());
}

TEST_F(CacheTest, RetriesOneSecondApartThenFailsItemsAsHostUnreachable) {
  cache_.submit(ip(99), item(1), at_s(0), out_);
  EXPECT_EQ(cache_.next_deadline(), at_s(1));
  out_.clear();
  cache_.on_timer(at_ms(999), out_);
  EXPECT_TRUE(out_.send.empty());
  cache_.on_timer(at_s(1), out_);
  ASSERT_EQ(out_.send.size(), 1u);
  EXPECT_EQ(out_.events.at(0).cause, Cause::kRequestRetry);
  EXPECT_EQ(cache_.next_deadline(), at_s(2));
  cache_.on_timer(at_s(2), out_);
  EXPECT_EQ(out_.send.size(), 2u);
  EXPECT_EQ(cache_.counters().requests_sent, 3u);  // mcast_solicit = 3
  out_.clear();
  cache_.on_timer(at_s(3), out_);
  EXPECT_TRUE(out_.send.empty());
  ASSERT_EQ(out_.failed.size(), 1u);
  EXPECT_EQ(out_.failed[0].item.id, 1u);
  EXPECT_EQ(out_.failed[0].reason, FailReason::kHostUnreachable);
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0].cause, Cause::kResolutionFailed);
  EXPECT_EQ(out_.events[0].items, 1u);
  EXPECT_FALSE(out_.events[0].new_state);
  EXPECT_FALSE(cache_.lookup(ip(99)));
  EXPECT_EQ(cache_.next_deadline(), net::Time::max());
}

TEST_F(CacheTest, RetryCountFollowsMcastSolicit) {
  config_.mcast_solicit = 5;
  rebuild();
  cache_.resolve(ip(99), at_s(0), out_);
  for (int s = 1; s <= 5; ++s) cache_.on_timer(at_s(s), out_);
  EXPECT_EQ(cache_.counters().requests_sent, 5u);
  EXPECT_EQ(cache_.counters().resolution_failures, 1u);
}

TEST_F(CacheTest, QueueIsBoundedAndDropsTheOldestItem) {
  config_.unres_qlen = 2;
  rebuild();
  cache_.submit(ip(2), item(1), at_s(0), out_);
  cache_.submit(ip(2), item(2), at_s(0), out_);
  cache_.submit(ip(2), item(3), at_s(0), out_);
  ASSERT_EQ(out_.failed.size(), 1u);
  EXPECT_EQ(out_.failed[0].item.id, 1u);
  EXPECT_EQ(out_.failed[0].reason, FailReason::kQueueOverflow);
  EXPECT_EQ(cache_.lookup(ip(2))->queued, 2u);
  out_.clear();
  cache_.on_arp(reply_to_us(2, 2, at_ms(1)), at_ms(1), out_);
  ASSERT_EQ(out_.released.size(), 2u);
  EXPECT_EQ(out_.released[0].item.id, 2u);
  EXPECT_EQ(cache_.counters().queue_drops, 1u);
}

TEST_F(CacheTest, ReachableBecomesStaleAfterReachableTime) {
  learn(2, 2, at_s(0));
  EXPECT_EQ(cache_.next_deadline(), at_s(30));
  cache_.on_timer(at_s(29), out_);
  EXPECT_EQ(state_of(ip(2)), EntryState::kReachable);
  cache_.on_timer(at_s(30), out_);
  EXPECT_EQ(state_of(ip(2)), EntryState::kStale);
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0].cause, Cause::kReachableExpired);
  EXPECT_EQ(out_.events[0].old_state, EntryState::kReachable);
}

TEST_F(CacheTest, UnusedStaleEntryIsCollectedAfterGcStaleTime) {
  learn(2, 2, at_s(0));
  cache_.on_timer(at_s(30), out_);
  EXPECT_EQ(cache_.next_deadline(), at_s(90));
  out_.clear();
  cache_.on_timer(at_s(90), out_);
  EXPECT_FALSE(cache_.lookup(ip(2)));
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0].cause, Cause::kGcExpired);
  EXPECT_EQ(out_.events[0].old_mac, mac(2));
}

TEST_F(CacheTest, LateTimerCatchesUpThroughStaleToRemoval) {
  learn(2, 2, at_s(0));
  cache_.on_timer(at_s(500), out_);
  EXPECT_FALSE(cache_.lookup(ip(2)));
  ASSERT_EQ(out_.events.size(), 2u);
  EXPECT_EQ(out_.events[0].cause, Cause::kReachableExpired);
  EXPECT_EQ(out_.events[1].cause, Cause::kGcExpired);
}

TEST_F(CacheTest, UsingAStaleEntryReturnsItsMacAndSendsAUnicastRequest) {
  learn(2, 2, at_s(0));
  cache_.on_timer(at_s(30), out_);
  out_.clear();
  EXPECT_EQ(cache_.resolve(ip(2), at_s(40), out_), mac(2));
  ASSERT_EQ(out_.send.size(), 1u);
  EXPECT_EQ(out_.send[0].eth_dst, mac(2));  // Linux NUD probe: unicast
  EXPECT_EQ(out_.send[0].arp.target_ip, ip(2));
  EXPECT_EQ(out_.events.at(0).cause, Cause::kRevalidate);
  out_.clear();
  cache_.on_arp(reply_to_us(2, 2, at_ms(40001)), at_ms(40001), out_);
  EXPECT_EQ(state_of(ip(2)), EntryState::kReachable);
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0].old_state, EntryState::kStale);
}

TEST_F(CacheTest, RevalidationFailsAfterUcastSolicitUnansweredRequests) {
  learn(2, 2, at_s(0));
  cache_.on_timer(at_s(30), out_);
  cache_.resolve(ip(2), at_s(40), out_);
  cache_.on_timer(at_s(41), out_);
  cache_.on_timer(at_s(42), out_);
  EXPECT_EQ(cache_.counters().requests_sent, 4u);  // 1 broadcast + 3 unicast
  out_.clear();
  cache_.on_timer(at_s(43), out_);
  EXPECT_FALSE(cache_.lookup(ip(2)));
  EXPECT_EQ(out_.events.at(0).cause, Cause::kRevalidationFailed);
}

TEST_F(CacheTest, PermanentEntryNeverAgesAndIsNotOverwrittenByArp) {
  ASSERT_TRUE(cache_.add_static(ip(2), mac(2), at_s(0), out_));
  EXPECT_EQ(out_.events.at(0).new_state, EntryState::kPermanent);
  EXPECT_EQ(cache_.next_deadline(), net::Time::max());
  cache_.on_arp(reply_to_us(2, 0x66, at_s(5)), at_s(5), out_);
  EXPECT_EQ(cache_.lookup(ip(2))->mac, mac(2));
  EXPECT_EQ(cache_.lookup(ip(2))->state, EntryState::kPermanent);
  cache_.on_timer(at_s(100000), out_);
  EXPECT_EQ(cache_.resolve(ip(2), at_s(100000), out_), mac(2));
}

TEST_F(CacheTest, StaticTableIsBounded) {
  config_.max_static = 1;
  rebuild();
  EXPECT_TRUE(cache_.add_static(ip(2), mac(2), at_s(0), out_));
  EXPECT_FALSE(cache_.add_static(ip(3), mac(3), at_s(0), out_));
  EXPECT_TRUE(cache_.add_static(ip(2), mac(4), at_s(0), out_));  // replacing is fine
}

TEST_F(CacheTest, AddingAStaticEntryReleasesTheWaitingQueue) {
  cache_.submit(ip(2), item(1), at_s(0), out_);
  out_.clear();
  cache_.add_static(ip(2), mac(2), at_ms(10), out_);
  ASSERT_EQ(out_.released.size(), 1u);
  EXPECT_EQ(out_.released[0].mac, mac(2));
}

TEST_F(CacheTest, EvictsTheLeastRecentlyUsedNonStaticEntry) {
  config_.max_entries = 2;
  rebuild();
  cache_.add_static(ip(9), mac(9), at_s(0), out_);
  learn(2, 2, at_s(0));
  learn(3, 3, at_s(0));
  cache_.resolve(ip(2), at_s(1), out_);  // .2 is now more recently used than .3
  out_.clear();
  cache_.resolve(ip(4), at_s(2), out_);
  EXPECT_TRUE(cache_.lookup(ip(2)));
  EXPECT_FALSE(cache_.lookup(ip(3)));
  EXPECT_TRUE(cache_.lookup(ip(9)));
  EXPECT_EQ(cache_.counters().evictions, 1u);
  ASSERT_GE(out_.events.size(), 2u);
  EXPECT_EQ(out_.events[0].cause, Cause::kEvicted);
  EXPECT_EQ(out_.events[0].ip, ip(3));
  EXPECT_EQ(cache_.size(), 3u);
}

TEST_F(CacheTest, EvictingAnIncompleteEntryFailsItsQueue) {
  config_.max_entries = 1;
  rebuild();
  cache_.submit(ip(2), item(1), at_s(0), out_);
  out_.clear();
  cache_.resolve(ip(3), at_s(0), out_);
  ASSERT_EQ(out_.failed.size(), 1u);
  EXPECT_EQ(out_.failed[0].reason, FailReason::kEvicted);
  EXPECT_EQ(out_.failed[0].ip, ip(2));
}

TEST_F(CacheTest, RequestForUsIsAnsweredAndItsSenderAddedAsStale) {
  cache_.on_arp(request(mac(2), ip(2), ip(1), at_s(0), 7), at_s(0), out_);
  ASSERT_EQ(out_.send.size(), 1u);
  const ArpFrame& r = out_.send[0];
  EXPECT_EQ(r.eth_dst, mac(2));
  EXPECT_EQ(r.arp, (wire::ArpRepr{wire::ArpOp::kReply, mac(1), ip(1), mac(2), ip(2)}));
  EXPECT_EQ(state_of(ip(2)), EntryState::kStale);
  EXPECT_EQ(out_.events.at(0).packet, 7u);
  EXPECT_EQ(out_.events.at(0).cause, Cause::kLearnRequest);
}

TEST_F(CacheTest, RequestForAnotherHostAddsNothing) {
  cache_.on_arp(request(mac(2), ip(2), ip(3), at_s(0)), at_s(0), out_);
  EXPECT_FALSE(cache_.lookup(ip(2)));
  EXPECT_TRUE(out_.send.empty());
}

TEST_F(CacheTest, RequestForAnotherHostUpdatesAnExistingEntry) {
  // RFC 826 merge: any packet whose sender is in the table updates it.
  learn(2, 2, at_s(0));
  cache_.on_arp(request(mac(0x66), ip(2), ip(3), at_s(2)), at_s(2), out_);
  EXPECT_EQ(cache_.lookup(ip(2))->mac, mac(0x66));
  EXPECT_EQ(state_of(ip(2)), EntryState::kStale);
}

TEST_F(CacheTest, UnsolicitedReplyPoisonsAnExistingEntryAsLinuxDoes) {
  learn(2, 2, at_s(0));
  cache_.on_arp(reply_to_us(2, 0x66, at_s(2)), at_s(2), out_);
  EXPECT_EQ(cache_.lookup(ip(2))->mac, mac(0x66));
  EXPECT_EQ(state_of(ip(2)), EntryState::kReachable);
  ASSERT_EQ(out_.events.size(), 1u);
  EXPECT_EQ(out_.events[0].old_mac, mac(2));
  EXPECT_EQ(out_.events[0].new_mac, mac(0x66));
}

TEST_F(CacheTest, DifferentMacWithinLocktimeIsIgnored) {
  learn(2, 2, at_s(0));
  cache_.on_arp(reply_to_us(2, 0x66, at_ms(500)), at_ms(500), out_);
  EXPECT_EQ(cache_.lookup(ip(2))->mac, mac(2));
  EXPECT_EQ(cache_.counters().locktime_ignored, 1u);
}

TEST_F(CacheTest, GratuitousArpOverridesLocktime) {
  learn(2, 2, at_s(0));
  cache_.on_arp(announcement(mac(0x66), ip(2), at_ms(500)), at_ms(500), out_);
  EXPECT_EQ(cache_.lookup(ip(2))->mac, mac(0x66));
  EXPECT_EQ(out_.events.at(0).cause, Cause::kLearnGratuitous);
}

TEST_F(CacheTest, UnsolicitedReplyForUnknownAddressAddedPerRfc826) {
  cache_.on_arp(reply_to_us(5, 5, at_s(0)), at_s(0), out_);
  EXPECT_EQ(state_of(ip(5)), EntryState::kReachable);
}

TEST_F(CacheTest, UnsolicitedReplyForUnknownAddressIgnoredLikeLinuxArpAccept0) {
  config_.accept_unsolicited_replies = false;
  rebuild();
  cache_.on_arp(reply_to_us(5, 5, at_s(0)), at_s(0), out_);
  EXPECT_FALSE(cache_.lookup(ip(5)));
}

TEST_F(CacheTest, ProbeForOurAddressIsAnsweredAndTeachesNothing) {
  cache_.on_arp(probe(mac(5), ip(1), at_s(0)), at_s(0), out_);
  ASSERT_EQ(out_.send.size(), 1u);
  EXPECT_EQ(out_.send[0].arp.op, wire::ArpOp::kReply);
  EXPECT_EQ(out_.send[0].arp.target_ip, net::Ipv4Addr{});
  EXPECT_EQ(out_.send[0].eth_dst, mac(5));
  EXPECT_EQ(cache_.size(), 0u);
}

TEST_F(CacheTest, OwnFramesAreIgnored) {
  cache_.on_arp(request(mac(1), ip(1), ip(1), at_s(0)), at_s(0), out_);
  EXPECT_TRUE(out_.send.empty());
  EXPECT_EQ(cache_.counters().ignored_frames, 1u);
}

TEST_F(CacheTest, RemoveFailsWaitingItems) {
  cache_.submit(ip(2), item(1), at_s(0), out_);
  out_.clear();
  EXPECT_TRUE(cache_.remove(ip(2), at_s(0), out_));
  ASSERT_EQ(out_.failed.size(), 1u);
  EXPECT_EQ(out_.failed[0].reason, FailReason::kRemoved);
  EXPECT_FALSE(cache_.remove(ip(2), at_s(0), out_));
}

TEST(CacheNames, StatesAndCausesHaveStableNames) {
  EXPECT_EQ(to_string(EntryState::kIncomplete), "INCOMPLETE");
  EXPECT_EQ(to_string(EntryState::kPermanent), "PERMANENT");
  EXPECT_EQ(to_string(Cause::kResolutionFailed), "host unreachable");
  EXPECT_EQ(to_string(FailReason::kQueueOverflow), "queue overflow");
}

}  // namespace
}  // namespace wirestate::arp
