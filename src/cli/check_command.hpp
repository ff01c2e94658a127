#pragma once
// `wirestate check TARGET --expect FILE|PRESET ... [--junit out.xml]`.
#include <CLI/CLI.hpp>

namespace wirestate::cli {

// Adds the check subcommand: evaluates expectations on a scenario run or a capture;
// exit 0 when all hold, 1 when one fails, 2 for bad input.
void add_check_command(CLI::App& app);

}  // namespace wirestate::cli
