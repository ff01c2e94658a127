// Streams and pipes (issue 16): `-w -` puts the pcap alone on stdout (tshark reads every
// frame from the pipe) and every message on stderr; `--events -` is stdout; -l gives each
// line as it is made; an empty or truncated stdin is named as such (no "No such file", no
// byte offset -1); `check --junit` on bad input writes an errored report over a stale one.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace {

namespace fs = std::filesystem;
using wirestate::test::run_command;
using wirestate::test::run_wirestate;

const std::string kScenario = std::string(WIRESTATE_SOURCE_DIR) + "/scenarios/socket_example.json";
const std::string kCli = WIRESTATE_CLI_PATH;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The frame count in run's closing line "wrote stdout (N frames)" (-1 when absent).
long frames_written(const std::string& text) {
  const auto at = text.find("wrote stdout (");
  if (at == std::string::npos) return -1;
  return std::stol(text.substr(at + 14));
}

class Streams : public ::testing::Test {
 protected:
  void SetUp() override {
    if (wirestate::test::sh("command -v tshark") != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "tshark is missing";
    dir_ = wirestate::test::scratch_dir();
    fs::create_directories(dir_);
  }
  // A capture of the scenario's run, written to a file.
  std::string scenario_pcap() {
    const std::string pcap = (dir_ / "run.pcap").string();
    const auto o = run_wirestate("run -q -w " + pcap + " " + kScenario);
    EXPECT_EQ(o.rc, 0) << o.out << o.err;
    return pcap;
  }
  fs::path dir_;
};

TEST_F(Streams, RunWritesThePcapAloneToStdoutAndTsharkReadsEveryFrame) {
  const fs::path err = dir_ / "run.err";
  const auto piped = run_command("'" + kCli + "' run -q -w - " + kScenario + " 2>'" + err.string() +
                                 "' | tshark -r - -T fields -e frame.number");
  const std::string messages = wirestate::test::slurp(err);
  ASSERT_EQ(piped.rc, 0) << piped.out << messages;
  const long frames = frames_written(messages);
  ASSERT_GT(frames, 0) << messages;
  EXPECT_EQ(std::count(piped.out.begin(), piped.out.end(), '\n'), frames) << piped.out;
  EXPECT_TRUE(contains(messages, "passed")) << messages;  // the expectations went to stderr

  // The same frames as a file written with -w FILE, byte for byte.
  const auto to_file = run_command("'" + kCli + "' run -q -w - " + kScenario + " 2>/dev/null");
  EXPECT_EQ(to_file.out, wirestate::test::slurp(scenario_pcap()));
}

TEST_F(Streams, EventsDashIsStdoutAndMakesNoFileNamedDash) {
  const auto o = run_wirestate("run -q --events - " + kScenario, "cd '" + dir_.string() + "' && ");
  ASSERT_EQ(o.rc, 0) << o.err;
  EXPECT_FALSE(fs::exists(dir_ / "-"));
  std::istringstream lines(o.out);
  std::string line;
  int events = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_TRUE(j.is_object()) << "not a JSON Lines event: " << line;
    ++events;
  }
  EXPECT_GT(events, 10);
  EXPECT_TRUE(contains(o.err, "passed")) << o.err;

  const auto analyzed = run_wirestate("analyze --events - " + scenario_pcap());
  ASSERT_EQ(analyzed.rc, 0) << analyzed.err;
  EXPECT_TRUE(contains(analyzed.err, "TCP connections: 1")) << analyzed.err;  // the report moved to stderr
  EXPECT_EQ(nlohmann::json::parse(analyzed.out.substr(0, analyzed.out.find('\n')), nullptr, false).is_object(), true)
      << analyzed.out;
}

TEST_F(Streams, TwoOutputsOnStdoutAreBadInput) {
  const auto o = run_wirestate("run -q -w - --events - " + kScenario);
  EXPECT_EQ(o.rc, 2);
  EXPECT_TRUE(o.out.empty()) << o.out;
  EXPECT_TRUE(contains(o.err, "both ask for stdout")) << o.err;
  const auto a = run_wirestate("analyze --json --events - " + scenario_pcap());
  EXPECT_EQ(a.rc, 2);
  EXPECT_TRUE(contains(a.err, "both ask for stdout")) << a.err;
}

