#pragma once
// Private to the render module: UTF-8 text measured in terminal columns, and escaping
// for XML.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace wirestate::render::detail {

// One character of text and the columns it takes (2 for East Asian wide, else 1).
struct Glyph {
  std::string_view bytes;
  int width = 1;
};

// Splits UTF-8 into glyphs; invalid bytes become U+FFFD-like single glyphs ("?").
std::vector<Glyph> glyphs(std::string_view text);

// Columns the text takes in a terminal.
int display_width(std::string_view text);

// The text cut to at most `width` columns, ending in "…" when it was cut.
std::string fit(std::string_view text, int width);

// Text with &, <, >, " and ' escaped for XML content and attributes.
std::string xml_escape(std::string_view text);

// Seconds with six decimals: "0.005000".
std::string seconds_text(long long ns);

// A duration for gap markers: "200 ms", "2.795 s", "29.969 s".
std::string gap_text(long long ns);

}  // namespace wirestate::render::detail
