// Every shipped scenario is a test of its own: its expectations hold (and the observer
// agrees with the endpoints), a second run gives the same frames byte for byte, and the
// pcap it writes is read by tshark without a warning, every field as wirestate decodes it.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/tshark_compare.hpp"
#include "support/tshark_fields.hpp"
#include "wirestate/check/scenario_checks.hpp"
#include "wirestate/io/pcap_writer.hpp"
#include "wirestate/print/json.hpp"
#include "wirestate/scenario/load.hpp"
#include "wirestate/sim/runner.hpp"
#include "wirestate/wire/decode.hpp"
#include "support/scratch.hpp"
#include "support/require.hpp"

namespace wirestate {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> shipped() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(WIRESTATE_SOURCE_DIR) / "scenarios")) {
    if (e.path().extension() == ".json") out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string path_of(const std::string& name) {
  return (fs::path(WIRESTATE_SOURCE_DIR) / "scenarios" / (name + ".json")).string();
}

std::vector<std::vector<std::uint8_t>> frames_of(const sim::RunResult& r) {
  std::vector<std::vector<std::uint8_t>> out;
  for (const auto& f : r.sim->frames()) out.push_back(*f.bytes);
  return out;
}

// Runs a command, returning its exit status and standard output (stderr to a file).
int run_command(const std::string& cmd, std::string& out, std::string& err) {
  const std::string err_file = wirestate::test::scratch_path("stderr").string();
  FILE* p = ::popen((cmd + " 2>" + err_file).c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  std::ifstream e(err_file);
  err.assign(std::istreambuf_iterator<char>(e), {});
  fs::remove(err_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class ShippedScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedScenario, ExpectationsHoldAndObserverAgrees) {
  auto sc = scenario::load_file(path_of(GetParam()));
  ASSERT_TRUE(sc) << sc.error().to_string();
  EXPECT_FALSE(sc->description.empty()) << "each shipped scenario says what it shows";
  const auto run = sim::run(*sc);
  const auto verdicts = check::evaluate(*sc, run);
  ASSERT_FALSE(sc->expect.empty());
  for (const auto& v : verdicts) EXPECT_TRUE(v.pass) << v.pointer << " " << v.name << ": " << v.detail;
}

TEST_P(ShippedScenario, SameSeedGivesTheSameFramesByteForByte) {
  auto sc = scenario::load_file(path_of(GetParam()));
  ASSERT_TRUE(sc);
  const auto first = sim::run(*sc);
  const auto second = sim::run(*sc);
  ASSERT_FALSE(first.sim->frames().empty());
  EXPECT_EQ(frames_of(first), frames_of(second));
  ASSERT_EQ(first.sim->frames().size(), second.sim->frames().size());
  for (std::size_t i = 0; i < first.sim->frames().size(); ++i) {
    EXPECT_EQ(first.sim->frames()[i].time, second.sim->frames()[i].time) << "frame " << i + 1;
  }
}

// tshark's only stderr line when it runs as root (it prints nothing else about a clean file).
constexpr const char* kTsharkRootWarning = "Running as user \"root\" and group \"root\". This could be dangerous.\n";

// The same comparison as the public-capture oracle (tests/cli/oracle_test.cpp), with nothing
// allowed: every frame the stacks build decodes fully on both sides, field for field, with
// every checksum good and no malformation.
TEST_P(ShippedScenario, TsharkReadsThePcapWithTheSameFields) {
  if (!fs::exists("/usr/bin/tshark")) WIRESTATE_SKIP_UNLESS_REQUIRED() << "tshark is not installed (scripts/deps.sh installs it)";
  auto sc = scenario::load_file(path_of(GetParam()));
  ASSERT_TRUE(sc);
  const auto run = sim::run(*sc);
  const auto& frames = run.sim->frames();
  const auto pcap = wirestate::test::scratch_path("run.pcap");
  {
    auto w = io::PcapWriter::open(pcap.string(), {.precision = io::TimePrecision::kNano});
    ASSERT_TRUE(w) << w.error();
    for (const auto& f : frames) ASSERT_TRUE(w->write(f.time, *f.bytes));
  }
  std::string out, err;
  const int code = run_command(wirestate::test::tshark_oracle_command(pcap.string()), out, err);
  ASSERT_EQ(code, 0) << err;
  EXPECT_TRUE(err.empty() || err == kTsharkRootWarning) << "tshark complained: " << err;
  const auto packets = nlohmann::json::parse(out);
  ASSERT_EQ(packets.size(), frames.size());
  wirestate::test::FieldComparer comparer;
  std::size_t first_fragments = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& bytes = *frames[i].bytes;
    const auto size = static_cast<std::uint32_t>(bytes.size());
    const auto row = wirestate::test::fields_from_tshark(packets[i].at("_source").at("layers"));
    const auto decoded = wire::decode(bytes, wire::LinkType::kEthernet, size);
    const print::FrameInfo info{i + 1, frames[i].time, size, size};
    const auto ours = wirestate::test::flatten_to_tshark(print::to_json(info, decoded));
    const auto result = comparer.compare(row, ours, decoded, false);
    const std::string where = "frame " + std::to_string(i + 1);
    EXPECT_EQ(wirestate::test::join_values(wirestate::test::find_field(row, "frame.number")), std::to_string(i + 1)) << where;
    for (const auto& m : result.mismatches) ADD_FAILURE() << where << " " << m;
    EXPECT_GT(result.compared_beyond_frame, 0) << where;
    std::string reasons;
    for (const auto& r : wirestate::test::stop_reasons(decoded)) reasons += " " + r;
    EXPECT_EQ(result.lost_values, 0) << where << ": decode stopped (" << reasons << ") where tshark went on";
    EXPECT_FALSE(decoded.malformed()) << where << ":" << reasons;
    EXPECT_EQ(row.count("_ws.malformed"), 0U) << where << " malformed for tshark: "
                                              << wirestate::test::join_values(wirestate::test::find_field(row, "_ws.malformed"));
    // Every checksum good, with two exceptions nobody can verify from the frame alone: the
    // transport checksum of a first fragment covers the whole datagram (checked after
    // reassembly below), and the TCP/UDP header an ICMP error quotes belongs to a datagram
    // the quote cuts after 8 bytes. The quoted IPv4 header is complete, so it must verify.
    const auto outer = [&row](const std::string& field) {
      const auto* v = wirestate::test::find_field(row, field);
      return v == nullptr ? std::string() : v->at(0);
    };
    const bool first_fragment = outer("ip.flags.mf") == "1" && outer("ip.frag_offset") == "0";
    if (first_fragment) ++first_fragments;
    const bool icmp_error = std::set<std::string>{"3", "4", "5", "11", "12"}.count(outer("icmp.type")) != 0;
    for (const std::string status : {"ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status"}) {
      const auto* values = wirestate::test::find_field(row, status);
      if (values == nullptr) continue;
      const bool transport = status != "ip.checksum.status";
      const bool quoted = icmp_error && (status == "tcp.checksum.status" || status == "udp.checksum.status");
      const std::string expected = transport && (first_fragment || quoted) ? "2" : "1";
      for (std::size_t k = 0; k < values->size(); ++k) {
        EXPECT_EQ(values->at(k), expected) << where << " " << status << " occurrence " << k + 1;
      }
    }
  }
  if (first_fragments == 0) return;
  // The datagrams split above, reassembled by tshark: each transport checksum must verify.
  std::string reassembled, err2;
  const int again = run_command("/usr/bin/tshark -n -o ip.defragment:TRUE -o tcp.check_checksum:TRUE"
                                " -o udp.check_checksum:TRUE -r '" + pcap.string() +
                                    "' -Y ip.fragment.count -T fields -e udp.checksum.status"
                                    " -e tcp.checksum.status -e icmp.checksum.status",
                                reassembled, err2);
  ASSERT_EQ(again, 0) << err2;
  EXPECT_TRUE(err2.empty() || err2 == kTsharkRootWarning) << "tshark complained: " << err2;
  std::istringstream lines(reassembled);
  std::size_t datagrams = 0;
  for (std::string line; std::getline(lines, line); ++datagrams) {
    line.erase(std::remove(line.begin(), line.end(), '\t'), line.end());
    EXPECT_EQ(line, "1") << "reassembled datagram " << datagrams + 1 << ": one transport checksum status, good";
  }
  EXPECT_EQ(datagrams, first_fragments);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ShippedScenario, ::testing::ValuesIn(shipped()),
                         [](const auto& info) { return info.param; });

TEST(RunCommand, InvalidScenarioExitsTwoNamingFileAndPath) {
  const auto bad = wirestate::test::scratch_path("bad.json");
  std::ofstream(bad) << R"({"name": "x", "hosts": {"a": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.256"}}, "steps": []})";
  std::string out, err;
  const int code = run_command(std::string(WIRESTATE_CLI_PATH) + " run " + bad.string(), out, err);
  fs::remove(bad);
  EXPECT_EQ(code, 2);
  EXPECT_NE(err.find(bad.string()), std::string::npos) << err;
  EXPECT_NE(err.find("/hosts/a/ip"), std::string::npos) << err;
  EXPECT_NE(err.find("expected"), std::string::npos) << err;
}

