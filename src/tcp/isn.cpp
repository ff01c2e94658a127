#include "wirestate/tcp/isn.hpp"

namespace wirestate::tcp {

net::SeqNum IsnGenerator::next() noexcept {
  // splitmix64 (Steele, Lea, Flood 2014): a full-period 64-bit stream; keep 32 bits.
  state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return net::SeqNum(static_cast<std::uint32_t>(z >> 32));
}

}  // namespace wirestate::tcp
