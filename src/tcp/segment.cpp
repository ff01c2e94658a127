#include "wirestate/tcp/segment.hpp"

#include <fmt/format.h>

namespace wirestate::tcp {

std::string flag_letters(wire::TcpFlags flags) { return wire::tcpdump_flags(flags); }

std::string summary(const Segment& seg) {
  const auto& h = seg.header;
  std::string out = fmt::format("{} seq {}", flag_letters(h.flags), h.seq.value());
  if (h.flags.ack()) out += fmt::format(" ack {}", h.ack.value());
  out += fmt::format(" win {} len {}", h.window, seg.payload.size());
  return out;
}

}  // namespace wirestate::tcp
