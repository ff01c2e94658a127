#include "monitor/anomaly_oracle_support.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "monitor/monitor_support.hpp"

namespace wirestate::monitor::testing {

namespace {

namespace fs = std::filesystem;

// Functions, not namespace-scope paths: the test's parameter lists are built during static
// initialization, possibly before this file's globals.
fs::path public_dir() { return fs::path(WIRESTATE_SHARED_PCAPS) / "public"; }
fs::path list_path() { return fs::path(WIRESTATE_SOURCE_DIR) / "tests" / "monitor" / "anomaly_differences.json"; }
constexpr std::string_view kAnalysisPrefix = "tcp.analysis.";

// Our names that are tshark's: the observer reports Wireshark's flags under the field's
// suffix, except the duplicate ACK, whose field in the oracle is its count.
const std::unordered_map<std::string, std::string> kCompared = {
    {"retransmission", "retransmission"},
    {"fast_retransmission", "fast_retransmission"},
    {"spurious_retransmission", "spurious_retransmission"},
    {"out_of_order", "out_of_order"},
    {"lost_segment", "lost_segment"},
    {"ack_lost_segment", "ack_lost_segment"},
    {"duplicate_ack", "duplicate_ack_num"},
    {"zero_window", "zero_window"},
    {"window_full", "window_full"},
    {"window_update", "window_update"},
    {"keep_alive", "keep_alive"},
    {"reused_ports", "reused_ports"},
};

// Ours with no tcp.analysis field in the oracle: the observer's own TCP findings (tshark
// shows checksums and RSTs elsewhere, or not at all), zero_window_probe (a tshark flag the
// oracle was not generated with: oracle_analysis_fields() lacks it, and the vocabulary
// test fails when a new oracle has it), and the monitor's non-TCP anomalies.
const std::set<std::string, std::less<>> kNotCompared = {
    "bad_checksum", "rst_out_of_window", "lone_rst", "synack_isn_changed", "syn_retransmission",
    "rst_not_exact", "close_withdrawn",
    "zero_window_probe", "malformed", "connection_evicted",
};
constexpr std::string_view kFragmentPrefix = "ip_fragment_";  // the reassembler's anomalies

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return nlohmann::json::parse(in);
}

FlagSet set_of(const nlohmann::json& list) {
  FlagSet out;
  for (const auto& v : list) out.insert(v.get<std::string>());
  return out;
}

constexpr std::string_view kDatagramBeyondFrame = "IPv4 total length exceeds packet length";

bool has_message(const nlohmann::json& packet, std::string_view prefix) {
  if (!packet.contains("_ws.expert.message")) return false;
  for (const auto& m : packet["_ws.expert.message"]) {
    if (m.get<std::string>().starts_with(prefix)) return true;
  }
  return false;
}

OracleCapture load_capture(const std::string& file) {
  OracleCapture c;
  c.file = file;
  std::ifstream in(public_dir() / (file + ".tshark.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++c.packets;
    // Only a line with a flag or a bad checksum matters. The list is built in every test
    // process (gtest enumerates the parameters each time), so the other lines, nearly all of
    // them, are not parsed: under ASan that costs ~12 s per process.
    if (line.find(kAnalysisPrefix) == std::string::npos && line.find("checksum.status\": [\"0\"") == std::string::npos) {
      continue;
    }
    const auto j = nlohmann::json::parse(line);
    FlagSet flags;
    for (const auto& [key, value] : j.items()) {
      if (key.starts_with(kAnalysisPrefix)) flags.insert(key.substr(kAnalysisPrefix.size()));
    }
    const auto frame = std::stoull(j.at("frame.number").at(0).get<std::string>());
    if (!flags.empty()) c.flags[frame] = std::move(flags);
    // The first occurrence is the outer header (an ICMP error quotes an inner one). In a
    // datagram longer than its frame the TCP checksum covers missing bytes and cannot be
    // verified: tshark calls it bad, we unknown.
    const auto bad = [&](const char* field) { return j.contains(field) && j[field].at(0) == "0"; };
    const bool tcp_bad = bad("tcp.checksum.status") && !has_message(j, kDatagramBeyondFrame);
    if (j.contains("tcp.srcport") && (tcp_bad || bad("ip.checksum.status"))) c.bad_checksums.insert(frame);
  }
  return c;
}

}  // namespace

std::string to_string(const FlagSet& flags) {
  std::string s = "{";
  for (const auto& f : flags) {
    if (s.size() > 1) s += ", ";
    s += f;
  }
  return s + "}";
}

FlagSet oracle_analysis_fields() {
  FlagSet out;
  const auto index = read_json(public_dir() / "index.json");
  for (const auto& f : index.at("fields")) {
    const auto name = f.get<std::string>();
    if (name.starts_with(kAnalysisPrefix)) out.insert(name.substr(kAnalysisPrefix.size()));
  }
  return out;
}

std::optional<std::string> tshark_name_of(const std::string& our_name) {
  if (const auto it = kCompared.find(our_name); it != kCompared.end()) return it->second;
  if (kNotCompared.contains(our_name) || our_name.starts_with(kFragmentPrefix)) return std::string();
  return std::nullopt;
}

std::vector<std::string> compared_names() {
  std::vector<std::string> out;
  for (const auto& [ours, theirs] : kCompared) out.push_back(ours);
  return out;
}

std::vector<OracleCapture> oracle_captures() {
  std::vector<OracleCapture> out;
  // Called while parameters are built: no throwing there; the count test fails instead.
  if (!fs::exists(public_dir() / "index.json")) return out;
  const auto index = read_json(public_dir() / "index.json");
  for (const auto& f : index.at("files")) {
    const auto file = f.at("file").get<std::string>();
    // tshark could not read the file (the SHB 2.0 pcapng): there is no oracle to compare.
    if (f.value("tshark_rc", 0) != 0) continue;
    out.push_back(load_capture(file));
  }
  return out;
}

std::vector<OracleCapture> flagged_captures() {
  std::vector<OracleCapture> out;
  for (auto& c : oracle_captures()) {
    if (!c.flags.empty()) out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::string> flagged_capture_files() {
  std::vector<std::string> out;
  if (!fs::exists(public_dir() / "index.json")) return out;
  const auto index = read_json(public_dir() / "index.json");
  for (const auto& f : index.at("files")) {
    if (f.value("tshark_rc", 0) != 0) continue;
    const auto file = f.at("file").get<std::string>();
    std::ifstream in(public_dir() / (file + ".tshark.jsonl"));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A flag is a key "tcp.analysis.NAME" (load_capture takes exactly those).
    if (text.find("\"" + std::string(kAnalysisPrefix)) != std::string::npos) out.push_back(file);
  }
  return out;
}

OracleCapture oracle_capture(const std::string& file) { return load_capture(file); }

Comparison compare(const OracleCapture& capture) {
  Comparison result;
  MonitorConfig config;
  config.checksums = monitor::ChecksumPolicy::kSkip;
  const FileRun run = run_file((public_dir() / capture.file).string(), config);
  result.read_ok = run.read_ok;
  result.error = run.error;
  result.frames = run.packets;
  result.tcp_segments = run.monitor.observer().counters().segments;
  std::map<std::uint64_t, FlagSet> ours;
  for (const auto& e : run.events) {
    const auto* a = std::get_if<trace::AnomalyEvent>(&e.body);
    if (a == nullptr) continue;
    auto name = tshark_name_of(a->name);
    if (!name) {
      result.unclassified.push_back(a->name);
    } else if (!name->empty()) {
      ours[a->packet].insert(std::move(*name));
    }
  }
  result.tshark_flagged = capture.flags.size();
  result.ours_flagged = ours.size();
  std::set<std::uint64_t> frames;
  for (const auto& [frame, flags] : ours) frames.insert(frame);
  for (const auto& [frame, flags] : capture.flags) frames.insert(frame);
  result.either_flagged = frames.size();
  static const FlagSet kNone;
  for (const auto frame : frames) {
    const auto o = ours.find(frame);
    const auto t = capture.flags.find(frame);
    const FlagSet& mine = o == ours.end() ? kNone : o->second;
    const FlagSet& theirs = t == capture.flags.end() ? kNone : t->second;
    if (mine != theirs) result.differences.push_back({frame, mine, theirs});
  }
  return result;
}

std::set<std::uint64_t> our_bad_checksums(const OracleCapture& capture) {
  const FileRun run = run_file((public_dir() / capture.file).string());
  std::set<std::uint64_t> out;
  for (const auto& e : run.events) {
    const auto* a = std::get_if<trace::AnomalyEvent>(&e.body);
    if (a != nullptr && a->name == "bad_checksum") out.insert(a->packet);
  }
  return out;
}

std::map<std::string, std::vector<ListedDifference>> listed_differences() {
  std::map<std::string, std::vector<ListedDifference>> out;
  const auto doc = read_json(list_path());
  for (const auto& [file, entries] : doc.at("captures").items()) {
    auto& list = out[file];
    for (const auto& e : entries) {
      list.push_back({{e.at("frame").get<std::uint64_t>(), set_of(e.at("ours")), set_of(e.at("theirs"))},
                      e.at("reason").get<std::string>()});
    }
  }
  return out;
}

std::vector<std::string> unexplained(const std::string& capture, const Comparison& result,
                                     const std::vector<ListedDifference>& listed) {
  std::vector<std::string> out;
  std::map<std::uint64_t, const ListedDifference*> by_frame;
  for (const auto& l : listed) by_frame[l.difference.frame] = &l;
  for (const auto& d : result.differences) {
    const auto it = by_frame.find(d.frame);
    const std::string where = capture + " frame " + std::to_string(d.frame) + ": ours " + to_string(d.ours) +
                              ", tshark " + to_string(d.theirs);
    if (it == by_frame.end()) {
      out.push_back(where + " (not in anomaly_differences.json)");
    } else if (it->second->difference.ours != d.ours || it->second->difference.theirs != d.theirs) {
      out.push_back(where + " (anomaly_differences.json lists ours " + to_string(it->second->difference.ours) +
                    ", tshark " + to_string(it->second->difference.theirs) + ")");
    }
    if (it != by_frame.end()) by_frame.erase(it);
  }
  for (const auto& [frame, l] : by_frame) {
    out.push_back(capture + " frame " + std::to_string(frame) + ": listed in anomaly_differences.json (ours " +
                  to_string(l->difference.ours) + ", tshark " + to_string(l->difference.theirs) +
                  ") but the sets now agree: remove the stale entry");
  }
  return out;
}

}  // namespace wirestate::monitor::testing
