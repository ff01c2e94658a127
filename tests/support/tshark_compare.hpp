// One packet as wirestate decoded it against the same packet as tshark dissected it, field by
// field (support/tshark_fields.hpp). Pure: it returns what it found and asserts nothing, so
// the public-capture oracle (tests/cli, with its allow-lists) and the shipped-scenario check
// (tests/scenarios, which allows nothing) judge packets by the same rules.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "support/tshark_fields.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::test {

// What comparing one packet found.
struct PacketComparison {
  std::vector<std::string> mismatches;  // "field ip.ttl: wirestate 64, tshark 63", ...
  int compared = 0;                     // values compared that could have differed
  int compared_beyond_frame = 0;        // of those, fields outside frame.*
  // tshark fields wirestate does not have because its decode stopped (a layer it does not
  // decode, or malformed bytes): layer -> number of values. Empty when nothing was lost.
  std::map<std::string, int> lost;
  int lost_values = 0;
};

// Why wirestate's decode stopped: the NotDecoded name and every malformation as
// "layer.error" ("fragment", "tcp.truncated", "arp.unsupported_hardware").
inline std::vector<std::string> stop_reasons(const wire::DecodedPacket& decoded) {
  std::vector<std::string> reasons;
  if (decoded.not_decoded != wire::NotDecoded::kNone) reasons.emplace_back(wire::to_string(decoded.not_decoded));
  for (const auto& m : decoded.malformations) {
    reasons.push_back(std::string(wire::to_string(m.layer)) + "." + std::string(wire::to_string(m.error)));
  }
  return reasons;
}

namespace detail {

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts(1);
  for (char c : s) {
    if (c == sep) parts.emplace_back(); else parts.back() += c;
  }
  return parts;
}

// The characters of a UTF-8 string (tcp.flags.str prints a clear bit as the two-byte '·').
inline std::vector<std::string> utf8_chars(const std::string& s) {
  std::vector<std::string> out;
  for (char c : s) {
    const bool continuation = (static_cast<unsigned char>(c) & 0xc0) == 0x80;
    if (continuation && !out.empty()) out.back() += c; else out.emplace_back(1, c);
  }
  return out;
}

// Once AccECN is negotiated tshark prints the ACE counter (AE, CWR, ECE read as a 3-bit
// number: the AccECN ACE field) in place of those three letters: "···-5-·A····". Our string,
// rewritten the same way, so that every bit is still compared.
inline std::string with_ace_counter(const std::string& ours) {
  auto c = utf8_chars(ours);
  if (c.size() != 12) return ours;
  const int ace = (c[3] == "A" ? 4 : 0) + (c[4] == "C" ? 2 : 0) + (c[5] == "E" ? 1 : 0);
  c[3] = "-";
  c[4] = std::to_string(ace);
  c[5] = "-";
  std::string s;
  for (const auto& x : c) s += x;
  return s;
}

