// tcpdump as an oracle. `wirestate decode` promises the lines `tcpdump -nn -S` prints for
// ARP, IPv4, TCP, UDP and ICMP; here tcpdump itself (the one installed, 4.99 on Debian 12)
// and wirestate read the same files and their lines are compared packet by packet:
//  - every kernel capture: every line identical, no rule applied;
//  - every public capture: each line identical, or the same under one of the rules written
//    down in tcpdump_lines_support.hpp (wirestate's annotations, payloads and protocols
//    tcpdump decodes and wirestate does not), or on the allow-list
//    (tcpdump_oracle_allowlist.tsv) with a reason; anything else fails, and so does an
//    allow-list line that is no longer needed;
//  - tcpdump's own reference outputs (public/tcpdump/ref) made with no flag but tcpdump's
//    test runner's -n: tcpdump master printed them without -S, so wirestate's numbers are
//    made relative the way tcpdump does (and that conversion is itself checked against
//    `tcpdump -nn` without -S);
//  - crafted packets of every ICMP type and code and every TCP option kind tcpdump names
//    (tcpdump_crafted_packets.py, made with scapy).
// One test per file, so a failure names the file and the packet.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/oracle_support.hpp"
#include "cli/tcpdump_lines_support.hpp"
#include "support/param_name.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace wirestate {
namespace {

namespace fs = std::filesystem;
using tcpdump_lines::AllowEntry;
using tcpdump_lines::FileComparison;
using tcpdump_lines::Tally;

const fs::path kShared = WIRESTATE_SHARED_PCAPS;
const fs::path kAllowList = fs::path(WIRESTATE_SOURCE_DIR) / "tests/cli/tcpdump_oracle_allowlist.tsv";
const fs::path kCraftScript = fs::path(WIRESTATE_SOURCE_DIR) / "tests/cli/tcpdump_crafted_packets.py";

// Floors for the public captures' totals (printed by TcpdumpOracleTotals): what the last
// full run gave, so that lines moving out of "identical" or onto the allow-list fail.
constexpr std::size_t kMinPublicIdentical = 3686;
constexpr std::size_t kMinPublicCompared = 4938;
constexpr std::size_t kMaxPublicAllowListed = 58;  // 6 malformed IPv6 crash regressions since IPv6 lines are compared
constexpr std::size_t kMinReferenceCompared = 433;
constexpr std::size_t kMaxReferenceAllowListed = 17;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}


// Every kernel capture and every capture public/index.json lists, relative to kShared.
std::vector<std::string> all_captures() {
  std::set<std::string> paths;
  for (const auto& entry : fs::directory_iterator(kShared / "kernel")) {
    if (entry.path().extension() == ".pcap") paths.insert("kernel/" + entry.path().filename().string());
  }
  for (const auto& c : wirestate::testing::oracle_captures()) {
    if (c.path.starts_with("public/")) paths.insert(c.path);
  }
  return {paths.begin(), paths.end()};
}

bool is_kernel(const std::string& path) { return path.rfind("kernel/", 0) == 0; }

const std::vector<AllowEntry>& allow_list(std::string& error) {
  static std::string read_error;
  static const std::vector<AllowEntry> entries = tcpdump_lines::read_allow_list(kAllowList, read_error);
  error = read_error;
  return entries;
}

std::vector<const AllowEntry*> allowed_for(const std::string& oracle, const std::string& file) {
  std::string error;
  std::vector<const AllowEntry*> out;
  for (const auto& e : allow_list(error)) {
    if (e.oracle == oracle && e.file == file) out.push_back(&e);
  }
  return out;
}

std::string tally_text(const Tally& t) {
  return fmt::format("identical {}, by rule {}, timestamp only {}, allow-listed {}, differing {}", t.identical,
                     t.by_rule, t.timestamp_only, t.allow_listed, t.differs);
}

std::string rules_text(const Tally& t) {
  std::string text;
  for (const auto& [rule, n] : t.rules) text += fmt::format("\n    {:5} {}", n, rule);
  return text;
}

