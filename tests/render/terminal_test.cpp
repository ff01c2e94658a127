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
  EXPECT_EQ(actual, read_file(golden_path(file))) << "actual:\n" << actual;
}

TEST(TerminalLadder, SeedExample) {
  const auto f = load_fixture("seed");
  expect_golden("seed.txt", to_terminal(build_ladder(f.events, f.frames, {.title = "seed example"})));
}

}  // namespace
}  // namespace wirestate::render
