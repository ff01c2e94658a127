#pragma once
// `wirestate capture -i IFACE [-f 'bpf'] [-w out.pcap] [-c N] [--duration S] [--events out.jsonl]`.
#include <CLI/CLI.hpp>

namespace wirestate::cli {

// Adds the capture subcommand: live capture (libpcap, immediate mode) through the
// monitor, printing state changes and alerts as they happen; -w saves every packet
// (flushed per packet, so the file is valid at any moment); SIGINT/SIGTERM, -c or
// --duration stop it cleanly with the report and pcap_stats() figures. Exit 0, or 2
// when the interface cannot be opened (missing, no CAP_NET_RAW) or a file not written.
void add_capture_command(CLI::App& app);

}  // namespace wirestate::cli
