#pragma once
// Initial sequence numbers from a seeded generator, so a run is reproducible bit for bit
// (RFC 9293 §3.4.1 wants unpredictable ISNs on real networks; a simulator wants replay).
#include <cstdint>
#include <functional>

#include "wirestate/net/seq_num.hpp"

namespace wirestate::tcp {

// Where an endpoint takes its ISN from when it needs one (active OPEN, or a SYN in LISTEN).
using IsnSource = std::function<net::SeqNum()>;

// A splitmix64 stream: the same seed yields the same ISNs in the same order.
class IsnGenerator {
 public:
  explicit IsnGenerator(std::uint64_t seed) noexcept : state_(seed) {}
  // The next ISN of the stream.
  net::SeqNum next() noexcept;
  // A source drawing from this generator; the generator must outlive its users.
  IsnSource source() noexcept {
    return [this] { return next(); };
  }

 private:
  std::uint64_t state_;
};

// A source that always returns iss (tests, and callers that choose the ISN themselves).
inline IsnSource fixed_isn(net::SeqNum iss) {
  return [iss] { return iss; };
}

}  // namespace wirestate::tcp
