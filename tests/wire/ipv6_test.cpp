// IPv6 fixed header, extension-header chain, fragment header: golden bytes (the tcpdump line
// above each array), one test per malformed case, builder round trips.
#include "wirestate/wire/ipv6.hpp"

#include <array>
#include <vector>

#include <gtest/gtest.h>

namespace wirestate::wire {
namespace {

// IP6 (flowlabel 0xabcde, hlim 64, next-header TCP (6) payload length: 20)
//   2001:db8::1 > 2001:db8::2
constexpr std::array<std::uint8_t, 40> kHeader = {
    0x60, 0x2a, 0xbc, 0xde, 0x00, 0x14, 0x06, 0x40,                                      //
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,                        //
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};

std::vector<std::uint8_t> with_payload(std::size_t n) {
  std::vector<std::uint8_t> v(kHeader.begin(), kHeader.end());
  v.resize(v.size() + n, 0xab);
  return v;
}

TEST(Ipv6View, ReadsEveryField) {
  const auto bytes = with_payload(20);
  auto v = Ipv6View::parse(bytes);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->version(), 6);
  EXPECT_EQ(v->traffic_class(), 0x02);  // 0x60 0x2a: tc = 0x02, flow label starts with 0xa
  EXPECT_EQ(v->ecn(), 2);
  EXPECT_EQ(v->dscp(), 0);
  EXPECT_EQ(v->flow_label(), 0xabcdeU);
  EXPECT_EQ(v->payload_length(), 20);
  EXPECT_EQ(v->next_header(), Ipv6NextHeader::kTcp);
  EXPECT_EQ(v->hop_limit(), 64);
  EXPECT_EQ(v->src().to_string(), "2001:db8::1");
  EXPECT_EQ(v->dst().to_string(), "2001:db8::2");
  EXPECT_EQ(v->payload().size(), 20U);
  EXPECT_FALSE(v->is_cut());
  EXPECT_FALSE(v->is_jumbo());
}

TEST(Ipv6View, RejectsFewerThanFortyBytes) {
  const std::vector<std::uint8_t> bytes(kHeader.begin(), kHeader.begin() + 39);
  auto v = Ipv6View::parse(bytes);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error(), Error::kTruncated);
}

TEST(Ipv6View, RejectsVersionOtherThanSix) {
  auto bytes = with_payload(20);
  bytes[0] = 0x40;
  auto v = Ipv6View::parse(bytes);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error(), Error::kBadVersion);
  EXPECT_STREQ(Ipv6View::field_name(v.error()), "version");
}

TEST(Ipv6View, PayloadCutAtTheCaptureIsFlaggedNotRejected) {
  const auto bytes = with_payload(12);
  auto v = Ipv6View::parse(bytes);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->payload().size(), 12U);
  EXPECT_TRUE(v->is_cut());
}

TEST(Ipv6View, PayloadStopsAtThePayloadLength) {
  const auto bytes = with_payload(30);  // 10 bytes of Ethernet padding after the packet
  auto v = Ipv6View::parse(bytes);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->payload().size(), 20U);
}

TEST(Ipv6View, ZeroPayloadLengthWithHopByHopIsAJumbogramCandidate) {
  auto bytes = with_payload(64);
  bytes[4] = bytes[5] = 0;
  bytes[6] = Ipv6NextHeader::kHopByHop;
  auto v = Ipv6View::parse(bytes);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_jumbo());
  EXPECT_EQ(v->payload().size(), 64U);
  bytes[6] = Ipv6NextHeader::kTcp;  // without hop-by-hop it is an empty payload
  EXPECT_EQ(Ipv6View::parse(bytes)->payload().size(), 0U);
}

// hop-by-hop (8 bytes: router alert) -> routing (24 bytes, type 0 with one address) ->
// destination options (8) -> fragment (first, M set) -> TCP
std::vector<std::uint8_t> chain() {
  std::vector<std::uint8_t> p = {
      Ipv6NextHeader::kRouting, 0, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,  // HBH: RA + PadN
      Ipv6NextHeader::kDestinationOptions, 2, 0, 1, 0, 0, 0, 0,        // routing, hdr ext len 2
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x09,   //   one address
      Ipv6NextHeader::kFragment, 0, 0x01, 0x04, 0, 0, 0, 0,            // dest opts: PadN
      Ipv6NextHeader::kTcp, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef,     // fragment: offset 0, M
  };
  p.resize(p.size() + 20, 0x50);  // the TCP header
  return p;
}

