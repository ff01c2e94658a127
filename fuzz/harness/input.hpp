#pragma once
// A cursor over a fuzzer input: takes integers and byte runs from the front and returns
// zeros once the input is used up, so a harness never reads past it (FuzzedDataProvider
// in spirit, but header-only and usable from the g++ test build as well).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "wirestate/net/bytes.hpp"

namespace wirestate::fuzz {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) noexcept : data_(data), size_(size) {}

  // Bytes not taken yet.
  std::size_t remaining() const noexcept { return size_ - pos_; }
  bool empty() const noexcept { return pos_ >= size_; }

  // The next byte, or 0 at the end.
  std::uint8_t u8() noexcept { return pos_ < size_ ? data_[pos_++] : 0; }
  // The next two / four bytes big-endian (zeros past the end).
  std::uint16_t u16() noexcept {
    const auto hi = u8();
    return static_cast<std::uint16_t>((hi << 8) | u8());
  }
  std::uint32_t u32() noexcept {
    const std::uint32_t hi = u16();
    return (hi << 16) | u16();
  }
  bool flag() noexcept { return (u8() & 1U) != 0; }

  // Up to n bytes (fewer at the end of the input).
  std::span<const std::uint8_t> bytes(std::size_t n) noexcept {
    if (n > remaining()) n = remaining();
    std::span<const std::uint8_t> out(data_ + pos_, n);
    pos_ += n;
    return out;
  }
  // Everything not taken yet.
  std::span<const std::uint8_t> rest() noexcept { return bytes(remaining()); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// True when `part` lies inside `whole` (an empty span anywhere counts as inside).
inline bool within(net::Bytes part, net::Bytes whole) noexcept {
  if (part.empty()) return true;
  const auto* b = whole.data();
  return part.data() >= b && part.data() + part.size() <= b + whole.size();
}

// Reads every byte of a span into a checksum, so ASan sees a read of each byte a view
// claims to hold (a view pointing past the input is reported at once).
inline std::uint32_t touch(std::span<const std::uint8_t> bytes) noexcept {
  std::uint32_t sum = 0;
  for (auto b : bytes) sum = sum * 31U + b;
  return sum;
}

// Stops the process with a message when a harness invariant does not hold (the fuzzer
// reports it as a crash; the regression test as a death).
[[noreturn]] inline void invariant_failed(const char* what, const char* file, int line) noexcept {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line, what);
  std::abort();
}

}  // namespace wirestate::fuzz

// Like assert(), in every build type.
#define WIRESTATE_FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::wirestate::fuzz::invariant_failed(#cond, __FILE__, __LINE__))