// Runs tcpdump and wirestate on one capture and compares them. Kernel captures get no
// rule and no allow-list: every line must be identical.
FileComparison compare_capture(const std::string& path, std::string& failure) {
  const fs::path file = kShared / path;
  const auto tcpdump = tcpdump_lines::run_tcpdump(file);
  const auto decode = tcpdump_lines::run_decode(file);
  // Both read with libpcap: they stop at the same unreadable record, both with an error.
  if ((tcpdump.exit_code != 0) != (decode.exit_code != 0)) {
    failure = fmt::format("tcpdump exit {} ({}), wirestate exit {} ({})", tcpdump.exit_code, tcpdump.err,
                          decode.exit_code, decode.err);
  }
  const auto records = tcpdump_lines::packet_records(tcpdump.out);
  const auto lines = tcpdump_lines::lines_of(decode.out);
  if (is_kernel(path)) {
    auto result = tcpdump_lines::compare_file(records, lines, {});
    if (result.tally.identical != records.size() && result.problems.empty()) {
      result.problems.push_back("kernel captures admit no rule: " + tally_text(result.tally));
    }
    return result;
  }
  return tcpdump_lines::compare_file(records, lines, allowed_for("live", path));
}

class TcpdumpOracle : public ::testing::TestWithParam<std::string> {};

TEST_P(TcpdumpOracle, LinesMatchTcpdump) {
  if (tcpdump_lines::tcpdump_path().empty()) {
    WIRESTATE_SKIP_UNLESS_REQUIRED() << "tcpdump is not installed";
  }
  std::string list_error;
  allow_list(list_error);
  ASSERT_EQ(list_error, "");
  const std::string& path = GetParam();
  std::string failure;
  const auto result = compare_capture(path, failure);
  EXPECT_EQ(failure, "") << path;
  for (const auto& problem : result.problems) ADD_FAILURE() << path << ": " << problem;
  if (is_kernel(path)) {
    EXPECT_GT(result.tally.identical, 0U) << path << ": no line compared";
  } else if (result.promised > result.tally.allow_listed) {
    // Some IPv4 or ARP line is not allow-listed: it must have been compared.
    EXPECT_GT(result.tally.compared(), 0U) << path << ": " << tally_text(result.tally);
  }
  RecordProperty("identical", static_cast<int>(result.tally.identical));
  RecordProperty("by_rule", static_cast<int>(result.tally.by_rule));
  RecordProperty("timestamp_only", static_cast<int>(result.tally.timestamp_only));
  RecordProperty("allow_listed", static_cast<int>(result.tally.allow_listed));
}

INSTANTIATE_TEST_SUITE_P(Captures, TcpdumpOracle, ::testing::ValuesIn(all_captures()),
                         [](const auto& info) { return wirestate::test::param_name(info.param); });

// What the comparison covers over every capture, printed; the floors make a regression that
// moves lines from "identical" to the rules, the placeholders or the allow-list fail.
TEST(TcpdumpOracleTotals, EveryCaptureTogether) {
  if (tcpdump_lines::tcpdump_path().empty()) {
    WIRESTATE_SKIP_UNLESS_REQUIRED() << "tcpdump is not installed";
  }
  Tally kernel;
  Tally pub;
  std::size_t files = 0;
  for (const auto& path : all_captures()) {
    std::string failure;
    const auto result = compare_capture(path, failure);
    (is_kernel(path) ? kernel : pub) += result.tally;
    ++files;
  }
  std::cout << fmt::format("tcpdump oracle over {} captures\n  kernel: {}\n  public: {}{}\n", files,
                           tally_text(kernel), tally_text(pub), rules_text(pub));
  EXPECT_EQ(kernel.identical, kernel.total());
  EXPECT_GE(kernel.identical, 137U);
  EXPECT_EQ(pub.differs, 0U);
  EXPECT_GE(pub.identical, kMinPublicIdentical);
  EXPECT_GE(pub.compared(), kMinPublicCompared);
  EXPECT_LE(pub.allow_listed, kMaxPublicAllowListed);
  RecordProperty("kernel_identical", static_cast<int>(kernel.identical));
  RecordProperty("public_identical", static_cast<int>(pub.identical));
  RecordProperty("public_by_rule", static_cast<int>(pub.by_rule));
  RecordProperty("public_timestamp_only", static_cast<int>(pub.timestamp_only));
  RecordProperty("public_allow_listed", static_cast<int>(pub.allow_listed));
}

// --- tcpdump's reference outputs -------------------------------------------------------

struct Reference {
  std::string test;     // tcpdump's name for the test
  std::string capture;  // relative to public/tcpdump
  std::string output;   // relative to public/tcpdump/ref
  std::string flags;    // beyond the -n tcpdump's runner always adds
};

