#include "cli/tcpdump_lines_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/scratch.hpp"

namespace wirestate::tcpdump_lines {

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// Runs a shell command line, its stdout and stderr going to files of this test's own.
RunOutput run_shell(const std::string& command_line) {
  static int runs = 0;
  const auto out = wirestate::test::scratch_path(fmt::format("run{}.out", runs));
  const auto err = wirestate::test::scratch_path(fmt::format("run{}.err", runs));
  ++runs;
  const std::string cmd = command_line + " >" + quoted(out.string()) + " 2>" + quoted(err.string()) + " </dev/null";
  const int status = std::system(cmd.c_str());
  RunOutput r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string first_token(const std::string& line) { return line.substr(0, line.find(' ')); }

// Rule 1: the line without wirestate's "vlan N, " tags and " [malformed: ...]" notes.
std::string without_annotations(const std::string& line) {
  std::string s = line;
  for (std::size_t at = s.rfind(" [malformed: "); at != std::string::npos && s.back() == ']';
       at = s.rfind(" [malformed: ")) {
    s.erase(at);
  }
  static const std::regex kVlan("^(\\S+ )(vlan \\d+, )+");
  return std::regex_replace(s, kVlan, "$1", std::regex_constants::format_first_only);
}

// The text inside "Flags [...]", or npos.
std::size_t flags_at(const std::string& line) {
  const auto at = line.find(": Flags [");
  return at == std::string::npos ? at : at + 9;
}

// Rule 2: drops wirestate's 'e' when tcpdump printed the same flags without it.
std::string without_ae_letter(const std::string& wirestate, const std::string& tcpdump) {
  const auto w = flags_at(wirestate);
  const auto t = flags_at(tcpdump);
  if (w == std::string::npos || t == std::string::npos) return wirestate;
  const auto w_end = wirestate.find(']', w);
  const auto t_end = tcpdump.find(']', t);
  if (w_end == std::string::npos || t_end == std::string::npos) return wirestate;
  const std::string w_flags = wirestate.substr(w, w_end - w);
  const std::string t_flags = tcpdump.substr(t, t_end - t);
  if (w_flags != t_flags + "e") return wirestate;
  std::string s = wirestate;
  s.erase(w_end - 1, 1);
  return s;
}

// The options text of a TCP line (between ", options [" and the "]" before ", length"),
// as [begin, end) offsets; false when the line has none.
bool options_span(const std::string& line, std::size_t& begin, std::size_t& end) {
  const auto open = line.find(", options [");
  if (open == std::string::npos) return false;
  begin = open + 11;
  end = line.find("], length ", begin);
  return end != std::string::npos;
}

// Splits an options list at the commas outside [] and {} (tcpdump's MPTCP text has both).
std::vector<std::string> option_items(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  int depth = 0;
  for (char c : text) {
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      items.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  items.push_back(item);
  return items;
}

// Whether tcpdump's text for an option is its decode of a named kind wirestate shows as
// bytes ("mptcp 0x0101" against "mptcp 4 capable v1").
bool same_named_option(const std::string& wirestate_item, const std::string& tcpdump_item) {
  static const std::vector<std::string> kNamed = {"mptcp", "scps", "md5"};
  for (const auto& name : kNamed) {
    if (!starts_with(wirestate_item, name + " 0x") || !starts_with(tcpdump_item, name)) continue;
    if (tcpdump_item.size() == name.size()) return true;
    if (std::string_view(" -[:").find(tcpdump_item[name.size()]) != std::string_view::npos) return true;
  }
  return false;
}

// Rule 3: wirestate's line with the options tcpdump decodes at length taken from tcpdump's
// line, when every other option is identical; "" when the lists do not line up. tcpdump's
// text for an MD5 signature holds a comma ("md5 shared secret not supplied with -M, can't
// check - ..."): it runs up to the item that equals wirestate's next option.
std::string with_named_options_aligned(const std::string& wirestate, const std::string& tcpdump) {
  std::size_t wb = 0, we = 0, tb = 0, te = 0;
  if (!options_span(wirestate, wb, we) || !options_span(tcpdump, tb, te)) return "";
  const auto w_items = option_items(wirestate.substr(wb, we - wb));
  const auto t_items = option_items(tcpdump.substr(tb, te - tb));
  bool any_named = false;
  std::size_t j = 0;
  for (std::size_t i = 0; i < w_items.size(); ++i) {
    if (j >= t_items.size()) return "";
    if (w_items[i] == t_items[j]) {
      ++j;
      continue;
    }
    if (!same_named_option(w_items[i], t_items[j])) return "";
    any_named = true;
    ++j;
    if (!starts_with(w_items[i], "md5 ")) continue;
    const bool last = i + 1 == w_items.size();
    while (j < t_items.size() && (last || t_items[j] != w_items[i + 1])) ++j;
  }
  if (!any_named || j != t_items.size()) return "";
  return wirestate.substr(0, wb) + tcpdump.substr(tb, te - tb) + wirestate.substr(we);
}

bool is_tcp_line(const std::string& line) { return line.find(": Flags [") != std::string::npos; }

// Rule 4: tcpdump's line is this TCP line continued by a decode of the payload.
bool continues_tcp_line(const std::string& tcpdump, const std::string& wirestate) {
  if (!is_tcp_line(wirestate) || tcpdump.size() <= wirestate.size() || !starts_with(tcpdump, wirestate)) return false;
  static const std::regex kEndsInLength(".*, length \\d+$");
  const char next = tcpdump[wirestate.size()];
  return std::regex_match(wirestate, kEndsInLength) && (next == ':' || next == ' ' || next == ',');
}

// Rule 5.
bool udp_payload_decoded(const std::string& tcpdump, const std::string& wirestate) {
  static const std::regex kUdp("^(\\S+ IP6? [0-9a-f:.]+\\.\\d+ > [0-9a-f:.]+\\.\\d+: )UDP, length (\\d+)$");
  std::smatch m;
  if (!std::regex_match(wirestate, m, kUdp)) return false;
  const std::string prefix = m[1];
  if (!starts_with(tcpdump, prefix)) return false;
  const std::string rest = tcpdump.substr(prefix.size());
  if (rest.empty() || starts_with(rest, "UDP")) return false;
  const std::regex length("(^|[^0-9])" + std::string(m[2]) + "([^0-9]|$)");
  return std::regex_search(rest, length);
}

// Rule 6.
bool ip_protocol_decoded(const std::string& tcpdump, const std::string& wirestate) {
  static const std::regex kProto("^(\\S+ IP [0-9.]+ > [0-9.]+: ) ip-proto-\\d+ \\d+$");
  std::smatch m;
  if (!std::regex_match(wirestate, m, kProto)) return false;
  const std::string prefix = m[1];
  return starts_with(tcpdump, prefix) && tcpdump.size() > prefix.size() &&
         tcpdump.find("ip-proto-") == std::string::npos;
}

// Rule 7.
bool is_placeholder(const std::string& line) {
  static const std::regex kPlaceholder(
      "^\\S+ (IP6 \\(not decoded\\)|link type \\d+ \\(not decoded\\)|LLC dsap 0x[0-9a-f]{2} ssap 0x[0-9a-f]{2}|"
      "ethertype 0x(?!0800|0806)[0-9a-f]{4}), length \\d+$");
  return std::regex_match(line, kPlaceholder);
}

bool is_ipv4_or_arp(const std::string& line) {
  const auto space = line.find(' ');
  if (space == std::string::npos) return false;
  const std::string_view rest = std::string_view(line).substr(space + 1);
  return starts_with(rest, "IP ") || starts_with(rest, "ARP, ");
}

std::vector<std::size_t> parse_packets(const std::string& text, bool& ok) {
  std::vector<std::size_t> packets;
  ok = true;
  if (text == "*") return packets;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    static const std::regex kRange("^(\\d+)(-(\\d+))?$");
    std::smatch m;
    if (!std::regex_match(part, m, kRange)) {
      ok = false;
      return {};
    }
    const std::size_t from = std::stoul(m[1]);
    const std::size_t to = m[3].matched ? std::stoul(m[3]) : from;
    if (from == 0 || to < from) {
      ok = false;
      return {};
    }
    for (std::size_t n = from; n <= to; ++n) packets.push_back(n);
  }
  ok = !packets.empty();
  return packets;
}

std::uint32_t ipv4_value(const std::string& dotted) {
  std::uint32_t v = 0;
  std::stringstream ss(dotted);
  std::string part;
  while (std::getline(ss, part, '.')) v = (v << 8) | static_cast<std::uint32_t>(std::stoul(part));
  return v;
}

// Replaces each number that `pattern`'s groups 1.. match by (number - base) mod 2^32.
std::string shift_numbers(const std::string& text, const std::regex& pattern, std::uint32_t base) {
  std::string out;
  auto begin = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) {
    const auto& m = *it;
    for (std::size_t g = 1; g < m.size(); ++g) {
      if (!m[g].matched) continue;
      out.append(begin, m[g].first);
      out += std::to_string(static_cast<std::uint32_t>(std::stoul(m[g].str()) - base));
      begin = m[g].second;
    }
  }
  out.append(begin, text.cend());
  return out;
}

}  // namespace

