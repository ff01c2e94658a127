#pragma once
// Generated payload bytes that cannot be mistaken for each other: byte(key, offset) of a
// keyed pseudo-random stream, the key naming one direction of one connection. A stream
// with a short period ('a'..'z', or a counter mod 256) and the same bytes both ways lets
// a chunk delivered at the wrong offset, twice, or to the wrong direction look intact;
// this one differs at every offset and between keys, so comparing what arrived with the
// stream at the same offset catches all three.
//
// Counter mode over splitmix64 (Steele, Lea, Flood 2014; Vigna's seed expander): block
// n of stream `key` is the n-th output of splitmix64 started at `key`, and byte `offset`
// is byte offset % 8 (little-endian) of block offset / 8, so any byte is computed
// directly, without generating the ones before it.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wirestate::net {

// splitmix64's increment (2^64 / golden ratio) and its finalizer, a bijection on 64 bits.
inline constexpr std::uint64_t kStreamGamma = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t stream_mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The key of one direction: a seed and a direction number (e.g. 0 and 1 for the two
// sides of a connection). Different seeds or directions give unrelated streams.
constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint64_t direction) noexcept {
  return stream_mix(stream_mix(seed + kStreamGamma) ^ stream_mix(direction + 2 * kStreamGamma));
}

// The key of a direction named by text ("c client", "host:4000 > 10.0.0.2:9999"): the
// name's FNV-1a hash as the direction number.
constexpr std::uint64_t stream_key(std::uint64_t seed, std::string_view direction) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : direction) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return stream_key(seed, h);
}

// Byte `offset` of stream `key`.
constexpr std::uint8_t stream_byte(std::uint64_t key, std::uint64_t offset) noexcept {
  const std::uint64_t block = stream_mix(key + (offset / 8 + 1) * kStreamGamma);
  return static_cast<std::uint8_t>(block >> (8 * (offset % 8)));
}

// Fills `out` with bytes offset .. offset + out.size() - 1 of stream `key`.
inline void fill_stream(std::uint64_t key, std::uint64_t offset, std::span<std::uint8_t> out) noexcept {
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = stream_byte(key, offset + i);
}

// `count` bytes of stream `key` from `offset`.
inline std::vector<std::uint8_t> stream_bytes(std::uint64_t key, std::uint64_t offset, std::size_t count) {
  std::vector<std::uint8_t> out(count);
  fill_stream(key, offset, out);
  return out;
}

// The offset of the first byte of `got` that differs from stream `key` read from
// `offset`, or got.size() when all match.
inline std::size_t stream_mismatch(std::uint64_t key, std::uint64_t offset, std::span<const std::uint8_t> got) noexcept {
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] != stream_byte(key, offset + i)) return i;
  }
  return got.size();
}

}  // namespace wirestate::net
