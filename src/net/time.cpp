#include "wirestate/net/time.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace wirestate::net {

tl::expected<Duration, std::string> Duration::parse(std::string_view text) {
  auto fail = [&] {
    return tl::unexpected(fmt::format(
        "expected a duration like \"15ms\", \"1.5s\", \"250us\", \"100ns\" or \"2m\", got \"{}\"", text));
  };
  if (text == "0") return Duration();
  // Split into a decimal number and a unit suffix.
  std::size_t i = 0;
  std::int64_t whole = 0;
  std::int64_t frac = 0;
  std::int64_t frac_scale = 1;
  std::size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (++digits > 12) return fail();
    whole = whole * 10 + (text[i] - '0');
    ++i;
  }
  if (digits == 0) return fail();
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::size_t fdigits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (++fdigits > 9) return fail();
      frac = frac * 10 + (text[i] - '0');
      frac_scale *= 10;
      ++i;
    }
    if (fdigits == 0) return fail();
  }
  const std::string_view unit = text.substr(i);
  std::int64_t scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1000;
  else if (unit == "ms") scale = 1000000;
  else if (unit == "s") scale = 1000000000;
  else if (unit == "m") scale = 60LL * 1000000000;
  else return fail();
  if (whole > (INT64_MAX - scale) / scale) return fail();  // beyond 292 years of nanoseconds
  const std::int64_t ns = whole * scale + (frac * scale) / frac_scale;
  if ((frac * scale) % frac_scale != 0) return fail();  // finer than a nanosecond
  return Duration::nanoseconds(ns);
}

std::string Duration::to_string() const {
  const std::int64_t n = ns_;
  if (n == 0) return "0";
  const std::int64_t mag = n < 0 ? -n : n;
  struct Unit { std::int64_t scale; const char* name; };
  static constexpr Unit kUnits[] = {{1000000000, "s"}, {1000000, "ms"}, {1000, "us"}, {1, "ns"}};
  for (const auto& u : kUnits) {
    if (mag >= u.scale) {
      if (mag % u.scale == 0) return fmt::format("{}{}", n / u.scale, u.name);
      // Print with as many decimals as needed (at most the next unit's resolution).
      std::string s = fmt::format("{:.9f}", static_cast<double>(n) / static_cast<double>(u.scale));
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
      return s + u.name;
    }
  }
  return fmt::format("{}ns", n);
}

std::string Time::to_epoch_string() const {
  const std::int64_t sec = ns_ >= 0 ? ns_ / 1000000000 : -((-ns_ + 999999999) / 1000000000);
  const std::int64_t rem = ns_ - sec * 1000000000;
  return fmt::format("{}.{:09d}", sec, rem);
}

}  // namespace wirestate::net
