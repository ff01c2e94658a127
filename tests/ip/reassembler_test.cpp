#include "wirestate/ip/reassembler.hpp"

#include <cstdint>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

namespace wirestate::ip {
namespace {

using net::Duration;
using net::Time;

const FragmentKey kKey{net::Ipv4Addr(10, 77, 0, 1), net::Ipv4Addr(10, 77, 0, 2), 17, 0x1234};

// A payload of `size` bytes whose byte i is (i * 7) mod 251, so misplaced pieces show.
std::vector<std::uint8_t> pattern(std::size_t size) {
  std::vector<std::uint8_t> v(size);
  for (std::size_t i = 0; i < size; ++i) v[i] = static_cast<std::uint8_t>((i * 7) % 251);
  return v;
}

struct Frag {
  std::uint32_t offset;
  std::uint32_t length;
  bool more;
};

Fragment make(const std::vector<std::uint8_t>& whole, Frag fr, FragmentKey key = kKey,
              std::uint64_t packet = 0) {
  Fragment f;
  f.key = key;
  f.offset = fr.offset;
  f.more_fragments = fr.more;
  f.payload = std::span<const std::uint8_t>(whole).subspan(fr.offset, fr.length);
  f.packet = packet;
  return f;
}

Time at_ms(std::int64_t ms) { return Time::from_ns(ms * 1'000'000); }

// 4000-byte UDP datagram as Linux fragments it at MTU 1500 (the kernel trace
// udp_icmp_frag.pcap): 1480 + 1480 + 1040 bytes of payload (4008 with the UDP header,
// here plain bytes).
const std::vector<Frag> kThree = {{0, 1480, true}, {1480, 1480, true}, {2960, 1048, false}};

TEST(Reassembler, InOrderFragmentsRebuildTheDatagram) {
  const auto whole = pattern(4008);
  Reassembler r;
  EXPECT_FALSE(r.add(make(whole, kThree[0], kKey, 1), at_ms(0)).datagram);
  EXPECT_FALSE(r.add(make(whole, kThree[1], kKey, 2), at_ms(1)).datagram);
  auto res = r.add(make(whole, kThree[2], kKey, 3), at_ms(2));
  ASSERT_TRUE(res.datagram);
  EXPECT_EQ(res.datagram->payload, whole);
  EXPECT_EQ(res.datagram->fragments, 3U);
  EXPECT_EQ(res.datagram->first_packet, 1U);
  EXPECT_EQ(res.datagram->last_packet, 3U);
  EXPECT_TRUE(res.events.empty());
  EXPECT_EQ(r.pending(), 0U);
  EXPECT_EQ(r.bytes_held(), 0U);
  EXPECT_EQ(r.counters().completed, 1U);
}

TEST(Reassembler, OutOfOrderFragmentsRebuildTheDatagram) {
  const auto whole = pattern(4008);
  Reassembler r;
  EXPECT_FALSE(r.add(make(whole, kThree[1]), at_ms(0)).datagram);
  EXPECT_FALSE(r.add(make(whole, kThree[0]), at_ms(1)).datagram);
  auto res = r.add(make(whole, kThree[2]), at_ms(2));
  ASSERT_TRUE(res.datagram);
  EXPECT_EQ(res.datagram->payload, whole);
}

TEST(Reassembler, LastFragmentFirstWaitsForTheRest) {
  const auto whole = pattern(4008);
  Reassembler r;
  EXPECT_FALSE(r.add(make(whole, kThree[2]), at_ms(0)).datagram);
  EXPECT_EQ(r.pending(), 1U);
  EXPECT_FALSE(r.add(make(whole, kThree[0]), at_ms(1)).datagram);
  auto res = r.add(make(whole, kThree[1]), at_ms(2));
  ASSERT_TRUE(res.datagram);
  EXPECT_EQ(res.datagram->payload, whole);
}

TEST(Reassembler, KeepsTheHeaderOfTheOffsetZeroFragment) {
  const auto whole = pattern(4008);
  const std::vector<std::uint8_t> header0(20, 0x45);
  const std::vector<std::uint8_t> header1(20, 0x99);
  Reassembler r;
  auto f1 = make(whole, kThree[1]);
  f1.header = header1;
  auto f0 = make(whole, kThree[0]);
  f0.header = header0;
  r.add(f1, at_ms(0));
  r.add(f0, at_ms(0));
  auto res = r.add(make(whole, kThree[2]), at_ms(0));
  ASSERT_TRUE(res.datagram);
  EXPECT_EQ(res.datagram->header, header0);
}

TEST(Reassembler, ANonFragmentIsReturnedAtOnce) {
  const auto whole = pattern(100);
  Reassembler r;
  auto res = r.add(make(whole, {0, 100, false}), at_ms(0));
  ASSERT_TRUE(res.datagram);
  EXPECT_EQ(res.datagram->payload, whole);
  EXPECT_EQ(r.pending(), 0U);
}

TEST(Reassembler, ExactDuplicateIsDroppedAndTheDatagramKept) {
  const auto whole = pattern(4008);
  Reassembler r;
  r.add(make(whole, kThree[0]), at_ms(0));
  auto dup = r.add(make(whole, kThree[0], kKey, 7), at_ms(1));
  ASSERT_EQ(dup.events.size(), 1U);
  EXPECT_EQ(dup.events[0].kind, ReassemblyEventKind::kDuplicate);
  EXPECT_FALSE(dup.events[0].datagram_dropped);
  EXPECT_EQ(dup.events[0].packet, 7U);
  r.add(make(whole, kThree[1]), at_ms(2));
  auto res = r.add(make(whole, kThree[2]), at_ms(3));
  ASSERT_TRUE(res.datagram);
  EXPECT_EQ(res.datagram->payload, whole);
  EXPECT_EQ(r.counters().duplicates, 1U);
}

TEST(Reassembler, OverlapWithTheNextFragmentDropsTheDatagram) {
  const auto whole = pattern(4008);
  Reassembler r;
  r.add(make(whole, kThree[1]), at_ms(0));                  // [1480, 2960)
  auto res = r.add(make(whole, {0, 1488, true}), at_ms(1));  // [0, 1488) overlaps by 8
  EXPECT_FALSE(res.datagram);
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kOverlap);
  EXPECT_TRUE(res.events[0].datagram_dropped);
  EXPECT_EQ(r.pending(), 0U);
  EXPECT_EQ(r.bytes_held(), 0U);
  // The rest of the original datagram then starts a new, never-completed one.
  EXPECT_FALSE(r.add(make(whole, kThree[2]), at_ms(2)).datagram);
  EXPECT_EQ(r.counters().overlaps, 1U);
}

TEST(Reassembler, OverlapWithThePreviousFragmentDropsTheDatagram) {
  const auto whole = pattern(4008);
  Reassembler r;
  r.add(make(whole, kThree[0]), at_ms(0));                     // [0, 1480)
  auto res = r.add(make(whole, {1472, 1480, true}), at_ms(1));  // starts 8 bytes early
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kOverlap);
  EXPECT_EQ(r.pending(), 0U);
}

