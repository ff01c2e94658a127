#include "wirestate/net/mac_addr.hpp"

#include <gtest/gtest.h>

namespace wirestate::net {
namespace {

TEST(MacAddr, ParsesColonAndDashForms) {
  auto m = MacAddr::parse("02:00:00:00:00:0A");
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->to_string(), "02:00:00:00:00:0a");
  EXPECT_EQ(MacAddr::parse("02-00-00-00-00-0a").value(), *m);
}

TEST(MacAddr, RejectsMalformedText) {
  for (const char* bad : {"02:00:00:00:00", "02:00:00:00:00:0g", "02:00:00-00:00:01",
                          "02:00:00:00:00:01:", "2:0:0:0:0:1", ""}) {
    EXPECT_FALSE(MacAddr::parse(bad)) << bad;
  }
}

TEST(MacAddr, ClassifiesBroadcastMulticastZero) {
  EXPECT_TRUE(MacAddr::broadcast().is_broadcast());
  EXPECT_TRUE(MacAddr::broadcast().is_multicast());
  EXPECT_TRUE(MacAddr::parse("01:00:5e:00:00:fb")->is_multicast());
  EXPECT_FALSE(MacAddr::parse("02:00:00:00:00:01")->is_multicast());
  EXPECT_TRUE(MacAddr().is_zero());
}

}  // namespace
}  // namespace wirestate::net
