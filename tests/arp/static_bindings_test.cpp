// The static IP -> MAC bindings file: accepted form and one test per error.
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "wirestate/arp/static_bindings.hpp"
#include "support/scratch.hpp"

namespace wirestate::arp {
namespace {

auto parse(std::string_view text) { return parse_static_bindings(text, "b.json"); }

TEST(StaticBindings, ParsesBindings) {
  auto b = parse(R"({"bindings": [{"ip": "10.77.0.2", "mac": "02:00:00:00:00:02"},
                                   {"ip": "10.77.0.1", "mac": "02:00:00:00:00:01"}]})");
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->size(), 2u);
  EXPECT_EQ(b->at(net::Ipv4Addr(10, 77, 0, 2)), net::MacAddr({2, 0, 0, 0, 0, 2}));
}

TEST(StaticBindings, TakesIpv6AddressesNextToIpv4Ones) {
  auto b = parse(R"({"bindings": [{"ip": "10.77.0.2", "mac": "02:00:00:00:00:02"},
                                   {"ip": "FE80::2", "mac": "02:00:00:00:00:02"},
                                   {"ip": "2001:db8::2", "mac": "02:00:00:00:00:02"}]})");
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->size(), 3u);
  EXPECT_EQ(b->at(*net::Ipv6Addr::parse("fe80::2")), net::MacAddr({2, 0, 0, 0, 0, 2}));
  EXPECT_TRUE(b->contains(net::Ipv4Addr(10, 77, 0, 2)));
  // An IPv4-mapped IPv6 address is an IPv6 key, not the IPv4 one.
  auto mapped = parse(R"({"bindings": [{"ip": "::ffff:10.77.0.2", "mac": "02:00:00:00:00:02"}]})");
  ASSERT_TRUE(mapped) << mapped.error();
  EXPECT_FALSE(mapped->contains(net::Ipv4Addr(10, 77, 0, 2)));
}

TEST(StaticBindings, OneIpv6AddressBoundToTwoMacs) {
  auto b = parse(R"({"bindings": [{"ip": "2001:db8::1", "mac": "02:00:00:00:00:01"},
                                   {"ip": "2001:DB8:0::1", "mac": "02:00:00:00:00:02"}]})");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("/bindings/1/ip: 2001:DB8:0::1 is already bound to 02:00:00:00:00:01"), std::string::npos)
      << b.error();
}

TEST(StaticBindings, EmptyListIsFine) {
  auto b = parse(R"({"bindings": []})");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->empty());
}

TEST(StaticBindings, SyntaxErrorNamesFileLineAndColumn) {
  auto b = parse("{\n  \"bindings\": [,]\n}");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("b.json: line 2, column"), std::string::npos) << b.error();
}

TEST(StaticBindings, TopLevelMustBeAnObject) {
  auto b = parse("[]");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("b.json: /: expected an object"), std::string::npos) << b.error();
}

TEST(StaticBindings, MissingBindings) {
  auto b = parse("{}");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error(), "b.json: /bindings: missing (expected an array)");
}

TEST(StaticBindings, UnknownTopLevelKey) {
  auto b = parse(R"({"bindings": [], "extra": 1})");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("b.json: /extra: unknown key"), std::string::npos) << b.error();
}

TEST(StaticBindings, BindingsMustBeAnArray) {
  auto b = parse(R"({"bindings": {}})");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("/bindings: expected an array, got object"), std::string::npos);
}

TEST(StaticBindings, EntryMustBeAnObject) {
  auto b = parse(R"({"bindings": ["10.0.0.1"]})");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("b.json: /bindings/0: expected an object"), std::string::npos);
}

TEST(StaticBindings, UnknownEntryKey) {
  auto b = parse(R"({"bindings": [{"ip": "10.0.0.1", "mac": "02:00:00:00:00:01", "vlan": 3}]})");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("b.json: /bindings/0/vlan: unknown key"), std::string::npos);
}

TEST(StaticBindings, MissingMac) {
  auto b = parse(R"({"bindings": [{"ip": "10.0.0.1"}]})");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error(), "b.json: /bindings/0/mac: missing");
}

TEST(StaticBindings, IpMustBeAString) {
  auto b = parse(R"({"bindings": [{"ip": 167772161, "mac": "02:00:00:00:00:01"}]})");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("/bindings/0/ip: expected a string, got number"), std::string::npos);
}

TEST(StaticBindings, BadIp) {
  auto b = parse(R"({"bindings": [{"ip": "10.0.0.256", "mac": "02:00:00:00:00:01"}]})");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("b.json: /bindings/0/ip: expected a dotted-quad IPv4 or an IPv6 address, got \"10.0.0.256\""),
            std::string::npos)
      << b.error();
}

TEST(StaticBindings, BadMac) {
  auto b = parse(R"({"bindings": [{"ip": "10.0.0.1", "mac": "02:00:00:00:00"}]})");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("b.json: /bindings/0/mac: expected a MAC address"), std::string::npos);
}

TEST(StaticBindings, OneIpBoundToTwoMacs) {
  auto b = parse(R"({"bindings": [{"ip": "10.0.0.1", "mac": "02:00:00:00:00:01"},
                                   {"ip": "10.0.0.1", "mac": "02:00:00:00:00:02"}]})");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("b.json: /bindings/1/ip: 10.0.0.1 is already bound to "
                           "02:00:00:00:00:01 at /bindings/0"),
            std::string::npos)
      << b.error();
}

TEST(StaticBindings, RepeatedIdenticalBindingIsAccepted) {
  auto b = parse(R"({"bindings": [{"ip": "10.0.0.1", "mac": "02:00:00:00:00:01"},
                                   {"ip": "10.0.0.1", "mac": "02:00:00:00:00:01"}]})");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->size(), 1u);
}

TEST(StaticBindings, LoadNamesAMissingFile) {
  auto b = load_static_bindings("/nonexistent/bindings.json");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error(), "/nonexistent/bindings.json: cannot open file");
}

TEST(StaticBindings, LoadReadsAFileAndNamesItInErrors) {
  const std::string path = wirestate::test::scratch_path("bindings.json").string();
  {
    std::ofstream f(path);
    f << R"({"bindings": [{"ip": "10.0.0.1", "mac": "zz"}]})";
  }
  auto b = load_static_bindings(path);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().rfind(path + ": /bindings/0/mac:", 0), 0u) << b.error();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace wirestate::arp
