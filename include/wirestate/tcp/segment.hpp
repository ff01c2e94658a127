#pragma once
// A TCP segment as the endpoint sees it: the parsed header and an owned payload.
// The caller wraps it in IPv4 and Ethernet; the endpoint never touches raw bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "wirestate/wire/tcp_repr.hpp"

namespace wirestate::tcp {

struct Segment {
  wire::TcpRepr header;
  std::vector<std::uint8_t> payload;

  bool syn() const noexcept { return header.flags.syn(); }
  bool fin() const noexcept { return header.flags.fin(); }
  bool rst() const noexcept { return header.flags.rst(); }
  bool has_ack() const noexcept { return header.flags.ack(); }
  // SEG.LEN of RFC 9293 §3.4: payload bytes plus one for SYN and one for FIN.
  std::uint32_t seg_len() const noexcept {
    return static_cast<std::uint32_t>(payload.size()) + (syn() ? 1U : 0U) + (fin() ? 1U : 0U);
  }
  bool operator==(const Segment&) const = default;
};

// Flag letters in tcpdump's order and spelling: "S", "S.", "P.", "F.", "R.", "." ...
// (wire::tcpdump_flags, the one formatter of flags).
std::string flag_letters(wire::TcpFlags flags);

// One line for traces and failure messages: "S. seq 1000 ack 2001 win 512 len 0".
std::string summary(const Segment& seg);

}  // namespace wirestate::tcp
