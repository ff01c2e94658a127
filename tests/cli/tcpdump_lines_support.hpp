#pragma once
// Comparing `wirestate decode` with tcpdump, line by line (tests/cli/tcpdump_oracle_test.cpp):
// running both, cutting tcpdump's output into one record per packet, the rules under which a
// wirestate line counts as tcpdump's, tcpdump's relative sequence numbers (the reference
// outputs were made without -S) and the allow-list of packets whose lines may differ.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wirestate::tcpdump_lines {

// The tcpdump binary ("" when none is installed).
std::string tcpdump_path();

struct RunOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `TZ=UTC tcpdump -nn -S -r capture` (extra_flags replace "-nn -S" when given).
RunOutput run_tcpdump(const std::filesystem::path& capture, const std::string& flags = "-nn -S");
// `wirestate decode [--json] capture`.
RunOutput run_decode(const std::filesystem::path& capture, bool json = false);

std::vector<std::string> lines_of(const std::string& text);

// tcpdump's lines cut into one per packet: a line that starts with whitespace (the hex dump
// tcpdump prints of a payload it cannot decode) belongs to the packet before it.
std::vector<std::string> packet_records(const std::string& tcpdump_stdout);

// The reference outputs (ref/*.out, tcpdump's own test suite) prefix each packet with its
// number and the date, "   12  2013-02-26 22:03:19.190965 IP ...". Returns the packets with
// that prefix removed; numbering_ok is false when the numbers are not 1, 2, 3, ...
std::vector<std::string> reference_records(const std::string& ref_text, bool& numbering_ok);

enum class Verdict {
  kIdentical,      // the same text
  kByRule,         // the same once one of the rules below is applied
  kTimestampOnly,  // wirestate prints a placeholder for a protocol it does not decode
  kDiffers,
};

struct LineComparison {
  Verdict verdict = Verdict::kDiffers;
  std::string rule;  // the rule that made the lines agree (kByRule, kTimestampOnly)
};

// The rules, applied in this order (each is unit-tested in tcpdump_lines_test.cpp):
//  1. wirestate-only annotations are removed: the "vlan N, " tags in front (tcpdump prints
//     802.1Q tags only with -e) and the " [malformed: ...]" notes at the end (tcpdump
//     checks nothing without -v).
//  2. the TCP AE bit (0x100, RFC 9768): tcpdump 4.99.3 prints no letter for it, newer
//     tcpdump prints 'e' (ref/accecn_handshake.out: [SEWe]), as wirestate does.
//  3. options tcpdump decodes at length and wirestate shows as bytes ("mptcp 0x0101",
//     "scps 0x...", "md5 0x..."): the option counts as tcpdump's if tcpdump's text for it
//     starts with the same name; every other option must be identical.
//  4. TCP payload decoded by tcpdump (HTTP, DNS, SSH, ...): tcpdump's line is wirestate's
//     line continued after the "length N" with ':', ' ' or ','.
//  5. UDP payload decoded by tcpdump: wirestate's "UDP, length N" is replaced in tcpdump's
//     line by the application's text, which must mention N; time, addresses and ports
//     must be identical.
//  6. IP protocols tcpdump decodes (PIM, AH, VRRP, ...) where wirestate prints
//     " ip-proto-N LEN": time and addresses must be identical.
//  7. wirestate's placeholders for what it does not decode ("IP6 (not decoded), length N",
//     "link type N (not decoded)", "LLC dsap ..", "ethertype 0xXXXX" other than IPv4 and
//     ARP): only the time is compared, and only when tcpdump's line is not an IPv4 or ARP
//     line (then wirestate missed something tcpdump decoded: that needs the allow-list).
LineComparison compare_line(const std::string& tcpdump, const std::string& wirestate);

// The TCP facts of one packet that tcpdump's relative numbering needs (from decode --json).
struct TcpFacts {
  bool present = false;  // false: not an IPv4 TCP segment
  std::uint32_t src = 0, dst = 0;
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0, ack = 0;
  bool syn = false, ack_flag = false;
};
std::vector<TcpFacts> tcp_facts_from_json(const std::string& decode_json);

// wirestate's lines with seq, ack and SACK numbers made relative as tcpdump prints them
// without -S (print-tcp.c): per connection, the first segment with ACK set (or a SYN)
// records both directions' bases and is printed absolute; later ACK segments print
// offsets from them. Segments without ACK stay absolute.
std::vector<std::string> to_relative_sequence_numbers(const std::vector<std::string>& lines,
                                                      const std::vector<TcpFacts>& facts);

// One line of the allow-list (tests/cli/tcpdump_oracle_allowlist.tsv): packets of a capture
// whose lines may differ from the oracle, and why.
struct AllowEntry {
  std::string oracle;                // "live" (tcpdump 4.99 here) or "ref" (ref/*.out)
  std::string file;                  // capture, or .out file, relative to ../shared/pcaps
  std::vector<std::size_t> packets;  // 1-based; empty: any packet of the file
  std::string reason;
  int line = 0;  // in the allow-list file
};
// Parses the file; sets error (naming the line) on anything malformed.
std::vector<AllowEntry> read_allow_list(const std::filesystem::path& path, std::string& error);

struct Tally {
  std::size_t identical = 0;
  std::size_t by_rule = 0;
  std::size_t timestamp_only = 0;
  std::size_t allow_listed = 0;
  std::size_t differs = 0;  // neither matched nor allow-listed: a failure
  std::map<std::string, std::size_t> rules;  // lines by the rule(s) that made them agree
  std::size_t compared() const { return identical + by_rule; }
  std::size_t total() const { return identical + by_rule + timestamp_only + allow_listed + differs; }
  Tally& operator+=(const Tally& o);
};

struct FileComparison {
  Tally tally;
  std::size_t promised = 0;           // wirestate lines for IPv4 or ARP (what decode promises)
  std::vector<std::string> problems;  // each a failure: a differing line, a stale entry, ...
};

// Compares the oracle's records with wirestate's lines packet by packet. entries: the
// allow-list lines for this oracle and file. An entry that names a packet whose line no
// longer differs, or a whole-file entry no packet needed, is a problem (so the list shrinks
// when wirestate improves).
FileComparison compare_file(const std::vector<std::string>& oracle, const std::vector<std::string>& wirestate,
                            const std::vector<const AllowEntry*>& entries);

}  // namespace wirestate::tcpdump_lines
