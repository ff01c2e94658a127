// Golden-output tests of the terminal ladder for small simulated runs (their traces are
// under tests/render/golden/*.trace.json, the expected drawings next to them).
#include "wirestate/render/terminal.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "trace_fixture.hpp"

namespace wirestate::render {
namespace {

using testing::golden_path;
using testing::load_fixture;
using testing::read_file;

// Compares with the golden file; WIRESTATE_UPDATE_GOLDEN=1 rewrites it instead.
void expect_golden(const std::string& file, const std::string& actual) {
  if (std::getenv("WIRESTATE_UPDATE_GOLDEN")) {
    std::ofstream(golden_path(file), std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << golden_path(file);
  }
  const std::string expected = read_file(golden_path(file));
  EXPECT_TRUE(actual == expected) << "actual:\n" << actual << "\nexpected (" << golden_path(file) << "):\n" << expected;
}

TEST(TerminalLadder, SeedExample) {
  const auto f = load_fixture("seed");
  expect_golden("seed.txt", to_terminal(build_ladder(f.events, f.frames, {.title = "seed example"})));
}

// A data segment lost on the link (three frames cross out) and its retransmission 200 ms later.
TEST(TerminalLadder, LostSegmentAndRetransmission) {
  const auto f = load_fixture("lost_segment");
  expect_golden("lost_segment.txt", to_terminal(build_ladder(f.events, f.frames, {.title = "lost segment"})));
}

// Three hosts: the attacker's lifeline, its spoofed broadcast reply, a simultaneous close.
TEST(TerminalLadder, ThreeHostsWithAnAttacker) {
  const auto f = load_fixture("attacker_sim");
  expect_golden("attacker_sim.txt", to_terminal(build_ladder(f.events, f.frames, {.title = "attacker"}), {.width = 120}));
}

// The passive monitor's view of the same wire: addresses as lifelines, alerts noted.
TEST(TerminalLadder, CaptureOneSectionPerConnection) {
  const auto f = load_fixture("attacker_capture");
  expect_golden("attacker_capture.txt",
                to_terminal(build_ladder(f.events, f.frames, {.per_connection = true, .title = "capture"}), {.width = 120}));
}

TEST(TerminalLadder, ColorMarksStatesLossAndRetransmission) {
  const auto f = load_fixture("lost_segment");
  const std::string out = to_terminal(build_ladder(f.events, f.frames), {.color = true});
  EXPECT_NE(out.find("\x1b[1;32mESTABLISHED"), std::string::npos);  // states: bold green
  EXPECT_NE(out.find("\x1b[31m"), std::string::npos);                // lost: red
  EXPECT_NE(out.find("\x1b[33m"), std::string::npos);                // retransmission: yellow
  const std::string plain = to_terminal(build_ladder(f.events, f.frames));
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
}

TEST(TerminalLadder, WideCharactersKeepTheRightLifelineAligned) {
  const auto f = load_fixture("seed");
  const std::string out = to_terminal(build_ladder(f.events, f.frames));
  // Column of the right lifeline on the "你好" line equals that on the line before it.
  auto column_of_last_bar = [](const std::string& line) {
    int col = 0, last = -1;
    for (std::size_t i = 0; i < line.size();) {
      const auto c = static_cast<unsigned char>(line[i]);
      const std::size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
      const std::string g = line.substr(i, n);
      if (g == "│" || g == "▶") last = col + (g == "▶" ? 1 : 0);
      col += (n == 3 && c == 0xe4) || (n == 3 && c == 0xe5) ? 2 : 1;  // the CJK of this test
      i += n;
    }
    return last;
  };
  const auto at = out.find("你好");
  ASSERT_NE(at, std::string::npos);
  const auto begin = out.rfind('\n', at) + 1;
  const auto prev_begin = out.rfind('\n', begin - 2) + 1;
  EXPECT_EQ(column_of_last_bar(out.substr(begin, out.find('\n', at) - begin)),
            column_of_last_bar(out.substr(prev_begin, begin - 1 - prev_begin)));
}

TEST(TerminalLadder, UnmatchedSelectorIsSaid) {
  const auto f = load_fixture("seed");
  const std::string out = to_terminal(build_ladder(f.events, f.frames, {.select = {":9"}}));
  EXPECT_NE(out.find("no connection matches ':9'"), std::string::npos) << out;
}

}  // namespace
}  // namespace wirestate::render
