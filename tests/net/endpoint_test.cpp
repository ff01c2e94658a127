// IpAddr, Endpoint and FlowKey: one identity for hosts and connections of both families.
#include "wirestate/net/endpoint.hpp"

#include <unordered_set>

#include <gtest/gtest.h>

#include "wirestate/net/flow_key.hpp"

namespace wirestate::net {
namespace {

Endpoint ep(const char* text) {
  auto e = Endpoint::parse(text);
  EXPECT_TRUE(e) << e.error();
  return e.value_or(Endpoint{});
}

TEST(IpAddr, ParsesEitherFamily) {
  auto v4 = IpAddr::parse("10.0.0.1");
  ASSERT_TRUE(v4) << v4.error();
  EXPECT_TRUE(v4->is_v4());
  EXPECT_EQ(v4->v4(), Ipv4Addr(10, 0, 0, 1));
  EXPECT_EQ(v4->to_string(), "10.0.0.1");
  auto v6 = IpAddr::parse("2001:db8::1");
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_TRUE(v6->is_v6());
  EXPECT_EQ(v6->to_string(), "2001:db8::1");
  EXPECT_FALSE(IpAddr::parse("10.0.0"));
  EXPECT_FALSE(IpAddr::parse("2001:db8:::1"));
}

TEST(IpAddr, FamiliesNeverCompareEqual) {
  const IpAddr v4 = Ipv4Addr(10, 0, 0, 1);
  const IpAddr mapped = Ipv6Addr::mapped(Ipv4Addr(10, 0, 0, 1));
  EXPECT_NE(v4, mapped);
  EXPECT_LT(v4, mapped);  // IPv4 sorts first
  EXPECT_NE(std::hash<IpAddr>{}(v4), std::hash<IpAddr>{}(mapped));
  EXPECT_EQ(mapped.to_string(), "::ffff:10.0.0.1");
  EXPECT_TRUE(IpAddr().is_unspecified());
  EXPECT_TRUE(IpAddr(Ipv6Addr()).is_unspecified());
  EXPECT_TRUE(IpAddr::parse("ff02::1")->is_multicast());
  EXPECT_TRUE(IpAddr::parse("224.0.0.1")->is_multicast());
}

TEST(Endpoint, TextOfBothFamilies) {
  EXPECT_EQ(ep("10.0.0.1:80").to_string(), "10.0.0.1:80");
  EXPECT_EQ(ep("[2001:db8::1]:80").to_string(), "[2001:db8::1]:80");
  EXPECT_EQ(ep("[2001:0DB8::0001]:65535").to_string(), "[2001:db8::1]:65535");
  EXPECT_EQ(ep("[::1]:0").port, 0);
  EXPECT_EQ(fmt::format("{}", ep("[::1]:8000")), "[::1]:8000");
}

TEST(Endpoint, RejectsAmbiguousOrBrokenText) {
  for (const char* bad : {"10.0.0.1", "10.0.0.1:", "10.0.0.1:65536", "10.0.0.1:8o", "2001:db8::1:80", "[2001:db8::1]",
                          "[2001:db8::1]80", "[10.0.0.1]:80", "[2001:db8::1:80", ":80", "10.0.0.1:123456"}) {
    auto e = Endpoint::parse(bad);
    EXPECT_FALSE(e) << "accepted \"" << bad << "\"";
    if (!e) {
      EXPECT_NE(e.error().find(std::string("\"") + bad + "\""), std::string::npos) << e.error();
    }
  }
}

TEST(FlowKey, BothDirectionsGiveOneKeyAndOneHash) {
  const Endpoint c = ep("10.0.0.1:40000"), s = ep("10.0.0.2:80");
  const FlowKey ab(c, s), ba(s, c);
  EXPECT_EQ(ab, ba);
  EXPECT_EQ(std::hash<FlowKey>{}(ab), std::hash<FlowKey>{}(ba));
  EXPECT_EQ(ab.low(), c);
  EXPECT_EQ(ab.high(), s);
  EXPECT_EQ(ab.direction_from(c), FlowDirection::kLowToHigh);
  EXPECT_EQ(ab.direction_from(s), FlowDirection::kHighToLow);
  EXPECT_EQ(ab.peer_of(c), s);
  EXPECT_TRUE(ab.contains(s));
  EXPECT_FALSE(ab.contains(ep("10.0.0.2:81")));
  EXPECT_EQ(ab.to_string(), "10.0.0.1:40000-10.0.0.2:80");
  EXPECT_EQ(fmt::format("{}", ba), "10.0.0.1:40000-10.0.0.2:80");
  const FlowKey v6(ep("[2001:db8::2]:80"), ep("[2001:db8::1]:40000"));
  EXPECT_EQ(v6.to_string(), "[2001:db8::1]:40000-[2001:db8::2]:80");
}

TEST(FlowKey, PortsAndFamiliesDistinguishKeys) {
  std::unordered_set<FlowKey> keys;
  keys.insert(FlowKey(ep("10.0.0.1:1"), ep("10.0.0.2:2")));
  keys.insert(FlowKey(ep("10.0.0.2:2"), ep("10.0.0.1:1")));  // same connection
  keys.insert(FlowKey(ep("10.0.0.1:2"), ep("10.0.0.2:1")));  // ports swapped: another one
  keys.insert(FlowKey(ep("[::ffff:10.0.0.1]:1"), ep("[::ffff:10.0.0.2]:2")));
  EXPECT_EQ(keys.size(), 3U);
}

}  // namespace
}  // namespace wirestate::net
