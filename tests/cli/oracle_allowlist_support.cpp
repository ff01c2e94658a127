#include "cli/oracle_allowlist_support.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace wirestate::testing {

namespace {

using nlohmann::json;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Reads the fields every entry has and rejects keys the section does not know, so that a
// misspelt condition ("frame" for "frames") cannot widen an entry silently.
void read_common(const json& j, const std::string& file, const std::string& id, const std::set<std::string>& keys,
                 AllowEntry& e) {
  const auto where = file + " " + id;
  if (!j.is_object()) throw std::runtime_error(where + ": not an object");
  for (const auto& [key, value] : j.items()) {
    if (key != "capture" && key != "why" && keys.count(key) == 0) throw std::runtime_error(where + ": unknown key " + key);
  }
  e.id = id;
  if (j.contains("capture")) e.capture = j.at("capture").get<std::string>();
  if (!j.contains("why") || j.at("why").get<std::string>().size() < 10) {
    throw std::runtime_error(where + ": every entry says why (\"why\": a sentence)");
  }
  e.why = j.at("why").get<std::string>();
}

std::string required(const json& j, const std::string& key, const std::string& where) {
  if (!j.contains(key) || j.at(key).get<std::string>().empty()) throw std::runtime_error(where + ": needs " + key);
  return j.at(key).get<std::string>();
}

json read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return json::parse(in);
}

template <typename T>
const T* first_match(const std::vector<T>& entries, auto&& pred) {
  for (const auto& e : entries) {
    if (pred(e)) return &e;
  }
  return nullptr;
}

bool for_capture(const AllowEntry& e, const std::string& capture) { return e.capture.empty() || e.capture == capture; }

}  // namespace

AllowList AllowList::load(const std::string& allowlist_path, const std::string& unreadable_path) {
  AllowList list;
  const json allow = read_file(allowlist_path);
  for (const auto& [key, value] : allow.items()) {
    const std::set<std::string> sections = {"comment", "stops", "verdicts_ours", "verdicts_tshark", "compares_nothing"};
    if (sections.count(key) == 0) throw std::runtime_error(allowlist_path + ": unknown section " + key);
  }
  std::size_t i = 0;
  for (const auto& j : allow.at("stops")) {
    StopEntry e;
    const std::string id = "stops[" + std::to_string(i++) + "]";
    read_common(j, allowlist_path, id, {"stop", "frames", "layers"}, e);
    e.stop = required(j, "stop", allowlist_path + " " + id);
    if (j.contains("frames")) {
      e.first = j.at("frames").at(0).get<std::uint64_t>();
      e.last = j.at("frames").at(1).get<std::uint64_t>();
    }
    if (j.contains("layers")) e.layers = j.at("layers").get<std::vector<std::string>>();
    if (e.capture.empty() && j.contains("frames")) throw std::runtime_error(allowlist_path + " " + id + ": frames of which capture?");
    list.stops_.push_back(std::move(e));
  }
  i = 0;
  for (const auto& j : allow.at("verdicts_ours")) {
    OursVerdictEntry e;
    const std::string id = "verdicts_ours[" + std::to_string(i++) + "]";
    read_common(j, allowlist_path, id, {"ours", "snaplen_cut", "tshark_expert"}, e);
    e.ours = required(j, "ours", allowlist_path + " " + id);
    if (j.contains("snaplen_cut")) e.snaplen_cut = j.at("snaplen_cut").get<bool>();
    if (j.contains("tshark_expert")) e.tshark_expert = j.at("tshark_expert").get<std::vector<std::string>>();
    list.verdicts_ours_.push_back(std::move(e));
  }
  i = 0;
  for (const auto& j : allow.at("verdicts_tshark")) {
    TsharkVerdictEntry e;
    const std::string id = "verdicts_tshark[" + std::to_string(i++) + "]";
    read_common(j, allowlist_path, id, {"tshark", "stop"}, e);
    if (j.contains("tshark")) e.tshark = j.at("tshark").get<std::string>();
    if (j.contains("stop")) e.stop = j.at("stop").get<std::string>();
    if (e.tshark.empty() && e.stop.empty()) throw std::runtime_error(allowlist_path + " " + id + ": needs tshark or stop");
    list.verdicts_tshark_.push_back(std::move(e));
  }
  i = 0;
  for (const auto& j : allow.at("compares_nothing")) {
    AllowEntry e;
    const std::string id = "compares_nothing[" + std::to_string(i++) + "]";
    read_common(j, allowlist_path, id, {}, e);
    if (e.capture.empty()) throw std::runtime_error(allowlist_path + " " + id + ": needs capture");
    list.compares_nothing_.push_back(std::move(e));
  }
  const json unreadable = read_file(unreadable_path);
  i = 0;
  for (const auto& j : unreadable.at("unreadable")) {
    UnreadableEntry e;
    const std::string id = "unreadable[" + std::to_string(i++) + "]";
    const std::string where = unreadable_path + " " + id;
    read_common(j, unreadable_path, id, {"stage", "packets_read", "error"}, e);
    if (e.capture.empty()) throw std::runtime_error(where + ": needs capture");
    e.stage = required(j, "stage", where);
    if (e.stage != "open" && e.stage != "read") throw std::runtime_error(where + ": stage is open or read");
    if (e.stage == "read") e.packets_read = j.at("packets_read").get<std::uint64_t>();
    e.error = required(j, "error", where);
    list.unreadable_.push_back(std::move(e));
  }
  return list;
}