std::string tcpdump_path() {
  for (const char* candidate : {"/usr/bin/tcpdump", "/usr/sbin/tcpdump"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  const auto found = run_shell("command -v tcpdump");
  const auto lines = lines_of(found.out);
  return found.exit_code == 0 && !lines.empty() ? lines.front() : "";
}

RunOutput run_tcpdump(const std::filesystem::path& capture, const std::string& flags) {
  return run_shell("TZ=UTC " + quoted(tcpdump_path()) + " " + flags + " -r " + quoted(capture.string()));
}

RunOutput run_decode(const std::filesystem::path& capture, bool json) {
  return run_shell(quoted(WIRESTATE_CLI_PATH) + " decode " + (json ? "--json " : "") + quoted(capture.string()));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) v.push_back(line);
  return v;
}

std::vector<std::string> packet_records(const std::string& tcpdump_stdout) {
  std::vector<std::string> records;
  for (const auto& line : lines_of(tcpdump_stdout)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !records.empty()) continue;
    records.push_back(line);
  }
  return records;
}

std::vector<std::string> reference_records(const std::string& ref_text, bool& numbering_ok) {
  static const std::regex kStart("^ *(\\d+)  (\\d{4}-\\d\\d-\\d\\d )?(.*)$");
  std::vector<std::string> records;
  numbering_ok = true;
  for (const auto& line : lines_of(ref_text)) {
    std::smatch m;
    if (!std::regex_match(line, m, kStart)) continue;  // a continuation line
    if (std::stoul(m[1]) != records.size() + 1) numbering_ok = false;
    records.push_back(m[3]);
  }
  return records;
}