TEST(Reassembler, SameOffsetDifferentLengthIsAnOverlapNotADuplicate) {
  const auto whole = pattern(4008);
  Reassembler r;
  r.add(make(whole, {0, 1480, true}), at_ms(0));
  auto res = r.add(make(whole, {0, 1472, true}), at_ms(1));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kOverlap);
}

TEST(Reassembler, TimeoutDropsThePartialDatagramWithAnEvent) {
  const auto whole = pattern(4008);
  Reassembler r;  // 30 s, like Linux ipfrag_time
  r.add(make(whole, kThree[0]), at_ms(0));
  EXPECT_EQ(r.next_deadline(), at_ms(30'000));
  EXPECT_TRUE(r.expire(at_ms(29'999)).empty());
  auto events = r.expire(at_ms(30'000));
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, ReassemblyEventKind::kTimeout);
  EXPECT_EQ(events[0].fragments, 1U);
  EXPECT_EQ(events[0].bytes, 1480U);
  EXPECT_EQ(r.pending(), 0U);
  EXPECT_EQ(r.next_deadline(), Time::max());
}

TEST(Reassembler, TimeoutIsNotRefreshedByLaterFragments) {
  const auto whole = pattern(4008);
  Reassembler r;
  r.add(make(whole, kThree[0]), at_ms(0));
  r.add(make(whole, kThree[1]), at_ms(20'000));
  // The third fragment arrives after 30 s from the first: the datagram is gone and the
  // late fragment starts a new partial one.
  auto res = r.add(make(whole, kThree[2]), at_ms(30'001));
  EXPECT_FALSE(res.datagram);
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kTimeout);
  EXPECT_EQ(res.events[0].fragments, 2U);
  EXPECT_EQ(r.pending(), 1U);
}

TEST(Reassembler, DatagramLargerThan65535BytesIsDropped) {
  std::vector<std::uint8_t> big(70'000, 1);
  Reassembler r;
  r.add(make(big, {0, 1480, true}), at_ms(0));
  auto res = r.add(make(big, {65'512, 8, false}), at_ms(0));  // 20 + 65520 > 65535
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kTooLarge);
  EXPECT_TRUE(res.events[0].datagram_dropped);
  EXPECT_EQ(r.pending(), 0U);
}

TEST(Reassembler, DatagramOfExactly65535BytesIsAccepted) {
  std::vector<std::uint8_t> big(65'515, 3);
  Reassembler r;
  r.add(make(big, {0, 65'512, true}), at_ms(0));
  auto res = r.add(make(big, {65'512, 3, false}), at_ms(0));
  ASSERT_TRUE(res.datagram);
  EXPECT_EQ(res.datagram->payload.size(), 65'515U);
}

TEST(Reassembler, NonLastFragmentNotMultipleOfEightIsDropped) {
  const auto whole = pattern(4008);
  Reassembler r;
  auto res = r.add(make(whole, {0, 1479, true}), at_ms(0));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kBadLength);
  EXPECT_FALSE(res.events[0].datagram_dropped);
  EXPECT_EQ(r.pending(), 0U);
}

TEST(Reassembler, SecondLastFragmentWithADifferentEndDropsTheDatagram) {
  const auto whole = pattern(4008);
  Reassembler r;
  r.add(make(whole, kThree[2]), at_ms(0));  // ends at 4008
  auto res = r.add(make(whole, {2960, 1000, false}), at_ms(0));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kInconsistentEnd);
  EXPECT_EQ(r.pending(), 0U);
}

TEST(Reassembler, DataBeyondTheLastFragmentDropsTheDatagram) {
  const auto whole = pattern(8000);
  Reassembler r;
  r.add(make(whole, {1480, 1480, false}), at_ms(0));  // says the datagram ends at 2960
  auto res = r.add(make(whole, {2960, 1480, true}), at_ms(0));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kInconsistentEnd);
}

TEST(Reassembler, DatagramCountLimitEvictsTheOldestWithAnEvent) {
  const auto whole = pattern(4008);
  Reassembler r(ReassemblerConfig{Duration::seconds(30), 2, 1 << 20});
  FragmentKey k1 = kKey, k2 = kKey, k3 = kKey;
  k2.id = 2;
  k3.id = 3;
  r.add(make(whole, kThree[0], k1), at_ms(0));
  r.add(make(whole, kThree[0], k2), at_ms(1));
  auto res = r.add(make(whole, kThree[0], k3), at_ms(2));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kEvictedCount);
  EXPECT_EQ(res.events[0].key, k1);
  EXPECT_EQ(r.pending(), 2U);
  // k2 still completes.
  r.add(make(whole, kThree[1], k2), at_ms(3));
  EXPECT_TRUE(r.add(make(whole, kThree[2], k2), at_ms(4)).datagram);
}

TEST(Reassembler, ByteLimitEvictsTheOldestWithAnEvent) {
  const auto whole = pattern(4008);
  Reassembler r(ReassemblerConfig{Duration::seconds(30), 100, 3000});
  FragmentKey k2 = kKey;
  k2.id = 2;
  r.add(make(whole, kThree[0]), at_ms(0));     // 1480 held
  r.add(make(whole, kThree[1]), at_ms(0));     // 2960 held
  auto res = r.add(make(whole, kThree[0], k2), at_ms(1));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kEvictedBytes);
  EXPECT_EQ(res.events[0].key, kKey);
  EXPECT_EQ(res.events[0].bytes, 2960U);
  EXPECT_EQ(r.bytes_held(), 1480U);
  EXPECT_LE(r.bytes_held(), 3000U);
}

TEST(Reassembler, FragmentLargerThanTheByteLimitIsRefused) {
  const auto whole = pattern(4008);
  Reassembler r(ReassemblerConfig{Duration::seconds(30), 100, 1000});
  auto res = r.add(make(whole, kThree[0]), at_ms(0));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kFragmentTooBig);
  EXPECT_EQ(r.pending(), 0U);
}

TEST(Reassembler, HundredThousandNeverCompletedSetsStayAtTheCap) {
  const auto whole = pattern(16);
  ReassemblerConfig config;
  config.max_datagrams = 1000;
  config.max_bytes = 64 * 1024;
  Reassembler r(config);
  std::size_t evictions = 0;
  std::size_t peak = 0;
  for (std::uint32_t i = 0; i < 100'000; ++i) {
    FragmentKey k{net::Ipv4Addr(0x0a000000U + i), net::Ipv4Addr(10, 0, 0, 1), 17,
                  static_cast<std::uint16_t>(i)};
    // Every set only ever sends its first 8 bytes (MF set): never complete. All arrive
    // within one millisecond, so no timeout helps.
    auto res = r.add(make(whole, {0, 8, true}, k), Time::from_ns(i * 10));
    evictions += res.events.size();
    for (const auto& e : res.events) EXPECT_EQ(e.kind, ReassemblyEventKind::kEvictedCount);
    peak = std::max(peak, r.pending());
    ASSERT_LE(r.bytes_held(), config.max_bytes);
  }
  EXPECT_EQ(peak, 1000U);
  EXPECT_EQ(r.pending(), 1000U);
  EXPECT_EQ(evictions, 99'000U);
  EXPECT_EQ(r.counters().evictions, 99'000U);
  // All of them time out together, one event each.
  EXPECT_EQ(r.expire(Time::from_ns(0) + Duration::seconds(31)).size(), 1000U);
  EXPECT_EQ(r.pending(), 0U);
}

TEST(Reassembler, EventKindsHaveNames) {
  EXPECT_EQ(to_string(ReassemblyEventKind::kOverlap), "overlap");
  EXPECT_EQ(to_string(ReassemblyEventKind::kTimeout), "timeout");
  EXPECT_EQ(to_string(ReassemblyEventKind::kEvictedBytes), "evicted_bytes");
}

// --- IPv6 (RFC 8200 §4.5) through the same mechanism -----------------------------------------

const FragmentKey kKey6{*net::Ipv6Addr::parse("2001:db8::1"), *net::Ipv6Addr::parse("2001:db8::2"), 0, 0xdeadbeef};

TEST(Reassembler, Ipv6FragmentsRebuildTheDatagramWithTheirThirtyTwoBitId) {
  const auto whole = pattern(4008);
  Reassembler r;
  EXPECT_FALSE(r.add(make(whole, kThree[2], kKey6, 1), at_ms(0)).datagram);
  EXPECT_FALSE(r.add(make(whole, kThree[0], kKey6, 2), at_ms(1)).datagram);
  // The same addresses and the id's low 16 bits under another id are another datagram.
  FragmentKey other = kKey6;
  other.id = 0xbeef;
  EXPECT_FALSE(r.add(make(whole, kThree[1], other, 3), at_ms(2)).datagram);
  EXPECT_EQ(r.pending(), 2U);
  auto res = r.add(make(whole, kThree[1], kKey6, 4), at_ms(3));
  ASSERT_TRUE(res.datagram);
  EXPECT_EQ(res.datagram->payload, whole);
  EXPECT_EQ(res.datagram->key, kKey6);
}

TEST(Reassembler, FamiliesNeverMixEvenForMappedAddresses) {
  const auto whole = pattern(4008);
  const FragmentKey v4{net::Ipv4Addr(10, 0, 0, 1), net::Ipv4Addr(10, 0, 0, 2), 0, 7};
  const FragmentKey mapped{net::Ipv6Addr::mapped(net::Ipv4Addr(10, 0, 0, 1)),
                           net::Ipv6Addr::mapped(net::Ipv4Addr(10, 0, 0, 2)), 0, 7};
  Reassembler r;
  EXPECT_FALSE(r.add(make(whole, kThree[0], v4), at_ms(0)).datagram);
  EXPECT_FALSE(r.add(make(whole, kThree[1], mapped), at_ms(0)).datagram);
  EXPECT_FALSE(r.add(make(whole, kThree[2], v4), at_ms(0)).datagram);
  EXPECT_EQ(r.pending(), 2U);
}

TEST(Reassembler, Ipv6WaitsSixtySecondsAndIpv4Thirty) {
  const auto whole = pattern(4008);
  Reassembler r;
  r.add(make(whole, kThree[0], kKey6), at_ms(0));   // IPv6 first: due at 60 s
  r.add(make(whole, kThree[0], kKey), at_ms(1000));  // IPv4 later: due at 31 s
  EXPECT_EQ(r.next_deadline(), at_ms(31000));
  EXPECT_TRUE(r.expire(at_ms(30999)).empty());
  const auto first = r.expire(at_ms(31000));
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first[0].key, kKey);
  EXPECT_EQ(r.next_deadline(), at_ms(60000));
  EXPECT_TRUE(r.expire(at_ms(59999)).empty());
  const auto second = r.expire(at_ms(60000));
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(second[0].key, kKey6);
}

TEST(Reassembler, BothFamiliesDueTogetherExpireInDeadlineOrder) {
  const auto whole = pattern(4008);
  Reassembler r;
  r.add(make(whole, kThree[0], kKey6), at_ms(0));    // due 60 s
  r.add(make(whole, kThree[0], kKey), at_ms(20000));  // due 50 s
  const auto events = r.expire(at_ms(70000));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].key, kKey);
  EXPECT_EQ(events[1].key, kKey6);
}

TEST(Reassembler, EvictionTakesTheOldestOfEitherFamily) {
  const auto whole = pattern(4008);
  ReassemblerConfig config;
  config.max_datagrams = 2;
  Reassembler r(config);
  r.add(make(whole, kThree[0], kKey6), at_ms(0));
  r.add(make(whole, kThree[0], kKey), at_ms(1));
  FragmentKey third = kKey;
  third.id = 99;
  const auto res = r.add(make(whole, kThree[0], third), at_ms(2));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kEvictedCount);
  EXPECT_EQ(res.events[0].key, kKey6);
}

TEST(Reassembler, Ipv6LimitCountsTheExtensionHeadersNotTheFixedHeader) {
  // Unfragmentable part: 40-byte fixed header + 8-byte hop-by-hop. The payload length may
  // reach 65535 = 8 + fragmentable part, so 65527 bytes of fragmentable data fit.
  const std::vector<std::uint8_t> header(48, 0);
  const auto whole = pattern(65528);
  Reassembler r;
  auto first = make(whole, {0, 1480, true}, kKey6);
  first.header = header;
  r.add(first, at_ms(0));
  auto last = make(whole, {65520, 7, false}, kKey6);
  last.header = header;  // every fragment carries the unfragmentable part
  EXPECT_TRUE(r.add(last, at_ms(1)).events.empty());  // ends at 65527: fits
  Reassembler r2;
  r2.add(first, at_ms(0));
  auto too_far = make(whole, {65520, 8, false}, kKey6);  // ends at 65528: 8 + 65528 > 65535
  too_far.header = header;
  const auto res = r2.add(too_far, at_ms(1));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kTooLarge);
  EXPECT_EQ(r2.pending(), 0U);
}

TEST(Reassembler, Ipv6OverlapDropsTheWholeDatagram) {
  // RFC 5722 §4: "the entire datagram (and any constituent fragments) MUST be silently discarded".
  const auto whole = pattern(4008);
  Reassembler r;
  r.add(make(whole, kThree[0], kKey6), at_ms(0));
  const auto res = r.add(make(whole, {1472, 1480, true}, kKey6), at_ms(1));
  ASSERT_EQ(res.events.size(), 1U);
  EXPECT_EQ(res.events[0].kind, ReassemblyEventKind::kOverlap);
  EXPECT_TRUE(res.events[0].datagram_dropped);
  EXPECT_EQ(r.pending(), 0U);
}

TEST(Reassembler, Ipv6AtomicFragmentIsADatagramAtOnce) {
  // RFC 6946 §4: offset 0 and M clear; processed in isolation from other fragments.
  const auto whole = pattern(100);
  Reassembler r;
  r.add(make(whole, {0, 16, true}, kKey6), at_ms(0));
  const auto res = r.add(make(whole, {0, 100, false}, kKey6), at_ms(1));
  ASSERT_TRUE(res.datagram);
  EXPECT_EQ(res.datagram->payload, whole);
  EXPECT_EQ(r.pending(), 1U);  // the real fragment set is untouched
}

}  // namespace
}  // namespace wirestate::ip
