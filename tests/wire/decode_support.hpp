#pragma once
// Helpers shared by the wire tests that decode frames they built or took from a capture.
#include <cstdint>
#include <vector>

#include "wirestate/wire/decode.hpp"

namespace wirestate::wire::test {

// Decodes a whole frame (wire length = captured length), checksums verified.
inline DecodedPacket decode_frame(const std::vector<std::uint8_t>& frame, LinkType link = LinkType::kEthernet) {
  return decode(frame, link, static_cast<std::uint32_t>(frame.size()));
}
// The views borrow the frame: a temporary frame would dangle.
DecodedPacket decode_frame(std::vector<std::uint8_t>&& frame, LinkType link = LinkType::kEthernet) = delete;

// a followed by b.
inline std::vector<std::uint8_t> concat(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace wirestate::wire::test
