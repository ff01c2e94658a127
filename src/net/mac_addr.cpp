#include "wirestate/net/mac_addr.hpp"

#include <fmt/format.h>

#include "hex_digit.hpp"

namespace wirestate::net {

using detail::hex_digit_value;

MacAddr MacAddr::from_bytes(const std::uint8_t* p) noexcept {
  std::array<std::uint8_t, 6> o{};
  for (std::size_t i = 0; i < o.size(); ++i) o[i] = p[i];
  return MacAddr(o);
}

tl::expected<MacAddr, std::string> MacAddr::parse(std::string_view text) {
  auto fail = [&] {
    return tl::unexpected(fmt::format("expected a MAC address like 02:00:00:00:00:01, got \"{}\"", text));
  };
  // Six pairs of hex digits and five separators, all ':' or all '-'.
  if (text.size() != 17) return fail();
  const char sep = text[2];
  if (sep != ':' && sep != '-') return fail();
  std::array<std::uint8_t, 6> o{};
  for (std::size_t i = 0; i < 6; ++i) {
    const std::size_t at = i * 3;
    const int hi = hex_digit_value(text[at]);
    const int lo = hex_digit_value(text[at + 1]);
    if (hi < 0 || lo < 0) return fail();
    if (i < 5 && text[at + 2] != sep) return fail();
    o[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return MacAddr(o);
}

std::string MacAddr::to_string() const {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", octets_[0], octets_[1], octets_[2],
                     octets_[3], octets_[4], octets_[5]);
}

void MacAddr::write_to(std::uint8_t* p) const noexcept {
  for (std::size_t i = 0; i < octets_.size(); ++i) p[i] = octets_[i];
}

}  // namespace wirestate::net
