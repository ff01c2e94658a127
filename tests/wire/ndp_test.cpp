// ICMPv6 and NDP views and builders against scapy (Debian's python3-scapy), an independent
// implementation: scapy builds a message and we read every field, we build one and the
// bytes (checksum included) equal scapy's; plus one test per malformed case.
#include "wirestate/wire/ndp.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scapy_oracle.hpp"
#include "support/require.hpp"

namespace wirestate::wire {
namespace {

net::Ipv6Addr v6(const char* text) { return *net::Ipv6Addr::parse(text); }
net::MacAddr mac(const char* text) { return *net::MacAddr::parse(text); }

using testing::have_scapy;

// The ICMPv6 message (after the 40-byte IPv6 header) of the packet a scapy expression builds.
std::vector<std::uint8_t> scapy_icmpv6(const std::string& expr) { return testing::scapy_bytes(expr, 40); }

class Ndp : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_scapy()) WIRESTATE_SKIP_UNLESS_REQUIRED() << "scapy is missing (apt-get install python3-scapy)";
  }
};

std::vector<std::uint8_t> emit(const Icmpv6Repr& m, const char* src, const char* dst) {
  std::vector<std::uint8_t> out(m.len());
  m.emit(out, v6(src), v6(dst));
  return out;
}

TEST_F(Ndp, NeighborSolicitationBytesEqualScapys) {
  const auto ours = emit(neighbor_solicitation(v6("fe80::2"), mac("02:00:00:00:00:01")), "fe80::1", "ff02::1:ff00:2");
  const auto theirs = scapy_icmpv6(
      "IPv6(src=\"fe80::1\",dst=\"ff02::1:ff00:2\")/ICMPv6ND_NS(tgt=\"fe80::2\")/"
      "ICMPv6NDOptSrcLLAddr(lladdr=\"02:00:00:00:00:01\")");
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(ours, theirs);
  // DAD: no source link-layer address option.
  EXPECT_EQ(emit(neighbor_solicitation(v6("2001:db8::5"), std::nullopt), "::", "ff02::1:ff00:5"),
            scapy_icmpv6("IPv6(src=\"::\",dst=\"ff02::1:ff00:5\")/ICMPv6ND_NS(tgt=\"2001:db8::5\")"));
}

TEST_F(Ndp, NeighborAdvertisementBytesEqualScapys) {
  const auto ours =
      emit(neighbor_advertisement(v6("fe80::2"), false, true, true, mac("02:00:00:00:00:02")), "fe80::2", "fe80::1");
  EXPECT_EQ(ours, scapy_icmpv6("IPv6(src=\"fe80::2\",dst=\"fe80::1\")/ICMPv6ND_NA(tgt=\"fe80::2\",R=0,S=1,O=1)/"
                               "ICMPv6NDOptDstLLAddr(lladdr=\"02:00:00:00:00:02\")"));
  const auto router = emit(neighbor_advertisement(v6("fe80::9"), true, false, false, std::nullopt), "fe80::9", "ff02::1");
  EXPECT_EQ(router, scapy_icmpv6("IPv6(src=\"fe80::9\",dst=\"ff02::1\")/ICMPv6ND_NA(tgt=\"fe80::9\",R=1,S=0,O=0)"));
}

TEST_F(Ndp, RouterSolicitationAndAdvertisementBytesEqualScapys) {
  EXPECT_EQ(emit(router_solicitation(mac("02:00:00:00:00:01")), "fe80::1", "ff02::2"),
            scapy_icmpv6("IPv6(src=\"fe80::1\",dst=\"ff02::2\")/ICMPv6ND_RS()/"
                         "ICMPv6NDOptSrcLLAddr(lladdr=\"02:00:00:00:00:01\")"));
  RouterAdvertisement ra{.cur_hop_limit = 64, .managed = true, .preference = 3, .router_lifetime = 1800, .reachable_time = 30000,
                         .retrans_timer = 1000, .source_link_addr = mac("02:00:00:00:00:09"), .mtu = 1500};
  ra.prefixes.push_back({.prefix = v6("2001:db8:1::"), .prefix_length = 64});
  ra.rdnss = {v6("2001:db8::53"), v6("2001:db8::54")};
  ra.rdnss_lifetime = 600;
  EXPECT_EQ(emit(router_advertisement(ra), "fe80::9", "ff02::1"),
            scapy_icmpv6("IPv6(src=\"fe80::9\",dst=\"ff02::1\")/"
                         "ICMPv6ND_RA(chlim=64,M=1,O=0,prf=3,routerlifetime=1800,reachabletime=30000,retranstimer=1000)/"
                         "ICMPv6NDOptSrcLLAddr(lladdr=\"02:00:00:00:00:09\")/ICMPv6NDOptMTU(mtu=1500)/"
                         "ICMPv6NDOptPrefixInfo(prefixlen=64,L=1,A=1,validlifetime=2592000,"
                         "preferredlifetime=604800,prefix=\"2001:db8:1::\")/"
                         "ICMPv6NDOptRDNSS(lifetime=600,dns=[\"2001:db8::53\",\"2001:db8::54\"])"));
}

