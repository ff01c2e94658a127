#include "wirestate/net/ipv6_addr.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "hex_digit.hpp"

namespace wirestate::net {

Ipv6Addr Ipv6Addr::from_bytes(const std::uint8_t* p) noexcept {
  Bytes16 b;
  std::memcpy(b.data(), p, b.size());
  return Ipv6Addr(b);
}

using detail::hex_digit_value;

tl::expected<Ipv6Addr, std::string> Ipv6Addr::parse(std::string_view text) {
  auto fail = [&](std::string_view why) {
    return tl::unexpected(fmt::format("expected an IPv6 address like 2001:db8::1, got \"{}\" ({})", text, why));
  };
  if (text.empty()) return fail("empty");
  if (text.find('%') != std::string_view::npos) return fail("a zone index is not part of an address");
  if (text.find('/') != std::string_view::npos) return fail("a prefix length is not part of an address");
  if (text.front() == '[') return fail("brackets belong around an address with a port, not in it");

  // Groups before and after the "::" (if any), collected separately.
  std::array<std::uint16_t, 8> head{}, tail{};
  std::size_t n_head = 0, n_tail = 0;
  bool compressed = false;
  std::size_t pos = 0;
  if (text.substr(0, 2) == "::") {
    compressed = true;
    pos = 2;
    if (pos == text.size()) return Ipv6Addr();
  } else if (text.front() == ':') {
    return fail("a single ':' at the start");
  }
  while (pos < text.size()) {
    auto& groups = compressed ? tail : head;
    auto& n = compressed ? n_tail : n_head;
    if (n_head + n_tail >= 8) return fail("more than eight groups");
    // A dotted quad may stand for the last two groups.
    const std::size_t next_colon = text.find(':', pos);
    const std::string_view part = text.substr(pos, next_colon == std::string_view::npos ? text.npos : next_colon - pos);
    if (part.find('.') != std::string_view::npos) {
      if (next_colon != std::string_view::npos) return fail("an IPv4 part is only allowed as the last 32 bits");
      auto v4 = Ipv4Addr::parse(part);
      if (!v4) return fail("the embedded IPv4 part is not a dotted quad");
      if (n_head + n_tail + 2 > 8) return fail("more than eight groups");
      groups[n++] = static_cast<std::uint16_t>(v4->value() >> 16);
      groups[n++] = static_cast<std::uint16_t>(v4->value() & 0xffff);
      pos = text.size();
      break;
    }
    if (part.empty()) return fail("an empty group");
    if (part.size() > 4) return fail("a group has more than four hex digits");
    std::uint16_t value = 0;
    for (char c : part) {
      const int h = hex_digit_value(c);
      if (h < 0) return fail(fmt::format("'{}' is not a hex digit", c));
      value = static_cast<std::uint16_t>((value << 4) | h);
    }
    groups[n++] = value;
    pos += part.size();
    if (pos == text.size()) break;
    // pos is at a ':'.
    if (pos + 1 < text.size() && text[pos + 1] == ':') {
      if (compressed) return fail("more than one \"::\"");
      compressed = true;
      pos += 2;
      if (pos == text.size()) break;
      if (text[pos] == ':') return fail("\":::\"");
    } else {
      ++pos;
      if (pos == text.size()) return fail("a single ':' at the end");
    }
  }
  const std::size_t total = n_head + n_tail;
  if (!compressed && total != 8) return fail("fewer than eight groups and no \"::\"");
  if (compressed && total > 7) return fail("\"::\" must stand for at least one zero group");
  std::array<std::uint16_t, 8> all{};
  std::copy_n(head.begin(), n_head, all.begin());
  std::copy_n(tail.begin(), n_tail, all.begin() + static_cast<std::ptrdiff_t>(8 - n_tail));
  return from_groups(all);
}

std::string Ipv6Addr::to_string() const {
  if (is_v4_mapped()) return "::ffff:" + low_v4().to_string();
  // RFC 5952 §4.2: the longest run of at least two zero groups; the first one on a tie.
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (group(static_cast<std::size_t>(i)) != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && group(static_cast<std::size_t>(j)) == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  out.reserve(39);
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    fmt::format_to(std::back_inserter(out), "{:x}", group(static_cast<std::size_t>(i)));
  }
  return out;
}

void Ipv6Addr::write_to(std::uint8_t* p) const noexcept { std::memcpy(p, bytes_.data(), bytes_.size()); }

}  // namespace wirestate::net

