#pragma once
// Runs the tshark oracle on one capture: reads it with io::PcapReader, decodes every packet
// with wire::decode, prints it with print::to_json and compares it with the capture's
// X.tshark.jsonl (support/tshark_compare.hpp), applying the allow-lists. Returns what failed
// and the figures instead of asserting, so the per-capture tests and the whole-corpus test
// (stale entries, totals) share one run.
#include <map>
#include <string>
#include <vector>

#include "cli/oracle_allowlist_support.hpp"
#include "cli/oracle_support.hpp"

namespace wirestate::testing {

struct CaptureReport {
  std::vector<std::string> failures;  // each names the capture, the packet and what differs
  int fields_compared = 0;            // values compared (frame.number never counts)
  int compared_beyond_frame = 0;      // of those, fields outside frame.*
  int packets = 0;                    // packets read
  int flagged = 0;                    // packets wirestate flagged malformed
  int allowed_stop_values = 0;        // tshark values skipped on allow-listed stops
  int malformed_stop_values = 0;      // tshark values skipped on packets both call malformed
  std::map<std::string, int> used;    // allow-list entry id -> packets (stops: values) it covered
};

CaptureReport check_capture(const OracleCapture& capture, const AllowList& allow);

}  // namespace wirestate::testing
