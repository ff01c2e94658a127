#pragma once
// TCP sequence numbers: 32-bit values compared modulo 2^32 (RFC 9293 §3.4).
// There is deliberately no operator<: wrap-around breaks ordering in maps and sorts.
#include <cstdint>
#include <string>

namespace wirestate::net {

class SeqNum {
 public:
  constexpr SeqNum() = default;
  constexpr explicit SeqNum(std::uint32_t v) : value_(v) {}

  constexpr std::uint32_t value() const noexcept { return value_; }

  constexpr SeqNum operator+(std::uint32_t n) const noexcept { return SeqNum(value_ + n); }
  constexpr SeqNum operator-(std::uint32_t n) const noexcept { return SeqNum(value_ - n); }
  constexpr SeqNum& operator+=(std::uint32_t n) noexcept { value_ += n; return *this; }
  // Signed distance from other to this (positive when this is after other).
  constexpr std::int32_t operator-(SeqNum other) const noexcept {
    return static_cast<std::int32_t>(value_ - other.value_);
  }
  constexpr bool operator==(const SeqNum&) const = default;

  // a < b modulo 2^32.
  friend constexpr bool lt(SeqNum a, SeqNum b) noexcept { return (a - b) < 0; }
  friend constexpr bool le(SeqNum a, SeqNum b) noexcept { return (a - b) <= 0; }
  friend constexpr bool gt(SeqNum a, SeqNum b) noexcept { return (a - b) > 0; }
  friend constexpr bool ge(SeqNum a, SeqNum b) noexcept { return (a - b) >= 0; }
  // start <= s < start + size, modulo 2^32 (size may be up to 2^32 - 1).
  friend constexpr bool in_window(SeqNum s, SeqNum start, std::uint32_t size) noexcept {
    return (s.value_ - start.value_) < size;
  }
  // The later of two sequence numbers.
  friend constexpr SeqNum seq_max(SeqNum a, SeqNum b) noexcept { return lt(a, b) ? b : a; }
  friend constexpr SeqNum seq_min(SeqNum a, SeqNum b) noexcept { return lt(a, b) ? a : b; }

  std::string to_string() const { return std::to_string(value_); }

 private:
  std::uint32_t value_ = 0;
};

}  // namespace wirestate::net
