#pragma once
// The simulator's one source of randomness: xoshiro256** (Blackman & Vigna, 2018) seeded
// through splitmix64. Written out here rather than taken from <random> because the
// standard distributions differ between library versions; this one gives the same
// numbers on every platform and compiler, so a seeded run is reproducible bit for bit.
#include <array>
#include <cstdint>

#include "wirestate/net/time.hpp"

namespace wirestate::sim {

// splitmix64: one step of Vigna's seed expander; returns the next output and advances state.
std::uint64_t splitmix64(std::uint64_t& state) noexcept;

// A seeded xoshiro256** generator with portable uniform and Bernoulli helpers.
class Rng {
 public:
  // Seeds the 256-bit state from seed with splitmix64 (so seed 0 is fine).
  explicit Rng(std::uint64_t seed = 0) noexcept;

  // The next raw 64-bit output.
  std::uint64_t next_u64() noexcept;
  // The next raw 32-bit output (the high half of next_u64, the better bits).
  std::uint32_t next_u32() noexcept { return static_cast<std::uint32_t>(next_u64() >> 32); }

  // A uniform integer in [0, bound); 0 when bound is 0. Unbiased (rejection sampling on
  // Lemire's multiply-shift), so the number of raw draws may vary but is deterministic.
  std::uint64_t uniform(std::uint64_t bound) noexcept;
  // A uniform integer in [lo, hi] (inclusive); lo when hi <= lo.
  std::int64_t uniform_between(std::int64_t lo, std::int64_t hi) noexcept;
  // A uniform double in [0, 1) with 53 random bits.
  double uniform_unit() noexcept;
  // True with probability p: always false (and no draw) for p <= 0, always true (and no
  // draw) for p >= 1, otherwise exactly one draw.
  bool bernoulli(double p) noexcept;
  // A uniform duration in [0, max] nanoseconds; zero (and no draw) when max <= 0.
  net::Duration uniform_duration(net::Duration max) noexcept;

  // An independent generator seeded from this one's next output (one draw here), for a
  // component that should not shift the others' streams when it draws more or less.
  Rng split() noexcept;

 private:
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace wirestate::sim