TEST(Ipv6ExtensionWalker, WalksTheWholeChainToTheUpperLayer) {
  const auto p = chain();
  Ipv6ExtensionWalker w(Ipv6NextHeader::kHopByHop, p);
  std::vector<Ipv6Extension> seen;
  for (Ipv6Extension e; w.next(e);) seen.push_back(e);
  ASSERT_EQ(seen.size(), 4U);
  EXPECT_EQ(seen[0].type, Ipv6NextHeader::kHopByHop);
  EXPECT_EQ(seen[0].length, 8U);
  EXPECT_EQ(seen[1].type, Ipv6NextHeader::kRouting);
  EXPECT_EQ(seen[1].offset, 8U);
  EXPECT_EQ(seen[1].length, 24U);
  EXPECT_EQ(seen[2].type, Ipv6NextHeader::kDestinationOptions);
  EXPECT_EQ(seen[3].type, Ipv6NextHeader::kFragment);
  EXPECT_EQ(w.upper_protocol(), Ipv6NextHeader::kTcp);
  EXPECT_EQ(w.upper_offset(), 48U);
  ASSERT_TRUE(w.fragment());
  EXPECT_EQ(w.fragment()->identification, 0xdeadbeefU);
  EXPECT_TRUE(w.fragment()->more);
  EXPECT_EQ(w.fragment()->offset_raw, 0);
  EXPECT_FALSE(w.stopped_at_fragment_data());
  EXPECT_FALSE(w.error());
  EXPECT_FALSE(w.bound_hit());
}

TEST(Ipv6ExtensionWalker, NonFirstFragmentStopsAtItsData) {
  std::vector<std::uint8_t> p = {Ipv6NextHeader::kTcp, 0, 0x00, 0xb9, 0, 0, 0, 7};  // offset 23 (184 bytes), M
  p.resize(p.size() + 100, 0);
  Ipv6ExtensionWalker w(Ipv6NextHeader::kFragment, p);
  w.run();
  EXPECT_TRUE(w.stopped_at_fragment_data());
  EXPECT_EQ(w.fragment()->offset_bytes(), 184U);
  EXPECT_EQ(w.upper_protocol(), Ipv6NextHeader::kTcp);
  EXPECT_EQ(w.upper_offset(), 8U);
}

TEST(Ipv6ExtensionWalker, AtomicFragment) {
  std::vector<std::uint8_t> p = {Ipv6NextHeader::kUdp, 0, 0, 0, 0, 0, 0, 1};
  p.resize(p.size() + 8, 0);
  Ipv6ExtensionWalker w(Ipv6NextHeader::kFragment, p);
  w.run();
  ASSERT_TRUE(w.fragment());
  EXPECT_TRUE(w.fragment()->is_atomic());
  EXPECT_FALSE(w.stopped_at_fragment_data());
  EXPECT_EQ(w.upper_protocol(), Ipv6NextHeader::kUdp);
}

TEST(Ipv6ExtensionWalker, AuthenticationHeaderIsSkippedByItsLength) {
  // RFC 4302: payload len 4 = (4 + 2) * 4 = 24 bytes.
  std::vector<std::uint8_t> p = {Ipv6NextHeader::kIcmpv6, 4, 0, 0};
  p.resize(24, 0x11);
  p.resize(p.size() + 8, 0x80);
  Ipv6ExtensionWalker w(Ipv6NextHeader::kAh, p);
  w.run();
  EXPECT_EQ(w.header_count(), 1U);
  EXPECT_EQ(w.upper_protocol(), Ipv6NextHeader::kIcmpv6);
  EXPECT_EQ(w.upper_offset(), 24U);
}

