#pragma once
// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
#include <cstdint>
#include <span>

#include "wirestate/net/ipv4_addr.hpp"

namespace wirestate::net {

// Accumulates 16-bit one's-complement sums over byte runs; odd-length runs are padded
// with a zero byte only at the very end of the whole sum (RFC 1071 §4.1), so feed the
// pieces in order and only the last one may have odd length.
class Checksum {
 public:
  void add(std::span<const std::uint8_t> bytes) noexcept;
  void add_u16(std::uint16_t v) noexcept { sum_ += v; }
  void add_u32(std::uint32_t v) noexcept { sum_ += (v >> 16) + (v & 0xffffU); }
  // The IPv4 pseudo-header of TCP and UDP (RFC 9293 §3.1, RFC 768).
  void add_pseudo_header(Ipv4Addr src, Ipv4Addr dst, std::uint8_t protocol,
                         std::uint16_t length) noexcept;
  // The checksum field value: the one's complement of the folded sum.
  std::uint16_t finish() const noexcept;
  // The folded sum before complement (0xffff over data that includes a correct checksum).
  std::uint16_t folded() const noexcept;

 private:
  std::uint64_t sum_ = 0;
  bool odd_ = false;  // the previous run ended on an odd byte
};

// The checksum of one contiguous run of bytes.
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) noexcept;

// RFC 1624 eqn. 3: the new checksum after one 16-bit word changes from old_word to
// new_word, without summing the whole packet again: HC' = ~(~HC + ~m + m').
std::uint16_t checksum_update(std::uint16_t old_checksum, std::uint16_t old_word,
                              std::uint16_t new_word) noexcept;

}  // namespace wirestate::net