std::vector<Reference> all_references() {
  std::vector<Reference> refs;
  std::stringstream ss(slurp(kShared / "public/tcpdump/ref/TESTLIST.selected.tsv"));
  std::string line;
  std::getline(ss, line);  // the header
  while (std::getline(ss, line)) {
    std::vector<std::string> cols;
    std::stringstream ls(line);
    std::string col;
    while (std::getline(ls, col, '\t')) cols.push_back(col);
    if (cols.size() >= 3) refs.push_back({cols[0], cols[1], cols[2], cols.size() > 3 ? cols[3] : ""});
  }
  return refs;
}

// The references made with tcpdump's default output: every other flag (-v, -e, -x, -q,
// -t..., --skip) changes the output into something wirestate does not print.
std::vector<Reference> plain_references() {
  std::vector<Reference> plain;
  for (const auto& r : all_references()) {
    if (r.flags.empty()) plain.push_back(r);
  }
  return plain;
}

TEST(TcpdumpReferenceScope, EveryPlainReferenceIsCompared) {
  const auto all = all_references();
  const auto plain = plain_references();
  std::size_t with_flags = 0;
  for (const auto& r : all) with_flags += r.flags.empty() ? 0 : 1;
  std::cout << fmt::format("reference outputs: {} listed, {} made with flags wirestate lacks, {} compared\n",
                           all.size(), with_flags, plain.size());
  EXPECT_EQ(plain.size() + with_flags, all.size());
  EXPECT_GE(plain.size(), 36U);
  for (const auto& r : plain) EXPECT_TRUE(fs::exists(kShared / "public/tcpdump/ref" / r.output)) << r.output;
}

// gtest prints a parameter that fails; the test name says enough.
void PrintTo(const Reference& ref, std::ostream* os) { *os << ref.test; }

class TcpdumpReference : public ::testing::TestWithParam<Reference> {};

FileComparison compare_reference(const Reference& ref, bool& numbering_ok) {
  const fs::path capture = kShared / "public/tcpdump" / ref.capture;
  const std::string out_file = "public/tcpdump/ref/" + ref.output;
  const auto records = tcpdump_lines::reference_records(slurp(kShared / out_file), numbering_ok);
  const auto decode = tcpdump_lines::run_decode(capture);
  const auto json = tcpdump_lines::run_decode(capture, true);
  const auto relative = tcpdump_lines::to_relative_sequence_numbers(
      tcpdump_lines::lines_of(decode.out), tcpdump_lines::tcp_facts_from_json(json.out));
  return tcpdump_lines::compare_file(records, relative, allowed_for("ref", out_file));
}

TEST_P(TcpdumpReference, LinesMatchReferenceOutput) {
  std::string list_error;
  allow_list(list_error);
  ASSERT_EQ(list_error, "");
  const Reference& ref = GetParam();
  bool numbering_ok = false;
  const auto result = compare_reference(ref, numbering_ok);
  EXPECT_TRUE(numbering_ok) << ref.output << ": packet numbers are not 1, 2, 3, ...";
  for (const auto& problem : result.problems) ADD_FAILURE() << ref.output << ": " << problem;
  if (result.promised > result.tally.allow_listed) {
    EXPECT_GT(result.tally.compared(), 0U) << ref.output << ": " << tally_text(result.tally);
  }
  RecordProperty("identical", static_cast<int>(result.tally.identical));
  RecordProperty("by_rule", static_cast<int>(result.tally.by_rule));
  RecordProperty("allow_listed", static_cast<int>(result.tally.allow_listed));
}

TEST(TcpdumpReferenceTotals, EveryPlainReferenceTogether) {
  Tally total;
  for (const auto& ref : plain_references()) {
    bool numbering_ok = false;
    total += compare_reference(ref, numbering_ok).tally;
  }
  std::cout << fmt::format("reference outputs: {}{}\n", tally_text(total), rules_text(total));
  EXPECT_EQ(total.differs, 0U);
  EXPECT_GE(total.compared(), kMinReferenceCompared);
  EXPECT_LE(total.allow_listed, kMaxReferenceAllowListed);
}

INSTANTIATE_TEST_SUITE_P(Plain, TcpdumpReference, ::testing::ValuesIn(plain_references()),
                         [](const auto& info) { return wirestate::test::param_name(info.param.test); });

