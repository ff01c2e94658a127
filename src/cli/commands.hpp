#pragma once
// Subcommand registration: each subcommand file provides add_<name>_command().
#include <CLI/CLI.hpp>

namespace wirestate::cli {

// Registers every subcommand on app.
void register_commands(CLI::App& app);

// The exit code the chosen subcommand left (0 ok, 1 expectation failed, 2 bad input).
int exit_code();
void set_exit_code(int code);

}  // namespace wirestate::cli