TEST_F(Ndp, ReadsEveryFieldOfAScapyRouterAdvertisement) {
  const auto bytes = scapy_icmpv6(
      "IPv6(src=\"fe80::9\",dst=\"ff02::1\")/ICMPv6ND_RA(chlim=255,M=0,O=1,routerlifetime=9000,reachabletime=7,"
      "retranstimer=8)/ICMPv6NDOptPrefixInfo(prefixlen=48,L=0,A=1,validlifetime=100,preferredlifetime=50,"
      "prefix=\"2001:db8:7::\")/ICMPv6NDOptRDNSS(lifetime=99,dns=[\"2001:db8::1\"])/"
      "ICMPv6NDOptSrcLLAddr(lladdr=\"02:aa:bb:cc:dd:ee\")");
  auto icmp = Icmpv6View::parse(bytes);
  ASSERT_TRUE(icmp);
  EXPECT_EQ(icmp->verify_checksum(v6("fe80::9"), v6("ff02::1"), bytes.size()), ChecksumStatus::kGood);
  EXPECT_EQ(icmp->verify_checksum(v6("fe80::8"), v6("ff02::1"), bytes.size()), ChecksumStatus::kBad);
  EXPECT_EQ(icmp->verify_checksum(v6("fe80::9"), v6("ff02::1"), bytes.size() + 1), ChecksumStatus::kUnverified);
  EXPECT_TRUE(icmp->is_ndp());
  EXPECT_EQ(icmpv6_type_name(icmp->type()), "router_advertisement");
  auto ra = NdpView::parse(*icmp);
  ASSERT_TRUE(ra);
  EXPECT_EQ(ra->cur_hop_limit(), 255);
  EXPECT_FALSE(ra->managed());
  EXPECT_TRUE(ra->other_config());
  EXPECT_EQ(ra->preference(), 1);  // RFC 4191: high
  EXPECT_EQ(ra->router_lifetime(), 9000);
  EXPECT_EQ(ra->reachable_time(), 7U);
  EXPECT_EQ(ra->retrans_timer(), 8U);
  EXPECT_FALSE(ra->target());
  EXPECT_FALSE(ra->destination());
  EXPECT_EQ(ra->source_link_addr(), mac("02:aa:bb:cc:dd:ee"));
  EXPECT_FALSE(ra->target_link_addr());
  auto walker = ra->options();
  std::vector<NdpOption> options;
  for (NdpOption o; walker.next(o);) options.push_back(o);
  EXPECT_FALSE(walker.error());
  ASSERT_EQ(options.size(), 3U);
  EXPECT_EQ(options[0].type, NdpOptionType::kPrefixInfo);
  EXPECT_FALSE(options[0].check());
  EXPECT_EQ(options[0].offset, 16U);
  EXPECT_EQ(options[0].prefix_length(), 48);
  EXPECT_FALSE(options[0].on_link());
  EXPECT_TRUE(options[0].autonomous());
  EXPECT_EQ(options[0].valid_lifetime(), 100U);
  EXPECT_EQ(options[0].preferred_lifetime(), 50U);
  EXPECT_EQ(options[0].prefix(), v6("2001:db8:7::"));
  EXPECT_EQ(options[1].type, NdpOptionType::kRdnss);
  EXPECT_FALSE(options[1].check());
  EXPECT_EQ(options[1].rdnss_lifetime(), 99U);
  ASSERT_EQ(options[1].rdnss_count(), 1U);
  EXPECT_EQ(options[1].rdnss_address(0), v6("2001:db8::1"));
}

