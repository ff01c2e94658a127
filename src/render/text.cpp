#include "text.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace wirestate::render::detail {

namespace {

// East Asian Wide and Fullwidth ranges (Unicode UAX #11), the common blocks.
bool wide(std::uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
         (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
         (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
         (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
         (cp >= 0x20000 && cp <= 0x3fffd);
}

}  // namespace

std::vector<Glyph> glyphs(std::string_view text) {
  std::vector<Glyph> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<std::uint8_t>(text[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    bool ok = n != 0 && i + n <= text.size();
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto b = static_cast<std::uint8_t>(text[i + k]);
      ok = (b & 0xc0) == 0x80;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (!ok) {
      out.push_back({"?", 1});
      ++i;
      continue;
    }
    out.push_back({text.substr(i, n), wide(cp) ? 2 : 1});
    i += n;
  }
  return out;
}

int display_width(std::string_view text) {
  int w = 0;
  for (const auto& g : glyphs(text)) w += g.width;
  return w;
}

std::string fit(std::string_view text, int width) {
  if (display_width(text) <= width) return std::string(text);
  if (width <= 0) return "";
  std::string out;
  int w = 0;
  for (const auto& g : glyphs(text)) {
    if (w + g.width > width - 1) break;
    out += g.bytes;
    w += g.width;
  }
  return out + "…";
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const auto& g : glyphs(text)) {
    if (g.bytes == "&") out += "&amp;";
    else if (g.bytes == "<") out += "&lt;";
    else if (g.bytes == ">") out += "&gt;";
    else if (g.bytes == "\"") out += "&quot;";
    else if (g.bytes == "'") out += "&apos;";
    else if (g.bytes.size() == 1 && static_cast<unsigned char>(g.bytes[0]) < 0x20 && g.bytes[0] != '\n' && g.bytes[0] != '\t')
      out += "?";  // XML 1.0 forbids other control characters
    else out += g.bytes;
  }
  return out;
}

std::string seconds_text(long long ns) {
  const char* sign = ns < 0 ? "-" : "";
  const unsigned long long a = ns < 0 ? static_cast<unsigned long long>(-ns) : static_cast<unsigned long long>(ns);
  return fmt::format("{}{}.{:06d}", sign, a / 1000000000ULL, (a % 1000000000ULL) / 1000ULL);
}

std::string gap_text(long long ns) {
  if (ns < 1000000000LL) return fmt::format("{:.0f} ms", static_cast<double>(ns) / 1e6);
  return fmt::format("{:.3f} s", static_cast<double>(ns) / 1e9);
}

}  // namespace wirestate::render::detail
