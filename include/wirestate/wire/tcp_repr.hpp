#pragma once
// The owned, parsed form of a TCP header: what TcpView::parse yields and what the TCP
// builder emits. The TCP endpoint and observer speak in this type, never in raw bytes.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wirestate/net/seq_num.hpp"

namespace wirestate::wire {

// TCP control bits as carried in bytes 12..13 of the header (low 9 bits; NS/AE is the
// lowest reserved bit, RFC 3540 / AccECN).
struct TcpFlags {
  static constexpr std::uint16_t kFin = 0x001;
  static constexpr std::uint16_t kSyn = 0x002;
  static constexpr std::uint16_t kRst = 0x004;
  static constexpr std::uint16_t kPsh = 0x008;
  static constexpr std::uint16_t kAck = 0x010;
  static constexpr std::uint16_t kUrg = 0x020;
  static constexpr std::uint16_t kEce = 0x040;
  static constexpr std::uint16_t kCwr = 0x080;
  static constexpr std::uint16_t kAe = 0x100;

  std::uint16_t bits = 0;

  constexpr bool fin() const noexcept { return (bits & kFin) != 0; }
  constexpr bool syn() const noexcept { return (bits & kSyn) != 0; }
  constexpr bool rst() const noexcept { return (bits & kRst) != 0; }
  constexpr bool psh() const noexcept { return (bits & kPsh) != 0; }
  constexpr bool ack() const noexcept { return (bits & kAck) != 0; }
  constexpr bool urg() const noexcept { return (bits & kUrg) != 0; }
  constexpr bool ece() const noexcept { return (bits & kEce) != 0; }
  constexpr bool cwr() const noexcept { return (bits & kCwr) != 0; }
  constexpr bool ae() const noexcept { return (bits & kAe) != 0; }
  constexpr bool has(std::uint16_t mask) const noexcept { return (bits & mask) == mask; }
  constexpr bool operator==(const TcpFlags&) const = default;
};

// One SACK block: [left, right) of received data (RFC 2018 §3).
struct SackBlock {
  net::SeqNum left;
  net::SeqNum right;
  constexpr bool operator==(const SackBlock&) const = default;
};

// RFC 7323 §3: TSval and TSecr.
struct TcpTimestamps {
  std::uint32_t value = 0;
  std::uint32_t echo_reply = 0;
  constexpr bool operator==(const TcpTimestamps&) const = default;
};

// An option kind we do not interpret, kept with its bytes (without kind and length).
struct RawTcpOption {
  std::uint8_t kind = 0;
  std::vector<std::uint8_t> data;
  bool operator==(const RawTcpOption&) const = default;
};

// The TCP options wirestate understands, plus unknown ones kept raw. The builder emits
// them in the order Linux uses for a SYN (MSS, SACK-permitted, timestamps, NOP, window
// scale), padded with NOPs/EOL to a multiple of four bytes.
struct TcpOptions {
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> window_scale;  // the shift as sent; receivers clamp to 14
  bool sack_permitted = false;
  std::vector<SackBlock> sack;               // at most 4 blocks fit
  std::optional<TcpTimestamps> timestamps;
  std::vector<RawTcpOption> unknown;
  bool operator==(const TcpOptions&) const = default;
};

// A TCP header, parsed. data_offset and checksum are derived by the builder.
struct TcpRepr {
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  net::SeqNum seq;
  net::SeqNum ack;
  TcpFlags flags;
  std::uint16_t window = 0;  // raw field, unscaled
  std::uint16_t urgent = 0;
  TcpOptions options;
  bool operator==(const TcpRepr&) const = default;
};

// tcpdump's flag string: "S", "S.", "P.", "F.", "R", "R." ... (U, E, W for URG/ECE/CWR,
// '.' for ACK, "none" when no flag is set).
std::string tcpdump_flags(TcpFlags flags);

}  // namespace wirestate::wire
