#pragma once
// Byte mutation in the manner of `editcap -E PROB`: every byte of a packet (or of a
// whole file image) is, with probability prob, replaced by a random byte, has one bit
// flipped, becomes 0x00 or 0xff, or starts a short run of "%s%n"/"AAAA" (editcap's
// format-string and overwrite changes). Seeded, so a failing mutant can be rebuilt.
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string_view>

namespace wirestate::robustness {

// A stable 64-bit seed for a name (FNV-1a), so mutants do not depend on file order.
inline std::uint64_t seed_of(std::string_view name, std::uint64_t k) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
  return h ^ (k * 0x9e3779b97f4a7c15ULL);
}

// Mutates bytes in place; returns how many bytes were changed.
inline std::size_t mutate(std::span<std::uint8_t> bytes, double prob, std::mt19937_64& rng) {
  std::bernoulli_distribution hit(prob);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<int> byte(0, 255);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (!hit(rng)) continue;
    ++changed;
    const int k = kind(rng);
    if (k < 4) {
      bytes[i] = static_cast<std::uint8_t>(byte(rng));
    } else if (k < 8) {
      bytes[i] ^= static_cast<std::uint8_t>(1U << (byte(rng) & 7));
    } else if (k == 8) {
      bytes[i] = (byte(rng) & 1) != 0 ? 0xff : 0x00;
    } else {
      constexpr std::string_view kRuns[] = {"%s%n%s%n", "AAAAAAAA"};
      const auto run = kRuns[byte(rng) & 1];
      for (std::size_t j = 0; j < run.size() && i < bytes.size(); ++j, ++i) {
        bytes[i] = static_cast<std::uint8_t>(run[j]);
      }
    }
  }
  return changed;
}

}  // namespace wirestate::robustness
