// wirestate's decode in tshark's vocabulary: the fields both sides print, the flattening of
// `wirestate decode --json` (print::to_json) into tshark field names, and the tshark command
// that produced the oracles in ../shared/pcaps (README section 1). Header-only because the
// public-capture oracle (tests/cli) and the shipped-scenario check (tests/scenarios) are
// different binaries and there is no shared test library.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wirestate::test {

// tshark-style fields of one packet: name -> occurrences, outermost first.
using FieldMap = std::map<std::string, std::vector<std::string>>;

// The tshark fields wirestate decodes, compared value for value. frame.number is not one of
// them: it says which row is which (see the oracle's row alignment), not what was decoded.
inline const std::vector<std::string>& compared_fields() {
  static const std::vector<std::string> kFields = {
      "frame.time_epoch", "frame.len", "frame.cap_len",
      "eth.src", "eth.dst", "eth.type",
      "vlan.id", "vlan.priority", "vlan.etype",
      "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac",
      "arp.dst.proto_ipv4", "arp.isgratuitous",
      "ip.version", "ip.hdr_len", "ip.src", "ip.dst", "ip.proto", "ip.ttl", "ip.len", "ip.id",
      "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.checksum", "ip.checksum.status",
      "ip.opt.type",
      "icmp.type", "icmp.code", "icmp.checksum.status",
      "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.flags.str",
      "tcp.hdr_len", "tcp.len", "tcp.window_size_value", "tcp.options.mss_val",
      "tcp.options.wscale.shift", "tcp.options.sack_perm", "tcp.options.sack_le",
      "tcp.options.sack_re", "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
      "tcp.checksum.status",
      "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status"};
  return kFields;
}

// tshark's protocol name for the layer of a field ("ip.ttl" -> "ip").
inline std::string layer_of(const std::string& field) { return field.substr(0, field.find('.')); }

// The occurrences of key, or nullptr when the packet has no such field.
inline const std::vector<std::string>* find_field(const FieldMap& m, const std::string& key) {
  const auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

// Occurrences joined with ',' (tshark's aggregator), "<absent>" for a missing field.
inline std::string join_values(const std::vector<std::string>* v) {
  if (v == nullptr) return "<absent>";
  std::string s;
  for (const auto& x : *v) s += (s.empty() ? "" : ",") + x;
  return s;
}

namespace detail {

inline std::string scalar_text(const nlohmann::ordered_json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

inline void flatten(const nlohmann::ordered_json& v, const std::string& prefix, FieldMap& out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.items()) flatten(child, prefix.empty() ? key : prefix + "." + key, out);
  } else if (v.is_array()) {
    for (const auto& item : v) flatten(item, prefix, out);
  } else {
    out[prefix].push_back(scalar_text(v));
  }
}

}  // namespace detail

// Flattens print::to_json output into tshark field names: nested keys joined with '.',
// arrays of scalars and of objects become occurrences, numbers print in decimal and
// booleans as "1"/"0". Headers quoted by an ICMP error ("icmp.quoted.ip.ttl") are
// appended as the second occurrence of their own names ("ip.ttl"), as tshark lists them.
inline FieldMap flatten_to_tshark(const nlohmann::ordered_json& packet) {
  FieldMap out;
  nlohmann::ordered_json copy = packet;
  nlohmann::ordered_json quoted;
  if (copy.contains("icmp") && copy["icmp"].contains("quoted")) {
    quoted = copy["icmp"]["quoted"];
    copy["icmp"].erase("quoted");
  }
  detail::flatten(copy, "", out);
  if (!quoted.is_null()) detail::flatten(quoted, "", out);  // second occurrences, after the outer ones
  // Wireshark's IPv6 dissector also fills ip.version (the field both IP versions share).
  if (const auto* v6 = find_field(out, "ipv6.version")) {
    auto& shared = out["ip.version"];
    shared.insert(shared.end(), v6->begin(), v6->end());
  }
  return out;
}

// One packet as tshark -T json -e ... prints it ({"ip.ttl": ["64"], ...}), or one line of
// an X.tshark.jsonl oracle, which has the same shape.
inline FieldMap fields_from_tshark(const nlohmann::json& layers) {
  FieldMap row;
  for (const auto& [key, values] : layers.items()) {
    for (const auto& v : values) row[key].push_back(v.get<std::string>());
  }
  return row;
}

// The tshark command line that made the oracles (index.json "tshark_command"), for a pcap
// of our own: no reassembly, every checksum verified, JSON with the compared fields plus
// what the comparison reads (frame.number/protocols, malformed verdict, expert messages).
inline std::string tshark_oracle_command(const std::string& pcap) {
  std::string cmd =
      "/usr/bin/tshark -n -2 -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE"
      " -o udp.check_checksum:TRUE -o ip.defragment:FALSE -o ipv6.defragment:FALSE -r '" +
      pcap + "' -T json -e frame.number -e frame.protocols";
  for (const auto& f : compared_fields()) cmd += " -e " + f;
  cmd += " -e _ws.malformed -e _ws.expert.message";
  return cmd;
}

}  // namespace wirestate::test