const AllowList& AllowList::checked_in() {
  static const AllowList list = load(std::string(WIRESTATE_SOURCE_DIR) + "/tests/cli/oracle_allowlist.json",
                                     std::string(WIRESTATE_SOURCE_DIR) + "/tests/cli/oracle_unreadable.json");
  return list;
}

const StopEntry* AllowList::stop_for(const std::string& capture, std::uint64_t frame,
                                     const std::vector<std::string>& reasons,
                                     const std::vector<std::string>& lost_layers) const {
  return first_match(stops_, [&](const StopEntry& e) {
    if (!for_capture(e, capture) || !contains(reasons, e.stop) || frame < e.first || frame > e.last) return false;
    if (e.layers.empty()) return true;
    return std::all_of(lost_layers.begin(), lost_layers.end(), [&](const auto& l) { return contains(e.layers, l); });
  });
}

const OursVerdictEntry* AllowList::excuse_ours(const std::string& capture, const std::string& reason, bool snaplen_cut,
                                               const test::FieldMap& row) const {
  return first_match(verdicts_ours_, [&](const OursVerdictEntry& e) {
    const bool names_it = reason == e.ours || reason.ends_with("." + e.ours);
    if (!for_capture(e, capture) || !names_it || (e.snaplen_cut && !snaplen_cut)) return false;
    if (e.tshark_expert.empty()) return true;
    const auto* experts = test::find_field(row, "_ws.expert.message");
    if (experts == nullptr) return false;
    for (const auto& said : *experts) {
      for (const auto& wanted : e.tshark_expert) {
        if (said.find(wanted) != std::string::npos) return true;
      }
    }
    return false;
  });
}

const TsharkVerdictEntry* AllowList::excuse_tshark(const std::string& capture, const std::string& text,
                                                   const std::vector<std::string>& reasons) const {
  return first_match(verdicts_tshark_, [&](const TsharkVerdictEntry& e) {
    return for_capture(e, capture) && (e.tshark.empty() || e.tshark == text) &&
           (e.stop.empty() || contains(reasons, e.stop));
  });
}

const AllowEntry* AllowList::compares_nothing(const std::string& capture) const {
  return first_match(compares_nothing_, [&](const AllowEntry& e) { return e.capture == capture; });
}

const UnreadableEntry* AllowList::unreadable(const std::string& capture) const {
  return first_match(unreadable_, [&](const UnreadableEntry& e) { return e.capture == capture; });
}

std::vector<const AllowEntry*> AllowList::entries() const {
  std::vector<const AllowEntry*> all;
  for (const auto& e : stops_) all.push_back(&e);
  for (const auto& e : verdicts_ours_) all.push_back(&e);
  for (const auto& e : verdicts_tshark_) all.push_back(&e);
  for (const auto& e : compares_nothing_) all.push_back(&e);
  for (const auto& e : unreadable_) all.push_back(&e);
  return all;
}

}  // namespace wirestate::testing
