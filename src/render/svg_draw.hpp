#pragma once
// Private to the render module: the SVG drawing shared by to_svg and to_html, with the
// text each arrow and state shows on hover (keyed by the element's data-key).
#include <map>
#include <string>

#include "wirestate/render/ladder.hpp"

namespace wirestate::render::detail {

struct SvgDrawing {
  std::string svg;                             // the <svg> element (no XML declaration)
  std::map<std::string, std::string> details;  // data-key -> full decode / cause
  double width = 0;
  double height = 0;
};

SvgDrawing draw_svg(const Ladder& ladder);

}  // namespace wirestate::render::detail
