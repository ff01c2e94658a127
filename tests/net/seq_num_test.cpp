#include "wirestate/net/seq_num.hpp"

#include <gtest/gtest.h>

namespace wirestate::net {
namespace {

TEST(SeqNum, ComparesModulo2To32AcrossTheWrap) {
  const SeqNum before_wrap(0xfffffff0U);
  const SeqNum after_wrap(0x00000010U);
  EXPECT_TRUE(lt(before_wrap, after_wrap));
  EXPECT_TRUE(gt(after_wrap, before_wrap));
  EXPECT_EQ(after_wrap - before_wrap, 0x20);
  EXPECT_EQ(before_wrap + 0x20U, after_wrap);
  EXPECT_TRUE(le(after_wrap, after_wrap));
  EXPECT_TRUE(ge(after_wrap, after_wrap));
  EXPECT_FALSE(lt(after_wrap, after_wrap));
}

TEST(SeqNum, InWindowIsHalfOpenAndWraps) {
  const SeqNum start(0xffffff00U);
  EXPECT_TRUE(in_window(start, start, 1));
  EXPECT_FALSE(in_window(start, start, 0));
  EXPECT_TRUE(in_window(SeqNum(0x10), start, 0x200));
  EXPECT_FALSE(in_window(SeqNum(0x100), start, 0x200));
  EXPECT_FALSE(in_window(start - 1U, start, 0x200));
}

TEST(SeqNum, MaxAndMinFollowModularOrder) {
  EXPECT_EQ(seq_max(SeqNum(0xffffffffU), SeqNum(1)), SeqNum(1));
  EXPECT_EQ(seq_min(SeqNum(0xffffffffU), SeqNum(1)), SeqNum(0xffffffffU));
}

}  // namespace
}  // namespace wirestate::net