TEST_F(Ndp, ReadsNeighborMessagesAndRedirect) {
  const auto na = scapy_icmpv6("IPv6(src=\"fe80::2\",dst=\"fe80::1\")/ICMPv6ND_NA(tgt=\"2001:db8::2\",R=1,S=1,O=0)/"
                               "ICMPv6NDOptDstLLAddr(lladdr=\"02:00:00:00:00:02\")");
  auto view = NdpView::parse(*Icmpv6View::parse(na));
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->router());
  EXPECT_TRUE(view->solicited());
  EXPECT_FALSE(view->override_flag());
  EXPECT_EQ(view->target(), v6("2001:db8::2"));
  EXPECT_FALSE(view->destination());
  EXPECT_EQ(view->target_link_addr(), mac("02:00:00:00:00:02"));
  const auto redirect = scapy_icmpv6("IPv6(src=\"fe80::9\",dst=\"fe80::1\")/ICMPv6ND_Redirect(tgt=\"fe80::7\","
                                     "dst=\"2001:db8::99\")/ICMPv6NDOptDstLLAddr(lladdr=\"02:00:00:00:00:07\")");
  auto r = NdpView::parse(*Icmpv6View::parse(redirect));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->target(), v6("fe80::7"));
  EXPECT_EQ(r->destination(), v6("2001:db8::99"));
  EXPECT_EQ(r->target_link_addr(), mac("02:00:00:00:00:07"));
}

TEST_F(Ndp, QuotedPortsOfAnIcmpv6ErrorPastExtensionHeaders) {
  const auto bytes = scapy_icmpv6(
      "IPv6(src=\"2001:db8::2\",dst=\"2001:db8::1\")/ICMPv6DestUnreach(code=4)/"
      "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/IPv6ExtHdrDestOpt()/UDP(sport=40000,dport=53)");
  auto icmp = Icmpv6View::parse(bytes);
  ASSERT_TRUE(icmp);
  EXPECT_TRUE(icmp->is_error());
  ASSERT_TRUE(icmp->quoted_ipv6());
  EXPECT_EQ(icmp->quoted_ipv6()->src(), v6("2001:db8::1"));
  const auto ports = icmp->quoted_ports();
  ASSERT_TRUE(ports);
  EXPECT_EQ(ports->src_port, 40000);
  EXPECT_EQ(ports->dst_port, 53);
  const auto tbig = scapy_icmpv6("IPv6(src=\"2001:db8::2\",dst=\"2001:db8::1\")/ICMPv6PacketTooBig(mtu=1280)/"
                                 "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/TCP(sport=1,dport=2)");
  EXPECT_EQ(Icmpv6View::parse(tbig)->mtu(), 1280U);
  EXPECT_EQ(Icmpv6View::parse(tbig)->quoted_ports()->dst_port, 2);
}

TEST_F(Ndp, EchoAndErrorBuildersEqualScapys) {
  EXPECT_EQ(emit(Icmpv6Repr::echo_request(0x1234, 7, {'h', 'i'}), "2001:db8::1", "2001:db8::2"),
            scapy_icmpv6("IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/ICMPv6EchoRequest(id=0x1234,seq=7,data=b\"hi\")"));
  const std::vector<std::uint8_t> quoted(48, 0x60);
  EXPECT_EQ(emit(Icmpv6Repr::packet_too_big(1400, quoted), "2001:db8::1", "2001:db8::2"),
            scapy_icmpv6("IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/ICMPv6PacketTooBig(mtu=1400)/Raw(b\"\\x60\"*48)"));
  EXPECT_EQ(emit(Icmpv6Repr::parameter_problem(1, 40, quoted), "2001:db8::1", "2001:db8::2"),
            scapy_icmpv6("IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/ICMPv6ParamProblem(code=1,ptr=40)/Raw(b\"\\x60\"*48)"));
}

// --- malformed cases (no scapy needed) ------------------------------------------------------

TEST(NdpMalformed, MessageShorterThanItsFixedPartIsTruncated) {
  std::vector<std::uint8_t> ns(20, 0);  // NS needs 24
  ns[0] = Icmpv6Type::kNeighborSolicitation;
  auto v = NdpView::parse(*Icmpv6View::parse(ns));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error(), Error::kTruncated);
}

