#pragma once
// `wirestate run SCENARIO.json [-w out.pcap] [--events out.jsonl] [--seed N] [--quiet]`.
#include <CLI/CLI.hpp>

namespace wirestate::cli {

// Adds the run subcommand: simulates a scenario, prints its timeline and the verdict of
// each expectation; exit 0 when all hold, 1 when one fails, 2 for an invalid scenario.
void add_run_command(CLI::App& app);

}  // namespace wirestate::cli