inline bool has_expert(const FieldMap& row, const std::string& text) {
  if (const auto* experts = find_field(row, "_ws.expert.message")) {
    for (const auto& m : *experts) {
      if (m.find(text) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace detail

// Compares the packets of one capture (or one simulated run) in order. It keeps state: tshark
// prints SACK edges relative to each flow's initial sequence number.
class FieldComparer {
 public:
  // Files with deliberately invalid record timestamps (sub-second field out of range):
  // libpcap normalises them, tshark prints them raw ("1418145370.1000000000").
  void skip_time() { skip_time_ = true; }
  // The fields to compare (compared_fields() by default; live_fields() for a tshark run of
  // our own that asked for them).
  explicit FieldComparer(const std::vector<std::string>& fields = compared_fields()) : fields_(&fields) {}

  // tshark: the packet's row; ours: print::to_json flattened; decoded: what wire::decode
  // found (to know whether and why it stopped); clipped: libpcap cut the record to the
  // file's snapshot length, so our bytes are a prefix of tshark's.
  PacketComparison compare(const FieldMap& tshark, const FieldMap& ours, const wire::DecodedPacket& decoded,
                           bool clipped) {
    PacketComparison out;
    const bool tshark_malformed = tshark.count("_ws.malformed") != 0;
    // Wireshark verifies transport checksums over a segment clamped to the frame when the
    // IPv4 total length exceeds the packet; wirestate refuses to verify a checksum over
    // bytes the header says are missing (status 2), and flags the packet malformed.
    const bool ip_length_exceeds_packet = detail::has_expert(tshark, "IPv4 total length exceeds packet length");
    const auto* tshark_protocols = find_field(tshark, "frame.protocols");
    const std::vector<std::string> tshark_layers =
        tshark_protocols ? detail::split(tshark_protocols->at(0), ':') : std::vector<std::string>{};
    const bool we_stopped = decoded.not_decoded != wire::NotDecoded::kNone || decoded.malformed();

    // Our protocol chain must be a prefix of tshark's (tshark goes on into applications).
    if (!tshark_malformed && tshark_protocols != nullptr && !we_stopped) {
      const std::string ours_chain = join_values(find_field(ours, "frame.protocols"));
      const std::string& theirs = tshark_protocols->at(0);
      ++out.compared;
      if (theirs != ours_chain && theirs.rfind(ours_chain + ":", 0) != 0) {
        out.mismatches.push_back("frame.protocols: wirestate " + ours_chain + " is not a prefix of tshark's " + theirs);
      }
    }

    for (const auto& field : *fields_) {
      const auto* theirs = find_field(tshark, field);
      const auto* mine = find_field(ours, field);
      if (theirs == nullptr && mine == nullptr) continue;
      const std::string layer = layer_of(field);
      if (mine == nullptr) {
        // tshark decoded a layer we do not reach: the caller decides whether that stop is
        // allowed (its allow-list); without a stop it is a plain miss.
        if (we_stopped) {
          out.lost[layer] += static_cast<int>(theirs->size());
          out.lost_values += static_cast<int>(theirs->size());
        } else {
          out.mismatches.push_back("field " + field + ": tshark has " + join_values(theirs) + ", wirestate has nothing");
        }
        continue;
      }
      if (theirs == nullptr) {
        // tshark did not produce the field: its dissector gave up (malformed) or it never
        // reached the layer (it decoded the payload as something else).
        const bool tshark_has_layer =
            std::find(tshark_layers.begin(), tshark_layers.end(), layer) != tshark_layers.end();
        if (tshark_malformed || !tshark_has_layer) continue;
        out.mismatches.push_back("field " + field + ": wirestate has " + join_values(mine) + ", tshark has nothing");
        continue;
      }
      if (clipped && (field == "frame.cap_len" || field.ends_with("checksum.status"))) continue;
      if (ip_length_exceeds_packet && decoded.malformed() &&
          (field == "tcp.checksum.status" || field == "udp.checksum.status" || field == "icmp.checksum.status" ||
           field == "icmpv6.checksum.status")) {
        continue;
      }
      if (skip_time_ && field == "frame.time_epoch") continue;
      if (tshark_malformed && mine->size() != theirs->size()) continue;  // tshark stopped mid-list
      ++out.compared;
      if (!field.starts_with("frame.")) ++out.compared_beyond_frame;
      if (field == "tcp.options.sack_le" || field == "tcp.options.sack_re") {
        compare_sack(field, ours, *mine, *theirs, out);
        continue;
      }
      std::string expected = join_values(mine);
      // tshark prints SACK-permitted as the option's bytes (kind 4, length 2).
      if (field == "tcp.options.sack_perm" && expected == "1") expected = "0402";
      if (field == "tcp.flags.str" && theirs->at(0).find('-') != std::string::npos) {
        expected = detail::with_ace_counter(expected);
      }
      const std::string actual = join_values(theirs);
      if (expected != actual) {
        out.mismatches.push_back("field " + field + ": wirestate " + expected + ", tshark " + actual);
      }
    }
    return out;
  }

 private:
  // tshark prints SACK edges relative to the peer's initial sequence number; we print
  // the raw 32-bit values. The difference must be one constant per direction of a flow.
  void compare_sack(const std::string& field, const FieldMap& ours, const std::vector<std::string>& mine,
                    const std::vector<std::string>& theirs, PacketComparison& out) {
    if (mine.size() != theirs.size()) {
      out.mismatches.push_back("field " + field + ": wirestate " + join_values(&mine) + ", tshark " +
                               join_values(&theirs));
      return;
    }
    const auto addr = [&](const char* v4, const char* v6) {
      return find_field(ours, v4) != nullptr ? join_values(find_field(ours, v4)) : join_values(find_field(ours, v6));
    };
    const std::string flow = addr("ip.src", "ipv6.src") + ":" + join_values(find_field(ours, "tcp.srcport")) + ">" +
                             addr("ip.dst", "ipv6.dst") + ":" + join_values(find_field(ours, "tcp.dstport"));
    for (std::size_t i = 0; i < mine.size(); ++i) {
      const auto delta = static_cast<std::uint32_t>(std::stoull(mine[i]) - std::stoull(theirs[i]));
      const auto [it, inserted] = sack_base_.emplace(flow, delta);
      if (it->second != delta) {
        out.mismatches.push_back("field " + field + ": raw " + mine[i] + " vs tshark relative " + theirs[i] +
                                 " is not this flow's offset " + std::to_string(it->second));
      }
    }
  }

  const std::vector<std::string>* fields_;
  bool skip_time_ = false;
  std::map<std::string, std::uint32_t> sack_base_;
};

}  // namespace wirestate::test
