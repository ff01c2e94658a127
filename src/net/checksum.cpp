#include "wirestate/net/checksum.hpp"

namespace wirestate::net {

void Checksum::add(std::span<const std::uint8_t> bytes) noexcept {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  if (odd_ && n > 0) {  // finish the word the previous run started
    sum_ += bytes[0];
    i = 1;
    odd_ = false;
  }
  for (; i + 1 < n; i += 2) sum_ += (static_cast<std::uint32_t>(bytes[i]) << 8) | bytes[i + 1];
  if (i < n) {
    sum_ += static_cast<std::uint32_t>(bytes[i]) << 8;
    odd_ = true;
  }
}

void Checksum::add_pseudo_header(Ipv4Addr src, Ipv4Addr dst, std::uint8_t protocol,
                                 std::uint16_t length) noexcept {
  add_u32(src.value());
  add_u32(dst.value());
  add_u16(protocol);
  add_u16(length);
}

std::uint16_t Checksum::folded() const noexcept {
  std::uint64_t s = sum_;
  while (s >> 16) s = (s & 0xffffU) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}

std::uint16_t Checksum::finish() const noexcept { return static_cast<std::uint16_t>(~folded()); }

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) noexcept {
  Checksum c;
  c.add(bytes);
  return c.finish();
}

std::uint16_t checksum_update(std::uint16_t old_checksum, std::uint16_t old_word,
                              std::uint16_t new_word) noexcept {
  std::uint32_t s = static_cast<std::uint16_t>(~old_checksum);
  s += static_cast<std::uint16_t>(~old_word);
  s += new_word;
  while (s >> 16) s = (s & 0xffffU) + (s >> 16);
  return static_cast<std::uint16_t>(~s);
}

}  // namespace wirestate::net
