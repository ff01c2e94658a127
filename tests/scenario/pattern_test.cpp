#include "wirestate/scenario/pattern.hpp"

#include <gtest/gtest.h>

namespace wirestate::scenario {
namespace {

TEST(Pattern, SynWithOptions) {
  auto p = parse_pattern("client > server S seq 0 win 65535 <mss 1460,sackOK,TS val 5 ecr 0,nop,wscale 7>");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->src.host, "client");
  EXPECT_EQ(p->dst.host, "server");
  EXPECT_EQ(p->kind, PacketPattern::Kind::kTcp);
  EXPECT_EQ(p->flags.bits, wire::TcpFlags::kSyn);
  EXPECT_EQ(p->seq, 0u);
  EXPECT_EQ(p->win, 65535);
  ASSERT_TRUE(p->options);
  EXPECT_EQ(p->options->mss, 1460);
  EXPECT_EQ(p->options->wscale, 7);
  EXPECT_TRUE(p->options->sack_ok);
  EXPECT_TRUE(p->options->ts);
  EXPECT_EQ(p->options->ts_values, (wire::TcpTimestamps{5, 0}));
}

TEST(Pattern, FlagsInAnyOrder) {
  EXPECT_EQ(parse_pattern("a > b .S")->flags.bits, wire::TcpFlags::kSyn | wire::TcpFlags::kAck);
  EXPECT_EQ(parse_pattern("a > b FP.")->flags.bits, wire::TcpFlags::kFin | wire::TcpFlags::kPsh | wire::TcpFlags::kAck);
  EXPECT_EQ(parse_pattern("a > b none")->flags.bits, 0);
  EXPECT_FALSE(parse_tcp_flags("SS"));
  EXPECT_FALSE(parse_tcp_flags("S.x"));
}

TEST(Pattern, PortsAddressesAndWildcards) {
  auto p = parse_pattern("10.0.0.1:40000 > *:8000 P. seq 1:6 ack 1 length 5");
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_EQ(p->src.ip, net::Ipv4Addr(10, 0, 0, 1));
  EXPECT_EQ(p->src.port, 40000);
  EXPECT_TRUE(p->dst.any());
  EXPECT_EQ(p->dst.port, 8000);
  EXPECT_EQ(p->seq, 1u);
  EXPECT_EQ(p->seq_end, 6u);
  EXPECT_EQ(p->ack, 1u);
  EXPECT_EQ(p->length, 5u);
}

TEST(Pattern, ArpUdpIcmp) {
  auto who = parse_pattern("client > * arp who-has 10.0.0.2 tell 10.0.0.1");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->arp, PacketPattern::ArpKind::kWhoHas);
  EXPECT_EQ(who->arp_tell, net::Ipv4Addr(10, 0, 0, 1));
  auto reply = parse_pattern("x > y arp reply 10.0.0.2 is-at 02:00:00:00:00:66");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->arp_mac, *net::MacAddr::parse("02:00:00:00:00:66"));
  EXPECT_EQ(parse_pattern("a > b udp length 3")->length, 3u);
  EXPECT_EQ(parse_pattern("a > b icmp port-unreachable")->icmp, PacketPattern::IcmpKind::kPortUnreachable);
}

TEST(Pattern, EmptyOptionListMeansNoOptions) {
  auto p = parse_pattern("a > b S <>");
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->options);
  EXPECT_FALSE(p->options->mss);
}

TEST(Pattern, SackBlocks) {
  auto p = parse_pattern("a > b . ack 1 <nop,nop,sack 10:20 30:40>");
  ASSERT_TRUE(p) << p.error().to_string();
  ASSERT_EQ(p->options->sack.size(), 2u);
  EXPECT_EQ(p->options->sack[1].right, net::SeqNum(40));
}

TEST(PatternErrors, TooFewWords) {
  auto p = parse_pattern("client > server");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().to_string(),
            "expected \"SRC > DST KIND ...\" (like \"client > server S.\") in \"client > server\", got 3 words");
}

TEST(PatternErrors, MissingArrow) {
  auto p = parse_pattern("client < server S");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().to_string(), "expected '>' between source and destination in \"client < server S\", got \"<\"");
}

TEST(PatternErrors, ArrowWrongWord) {
  auto p = parse_pattern("client - server S");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().to_string(), "expected '>' between source and destination in \"client - server S\", got \"-\"");
}

TEST(PatternErrors, BadFlags) {
  auto p = parse_pattern("a > b SYN");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().got, "\"SYN\"");
}

TEST(PatternErrors, BadPort) {
  auto p = parse_pattern("a:99999 > b S");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().expected, "a port 1..65535 after ':' in \"a:99999 > b S\"");
}

TEST(PatternErrors, SeqOutOfRange) {
  auto p = parse_pattern("a > b S seq 4294967296");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().got, "\"4294967296\"");
}

TEST(PatternErrors, UnknownField) {
  auto p = parse_pattern("a > b S window 5");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().expected, "one of seq, ack, win, length or <options> in \"a > b S window 5\"");
}

TEST(PatternErrors, NumberMissing) {
  auto p = parse_pattern("a > b . ack");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().got, "the end");
}

TEST(PatternErrors, UnclosedOptions) {
  auto p = parse_pattern("a > b S <mss 1460");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().got, "the end");
}

TEST(PatternErrors, OptionsOnUdp) {
  auto p = parse_pattern("a > b udp <mss 1>");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().expected.find("options only on a TCP pattern"), std::string::npos);
}

TEST(PatternErrors, TrailingWordsAfterOptions) {
  auto p = parse_pattern("a > b S <mss 1460> win 5");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().got, "\"win\"");
}

TEST(PatternErrors, BadArpMac) {
  auto p = parse_pattern("a > b arp reply 10.0.0.1 is-at 02:00");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().got, "\"02:00\"");
}

TEST(PatternErrors, EmptyOptionBetweenCommas) {
  auto p = parse_pattern("a > b S <mss 1460,,nop>");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().got, "nothing");
}

}  // namespace
}  // namespace wirestate::scenario
