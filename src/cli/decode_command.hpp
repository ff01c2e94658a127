#pragma once
// `wirestate decode FILE [-c N] [-f 'bpf'] [--json] [--count-only] [--nano]`.
#include <CLI/CLI.hpp>

namespace wirestate::cli {

// Adds the decode subcommand: one tcpdump-style line (or JSON object) per packet;
// exit 0, or 2 for bad input (unreadable file, bad filter, truncated or bad record).
void add_decode_command(CLI::App& app);

}  // namespace wirestate::cli
