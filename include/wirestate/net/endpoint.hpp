#pragma once
// A transport endpoint: an address of either family and a port.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "wirestate/net/ip_addr.hpp"

namespace wirestate::net {

struct Endpoint {
  IpAddr addr;
  std::uint16_t port = 0;

  // "10.0.0.1:80" or "[2001:db8::1]:80" (RFC 5952 §6, the form URLs and ss use).
  std::string to_string() const;
  // The same two forms, strictly; the port is 0..65535 in decimal.
  static tl::expected<Endpoint, std::string> parse(std::string_view text);

  constexpr auto operator<=>(const Endpoint&) const = default;
};

}  // namespace wirestate::net

template <>
struct std::hash<wirestate::net::Endpoint> {
  std::size_t operator()(const wirestate::net::Endpoint& e) const noexcept {
    const std::size_t h = std::hash<wirestate::net::IpAddr>{}(e.addr);
    return h ^ (static_cast<std::size_t>(e.port) * 0x9e3779b97f4a7c15ULL);
  }
};