LineComparison compare_line(const std::string& tcpdump, const std::string& wirestate) {
  if (tcpdump == wirestate) return {Verdict::kIdentical, ""};
  std::string w = without_annotations(wirestate);
  std::string rule = w != wirestate ? "wirestate's annotations removed" : "";
  const auto add = [&rule](const char* what) { rule += rule.empty() ? what : std::string("; ") + what; };
  if (const auto no_ae = without_ae_letter(w, tcpdump); no_ae != w) {
    w = no_ae;
    add("AE flag not printed by this tcpdump");
  }
  if (const auto aligned = with_named_options_aligned(w, tcpdump); !aligned.empty()) {
    w = aligned;
    add("options tcpdump decodes compared by name");
  }
  if (w == tcpdump) return {Verdict::kByRule, rule};
  if (continues_tcp_line(tcpdump, w)) {
    add("TCP payload decoded by tcpdump");
    return {Verdict::kByRule, rule};
  }
  if (udp_payload_decoded(tcpdump, w)) {
    add("UDP payload decoded by tcpdump");
    return {Verdict::kByRule, rule};
  }
  if (ip_protocol_decoded(tcpdump, w)) {
    add("IP protocol decoded by tcpdump");
    return {Verdict::kByRule, rule};
  }
  if (is_placeholder(w) && !is_ipv4_or_arp(tcpdump) && first_token(w) == first_token(tcpdump)) {
    return {Verdict::kTimestampOnly, "not decoded by wirestate"};
  }
  return {Verdict::kDiffers, ""};
}

