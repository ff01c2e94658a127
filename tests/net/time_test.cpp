#include "wirestate/net/time.hpp"

#include <gtest/gtest.h>

namespace wirestate::net {
namespace {

TEST(Duration, ParsesUnitsAndDecimals) {
  EXPECT_EQ(Duration::parse("15ms")->ns(), 15'000'000);
  EXPECT_EQ(Duration::parse("1.5s")->ns(), 1'500'000'000);
  EXPECT_EQ(Duration::parse("250us")->ns(), 250'000);
  EXPECT_EQ(Duration::parse("100ns")->ns(), 100);
  EXPECT_EQ(Duration::parse("2m")->ns(), 120'000'000'000);
  EXPECT_EQ(Duration::parse("0")->ns(), 0);
  EXPECT_EQ(Duration::parse("0.25ms")->ns(), 250'000);
}

TEST(Duration, RejectsUnknownUnitsAndJunk) {
  for (const char* bad : {"", "ms", "15", "15 ms", "15xs", "-1ms", "1.ms", "0.5ns", "1e3ms",
                          "999999999999m", "999999999999s"}) {
    EXPECT_FALSE(Duration::parse(bad)) << bad;
  }
}

TEST(Duration, PrintsShortestExactForm) {
  EXPECT_EQ(Duration::milliseconds(15).to_string(), "15ms");
  EXPECT_EQ(Duration::microseconds(1500).to_string(), "1.5ms");
  EXPECT_EQ(Duration::seconds(2).to_string(), "2s");
  EXPECT_EQ(Duration().to_string(), "0");
}

TEST(Time, ArithmeticAndEpochString) {
  const Time t = Time::from_ns(1'700'000'000'123'456'789);
  EXPECT_EQ(t.to_epoch_string(), "1700000000.123456789");
  EXPECT_EQ((t + Duration::milliseconds(1)) - t, Duration::milliseconds(1));
  EXPECT_LT(t, t + Duration::nanoseconds(1));
}

}  // namespace
}  // namespace wirestate::net
