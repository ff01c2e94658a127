#pragma once
// What the printers need to know about a frame beyond its decoded layers.
#include <cstdint>

#include "wirestate/net/time.hpp"

namespace wirestate::print {

// The capture record of one frame (io::Packet without the bytes; print does not depend on io).
struct FrameInfo {
  std::uint64_t number = 0;  // 1-based position in the capture (tshark's frame.number)
  net::Time time;            // capture time, ns since the Unix epoch
  std::uint32_t cap_len = 0; // bytes captured
  std::uint32_t len = 0;     // bytes on the wire
};

}  // namespace wirestate::print