std::vector<TcpFacts> tcp_facts_from_json(const std::string& decode_json) {
  std::vector<TcpFacts> facts;
  for (const auto& line : lines_of(decode_json)) {
    TcpFacts f;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.contains("ip") && j.contains("tcp") && j["tcp"].contains("seq_raw")) {
      const auto& ip = j["ip"];
      const auto& tcp = j["tcp"];
      const auto flags = std::stoul(tcp["flags"].get<std::string>(), nullptr, 16);
      f.present = true;
      f.src = ipv4_value(ip["src"].get<std::string>());
      f.dst = ipv4_value(ip["dst"].get<std::string>());
      f.sport = tcp["srcport"].get<std::uint16_t>();
      f.dport = tcp["dstport"].get<std::uint16_t>();
      f.seq = tcp["seq_raw"].get<std::uint32_t>();
      f.ack = tcp["ack_raw"].get<std::uint32_t>();
      f.syn = (flags & 0x02) != 0;
      f.ack_flag = (flags & 0x10) != 0;
    }
    facts.push_back(f);
  }
  return facts;
}

std::vector<std::string> to_relative_sequence_numbers(const std::vector<std::string>& lines,
                                                      const std::vector<TcpFacts>& facts) {
  // print-tcp.c keys a connection by (lower side first) addresses and ports and keeps the
  // base of the "forward" side's sequence numbers in seq, of the other side's in ack.
  struct Bases {
    std::uint32_t seq = 0, ack = 0;
  };
  std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, Bases> connections;
  static const std::regex kSeq(", seq (\\d+)(?::(\\d+))?");
  static const std::regex kAck(", ack (\\d+)");
  static const std::regex kSack("\\{(\\d+):(\\d+)\\}");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const TcpFacts f = i < facts.size() ? facts[i] : TcpFacts{};
    if (!f.present || !f.ack_flag || !is_tcp_line(lines[i])) {
      out.push_back(lines[i]);
      continue;
    }
    const bool rev = f.sport > f.dport || (f.sport == f.dport && f.src > f.dst);
    const auto key = rev ? std::make_tuple(f.dst, f.src, (std::uint32_t{f.dport} << 16) | f.sport)
                         : std::make_tuple(f.src, f.dst, (std::uint32_t{f.sport} << 16) | f.dport);
    auto found = connections.find(key);
    std::string line = lines[i];
    const auto flags_end = line.find(']', flags_at(line));
    std::string head = line.substr(0, flags_end);
    std::string tail = line.substr(flags_end);
    Bases* bases = nullptr;
    if (found == connections.end() || f.syn) {
      Bases& b = connections[key];
      if (rev) {
        b.ack = f.seq;
        b.seq = f.ack - 1;
      } else {
        b.seq = f.seq;
        b.ack = f.ack - 1;
      }
      bases = &b;
    } else {
      bases = &found->second;
      const std::uint32_t own = rev ? bases->ack : bases->seq;
      const std::uint32_t peer = rev ? bases->seq : bases->ack;
      const auto options = tail.find(", options [");
      std::string before = options == std::string::npos ? tail : tail.substr(0, options);
      const std::string after = options == std::string::npos ? "" : tail.substr(options);
      before = shift_numbers(before, kSeq, own);
      tail = shift_numbers(before, kAck, peer) + after;
    }
    // SACK blocks acknowledge the peer's sequence space, relative even on the first segment.
    const std::uint32_t sack_base = rev ? bases->seq : bases->ack;
    const auto sack = tail.find("sack ");
    if (sack != std::string::npos) tail = tail.substr(0, sack) + shift_numbers(tail.substr(sack), kSack, sack_base);
    out.push_back(head + tail);
  }
  return out;
}

