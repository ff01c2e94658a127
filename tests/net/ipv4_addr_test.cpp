#include "wirestate/net/ipv4_addr.hpp"

#include <gtest/gtest.h>

namespace wirestate::net {
namespace {

TEST(Ipv4Addr, ParsesAndPrintsDottedQuad) {
  auto a = Ipv4Addr::parse("100.4.5.6");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->value(), 0x64040506U);
  EXPECT_EQ(a->to_string(), "100.4.5.6");
  EXPECT_EQ(Ipv4Addr::parse("0.0.0.0")->value(), 0U);
  EXPECT_EQ(Ipv4Addr::parse("255.255.255.255")->value(), 0xffffffffU);
}

TEST(Ipv4Addr, RejectsOutOfRangeShortAndJunk) {
  for (const char* bad : {"256.1.1.1", "1.2.3", "1.2.3.4.", "1.2.3.4x", "1..2.3", "", ".1.2.3",
                          "1.2.3.4 ", " 1.2.3.4", "1.2.3.0004", "a.b.c.d", "1.2.3.-4", "+1.2.3.4",
                          "1.2.3.4.5"}) {
    auto a = Ipv4Addr::parse(bad);
    EXPECT_FALSE(a) << "accepted \"" << bad << "\"";
    if (!a) {
      EXPECT_NE(a.error().find(bad), std::string::npos) << "error should quote the input";
    }
  }
}

TEST(Ipv4Addr, LeadingZerosAreRefusedNotReadAsOctalOrDecimal) {
  // inet_aton reads "010" as 8, most parsers as 10: neither guess is made.
  for (const char* bad : {"010.0.0.1", "10.00.0.1", "10.0.0.01", "00.0.0.0"}) {
    auto a = Ipv4Addr::parse(bad);
    ASSERT_FALSE(a) << "accepted \"" << bad << "\"";
    EXPECT_NE(a.error().find("leading zero"), std::string::npos) << a.error();
  }
  EXPECT_EQ(Ipv4Addr::parse("10.0.0.0")->to_string(), "10.0.0.0");
  EXPECT_EQ(Ipv4Addr::parse("0.0.0.0")->to_string(), "0.0.0.0");
}

TEST(Ipv4Addr, BytesRoundTripInNetworkOrder) {
  const std::uint8_t bytes[4] = {10, 0, 0, 1};
  const auto a = Ipv4Addr::from_bytes(bytes);
  EXPECT_EQ(a, Ipv4Addr(10, 0, 0, 1));
  std::uint8_t out[4] = {};
  a.write_to(out);
  EXPECT_EQ(std::vector<std::uint8_t>(out, out + 4), std::vector<std::uint8_t>(bytes, bytes + 4));
}

TEST(Ipv4Addr, ClassifiesSubnetsAndSpecialAddresses) {
  EXPECT_TRUE(Ipv4Addr(10, 0, 0, 1).same_subnet(Ipv4Addr(10, 0, 0, 200), 24));
  EXPECT_FALSE(Ipv4Addr(10, 0, 0, 1).same_subnet(Ipv4Addr(10, 0, 1, 1), 24));
  EXPECT_TRUE(Ipv4Addr(224, 0, 0, 251).is_multicast());
  EXPECT_TRUE(Ipv4Addr(255, 255, 255, 255).is_broadcast());
}

}  // namespace
}  // namespace wirestate::net
