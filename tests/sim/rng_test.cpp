#include "wirestate/sim/rng.hpp"

#include <array>
#include <cstdint>

#include <gtest/gtest.h>

namespace wirestate::sim {
namespace {

TEST(SplitMix64, FirstOutputFromZeroMatchesReference) {
  // Vigna's splitmix64.c seeded with 0: the first output is 0xe220a8397b1dcdaf.
  std::uint64_t state = 0;
  EXPECT_EQ(splitmix64(state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(state, 0x9e3779b97f4a7c15ULL);
}

TEST(Rng, SeedZeroGivesPinnedXoshiroOutputs) {
  // xoshiro256** with its state filled by splitmix64(0); pinned so that any change to the
  // generator (which would change every simulated run) fails loudly.
  Rng rng(0);
  EXPECT_EQ(rng.next_u64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(rng.next_u64(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(rng.next_u64(), 0x1a5f849d4933e6e0ULL);
}

TEST(Rng, SameSeedSameSequenceDifferentSeedDifferent) {
  Rng a(42), b(42), c(43);
  bool any_difference = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    if (x != c.next_u64()) any_difference = true;
  }
  EXPECT_TRUE(any_difference);
}

TEST(Rng, UniformStaysBelowBoundAndCoversIt) {
  Rng rng(7);
  std::array<int, 6> counts{};
  for (int i = 0; i < 6000; ++i) {
    const auto v = rng.uniform(6);
    ASSERT_LT(v, 6u);
    ++counts[v];
  }
  for (int c : counts) {
    EXPECT_GT(c, 850);
    EXPECT_LT(c, 1150);
  }
  EXPECT_EQ(rng.uniform(0), 0u);
  EXPECT_EQ(rng.uniform(1), 0u);
}

TEST(Rng, UniformBetweenIsInclusive) {
  Rng rng(3);
  bool saw_lo = false, saw_hi = false;
  for (int i = 0; i < 1000; ++i) {
    const auto v = rng.uniform_between(-2, 2);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 2);
    saw_lo |= v == -2;
    saw_hi |= v == 2;
  }
  EXPECT_TRUE(saw_lo);
  EXPECT_TRUE(saw_hi);
  EXPECT_EQ(rng.uniform_between(5, 5), 5);
  EXPECT_EQ(rng.uniform_between(5, 1), 5);
}

TEST(Rng, UnitIntervalIsHalfOpen) {
  Rng rng(9);
  for (int i = 0; i < 10000; ++i) {
    const double u = rng.uniform_unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Rng, BernoulliEdgesDrawNothing) {
  Rng a(5), b(5);
  EXPECT_FALSE(a.bernoulli(0.0));
  EXPECT_FALSE(a.bernoulli(-1.0));
  EXPECT_TRUE(a.bernoulli(1.0));
  EXPECT_TRUE(a.bernoulli(2.0));
  EXPECT_EQ(a.next_u64(), b.next_u64());  // the edge cases consumed no draws
}

TEST(Rng, BernoulliRateIsRoughlyRightAndExactlyReproducible) {
  auto count = [](std::uint64_t seed) {
    Rng rng(seed);
    int hits = 0;
    for (int i = 0; i < 100000; ++i) hits += rng.bernoulli(0.25) ? 1 : 0;
    return hits;
  };
  const int hits = count(11);
  EXPECT_GT(hits, 24000);
  EXPECT_LT(hits, 26000);
  EXPECT_EQ(hits, count(11));
}

TEST(Rng, UniformDurationWithinMax) {
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    const auto d = rng.uniform_duration(net::Duration::microseconds(5));
    ASSERT_GE(d.ns(), 0);
    ASSERT_LE(d.ns(), 5000);
  }
  EXPECT_EQ(rng.uniform_duration(net::Duration()).ns(), 0);
}

TEST(Rng, SplitGivesIndependentReproducibleStream) {
  Rng a(8), b(8);
  Rng sa = a.split(), sb = b.split();
  EXPECT_EQ(sa.next_u64(), sb.next_u64());
  EXPECT_NE(sa.next_u64(), a.next_u64());
}

}  // namespace
}  // namespace wirestate::sim
