// The tshark oracle: every capture in ../shared/pcaps (public/index.json and the kernel
// traces) is read with io::PcapReader, decoded with wire::decode, printed with
// print::to_json, and every field wirestate decodes must equal what tshark 4.0 printed for
// that packet. Where wirestate stops decoding a packet tshark decoded cleanly, where the two
// disagree on "malformed", where a capture compares nothing or libpcap cannot read it, the
// checked-in allow-lists (oracle_allowlist.json, oracle_unreadable.json) must say so and why.
// One test per capture, named after its path, so a failure names the file; each mismatch
// names the packet number and the field. Whole-corpus tests check that the indexes, the
// disk and the test list agree, that no allow-list entry is stale, and report the totals.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/oracle_allowlist_support.hpp"
#include "cli/oracle_run_support.hpp"
#include "cli/oracle_support.hpp"
#include "support/param_name.hpp"
#include "support/scratch.hpp"

namespace wirestate::testing {
// gtest prints a failing parameter with this (instead of its bytes).
void PrintTo(const OracleCapture& capture, std::ostream* os) { *os << capture.path; }
}  // namespace wirestate::testing

namespace wirestate {
namespace {

using testing::AllowList;
using testing::CaptureReport;
using testing::OracleCapture;

// What ../shared/pcaps holds (README: 237 public captures in index.json, 8 kernel traces).
// Pinned so that a truncated index or a lost folder fails here instead of shrinking the suite.
constexpr std::size_t kPublicCaptures = 237;
constexpr std::size_t kKernelCaptures = 8;

// The suite the per-capture tests are instantiated in (see INSTANTIATE_TEST_SUITE_P below).
constexpr const char* kOracleSuite = "Captures/Oracle";

// Captures whose IPv4/TCP/UDP/ICMP/ARP/link headers are broken: at least one packet must
// be flagged malformed. (Other "malformed" captures are broken in layers wirestate does
// not decode: IPv6, AppleTalk ARP, ICMP extensions, or only cut by the snapshot length.)
const std::set<std::string> kMustBeFlagged = {
    "public/tcpdump/LINKTYPE_IPV4_invalid.pcap", "public/tcpdump/arp-oobr.pcap",
    "public/tcpdump/arp-too-long-tha.pcap", "public/tcpdump/bad-ipv4-version-pgm-heapoverflow.pcap",
    "public/tcpdump/heap-overflow-1.pcap", "public/tcpdump/heapoverflow-in_checksum.pcap",
    "public/tcpdump/heapoverflow-ip_demux_print.pcap", "public/tcpdump/heapoverflow-tcp_print.pcap",
    "public/tcpdump/icmp-cksum-oobr-1.pcap", "public/tcpdump/icmp-cksum-oobr-3.pcapng",
    "public/tcpdump/icmp-icmp_print-oobr-1.pcap", "public/tcpdump/icmp-length-zero.pcapng",
    "public/tcpdump/ip_printroute_asan.pcap", "public/tcpdump/ip_ts_opts_asan.pcap",
    "public/tcpdump/ipv4_invalid_hdr_length.pcap", "public/tcpdump/ipv4_invalid_length.pcap",
    "public/tcpdump/ipv4_invalid_total_length.pcap", "public/tcpdump/ipv4_invalid_total_length_2.pcap",
    "public/tcpdump/kday2.pcap", "public/tcpdump/kday3.pcap", "public/tcpdump/kday4.pcap",
    "public/tcpdump/kday5.pcap", "public/tcpdump/kday7.pcap", "public/tcpdump/kday8.pcap",
    "public/tcpdump/scps_invalid.pcap", "public/tcpdump/tcp-auth-heapoverflow.pcap",
    "public/tcpdump/tcp_header_heapoverflow.pcap", "public/tcpdump/udp-length-heapoverflow.pcap",
    "public/zeek/arp-leak.pcap", "public/zeek/icmp/icmp-destunreach-no-context.pcap",
    "public/zeek/ip-bogus-header-len.pcap", "public/zeek/tcp/truncated-header.pcap",
    "public/zeek/tcp/window-scale-range.pcap", "public/zeek/trunc/icmp-header-trunc.pcap",
    "public/zeek/trunc/ip4-trunc.pcap", "public/zeek/trunc/ipv4-internally-truncated-header.pcap",
    "public/zeek/trunc/ipv4-truncated-broken-header.pcap", "public/zeek/trunc/trunc-hdr.pcap"};

// A capture failing everything would print thousands of lines; the first ones say enough.
constexpr std::size_t kFailuresShown = 40;

void expect_no_failures(const CaptureReport& report) {
  for (std::size_t i = 0; i < report.failures.size() && i < kFailuresShown; ++i) ADD_FAILURE() << report.failures[i];
  if (report.failures.size() > kFailuresShown) {
    ADD_FAILURE() << "... and " << report.failures.size() - kFailuresShown << " more";
  }
}

class Oracle : public ::testing::TestWithParam<OracleCapture> {};

TEST_P(Oracle, EveryDecodedFieldMatchesTshark) {
  const OracleCapture& capture = GetParam();
  const CaptureReport report = testing::check_capture(capture, AllowList::checked_in());
  expect_no_failures(report);
  if (kMustBeFlagged.count(capture.path) != 0) {
    EXPECT_GT(report.flagged, 0) << capture.path << ": a malformed capture decoded as clean";
  }
  RecordProperty("fields_compared", report.fields_compared);
  RecordProperty("fields_compared_beyond_frame", report.compared_beyond_frame);
  RecordProperty("values_on_allowed_stops", report.allowed_stop_values);
  RecordProperty("packets_flagged_malformed", report.flagged);
}

INSTANTIATE_TEST_SUITE_P(Captures, Oracle, ::testing::ValuesIn(testing::oracle_captures()),
                         [](const auto& info) { return wirestate::test::param_name(info.param.path); });

int instantiated_oracle_tests() {
  const auto* unit = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    if (std::string(unit->GetTestSuite(i)->name()) == kOracleSuite) return unit->GetTestSuite(i)->total_test_count();
  }
  return 0;
}

TEST(OracleCaptures, IndexesDiskAndTestListAgree) {
  const auto captures = testing::oracle_captures();
  ASSERT_FALSE(captures.empty());
  ASSERT_TRUE(captures.front().error.empty()) << captures.front().error;
  std::set<std::string> indexed;
  std::size_t kernel = 0;
  for (const auto& c : captures) {
    indexed.insert(c.path);
    if (c.path.starts_with("kernel/")) ++kernel;
  }
  EXPECT_EQ(indexed.size(), captures.size()) << "a capture is indexed twice";
  EXPECT_EQ(captures.size() - kernel, kPublicCaptures) << "public/index.json";
  EXPECT_EQ(kernel, kKernelCaptures) << "kernel/*.json sidecars";

  const auto disk = testing::captures_on_disk();
  const std::set<std::string> on_disk(disk.begin(), disk.end());
  for (const auto& p : on_disk) EXPECT_EQ(indexed.count(p), 1U) << p << " is on disk but in no index";
  for (const auto& p : indexed) EXPECT_EQ(on_disk.count(p), 1U) << p << " is indexed but not on disk";
  EXPECT_EQ(disk.size(), captures.size());

  EXPECT_EQ(instantiated_oracle_tests(), static_cast<int>(captures.size())) << "tests in " << kOracleSuite;
}

// The whole corpus once more, to see what no single capture can: entries for any capture
// that match nothing, and the totals.
TEST(OracleAllowList, NoEntryIsStaleAndTheTotalsAreReported) {
  const auto& allow = AllowList::checked_in();
  const auto captures = testing::oracle_captures();
  ASSERT_TRUE(captures.front().error.empty()) << captures.front().error;
  std::set<std::string> paths;
  std::map<std::string, int> used;
  int compared = 0, compared_beyond_frame = 0, allowed_stop_values = 0, malformed_stop_values = 0;
  int comparing_nothing = 0, comparing_nothing_unlisted = 0, failing = 0;
  for (const auto& capture : captures) {
    paths.insert(capture.path);
    const auto report = testing::check_capture(capture, allow);
    for (const auto& [id, n] : report.used) used[id] += n;
    compared += report.fields_compared;
    compared_beyond_frame += report.compared_beyond_frame;
    allowed_stop_values += report.allowed_stop_values;
    malformed_stop_values += report.malformed_stop_values;
    if (report.compared_beyond_frame == 0) {
      ++comparing_nothing;
      if (allow.compares_nothing(capture.path) == nullptr) ++comparing_nothing_unlisted;
    }
    if (!report.failures.empty()) ++failing;
  }
  const auto entries = allow.entries();
  for (const auto* e : entries) {
    EXPECT_TRUE(e->capture.empty() || paths.count(e->capture) != 0) << e->id << " names no capture: " << e->capture;
    EXPECT_NE(used.count(e->id), 0U) << e->id << " (" << e->why << ") matches nothing in any capture: stale";
  }
  EXPECT_GT(compared_beyond_frame, 0);
  EXPECT_EQ(comparing_nothing_unlisted, 0);
  EXPECT_EQ(failing, 0) << "captures whose own test fails";
  RecordProperty("fields_compared", compared);
  RecordProperty("fields_compared_beyond_frame", compared_beyond_frame);
  RecordProperty("values_on_allowed_stops", allowed_stop_values);
  RecordProperty("values_on_stops_both_call_malformed", malformed_stop_values);
  RecordProperty("allowlist_entries", static_cast<int>(entries.size()));
  RecordProperty("captures_comparing_nothing", comparing_nothing);
  std::cout << "oracle: " << captures.size() << " captures, " << compared << " values compared (" << compared_beyond_frame
            << " beyond frame.*), " << allowed_stop_values << " values on allow-listed stops, " << malformed_stop_values
            << " on stops both call malformed, " << entries.size() << " allow-list entries, " << comparing_nothing
            << " captures comparing nothing (" << comparing_nothing_unlisted << " unlisted)\n";
  for (const auto* e : entries) {
    if (e->capture.empty()) std::cout << "  " << e->id << " (any capture) covered " << used[e->id] << ": " << e->why << "\n";
  }
}

// The checker itself, with allow-lists of our own: each hole it closes must be able to fail.
class OracleChecker : public ::testing::Test {
 protected:
  // An allow-list with the given sections (JSON text of the section values) and no others.
  static AllowList allow_list(const std::string& stops = "[]", const std::string& verdicts_ours = "[]",
                              const std::string& verdicts_tshark = "[]", const std::string& nothing = "[]",
                              const std::string& unreadable = "[]") {
    const auto allow_path = wirestate::test::scratch_path("allow.json");
    const auto unreadable_path = wirestate::test::scratch_path("unreadable.json");
    std::ofstream(allow_path) << R"({"stops": )" << stops << R"(, "verdicts_ours": )" << verdicts_ours
                              << R"(, "verdicts_tshark": )" << verdicts_tshark << R"(, "compares_nothing": )" << nothing
                              << "}";
    std::ofstream(unreadable_path) << R"({"unreadable": )" << unreadable << "}";
    return AllowList::load(allow_path.string(), unreadable_path.string());
  }

