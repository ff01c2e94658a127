#pragma once
// An Ethernet (EUI-48) address.
#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"

namespace wirestate::net {

class MacAddr {
 public:
  constexpr MacAddr() = default;
  constexpr explicit MacAddr(const std::array<std::uint8_t, 6>& octets) : octets_(octets) {}

  // Builds from 6 bytes at p (the caller guarantees they exist).
  static MacAddr from_bytes(const std::uint8_t* p) noexcept;

  // Parses "02:00:00:00:00:01" (also '-' separated); exactly six hex pairs, nothing else.
  static tl::expected<MacAddr, std::string> parse(std::string_view text);

  static constexpr MacAddr broadcast() { return MacAddr({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}); }

  // Lower-case colon form, as tcpdump and tshark print it.
  std::string to_string() const;

  constexpr const std::array<std::uint8_t, 6>& octets() const noexcept { return octets_; }
  void write_to(std::uint8_t* p) const noexcept;

  constexpr bool is_broadcast() const noexcept { return *this == broadcast(); }
  // Group bit (I/G) set: multicast or broadcast.
  constexpr bool is_multicast() const noexcept { return (octets_[0] & 0x01) != 0; }
  constexpr bool is_zero() const noexcept { return *this == MacAddr(); }

  constexpr auto operator<=>(const MacAddr&) const = default;

 private:
  std::array<std::uint8_t, 6> octets_{};
};

}  // namespace wirestate::net

template <>
struct std::hash<wirestate::net::MacAddr> {
  std::size_t operator()(const wirestate::net::MacAddr& m) const noexcept {
    std::uint64_t v = 0;
    for (auto o : m.octets()) v = (v << 8) | o;
    return std::hash<std::uint64_t>{}(v);
  }
};
