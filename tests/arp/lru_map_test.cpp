#include <gtest/gtest.h>

#include "wirestate/arp/lru_map.hpp"

namespace wirestate::arp {

TEST(LruMap, EvictsLeastRecentlyUsedWhenFull) {
  LruMap<int, int> m(2);
  m.insert(1, 10);
  m.insert(2, 20);
  ASSERT_NE(m.find(1), nullptr);  // 1 becomes most recent
  auto evicted = m.insert(3, 30);
  ASSERT_TRUE(evicted);
  EXPECT_EQ(evicted->first, 2);
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.evictions(), 1u);
  EXPECT_EQ(m.peek(2), nullptr);
}

TEST(LruMap, PeekDoesNotRefresh) {
  LruMap<int, int> m(2);
  m.insert(1, 10);
  m.insert(2, 20);
  ASSERT_NE(m.peek(1), nullptr);
  auto evicted = m.insert(3, 30);
  ASSERT_TRUE(evicted);
  EXPECT_EQ(evicted->first, 1);
}

TEST(LruMap, ReplacingAKeyDoesNotEvict) {
  LruMap<int, int> m(1);
  m.insert(1, 10);
  EXPECT_FALSE(m.insert(1, 11));
  EXPECT_EQ(*m.peek(1), 11);
  EXPECT_EQ(m.evictions(), 0u);
}

TEST(LruMap, EraseReturnsValue) {
  LruMap<int, int> m(4);
  m.insert(7, 70);
  auto v = m.erase(7);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 70);
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(m.erase(7));
}

}  // namespace wirestate::arp
