#include "wirestate/net/ipv4_addr.hpp"

#include <fmt/format.h>

#include "wirestate/net/bytes.hpp"

namespace wirestate::net {

Ipv4Addr Ipv4Addr::from_bytes(const std::uint8_t* p) noexcept { return Ipv4Addr(load_be32(p)); }

tl::expected<Ipv4Addr, std::string> Ipv4Addr::parse(std::string_view text) {
  auto fail = [&](std::string_view why) {
    return tl::unexpected(
        fmt::format("expected an IPv4 address like 10.0.0.1, got \"{}\" ({})", text, why));
  };
  std::uint32_t value = 0;
  std::size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') return fail("four parts separated by '.'");
      ++pos;
    }
    std::size_t digits = 0;
    std::uint32_t octet = 0;
    // "010" is 8 to inet_aton (octal) and 10 to others: refuse rather than guess.
    if (pos + 1 < text.size() && text[pos] == '0' && text[pos + 1] >= '0' && text[pos + 1] <= '9') {
      return fail("a part has a leading zero (octal to inet_aton)");
    }
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 3) return fail("a part has more than three digits");
      octet = octet * 10 + static_cast<std::uint32_t>(text[pos] - '0');
      ++pos;
    }
    if (digits == 0) return fail("a part is empty or not a number");
    if (octet > 255) return fail("a part is above 255");
    value = (value << 8) | octet;
  }
  if (pos != text.size()) return fail("trailing characters");
  return Ipv4Addr(value);
}

std::string Ipv4Addr::to_string() const {
  return fmt::format("{}.{}.{}.{}", value_ >> 24, (value_ >> 16) & 0xff, (value_ >> 8) & 0xff,
                     value_ & 0xff);
}

void Ipv4Addr::write_to(std::uint8_t* p) const noexcept { store_be32(p, value_); }

}  // namespace wirestate::net