TEST(Ipv6ExtensionWalker, EspAndNoNextHeaderEndTheChain) {
  const std::vector<std::uint8_t> p(32, 0);
  Ipv6ExtensionWalker esp(Ipv6NextHeader::kEsp, p);
  esp.run();
  EXPECT_EQ(esp.header_count(), 0U);
  EXPECT_EQ(esp.upper_protocol(), Ipv6NextHeader::kEsp);
  Ipv6ExtensionWalker none(Ipv6NextHeader::kNoNextHeader, p);
  none.run();
  EXPECT_EQ(none.upper_protocol(), Ipv6NextHeader::kNoNextHeader);
}

TEST(Ipv6ExtensionWalker, UnknownNextHeaderIsKeptAsTheUpperLayer) {
  const std::vector<std::uint8_t> p(32, 0);
  Ipv6ExtensionWalker w(253, p);  // RFC 3692 experimental
  w.run();
  EXPECT_EQ(w.upper_protocol(), 253);
  EXPECT_EQ(w.upper_offset(), 0U);
  EXPECT_FALSE(w.error());
}

TEST(Ipv6ExtensionWalker, HeaderRunningPastThePayloadIsTruncated) {
  std::vector<std::uint8_t> p = {Ipv6NextHeader::kTcp, 3, 0, 0, 0, 0, 0, 0};  // claims 32 bytes
  p.resize(16, 0);
  Ipv6ExtensionWalker w(Ipv6NextHeader::kDestinationOptions, p);
  w.run();
  ASSERT_TRUE(w.error());
  EXPECT_EQ(*w.error(), Error::kTruncated);
  EXPECT_EQ(w.upper_offset(), 0U);  // stopped before the bad header
  const std::vector<std::uint8_t> seven(7, 0);
  Ipv6ExtensionWalker short_one(Ipv6NextHeader::kHopByHop, seven);
  short_one.run();
  EXPECT_EQ(short_one.error(), Error::kTruncated);
}

TEST(Ipv6ExtensionWalker, HostileChainsStopAtTheBound) {
  // 100 destination-options headers chained to each other.
  std::vector<std::uint8_t> p;
  for (int i = 0; i < 100; ++i) p.insert(p.end(), {Ipv6NextHeader::kDestinationOptions, 0, 1, 4, 0, 0, 0, 0});
  Ipv6ExtensionWalker w(Ipv6NextHeader::kDestinationOptions, p);
  w.run();
  EXPECT_TRUE(w.bound_hit());
  EXPECT_EQ(w.header_count(), Ipv6ExtensionWalker::kMaxHeaders);
  EXPECT_FALSE(w.error());
}

TEST(Ipv6Repr, EmitsTheGoldenHeaderAndRoundTrips) {
  const Ipv6Repr r{.src = *net::Ipv6Addr::parse("2001:db8::1"),
                   .dst = *net::Ipv6Addr::parse("2001:db8::2"),
                   .next_header = Ipv6NextHeader::kTcp,
                   .hop_limit = 64,
                   .traffic_class = 0x02,
                   .flow_label = 0xabcde,
                   .payload_len = 20};
  std::array<std::uint8_t, 40> out{};
  EXPECT_EQ(r.emit(out), 40U);
  EXPECT_EQ(out, kHeader);
  const auto bytes = with_payload(20);
  EXPECT_EQ(to_repr(*Ipv6View::parse(bytes)), r);
}

TEST(Ipv6FragmentRepr, EmitsWhatTheWalkerReads) {
  const Ipv6FragmentRepr f{.next_header = Ipv6NextHeader::kUdp, .offset_raw = 185, .more = true, .identification = 42};
  std::vector<std::uint8_t> p(16, 0);
  EXPECT_EQ(f.emit(p), 8U);
  const auto read = Ipv6Fragment::from_bytes(p.data());
  EXPECT_EQ(read.next_header, Ipv6NextHeader::kUdp);
  EXPECT_EQ(read.offset_raw, 185);
  EXPECT_EQ(read.offset_bytes(), 1480U);
  EXPECT_TRUE(read.more);
  EXPECT_EQ(read.identification, 42U);
}

}  // namespace
}  // namespace wirestate::wire