TEST(RunCommand, FailedExpectationExitsOneAndSaysWhich) {
  const auto f = wirestate::test::scratch_path("fail.json");
  std::ofstream(f) << R"({"name": "x", "hosts": {"a": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.1"},
    "b": {"mac": "02:00:00:00:00:02", "ip": "10.0.0.2"}},
    "steps": [{"at": "0ms", "host": "a", "connect": "b:80", "as": "c"}],
    "expect": [{"conn": "c", "side": "client", "states": ["SYN_SENT", "ESTABLISHED"]}]})";
  std::string out, err;
  const int code = run_command(std::string(WIRESTATE_CLI_PATH) + " run -q " + f.string(), out, err);
  fs::remove(f);
  EXPECT_EQ(code, 1);
  EXPECT_NE(out.find("FAIL  /expect/0"), std::string::npos) << out;
  EXPECT_NE(out.find("got [SYN_SENT, CLOSED]"), std::string::npos) << out;
}

TEST(RunCommand, NegativeSeedIsAnErrorNotTwoToTheSixtyFourMinusOne) {
  std::string out, err;
  const int code = run_command(std::string(WIRESTATE_CLI_PATH) + " run -q " + path_of("socket_example") +
                                   " --seed -1", out, err);
  EXPECT_EQ(code, 2) << out << err;
  EXPECT_NE(err.find("expected a seed"), std::string::npos) << err;
  EXPECT_EQ(run_command(std::string(WIRESTATE_CLI_PATH) + " run -q " + path_of("socket_example") + " --seed 7", out, err),
            0)
      << out << err;
}

TEST(RunCommand, MainJobWritesPcapAndEvents) {
  const auto dir = wirestate::test::scratch_dir();
  fs::create_directories(dir);
  std::string out, err;
  const int code = run_command(std::string(WIRESTATE_CLI_PATH) + " run " + path_of("socket_example") + " -w " +
                                   (dir / "a.pcap").string() + " --events " + (dir / "a.jsonl").string(),
                               out, err);
  EXPECT_EQ(code, 0) << out << err;
  EXPECT_NE(out.find("SYN_SENT -> ESTABLISHED"), std::string::npos);
  EXPECT_NE(out.find("passed, 0 failed"), std::string::npos);
  EXPECT_GT(fs::file_size(dir / "a.pcap"), 24U);
  std::ifstream events(dir / "a.jsonl");
  std::string line;
  int verdicts = 0;
  while (std::getline(events, line)) {
    if (line.find("\"kind\":\"verdict\"") != std::string::npos) ++verdicts;
  }
  EXPECT_GE(verdicts, 4);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace wirestate
