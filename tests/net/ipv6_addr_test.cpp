// Ipv6Addr: RFC 4291 parsing, RFC 5952 text. glibc's inet_pton/inet_ntop are the independent
// oracle on random addresses (they follow RFC 5952 except for IPv4-compatible ::a.b.c.d, which
// RFC 4291 deprecates and RFC 5952 does not ask for).
#include "wirestate/net/ipv6_addr.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace wirestate::net {
namespace {

Ipv6Addr must_parse(const std::string& text) {
  auto a = Ipv6Addr::parse(text);
  EXPECT_TRUE(a) << a.error();
  return a.value_or(Ipv6Addr());
}

TEST(Ipv6Addr, ParsesFullCompressedAndMixedForms) {
  EXPECT_EQ(must_parse("2001:db8:0:0:0:0:0:1"), Ipv6Addr::from_groups({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(must_parse("2001:DB8::1"), Ipv6Addr::from_groups({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(must_parse("::"), Ipv6Addr());
  EXPECT_EQ(must_parse("::1"), Ipv6Addr::from_groups({0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(must_parse("fe80::"), Ipv6Addr::from_groups({0xfe80, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(must_parse("1:2:3:4:5:6:7::"), Ipv6Addr::from_groups({1, 2, 3, 4, 5, 6, 7, 0}));
  EXPECT_EQ(must_parse("::2:3:4:5:6:7:8"), Ipv6Addr::from_groups({0, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(must_parse("::ffff:192.0.2.1"), Ipv6Addr::mapped(Ipv4Addr(192, 0, 2, 1)));
  EXPECT_EQ(must_parse("64:ff9b::192.0.2.33"), Ipv6Addr::from_groups({0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221}));
  EXPECT_EQ(must_parse("1:2:3:4:5:6:1.2.3.4"), Ipv6Addr::from_groups({1, 2, 3, 4, 5, 6, 0x0102, 0x0304}));
}

TEST(Ipv6Addr, RejectsMalformedTextAndQuotesIt) {
  for (const char* bad :
       {"", ":", ":::", "1:::2", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "g::1", "1:2:3:4:5:6:7:1.2.3.4",
        "::1.2.3.4:5", "::256.1.1.1", "fe80::1%eth0", "2001:db8::/32", "[::1]", " ::1", "::1 ", "1.2.3.4",
        "1:2:3:4:5:6:7:8:", "-1::"}) {
    auto a = Ipv6Addr::parse(bad);
    EXPECT_FALSE(a) << "accepted \"" << bad << "\" as " << a->to_string();
    if (!a) {
      EXPECT_NE(a.error().find(std::string("\"") + bad + "\""), std::string::npos) << a.error();
    }
  }
}

TEST(Ipv6Addr, ErrorSaysWhatIsWrong) {
  EXPECT_NE(Ipv6Addr::parse("1::2::3").error().find("more than one \"::\""), std::string::npos);
  EXPECT_NE(Ipv6Addr::parse("fe80::1%eth0").error().find("zone index"), std::string::npos);
  EXPECT_NE(Ipv6Addr::parse("12345::").error().find("four hex digits"), std::string::npos);
  EXPECT_NE(Ipv6Addr::parse("1:2:3:4:5:6:7").error().find("fewer than eight groups"), std::string::npos);
}

TEST(Ipv6Addr, PrintsRfc5952Text) {
  // RFC 5952 §4.1 leading zeros, §4.2.1 longest run, §4.2.2 no single group, §4.2.3 first of
  // equal runs, §4.3 lowercase, §5 mapped IPv4.
  EXPECT_EQ(must_parse("2001:0db8:0000:0000:0000:0000:0000:0001").to_string(), "2001:db8::1");
  EXPECT_EQ(must_parse("2001:db8:0:0:1:0:0:1").to_string(), "2001:db8::1:0:0:1");
  EXPECT_EQ(must_parse("2001:db8:0:1:1:1:1:1").to_string(), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(must_parse("2001:0:0:1:0:0:0:1").to_string(), "2001:0:0:1::1");
  EXPECT_EQ(must_parse("2001:DB8::ABCD").to_string(), "2001:db8::abcd");
  EXPECT_EQ(must_parse("0:0:0:0:0:ffff:c000:0201").to_string(), "::ffff:192.0.2.1");
  EXPECT_EQ(Ipv6Addr().to_string(), "::");
  EXPECT_EQ(must_parse("::1").to_string(), "::1");
  EXPECT_EQ(must_parse("1:0:0:0:0:0:0:0").to_string(), "1::");
}

TEST(Ipv6Addr, Classifies) {
  EXPECT_TRUE(Ipv6Addr().is_unspecified());
  EXPECT_TRUE(must_parse("::1").is_loopback());
  EXPECT_FALSE(must_parse("::2").is_loopback());
  EXPECT_TRUE(must_parse("ff02::1").is_multicast());
  EXPECT_TRUE(must_parse("fe80::1").is_link_local());
  EXPECT_TRUE(must_parse("febf::1").is_link_local());
  EXPECT_FALSE(must_parse("fec0::1").is_link_local());
  EXPECT_TRUE(must_parse("::ffff:10.0.0.1").is_v4_mapped());
  EXPECT_EQ(must_parse("::ffff:10.0.0.1").low_v4(), Ipv4Addr(10, 0, 0, 1));
  // RFC 4291 §2.7.1: ff02::1:ff00:0/104 with the low 24 bits of the address.
  EXPECT_EQ(must_parse("2001:db8::abcd:1234:5678").solicited_node(), must_parse("ff02::1:ff34:5678"));
  EXPECT_TRUE(must_parse("2001:db8:1::1").same_prefix(must_parse("2001:db8:1:ffff::"), 48));
  EXPECT_FALSE(must_parse("2001:db8:1::1").same_prefix(must_parse("2001:db8:2::1"), 48));
  // 0db8 and 0db9 differ in bit 32 only.
  EXPECT_TRUE(must_parse("2001:db8::1").same_prefix(must_parse("2001:db9::1"), 31));
  EXPECT_FALSE(must_parse("2001:db8::1").same_prefix(must_parse("2001:db9::1"), 32));
}

TEST(Ipv6Addr, BytesRoundTripInNetworkOrder) {
  const std::uint8_t bytes[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
  const auto a = Ipv6Addr::from_bytes(bytes);
  EXPECT_EQ(a.to_string(), "2001:db8::1");
  std::uint8_t out[16] = {};
  a.write_to(out);
  EXPECT_EQ(std::memcmp(out, bytes, 16), 0);
}

// Random addresses, zero groups likely: our text equals inet_ntop's, and parsing our text and
// inet_ntop's gives the address back; inet_pton accepts our text.
TEST(Ipv6Addr, AgreesWithGlibcOnRandomAddresses) {
  std::mt19937_64 rng(4291);
  int compared = 0;
  for (int i = 0; i < 20000; ++i) {
    std::array<std::uint16_t, 8> g{};
    for (auto& x : g) {
      const auto r = rng();
      x = (r & 3) != 0 ? 0 : static_cast<std::uint16_t>(r >> 16);  // three in four groups zero
    }
    if (i % 7 == 0) g = {0, 0, 0, 0, 0, 0xffff, g[6], g[7]};         // mapped
    const auto a = Ipv6Addr::from_groups(g);
    char text[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, a.bytes().data(), text, sizeof text), nullptr);
    auto back = Ipv6Addr::parse(text);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(*back, a) << text;
    std::uint8_t bytes[16];
    ASSERT_EQ(inet_pton(AF_INET6, a.to_string().c_str(), bytes), 1) << a.to_string();
    EXPECT_EQ(Ipv6Addr::from_bytes(bytes), a);
    // glibc prints ::a.b.c.d for IPv4-compatible addresses (first 96 bits zero, not :: or ::1).
    const bool compat = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0 &&
                        (g[6] != 0 || g[7] > 1);
    if (compat) continue;
    EXPECT_EQ(a.to_string(), text);
    ++compared;
  }
  EXPECT_GT(compared, 15000);
}

}  // namespace
}  // namespace wirestate::net