TEST(NdpMalformed, GettersOfFieldsATypeLacksReadNothing) {
  // A router solicitation is 8 bytes: no target, no destination, no timers to read.
  std::vector<std::uint8_t> rs(8, 0xff);
  rs[0] = Icmpv6Type::kRouterSolicitation;
  auto v = NdpView::parse(*Icmpv6View::parse(rs));
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->target());
  EXPECT_FALSE(v->destination());
  EXPECT_EQ(v->reachable_time(), 0U);
  EXPECT_EQ(v->retrans_timer(), 0U);
}

TEST(NdpMalformed, NonNdpTypeIsRefused) {
  std::vector<std::uint8_t> echo(8, 0);
  echo[0] = Icmpv6Type::kEchoRequest;
  EXPECT_EQ(NdpView::parse(*Icmpv6View::parse(echo)).error(), Error::kUnsupportedProtocol);
}

TEST(NdpMalformed, OptionWithLengthZeroStopsTheWalk) {
  std::vector<std::uint8_t> ns(24, 0);
  ns[0] = Icmpv6Type::kNeighborSolicitation;
  ns.insert(ns.end(), {NdpOptionType::kSourceLinkAddr, 0, 1, 2, 3, 4, 5, 6});
  auto walker = NdpView::parse(*Icmpv6View::parse(ns))->options();
  NdpOption o;
  EXPECT_FALSE(walker.next(o));
  EXPECT_EQ(walker.error(), Error::kOptionLengthZero);
  EXPECT_EQ(walker.error_offset(), 24U);
}

TEST(NdpMalformed, OptionRunningPastTheMessageIsAnOverrun) {
  std::vector<std::uint8_t> rs(8, 0);
  rs[0] = Icmpv6Type::kRouterSolicitation;
  rs.insert(rs.end(), {NdpOptionType::kSourceLinkAddr, 1, 2, 3, 4, 5, 6, 7});  // fine
  rs.insert(rs.end(), {NdpOptionType::kMtu, 2, 0, 0});                          // claims 16, has 4
  auto walker = NdpView::parse(*Icmpv6View::parse(rs))->options();
  NdpOption o;
  EXPECT_TRUE(walker.next(o));
  EXPECT_FALSE(walker.next(o));
  EXPECT_EQ(walker.error(), Error::kOptionOverrun);
  EXPECT_EQ(walker.error_offset(), 16U);
  rs.resize(17);  // a lone type byte
  auto lone = NdpView::parse(*Icmpv6View::parse(rs))->options();
  EXPECT_TRUE(lone.next(o));
  EXPECT_FALSE(lone.next(o));
  EXPECT_EQ(lone.error(), Error::kOptionOverrun);
}

TEST(NdpMalformed, KnownOptionsWithTheWrongLengthAreNamed) {
  const std::vector<std::uint8_t> two_units(16, 0);
  NdpOption lla{.type = NdpOptionType::kSourceLinkAddr, .length_units = 2, .bytes = two_units};
  EXPECT_EQ(lla.check(), Error::kBadOptionLength);
  EXPECT_FALSE(lla.link_addr());  // not an Ethernet address
  NdpOption rdnss{.type = NdpOptionType::kRdnss, .length_units = 4, .bytes = two_units};
  EXPECT_EQ(rdnss.check(), Error::kBadOptionLength);
  NdpOption prefix{.type = NdpOptionType::kPrefixInfo, .length_units = 3, .bytes = two_units};
  EXPECT_EQ(prefix.check(), Error::kBadOptionLength);
  NdpOption unknown{.type = 200, .length_units = 2, .bytes = two_units};
  EXPECT_FALSE(unknown.check());
}

TEST(Icmpv6Malformed, FewerThanEightBytesIsTruncated) {
  const std::vector<std::uint8_t> seven(7, 0);
  EXPECT_EQ(Icmpv6View::parse(seven).error(), Error::kTruncated);
}

TEST(Icmpv6Malformed, InformationalMessagesQuoteNothing) {
  std::vector<std::uint8_t> echo(48, 0);
  echo[0] = Icmpv6Type::kEchoReply;
  EXPECT_EQ(Icmpv6View::parse(echo)->quoted_ipv6().error(), Error::kBadIcmpQuote);
  EXPECT_FALSE(Icmpv6View::parse(echo)->quoted_ports());
}

}  // namespace
}  // namespace wirestate::wire
