#pragma once
// The ladder diagram options shared by run, analyze and check: --diagram FILE (.svg or
// .html), --ladder / --no-ladder (terminal drawing) and --conn selectors.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tl/expected.hpp>

#include "wirestate/render/ladder.hpp"
#include "wirestate/sim/runner.hpp"

namespace wirestate::cli {

struct DiagramArgs {
  std::string path;               // --diagram: .svg or .html; empty for none
  std::vector<std::string> conn;  // --conn selectors
  int ladder = -1;                // --ladder 1, --no-ladder 0, -1: when stdout is a terminal
};

// Adds --diagram, --ladder/--no-ladder and --conn to a subcommand.
void add_diagram_options(CLI::App& cmd, DiagramArgs& args);

// A bad --diagram path (wrong extension) is bad input, found before any work.
tl::expected<void, std::string> validate(const DiagramArgs& args);

// Draws what was asked: the terminal ladder on stdout, and the file.
tl::expected<void, std::string> emit_diagram(const DiagramArgs& args, const std::vector<trace::Event>& events,
                                             const std::vector<render::FrameBytes>& frames,
                                             render::LadderOptions options);

// The diagram of a scenario run: its frames, the endpoints' own states (the observer's
// agree, or a verdict says not) and the scenario's connection names.
tl::expected<void, std::string> emit_run_diagram(const DiagramArgs& args, const sim::RunResult& run,
                                                 const std::string& title);

}  // namespace wirestate::cli
