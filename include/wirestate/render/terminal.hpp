#pragma once
// The ladder drawn with box-drawing characters for a terminal: one line per frame (the
// arrow with its label inside), the states beside their lifeline on the lines around it,
// long gaps as a marked break. The same ladder always gives the same text.
#include <cstddef>
#include <string>

#include "wirestate/render/ladder.hpp"

namespace wirestate::render {

// How the terminal ladder is drawn.
struct TerminalOptions {
  std::size_t width = 100;  // columns the drawing (without the right-hand notes) aims to fit
  bool color = false;       // ANSI colours: states, lost, retransmissions, alerts, ARP
};

// The whole ladder as text, every line ending in '\n'.
std::string to_terminal(const Ladder& ladder, const TerminalOptions& options = {});

}  // namespace wirestate::render
