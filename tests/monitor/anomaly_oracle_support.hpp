#pragma once
// The anomaly oracle: per packet, the set of TCP anomalies the monitor raised (in tshark's
// tcp.analysis vocabulary) against the set tshark's stored JSONL oracle lists, and the
// checked-in list of the differences we accept (anomaly_differences.json).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace wirestate::monitor::testing {

// Flags of one packet, as tcp.analysis field suffixes ("retransmission", "duplicate_ack_num").
using FlagSet = std::set<std::string>;

// One packet where the two sets differ.
struct FrameDifference {
  std::uint64_t frame = 0;
  FlagSet ours;
  FlagSet theirs;
};

// "{retransmission, out_of_order}" ("{}" when empty).
std::string to_string(const FlagSet& flags);

// The tcp.analysis field suffixes the oracle was generated with (index.json "fields").
FlagSet oracle_analysis_fields();

// Our anomaly name as a tcp.analysis field suffix; "" when it is one of our own kinds the
// oracle has no field for; nullopt for a name nobody classified (the comparison fails on
// it, so a new anomaly kind cannot slip past).
std::optional<std::string> tshark_name_of(const std::string& our_name);

// The names tshark_name_of() maps (our spelling), for the vocabulary check.
std::vector<std::string> compared_names();

// One capture of pcaps/public that tshark's oracle covers.
struct OracleCapture {
  std::string file;                         // relative to pcaps/public, as in index.json
  std::uint64_t packets = 0;                // lines of the JSONL oracle
  std::map<std::uint64_t, FlagSet> flags;   // tshark's flags, frames with at least one
  std::set<std::uint64_t> bad_checksums;    // TCP frames with a bad TCP or IPv4 checksum
};

// Every capture of index.json with a readable oracle (tshark exit 0), in index order.
std::vector<OracleCapture> oracle_captures();

// The same list, only those where tshark raised at least one tcp.analysis flag.
std::vector<OracleCapture> flagged_captures();

// The files of flagged_captures(), found by a text search of each oracle without parsing it:
// the parameters of a test suite are built in every test process (gtest enumerates them each
// time), and parsing the flagged lines of every oracle there cost seconds per test under ASan.
std::vector<std::string> flagged_capture_files();

// The oracle of one file of index.json.
OracleCapture oracle_capture(const std::string& file);

// The monitor's run of one capture, compared with its oracle.
struct Comparison {
  bool read_ok = false;
  std::string error;
  std::uint64_t frames = 0;           // frames the monitor read
  std::uint64_t tcp_segments = 0;     // of those, segments given to the observer
  std::uint64_t tshark_flagged = 0;   // frames tshark flagged
  std::uint64_t ours_flagged = 0;     // frames we flagged (compared kinds only)
  std::uint64_t either_flagged = 0;   // frames flagged by one side or both
  std::vector<FrameDifference> differences;  // in frame order
  std::vector<std::string> unclassified;     // anomaly names tshark_name_of() rejects

  // Frames flagged by either side where both sets are equal.
  std::uint64_t agreeing() const { return either_flagged - differences.size(); }
};

// Runs the capture through the monitor (the path `wirestate analyze -K` takes) and
// compares. Checksums are not verified: tshark's sequence analysis ignores checksum
// verdicts (the same flags come out with tcp.check_checksum off), and most of these traces
// were captured on hosts with checksum offload (Zeek's own tests read them with -C), so
// their bad checksums are not corruption. With verification on, those segments are
// dropped from the analysis instead; our_bad_checksums() covers that path.
Comparison compare(const OracleCapture& capture);

// The frames the monitor, verifying checksums as `wirestate analyze` does by default,
// flags bad_checksum (the segments it leaves out of the analysis).
std::set<std::uint64_t> our_bad_checksums(const OracleCapture& capture);

// One accepted difference, with why tshark's heuristic and ours disagree there.
struct ListedDifference {
  FrameDifference difference;
  std::string reason;
};

// anomaly_differences.json: capture file -> accepted differences (in file order).
std::map<std::string, std::vector<ListedDifference>> listed_differences();

// Failure messages for `capture`: every difference not listed (or listed with other sets),
// and every listed difference that no longer occurs. Empty when the two agree.
std::vector<std::string> unexplained(const std::string& capture, const Comparison& result,
                                     const std::vector<ListedDifference>& listed);

}  // namespace wirestate::monitor::testing
