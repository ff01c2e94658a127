// The generated payload stream: no short period, the two directions differ, and any byte
// can be computed at its offset without the ones before it.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "wirestate/net/payload_stream.hpp"

namespace wirestate::net {
namespace {

constexpr std::size_t kWindow = 32;  // bytes compared at each shift

std::vector<std::uint8_t> window(std::uint64_t key, std::uint64_t offset) { return stream_bytes(key, offset, kWindow); }

TEST(PayloadStream, NoShiftUpToSixtyFourKibibytesRepeatsAWindow) {
  // A chunk delivered at the wrong offset must not look intact: for every shift that a
  // misplaced segment could have (1 byte to 64 KiB, which covers 512 and 26, the periods
  // of the data this replaced), the 32 bytes at 0 differ from the 32 at the shift.
  const std::uint64_t key = stream_key(1, 0);
  const auto head = window(key, 0);
  for (std::uint64_t shift = 1; shift <= 65536; ++shift) {
    ASSERT_NE(window(key, shift), head) << "shift " << shift;
  }
}

TEST(PayloadStream, DirectionsAndSeedsGiveUnrelatedStreams) {
  EXPECT_NE(stream_key(1, 0), stream_key(1, 1));
  EXPECT_NE(stream_key(1, 0), stream_key(2, 0));
  EXPECT_NE(stream_key(7, "tcp c client"), stream_key(7, "tcp c server"));
  // Not merely the same stream at another offset: the other direction's first window is
  // nowhere in this one's first 64 KiB.
  const auto other = window(stream_key(1, 1), 0);
  for (std::uint64_t offset = 0; offset <= 65536; ++offset) {
    ASSERT_NE(window(stream_key(1, 0), offset), other) << "offset " << offset;
  }
}

TEST(PayloadStream, AnyByteIsComputedAtItsOffset) {
  const std::uint64_t key = stream_key(42, 1);
  const auto whole = stream_bytes(key, 0, 1000);
  for (std::uint64_t i = 0; i < whole.size(); ++i) ASSERT_EQ(stream_byte(key, i), whole[i]) << i;
  const auto tail = stream_bytes(key, 333, 667);
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), whole.begin() + 333));
  EXPECT_EQ(stream_mismatch(key, 333, tail), tail.size());
  auto swapped = whole;
  std::swap(swapped[500], swapped[501]);
  EXPECT_EQ(stream_mismatch(key, 0, swapped), swapped[500] == swapped[501] ? 1000U : 500U);
}

TEST(PayloadStream, BytesAreSpreadOverAllValues) {
  // Every byte value occurs in 64 KiB (a stream of letters or a small range would not).
  const auto bytes = stream_bytes(stream_key(3, 0), 0, 65536);
  std::vector<int> seen(256, 0);
  for (const auto b : bytes) ++seen[b];
  for (int v = 0; v < 256; ++v) EXPECT_GT(seen[v], 128) << v;  // 256 expected per value
}

}  // namespace
}  // namespace wirestate::net
