#pragma once
// The captures of the tshark oracle in ../shared/pcaps: what the indexes promise
// (public/index.json, one kernel/NAME.json sidecar per kernel trace), what is on disk, and
// the per-packet oracle files (README section 1: X.tshark.jsonl, every value a list of strings).
#include <cstdint>
#include <string>
#include <vector>

#include "support/tshark_fields.hpp"

namespace wirestate::testing {

using test::FieldMap;

// Reads X.tshark.jsonl: one FieldMap per line. Throws std::runtime_error naming the file
// when it is missing or a line is not JSON.
std::vector<FieldMap> read_oracle(const std::string& capture_path);

// A capture to check: path relative to ../shared/pcaps, and what its index says.
struct OracleCapture {
  std::string path;                   // "public/zeek/tcp/syn.pcap", "kernel/arp_basic.pcap"
  std::vector<std::string> tags;      // index.json tags ("kernel" for kernel traces)
  int tshark_rc = 0;                  // tshark's exit code on the file (2: it could not read it)
  std::uint64_t size = 0;             // bytes, as indexed (kernel: as on disk)
  std::uint64_t tshark_packets = 0;   // rows tshark wrote (index packets_decoded, sidecar capture.packets)
  std::string error;                  // only on the placeholder for an unreadable index
};

// Every capture in public/index.json and every kernel trace with a sidecar, sorted by path.
// When an index or a directory cannot be read the list is a single placeholder whose error
// says why: its test fails, instead of the suite quietly shrinking to what was found.
std::vector<OracleCapture> oracle_captures();

// Capture files on disk, relative to ../shared/pcaps: public/**/*.pcap and *.pcapng outside
// the upstream reference folders (ref/), and kernel/*.pcap. Sorted.
std::vector<std::string> captures_on_disk();

// The shared capture folder ("/work/shared/pcaps"), from the build.
std::string shared_pcaps();

}  // namespace wirestate::testing
