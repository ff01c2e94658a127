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
      "ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.plen",
      "icmp.type", "icmp.code", "icmp.checksum.status",
      "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.flags.str",
      "tcp.hdr_len", "tcp.len", "tcp.window_size_value", "tcp.options.mss_val",
      "tcp.options.wscale.shift", "tcp.options.sack_perm", "tcp.options.sack_le",
      "tcp.options.sack_re", "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
      "tcp.checksum.status",
      "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status"};
  return kFields;
}

// Fields the stored oracles of ../shared/pcaps lack but a tshark run of our own can ask for:
// the rest of the IPv6 header, the extension headers, ICMPv6 and NDP.
inline const std::vector<std::string>& live_only_fields() {
  static const std::vector<std::string> kFields = {
      "ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.hlim",
      "ipv6.hopopts.nxt", "ipv6.hopopts.len", "ipv6.routing.nxt", "ipv6.routing.len", "ipv6.dstopts.nxt",
      "ipv6.dstopts.len", "ipv6.fraghdr.nxt", "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident",
      "icmpv6.type", "icmpv6.code", "icmpv6.checksum", "icmpv6.checksum.status", "icmpv6.echo.identifier",
      "icmpv6.echo.sequence_number", "icmpv6.mtu", "icmpv6.pointer",
      "icmpv6.nd.ra.cur_hop_limit", "icmpv6.nd.ra.flag.m", "icmpv6.nd.ra.flag.o", "icmpv6.nd.ra.flag.prf",
      "icmpv6.nd.ra.router_lifetime", "icmpv6.nd.ra.reachable_time", "icmpv6.nd.ra.retrans_timer",
      "icmpv6.nd.ns.target_address", "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o",
      "icmpv6.nd.na.target_address", "icmpv6.nd.rd.target_address", "icmpv6.rd.na.destination_address",
      "icmpv6.opt.type", "icmpv6.opt.length", "icmpv6.opt.linkaddr", "icmpv6.opt.src_linkaddr",
      "icmpv6.opt.target_linkaddr", "icmpv6.opt.prefix.length", "icmpv6.opt.prefix.flag.l",
      "icmpv6.opt.prefix.flag.a", "icmpv6.opt.prefix.valid_lifetime", "icmpv6.opt.prefix.preferred_lifetime",
      "icmpv6.opt.prefix", "icmpv6.opt.mtu", "icmpv6.opt.rdnss.lifetime", "icmpv6.opt.rdnss"};
  return kFields;
}

// compared_fields() and live_only_fields(): everything a live tshark run compares.
inline const std::vector<std::string>& live_fields() {
  static const std::vector<std::string> kFields = [] {
    std::vector<std::string> all = compared_fields();
    all.insert(all.end(), live_only_fields().begin(), live_only_fields().end());
    return all;
  }();
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
// booleans as "1"/"0". Headers quoted by an ICMP or ICMPv6 error ("icmp.quoted.ip.ttl",
// "icmpv6.quoted.ipv6.src") are appended as the second occurrence of their own names
// ("ip.ttl", "ipv6.src"), as tshark lists them.
inline FieldMap flatten_to_tshark(const nlohmann::ordered_json& packet) {
  FieldMap out;
  nlohmann::ordered_json copy = packet;
  nlohmann::ordered_json quoted;
  for (const char* icmp : {"icmp", "icmpv6"}) {
    if (copy.contains(icmp) && copy[icmp].contains("quoted")) {
      quoted = copy[icmp]["quoted"];
      copy[icmp].erase("quoted");
    }
  }
  detail::flatten(copy, "", out);
  if (!quoted.is_null()) detail::flatten(quoted, "", out);  // second occurrences, after the outer ones
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
inline std::string tshark_oracle_command(const std::string& pcap, const std::vector<std::string>& fields = compared_fields()) {
  std::string cmd =
      "/usr/bin/tshark -n -2 -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE"
      " -o udp.check_checksum:TRUE -o ip.defragment:FALSE -o ipv6.defragment:FALSE -r '" +
      pcap + "' -T json -e frame.number -e frame.protocols";
  for (const auto& f : fields) cmd += " -e " + f;
  cmd += " -e _ws.malformed -e _ws.expert.message";
  return cmd;
}

}  // namespace wirestate::test
