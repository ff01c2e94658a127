#pragma once
// `wirestate analyze FILE [-f 'bpf'] [--events out.jsonl] [--json]`, and the pieces the
// capture command shares with it (the packet summarizer and the text report).
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "wirestate/monitor/monitor.hpp"

namespace wirestate::cli {

// Adds the analyze subcommand: connection table (both sides' states, Zeek conn_state and
// history, packets, bytes, duration, anomalies), ARP alerts, UDP flows, ICMP and
// malformed counts; --json prints one document (docs/analyze-json.md). Exit 0, or 2 for
// bad input (a truncated file is analyzed up to the cut, with a warning).
void add_analyze_command(CLI::App& app);

// tcpdump-style one-line summaries for the monitor's packet events.
monitor::Summarizer print_summarizer();

// Writes the human-readable report of a finished monitor to out.
void write_text_report(std::FILE* out, const monitor::Monitor& monitor);

}  // namespace wirestate::cli