TEST_F(Streams, EmptyStdinSaysEmptyInput) {
  for (const char* cmd : {"decode -", "analyze -", "check - --expect handshake"}) {
    const auto from_null = run_wirestate(std::string(cmd) + " < /dev/null");
    EXPECT_EQ(from_null.rc, 2) << cmd;
    EXPECT_TRUE(contains(from_null.err, "empty input")) << cmd << ": " << from_null.err;
    EXPECT_FALSE(contains(from_null.err, "No such file")) << cmd << ": " << from_null.err;
    const auto from_pipe = run_wirestate(std::string(cmd), "printf '' | ");
    EXPECT_EQ(from_pipe.rc, 2) << cmd;
    EXPECT_TRUE(contains(from_pipe.err, "empty input")) << cmd << ": " << from_pipe.err;
  }
}

TEST_F(Streams, TruncatedStdinNamesThePacketWithoutOffsetMinusOne) {
  const std::string pcap = scenario_pcap();
  const auto size = fs::file_size(pcap);
  const auto o = run_wirestate("decode -", "head -c " + std::to_string(size - 10) + " '" + pcap + "' | ");
  EXPECT_EQ(o.rc, 2) << o.err;
  EXPECT_TRUE(contains(o.err, "truncated")) << o.err;
  EXPECT_FALSE(contains(o.err, "-1")) << o.err;
  EXPECT_TRUE(contains(o.err, "stdin")) << o.err;
  // tshark's count of the whole records before the cut is what decode printed.
  const auto t = run_command("head -c " + std::to_string(size - 10) + " '" + pcap +
                             "' | tshark -r - -T fields -e frame.number 2>/dev/null | wc -l");
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), std::stol(t.out)) << o.out;
}

TEST_F(Streams, LineBufferedDecodeGivesEachLineBeforeTheInputEnds) {
  const std::string pcap = scenario_pcap();
  // The pipe stays open for 8 s after the capture: only lines written as they are made
  // reach the file before that.
  const auto feeder = "(cat '" + pcap + "'; sleep 8) | '" + kCli + "' decode ";
  wirestate::test::Child buffered({"sh", "-c", feeder + "-"}, dir_ / "buffered.out", dir_ / "buffered.err");
  wirestate::test::Child lined({"sh", "-c", feeder + "-l -"}, dir_ / "lined.out", dir_ / "lined.err");
  EXPECT_TRUE(lined.wait_for_output("Flags [S]", std::chrono::seconds(6))) << lined.err();
  EXPECT_EQ(buffered.out(), "");  // without -l the lines wait in the buffer for the end
  EXPECT_EQ(lined.wait_exit(std::chrono::seconds(60)), 0) << lined.err();
  EXPECT_EQ(buffered.wait_exit(std::chrono::seconds(60)), 0) << buffered.err();
  EXPECT_EQ(buffered.out(), lined.out());
}

TEST_F(Streams, JunitOnBadInputReplacesAStaleReportWithAnError) {
  const fs::path report = dir_ / "report.xml";
  std::ofstream(report) << "<testsuites><testsuite name=\"stale\" tests=\"1\"><testcase name=\"old\"/></testsuite>"
                           "</testsuites>\n";
  const auto o = run_wirestate("check " + (dir_ / "missing.pcap").string() + " --expect handshake --junit " +
                               report.string());
  EXPECT_EQ(o.rc, 2) << o.err;
  const std::string xml = wirestate::test::slurp(report);
  EXPECT_FALSE(contains(xml, "stale")) << xml;
  EXPECT_TRUE(contains(xml, "errors=\"1\"")) << xml;
  EXPECT_TRUE(contains(xml, "<error message=")) << xml;
  EXPECT_TRUE(contains(xml, "missing.pcap")) << xml;
  // Well-formed XML, as a CI reporter reads it.
  const auto parsed = run_command(std::string(WIRESTATE_PYTHON) +
                                  " -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
                                  "print(r.find(\"testsuite/testcase/error\") is not None)' " + report.string());
  EXPECT_EQ(parsed.out, "True\n");

  // A bad expectation file too.
  const fs::path expect = dir_ / "bad.json";
  std::ofstream(expect) << "{\"expect\": [{\"conn\": 0, \"bogus\": 1}]}";
  const auto bad = run_wirestate("check " + scenario_pcap() + " --expect " + expect.string() + " --junit " +
                                 report.string());
  EXPECT_EQ(bad.rc, 2);
  EXPECT_TRUE(contains(wirestate::test::slurp(report), "/expect/0/bogus")) << wirestate::test::slurp(report);
}

}  // namespace
