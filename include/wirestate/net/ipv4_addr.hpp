#pragma once
// An IPv4 address held in host byte order.
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace wirestate::net {

class Ipv4Addr {
 public:
  constexpr Ipv4Addr() = default;
  constexpr explicit Ipv4Addr(std::uint32_t host_order) : value_(host_order) {}
  constexpr Ipv4Addr(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
      : value_((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d) {}

  // Builds from 4 network-order bytes at p (the caller guarantees they exist).
  static Ipv4Addr from_bytes(const std::uint8_t* p) noexcept;

  // Strict dotted quad: four decimal parts 0..255, no leading '+', no empty part, no
  // trailing junk, at most three digits a part ("100.4.5.6"; not "256.1.1.1" or "1.2.3").
  static tl::expected<Ipv4Addr, std::string> parse(std::string_view text);

  std::string to_string() const;
  void write_to(std::uint8_t* p) const noexcept;

  constexpr std::uint32_t value() const noexcept { return value_; }
  constexpr bool is_zero() const noexcept { return value_ == 0; }
  constexpr bool is_broadcast() const noexcept { return value_ == 0xffffffffU; }
  constexpr bool is_multicast() const noexcept { return (value_ >> 28) == 0xe; }
  // True when both are inside the same prefix of prefix_len bits.
  constexpr bool same_subnet(Ipv4Addr other, int prefix_len) const noexcept {
    if (prefix_len <= 0) return true;
    const std::uint32_t mask = prefix_len >= 32 ? 0xffffffffU : ~(0xffffffffU >> prefix_len);
    return (value_ & mask) == (other.value_ & mask);
  }

  constexpr auto operator<=>(const Ipv4Addr&) const = default;

 private:
  std::uint32_t value_ = 0;
};

}  // namespace wirestate::net

template <>
struct std::hash<wirestate::net::Ipv4Addr> {
  std::size_t operator()(const wirestate::net::Ipv4Addr& a) const noexcept {
    return std::hash<std::uint32_t>{}(a.value());
  }
};
