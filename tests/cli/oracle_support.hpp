#pragma once
// Helpers for comparing wirestate's decode with the tshark oracles in ../shared/pcaps
// (README section 1: X.tshark.jsonl, one object per packet, every value a list of strings).
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wirestate::testing {

// tshark-style fields: name -> occurrences, outermost first.
using FieldMap = std::map<std::string, std::vector<std::string>>;

// Flattens print::to_json output into tshark field names: nested keys joined with '.',
// arrays of scalars and of objects become occurrences, numbers print in decimal and
// booleans as "1"/"0". Headers quoted by an ICMP error ("icmp.quoted.ip.ttl") are
// appended as the second occurrence of their own names ("ip.ttl"), as tshark lists them.
FieldMap flatten_to_tshark(const nlohmann::ordered_json& packet);

// Reads X.tshark.jsonl: one FieldMap per line.
std::vector<FieldMap> read_oracle(const std::string& capture_path);

// A capture to check: path relative to ../shared/pcaps, and what index.json says.
struct OracleCapture {
  std::string path;             // "public/zeek/tcp/syn.pcap", "kernel/arp_basic.pcap"
  std::vector<std::string> tags;
  int tshark_rc = 0;
};

// Every capture in public/index.json and every kernel/*.pcap, sorted by path.
std::vector<OracleCapture> oracle_captures();

// A gtest-safe name for a capture path ("public_zeek_tcp_syn_pcap").
std::string test_name_for(const std::string& path);

}  // namespace wirestate::testing
