#pragma once
// The oracle's allow-lists, checked into the tree next to the test: every place where
// wirestate and tshark may differ, each with the reason. oracle_allowlist.json holds
//   stops            wirestate's decode stops on a packet tshark decodes cleanly
//   verdicts_ours    wirestate flags a malformation that tshark does not
//   verdicts_tshark  tshark flags a packet malformed that wirestate does not
//   compares_nothing captures where not one field beyond frame.* is compared
// and oracle_unreadable.json the captures libpcap cannot read (capture -> error).
// An entry that matches nothing is stale and fails the oracle as well.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "support/tshark_fields.hpp"

namespace wirestate::testing {

// Fields every entry has: where it is in the file ("stops[3]") and which capture it is for
// (empty: any capture; only for reasons that are not about one file, such as IPv6).
struct AllowEntry {
  std::string id;
  std::string capture;
  std::string why;
};

// A stop: stop is one of wirestate's stop reasons for the packet ("fragment",
// "tcp.truncated": see test::stop_reasons); frames limit it to packets first..last; layers,
// when given, are the only tshark layers whose fields may be lost.
struct StopEntry : AllowEntry {
  std::string stop;
  std::uint64_t first = 1;
  std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::string> layers;
};

// A malformation wirestate flags on a packet tshark calls clean. ours is "layer.error" or,
// for every layer, "error" ("bad_checksum"); snaplen_cut: only on packets the capture's
// snapshot length cut; tshark_expert: tshark must say one of these (substring of an expert
// message) about the packet.
struct OursVerdictEntry : AllowEntry {
  std::string ours;
  bool snaplen_cut = false;
  std::vector<std::string> tshark_expert;
};

// A packet tshark calls malformed and wirestate does not: tshark's _ws.malformed text (empty:
// any), and the stop reason wirestate must have (empty: none needed).
struct TsharkVerdictEntry : AllowEntry {
  std::string tshark;
  std::string stop;
};

// A capture libpcap cannot read: at open, or after packets_read packets; error is a
// substring of the reader's message.
struct UnreadableEntry : AllowEntry {
  std::string stage;  // "open" or "read"
  std::uint64_t packets_read = 0;
  std::string error;
};

class AllowList {
 public:
  // Parses both files; throws std::runtime_error naming the file and entry when an entry has
  // an unknown key, misses one, or gives no reason.
  static AllowList load(const std::string& allowlist_path, const std::string& unreadable_path);
  // tests/cli/oracle_allowlist.json and tests/cli/oracle_unreadable.json, loaded once.
  static const AllowList& checked_in();

  // The first entry allowing this stop, or nullptr.
  const StopEntry* stop_for(const std::string& capture, std::uint64_t frame, const std::vector<std::string>& reasons,
                            const std::vector<std::string>& lost_layers) const;
  // The first entry excusing malformation reason ("tcp.bad_checksum") on a packet tshark
  // calls clean (row: its fields), or nullptr.
  const OursVerdictEntry* excuse_ours(const std::string& capture, const std::string& reason, bool snaplen_cut,
                                      const test::FieldMap& row) const;
  // The first entry excusing tshark's malformed verdict, or nullptr.
  const TsharkVerdictEntry* excuse_tshark(const std::string& capture, const std::string& text,
                                          const std::vector<std::string>& reasons) const;
  const AllowEntry* compares_nothing(const std::string& capture) const;
  const UnreadableEntry* unreadable(const std::string& capture) const;

  // Every entry of both files, in file order.
  std::vector<const AllowEntry*> entries() const;

 private:
  std::vector<StopEntry> stops_;
  std::vector<OursVerdictEntry> verdicts_ours_;
  std::vector<TsharkVerdictEntry> verdicts_tshark_;
  std::vector<AllowEntry> compares_nothing_;
  std::vector<UnreadableEntry> unreadable_;
};

}  // namespace wirestate::testing
