// tcpdump's rendering of the TCP control bits (print-tcp.c's tcp_flag_values order).
#include <string>

#include "wirestate/wire/tcp_repr.hpp"

namespace wirestate::wire {

std::string tcpdump_flags(TcpFlags flags) {
  // Order and letters as tcpdump 4.99 prints them: F S R P . U E W e.
  static constexpr struct {
    std::uint16_t bit;
    char letter;
  } kOrder[] = {{TcpFlags::kFin, 'F'}, {TcpFlags::kSyn, 'S'}, {TcpFlags::kRst, 'R'},
                {TcpFlags::kPsh, 'P'}, {TcpFlags::kAck, '.'}, {TcpFlags::kUrg, 'U'},
                {TcpFlags::kEce, 'E'}, {TcpFlags::kCwr, 'W'}, {TcpFlags::kAe, 'e'}};
  std::string out;
  for (const auto& f : kOrder) {
    if (flags.bits & f.bit) out.push_back(f.letter);
  }
  if (out.empty()) out = "none";
  return out;
}

}  // namespace wirestate::wire