std::vector<AllowEntry> read_allow_list(const std::filesystem::path& path, std::string& error) {
  std::vector<AllowEntry> entries;
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path.string();
    return entries;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    bool packets_ok = false;
    AllowEntry e;
    if (cols.size() == 4) e.packets = parse_packets(cols[2], packets_ok);
    if (cols.size() != 4 || (cols[0] != "live" && cols[0] != "ref") || cols[1].empty() || !packets_ok ||
        cols[3].size() < 10) {
      error = fmt::format("{}:{}: want oracle<TAB>file<TAB>packets<TAB>reason (oracle live|ref, packets * or "
                          "1,3-5, a reason of some words): {}",
                          path.string(), number, line);
      return {};
    }
    e.oracle = cols[0];
    e.file = cols[1];
    e.reason = cols[3];
    e.line = number;
    entries.push_back(e);
  }
  return entries;
}

Tally& Tally::operator+=(const Tally& o) {
  identical += o.identical;
  by_rule += o.by_rule;
  timestamp_only += o.timestamp_only;
  allow_listed += o.allow_listed;
  differs += o.differs;
  for (const auto& [rule, n] : o.rules) rules[rule] += n;
  return *this;
}

FileComparison compare_file(const std::vector<std::string>& oracle, const std::vector<std::string>& wirestate,
                            const std::vector<const AllowEntry*>& entries) {
  FileComparison result;
  if (oracle.size() != wirestate.size()) {
    result.problems.push_back(fmt::format("the oracle has {} packets, wirestate printed {} lines", oracle.size(),
                                          wirestate.size()));
  }
  std::map<const AllowEntry*, std::set<std::size_t>> used;
  for (std::size_t i = 0; i < std::min(oracle.size(), wirestate.size()); ++i) {
    const std::size_t number = i + 1;
    if (is_ipv4_or_arp(without_annotations(wirestate[i]))) ++result.promised;
    const auto c = compare_line(oracle[i], wirestate[i]);
    switch (c.verdict) {
      case Verdict::kIdentical: ++result.tally.identical; continue;
      case Verdict::kByRule:
        ++result.tally.by_rule;
        ++result.tally.rules[c.rule];
        continue;
      case Verdict::kTimestampOnly:
        ++result.tally.timestamp_only;
        ++result.tally.rules[c.rule];
        continue;
      case Verdict::kDiffers: break;
    }
    const AllowEntry* allowed = nullptr;
    for (const auto* e : entries) {
      if (e->packets.empty() || std::find(e->packets.begin(), e->packets.end(), number) != e->packets.end()) {
        allowed = e;
        break;
      }
    }
    if (allowed != nullptr) {
      ++result.tally.allow_listed;
      used[allowed].insert(number);
    } else {
      ++result.tally.differs;
      result.problems.push_back(
          fmt::format("packet {} differs\n  oracle:    {}\n  wirestate: {}", number, oracle[i], wirestate[i]));
    }
  }
  for (const auto* e : entries) {
    const auto& hits = used[e];
    if (e->packets.empty() && hits.empty()) {
      result.problems.push_back(fmt::format("allow-list line {}: no packet of {} needs it any more", e->line, e->file));
    }
    for (const auto n : e->packets) {
      if (hits.count(n) == 0) {
        result.problems.push_back(
            fmt::format("allow-list line {}: packet {} of {} no longer differs (or does not exist)", e->line, n, e->file));
      }
    }
  }
  return result;
}

}  // namespace wirestate::tcpdump_lines
