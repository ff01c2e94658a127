#pragma once
// The identity of a connection or flow: its two endpoints in a canonical order, so both
// directions of a connection have the same key, an equal hash, and one text form.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <fmt/format.h>

#include "wirestate/net/endpoint.hpp"

namespace wirestate::net {

// Which way a packet goes relative to its key: from low() to high(), or back.
enum class FlowDirection : std::uint8_t { kLowToHigh, kHighToLow };

class FlowKey {
 public:
  constexpr FlowKey() = default;
  // The key of a packet from src to dst (either order gives the same key).
  constexpr FlowKey(const Endpoint& src, const Endpoint& dst) : FlowKey(src, dst, src <= dst) {}

  // The smaller and the larger endpoint (IPv4 before IPv6, then address, then port).
  constexpr const Endpoint& low() const noexcept { return low_; }
  constexpr const Endpoint& high() const noexcept { return high_; }
  // The direction of a packet sent from src.
  constexpr FlowDirection direction_from(const Endpoint& src) const noexcept {
    return src == low_ ? FlowDirection::kLowToHigh : FlowDirection::kHighToLow;
  }
  // The endpoint at the other end from `one` (which must be one of the two).
  constexpr const Endpoint& peer_of(const Endpoint& one) const noexcept { return one == low_ ? high_ : low_; }
  constexpr bool contains(const Endpoint& e) const noexcept { return e == low_ || e == high_; }

  // "low-high", e.g. "10.0.0.1:40000-10.0.0.2:80" or "[2001:db8::1]:40000-[2001:db8::2]:80".
  std::string to_string() const;

  constexpr auto operator<=>(const FlowKey&) const = default;

 private:
  // One comparison per key (it runs for every packet).
  constexpr FlowKey(const Endpoint& src, const Endpoint& dst, bool in_order)
      : low_(in_order ? src : dst), high_(in_order ? dst : src) {}

  Endpoint low_;
  Endpoint high_;
};

}  // namespace wirestate::net

template <>
struct std::hash<wirestate::net::FlowKey> {
  // Symmetric by construction: the key is already in canonical order.
  std::size_t operator()(const wirestate::net::FlowKey& k) const noexcept {
    const std::size_t a = std::hash<wirestate::net::Endpoint>{}(k.low());
    const std::size_t b = std::hash<wirestate::net::Endpoint>{}(k.high());
    return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  }
};

// fmt formatters: {} prints to_string().
template <>
struct fmt::formatter<wirestate::net::IpAddr> : fmt::formatter<std::string> {
  auto format(const wirestate::net::IpAddr& a, format_context& ctx) const {
    return fmt::formatter<std::string>::format(a.to_string(), ctx);
  }
};
template <>
struct fmt::formatter<wirestate::net::Endpoint> : fmt::formatter<std::string> {
  auto format(const wirestate::net::Endpoint& e, format_context& ctx) const {
    return fmt::formatter<std::string>::format(e.to_string(), ctx);
  }
};
template <>
struct fmt::formatter<wirestate::net::FlowKey> : fmt::formatter<std::string> {
  auto format(const wirestate::net::FlowKey& k, format_context& ctx) const {
    return fmt::formatter<std::string>::format(k.to_string(), ctx);
  }
};
