#pragma once
// The checksum switches shared by analyze, capture and check, with tcpdump's and
// Wireshark's defaults: verify, flag and count a bad checksum, never drop the segment
// from state inference; -K does not verify; --verify-checksums drops it as a receiver
// would, and check counts it as a failure.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "wirestate/monitor/monitor.hpp"

namespace wirestate::cli {

struct ChecksumArgs {
  bool skip = false;     // -K
  bool enforce = false;  // --verify-checksums
};

// Adds -K,--dont-verify-checksums and --verify-checksums (mutually exclusive).
void add_checksum_options(CLI::App& cmd, ChecksumArgs& args);

// The monitor policy the switches ask for.
monitor::ChecksumPolicy checksum_policy(const ChecksumArgs& args);

// Says on stderr which senders had mostly bad TCP checksums, and that offload on the
// capturing host is the likely cause (nothing when none did).
void note_offloaded_senders(const monitor::Monitor& monitor, const char* command);

}  // namespace wirestate::cli
