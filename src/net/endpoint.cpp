#include "wirestate/net/endpoint.hpp"

#include <fmt/format.h>

namespace wirestate::net {

std::string Endpoint::to_string() const {
  return addr.is_v4() ? fmt::format("{}:{}", addr.to_string(), port) : fmt::format("[{}]:{}", addr.to_string(), port);
}

tl::expected<Endpoint, std::string> Endpoint::parse(std::string_view text) {
  auto fail = [&](std::string_view why) {
    return tl::unexpected(
        fmt::format("expected an endpoint like 10.0.0.1:80 or [2001:db8::1]:80, got \"{}\" ({})", text, why));
  };
  std::string_view host, port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return fail("no ']' after the IPv6 address");
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') return fail("no ':PORT' after ']'");
    port_text = text.substr(close + 2);
    if (host.find(':') == std::string_view::npos) return fail("brackets are only for IPv6 addresses");
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("no ':PORT'");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return fail("an IPv6 address with a port needs brackets");
  }
  if (port_text.empty() || port_text.size() > 5) return fail("the port must be 0..65535");
  std::uint32_t port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return fail("the port must be 0..65535");
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port > 65535) return fail("the port must be 0..65535");
  auto addr = IpAddr::parse(host);
  if (!addr) return fail(addr.error());
  return Endpoint{*addr, static_cast<std::uint16_t>(port)};
}

}  // namespace wirestate::net