  static OracleCapture capture(const std::string& path) {
    for (const auto& c : testing::oracle_captures()) {
      if (c.path == path) return c;
    }
    ADD_FAILURE() << "no capture " << path;
    return {};
  }

  // True when one failure contains text.
  static bool fails_with(const CaptureReport& report, const std::string& text) {
    return std::any_of(report.failures.begin(), report.failures.end(),
                       [&](const auto& f) { return f.find(text) != std::string::npos; });
  }
};

TEST_F(OracleChecker, AStopOnACleanPacketNeedsAnEntry) {
  // Arista's timestamp EtherType hides a VLAN tag and IPv4 that tshark decodes.
  const auto arista = capture("public/tcpdump/arista_ether.pcap");
  EXPECT_TRUE(fails_with(testing::check_capture(arista, allow_list()), "no stops entry allows it"));
  const auto allowed =
      allow_list(R"([{"stop": "other_ethertype", "layers": ["ip", "vlan"], "why": "Arista headers are not decoded"}])");
  EXPECT_TRUE(testing::check_capture(arista, allowed).failures.empty());
  // The layers bound what may be lost: the VLAN tag behind the Arista header is in "vlan".
  const auto too_narrow =
      allow_list(R"([{"stop": "other_ethertype", "layers": ["ip"], "why": "Arista headers are not decoded"}])");
  EXPECT_TRUE(fails_with(testing::check_capture(arista, too_narrow), "no stops entry allows it"));
}

TEST_F(OracleChecker, AnEntryThatMatchesNothingIsStale) {
  const auto syn = capture("public/zeek/tcp/syn.pcap");
  const auto stale = allow_list(
      R"([{"capture": "public/zeek/tcp/syn.pcap", "stop": "fragment", "why": "there is no fragment here"}])");
  EXPECT_TRUE(fails_with(testing::check_capture(syn, stale), "matches nothing: stale"));
}

TEST_F(OracleChecker, MalformedVerdictsMustAgreeBothWays) {
  const auto bad_ip_checksum = capture("public/zeek/chksums/ip4-bad-chksum.pcap");
  EXPECT_TRUE(fails_with(testing::check_capture(bad_ip_checksum, allow_list()), "wirestate flags ipv4.bad_checksum"));
  const auto named = allow_list("[]", R"([{"ours": "bad_checksum", "tshark_expert": ["Bad checksum"], "why": "a bad checksum"}])");
  EXPECT_TRUE(testing::check_capture(bad_ip_checksum, named).failures.empty());
  const auto wrong_expert = allow_list("[]", R"([{"ours": "bad_checksum", "tshark_expert": ["Nope"], "why": "a bad checksum"}])");
  EXPECT_FALSE(testing::check_capture(bad_ip_checksum, wrong_expert).failures.empty());
  const auto cfm = capture("public/tcpdump/kday2.pcap");
  EXPECT_TRUE(fails_with(testing::check_capture(cfm, allow_list()), "tshark says [Malformed Packet: CFM]"));
}

TEST_F(OracleChecker, ACaptureComparingNothingMustBeListed) {
  const auto empty = capture("public/gopacket/pcapgo/tests/le/test003.pcapng");
  EXPECT_TRUE(fails_with(testing::check_capture(empty, allow_list()), "compares_nothing does not list it"));
  const auto syn = capture("public/zeek/tcp/syn.pcap");
  const auto listed = allow_list("[]", "[]", "[]", R"([{"capture": "public/zeek/tcp/syn.pcap", "why": "wrongly listed"}])");
  EXPECT_TRUE(fails_with(testing::check_capture(syn, listed), "listed in compares_nothing, but"));
}

TEST_F(OracleChecker, UnreadableFilesMustBeListedAndListedFilesUnreadable) {
  const auto no_idb = capture("public/gopacket/pcapgo/tests/le/test002.pcapng");
  EXPECT_TRUE(fails_with(testing::check_capture(no_idb, allow_list()), "oracle_unreadable.json does not say so"));
  const auto wrong_error = allow_list("[]", "[]", "[]", "[]",
                                      R"([{"capture": "public/gopacket/pcapgo/tests/le/test002.pcapng", "stage": "open",
                                           "error": "something else", "why": "no interface block"}])");
  EXPECT_TRUE(fails_with(testing::check_capture(no_idb, wrong_error), "lacks the listed"));
  const auto syn = capture("public/zeek/tcp/syn.pcap");
  const auto readable = allow_list("[]", "[]", "[]", "[]",
                                   R"([{"capture": "public/zeek/tcp/syn.pcap", "stage": "read", "packets_read": 0,
                                        "error": "x", "why": "wrongly listed"}])");
  EXPECT_TRUE(fails_with(testing::check_capture(syn, readable), "but libpcap read it to the end"));
}

TEST_F(OracleChecker, EntriesWithoutAReasonOrWithUnknownKeysAreRejected) {
  EXPECT_THROW(allow_list(R"([{"stop": "fragment"}])"), std::runtime_error);
  EXPECT_THROW(allow_list(R"([{"stop": "fragment", "frame": [1, 2], "why": "a misspelt key"}])"),
               std::runtime_error);
}

}  // namespace
}  // namespace wirestate
