// Every shipped scenario is a test of its own: its expectations hold (and the observer
// agrees with the endpoints), a second run gives the same frames byte for byte, and the
// pcap it writes is read by tshark without a warning, with the same fields.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "wirestate/check/scenario_checks.hpp"
#include "wirestate/io/pcap_writer.hpp"
#include "wirestate/scenario/load.hpp"
#include "wirestate/sim/runner.hpp"
#include "wirestate/wire/decode.hpp"

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
  const std::string err_file = (fs::temp_directory_path() / ("ws_err_" + std::to_string(::getpid()))).string();
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

TEST_P(ShippedScenario, TsharkReadsThePcapWithTheSameFields) {
  if (!fs::exists("/usr/bin/tshark")) GTEST_SKIP() << "tshark is not installed (scripts/deps.sh installs it)";
  auto sc = scenario::load_file(path_of(GetParam()));
  ASSERT_TRUE(sc);
  const auto run = sim::run(*sc);
  const auto pcap = fs::temp_directory_path() / ("ws_" + GetParam() + "_" + std::to_string(::getpid()) + ".pcap");
  {
    auto w = io::PcapWriter::open(pcap.string(), {.precision = io::TimePrecision::kNano});
    ASSERT_TRUE(w) << w.error();
    for (const auto& f : run.sim->frames()) ASSERT_TRUE(w->write(f.time, *f.bytes));
  }
  std::string out, err;
  const int code = run_command("/usr/bin/tshark -n -r " + pcap.string() +
                                   " -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE"
                                   " -T fields -E separator=/t -e frame.len -e ip.src -e tcp.seq_raw -e tcp.checksum.status"
                                   " -e ip.checksum.status -e udp.checksum.status -e _ws.malformed",
                               out, err);
  fs::remove(pcap);
  ASSERT_EQ(code, 0) << err;
  EXPECT_TRUE(err.empty() || err.find("Running as user \"root\"") != std::string::npos) << err;
  std::istringstream lines(out);
  std::string line;
  std::size_t i = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(i, run.sim->frames().size());
    const auto& bytes = *run.sim->frames()[i].bytes;
    std::vector<std::string> cols;
    std::stringstream ls(line);
    std::string col;
    // Several occurrences (an ICMP error quotes a header) are joined by ','; take the outer.
    while (std::getline(ls, col, '\t')) cols.push_back(col.substr(0, col.find(',')));
    cols.resize(7);
    EXPECT_EQ(cols[0], std::to_string(bytes.size())) << "frame " << i + 1;
    auto pkt = wire::decode(bytes, wire::LinkType::kEthernet, static_cast<std::uint32_t>(bytes.size()));
    if (pkt.ipv4) {
      EXPECT_EQ(cols[1], pkt.ipv4->src().to_string()) << "frame " << i + 1;
    }
    if (pkt.tcp) {
      EXPECT_EQ(cols[2], std::to_string(pkt.tcp->seq().value())) << "frame " << i + 1;
      EXPECT_EQ(cols[3], "1") << "frame " << i + 1 << ": our TCP checksum must be good";
    }
    // Crafted frames may carry chosen bad checksums; everything the stacks build is good.
    if (pkt.ipv4) {
      EXPECT_EQ(cols[4], "1") << "frame " << i + 1;
    }
    EXPECT_TRUE(cols[6].empty()) << "frame " << i + 1 << " malformed for tshark: " << cols[6];
    ++i;
  }
  EXPECT_EQ(i, run.sim->frames().size());
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ShippedScenario, ::testing::ValuesIn(shipped()),
                         [](const auto& info) { return info.param; });

TEST(RunCommand, InvalidScenarioExitsTwoNamingFileAndPath) {
  const auto bad = fs::temp_directory_path() / ("ws_bad_" + std::to_string(::getpid()) + ".json");
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
  const auto f = fs::temp_directory_path() / ("ws_fail_" + std::to_string(::getpid()) + ".json");
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

TEST(RunCommand, MainJobWritesPcapAndEvents) {
  const auto dir = fs::temp_directory_path() / ("ws_main_" + std::to_string(::getpid()));
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
