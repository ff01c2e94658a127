#include "wirestate/tcp/segment.hpp"

#include <fmt/format.h>

namespace wirestate::tcp {

std::string flag_letters(wire::TcpFlags flags) {
  // tcpdump prints S F P R U W E then '.' for ACK (print-tcp.c order).
  std::string out;
  if (flags.syn()) out.push_back('S');
  if (flags.fin()) out.push_back('F');
  if (flags.psh()) out.push_back('P');
  if (flags.rst()) out.push_back('R');
  if (flags.urg()) out.push_back('U');
  if (flags.cwr()) out.push_back('W');
  if (flags.ece()) out.push_back('E');
  if (flags.ack()) out.push_back('.');
  if (out.empty()) out = "none";
  return out;
}

std::string summary(const Segment& seg) {
  const auto& h = seg.header;
  std::string out = fmt::format("{} seq {}", flag_letters(h.flags), h.seq.value());
  if (h.flags.ack()) out += fmt::format(" ack {}", h.ack.value());
  out += fmt::format(" win {} len {}", h.window, seg.payload.size());
  return out;
}

}  // namespace wirestate::tcp
