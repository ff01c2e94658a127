#include "wirestate/net/checksum.hpp"

#include <array>
#include <vector>

#include <gtest/gtest.h>

namespace wirestate::net {
namespace {

// RFC 1071 §3 worked example: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2 (folded).
TEST(Checksum, MatchesRfc1071Example) {
  const std::array<std::uint8_t, 8> data = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  Checksum c;
  c.add(data);
  EXPECT_EQ(c.folded(), 0xddf2);
  EXPECT_EQ(c.finish(), static_cast<std::uint16_t>(~0xddf2));
}

// A real IPv4 header (tcpdump: IP 10.77.0.1 > 10.77.0.2: ... ttl 64, id 0x1c46) whose
// checksum field 0xb1e6 is the known-good value from Wikipedia's worked example:
// 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7.
TEST(Checksum, Ipv4HeaderVerifiesAndComputes) {
  std::array<std::uint8_t, 20> hdr = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                      0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(internet_checksum(hdr), 0);  // a header with a correct checksum sums to zero
  hdr[10] = hdr[11] = 0;
  EXPECT_EQ(internet_checksum(hdr), 0xb861);
}

TEST(Checksum, OddLengthPadsWithZeroAndSplitRunsAgree) {
  const std::vector<std::uint8_t> data = {0x12, 0x34, 0x56, 0x78, 0x9a};
  Checksum whole;
  whole.add(data);
  Checksum split;
  split.add(std::span(data).subspan(0, 3));
  split.add(std::span(data).subspan(3));
  EXPECT_EQ(whole.finish(), split.finish());
  Checksum padded;
  const std::vector<std::uint8_t> p = {0x12, 0x34, 0x56, 0x78, 0x9a, 0x00};
  padded.add(p);
  EXPECT_EQ(whole.finish(), padded.finish());
}

// RFC 1624 §4: changing a word with the incremental update gives the same result as
// recomputing, including the case the RFC warns about (result 0x0000 vs 0xffff).
TEST(Checksum, IncrementalUpdateMatchesRecomputation) {
  std::array<std::uint8_t, 20> hdr = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                      0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  // Decrement the TTL (byte 8) as a router does: word 4 changes from 0x4011 to 0x3f11.
  const std::uint16_t updated = checksum_update(0xb861, 0x4011, 0x3f11);
  hdr[8] = 0x3f;
  hdr[10] = hdr[11] = 0;
  EXPECT_EQ(updated, internet_checksum(hdr));
  // RFC 1624 §3 example: HC = 0xdd2f, m 0x5555 -> 0x3285 gives 0x0000, not 0xffff.
  EXPECT_EQ(checksum_update(0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(Checksum, PseudoHeaderAddsAddressesProtocolAndLength) {
  Checksum a;
  a.add_pseudo_header(Ipv4Addr(10, 0, 0, 1), Ipv4Addr(10, 0, 0, 2), 6, 20);
  Checksum b;
  const std::array<std::uint8_t, 12> ph = {10, 0, 0, 1, 10, 0, 0, 2, 0, 6, 0, 20};
  b.add(ph);
  EXPECT_EQ(a.finish(), b.finish());
}

}  // namespace
}  // namespace wirestate::net
