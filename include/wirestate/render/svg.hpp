#pragma once
// The ladder as a standalone SVG document and as a self-contained HTML page (the same
// drawing inline, plus the full decode of each frame shown on hover and on click; no
// external fetches, works offline).
#include <string>

#include "wirestate/render/ladder.hpp"

namespace wirestate::render {

// A complete SVG 1.1 document (XML declaration, namespace, embedded CSS). Each lifeline
// is a <line class="lifeline" data-host=...>, each frame a <g class="arrow ..."
// data-number=...>, each state change a <g class="state" data-host=... data-state=...>,
// in top-to-bottom order within a section.
std::string to_svg(const Ladder& ladder);

// A complete HTML5 page holding the SVG, a detail panel and a script that shows a
// frame's decode (or a state change's cause) on hover and pins it on click. When its
// script has run, the root element carries data-ready="ok".
std::string to_html(const Ladder& ladder);

}  // namespace wirestate::render