// The relative numbering the reference comparison relies on, checked against tcpdump
// itself: `tcpdump -nn` (no -S) on TCP captures with handshakes, mid-stream starts and SACK.
TEST(TcpdumpRelativeNumbers, EqualTcpdumpWithoutAbsoluteFlag) {
  if (tcpdump_lines::tcpdump_path().empty()) {
    WIRESTATE_SKIP_UNLESS_REQUIRED() << "tcpdump is not installed";
  }
  std::size_t compared = 0;
  for (const std::string path :
       {"kernel/tcp_client_close_first.pcap", "kernel/tcp_half_close.pcap", "kernel/tcp_rst_closed_port.pcap",
        "kernel/tcp_server_close_first.pcap", "public/tcpdump/ssh.pcap", "public/tcpdump/dns_tcp.pcap",
        "public/zeek/tcp/missing-syn.pcap", "public/zeek/tcp/option-sack.pcap", "public/zeek/tcp/ssh-dups.pcap"}) {
    const fs::path file = kShared / path;
    const auto records = tcpdump_lines::packet_records(tcpdump_lines::run_tcpdump(file, "-nn").out);
    const auto relative = tcpdump_lines::to_relative_sequence_numbers(
        tcpdump_lines::lines_of(tcpdump_lines::run_decode(file).out),
        tcpdump_lines::tcp_facts_from_json(tcpdump_lines::run_decode(file, true).out));
    const auto result = tcpdump_lines::compare_file(records, relative, {});
    for (const auto& problem : result.problems) ADD_FAILURE() << path << ": " << problem;
    compared += result.tally.compared();
  }
  EXPECT_GE(compared, 400U);
}

// Crafted packets: every ICMP type and code tcpdump words, every TCP option kind it names,
// ARP operations and hardware and protocol types, fragments. All identical once wirestate's
// notes are removed (rule 1), except the three option kinds wirestate shows as bytes (rule 3).
TEST(TcpdumpCrafted, EveryIcmpTypeAndTcpOptionKind) {
  if (tcpdump_lines::tcpdump_path().empty()) {
    WIRESTATE_SKIP_UNLESS_REQUIRED() << "tcpdump is not installed";
  }
  const auto pcap = wirestate::test::scratch_path("crafted.pcap");
  const std::string cmd = fmt::format("'{}' '{}' '{}' 2>&1", WIRESTATE_PYTHON, kCraftScript.string(), pcap.string());
  const int status = std::system(cmd.c_str());
  if (status != 0 || !fs::exists(pcap)) {
    WIRESTATE_SKIP_UNLESS_REQUIRED() << WIRESTATE_PYTHON << " with scapy could not write the crafted capture";
  }
  const auto records = tcpdump_lines::packet_records(tcpdump_lines::run_tcpdump(pcap).out);
  const auto lines = tcpdump_lines::lines_of(tcpdump_lines::run_decode(pcap).out);
  auto result = tcpdump_lines::compare_file(records, lines, {});
  for (const auto& problem : result.problems) ADD_FAILURE() << "crafted: " << problem;
  EXPECT_GE(records.size(), 100U);
  EXPECT_EQ(result.tally.compared(), records.size()) << tally_text(result.tally);
  // No payload or protocol rule applies to these: only wirestate's notes (VLAN tag,
  // malformations of the cut and non-Ethernet messages) and the three kinds shown as bytes.
  for (const auto& [rule, n] : result.tally.rules) {
    EXPECT_TRUE(rule == "wirestate's annotations removed" || rule == "options tcpdump decodes compared by name")
        << n << " lines by " << rule;
  }
  EXPECT_LE(result.tally.rules["options tcpdump decodes compared by name"], 3U);
}

// The allow-list names files that exist, and no packet twice (a whole-file line alone).
TEST(TcpdumpAllowList, NamesExistingFilesAndEachPacketOnce) {
  std::string error;
  const auto& entries = allow_list(error);
  ASSERT_EQ(error, "");
  std::map<std::pair<std::string, std::string>, std::vector<const AllowEntry*>> by_file;
  for (const auto& e : entries) {
    EXPECT_TRUE(fs::exists(kShared / e.file)) << "allow-list line " << e.line << ": " << e.file;
    by_file[{e.oracle, e.file}].push_back(&e);
  }
  for (const auto& [key, list] : by_file) {
    std::set<std::size_t> packets;
    for (const auto* e : list) {
      EXPECT_TRUE(!e->packets.empty() || list.size() == 1)
          << "allow-list line " << e->line << ": a whole-file line must be the only one for " << key.second;
      for (auto n : e->packets) {
        EXPECT_TRUE(packets.insert(n).second) << "allow-list line " << e->line << ": packet " << n << " again";
      }
    }
  }
}

}  // namespace
}  // namespace wirestate
