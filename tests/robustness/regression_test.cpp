// Replays every input that ever made a fuzz target fail (tests/regressions/<target>/*)
// through the same harness, one test per file, in a child process: a crash, a sanitizer
// report or a broken harness invariant fails that test alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "robustness/harnesses_support.hpp"
#include "support/param_name.hpp"

namespace {

namespace fs = std::filesystem;
using wirestate::robustness::harness_for;

const fs::path kRegressions = fs::path(WIRESTATE_SOURCE_DIR) / "tests" / "regressions";

struct Case {
  std::string target;  // folder name = fuzz target
  fs::path file;
};

// Every regular file under tests/regressions/<target>/ except READMEs, sorted.
std::vector<Case> all_cases() {
  std::vector<Case> out;
  if (!fs::is_directory(kRegressions)) return out;
  for (const auto& dir : fs::directory_iterator(kRegressions)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      if (!f.is_regular_file() || f.path().extension() == ".md") continue;
      out.push_back({dir.path().filename().string(), f.path()});
    }
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.file < b.file; });
  return out;
}

std::vector<std::uint8_t> read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Regression : public ::testing::TestWithParam<Case> {};

TEST_P(Regression, ReplaysCleanly) {
  const auto& c = GetParam();
  const auto harness = harness_for(c.target);
  ASSERT_NE(harness, nullptr) << "no fuzz harness named " << c.target << " (folder of "
                              << c.file << ")";
  const auto bytes = read_all(c.file);
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        harness(bytes.data(), bytes.size());
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "")
      << c.target << " harness failed on " << c.file;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return wirestate::test::param_name(info.param.target + "_" + info.param.file.filename().string());
}

INSTANTIATE_TEST_SUITE_P(Files, Regression, ::testing::ValuesIn(all_cases()), case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Regression);

// The replay must be able to fail: a harness invariant that does not hold kills the child.
TEST(RegressionReplay, BrokenInvariantIsReportedAsFailure) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(WIRESTATE_FUZZ_CHECK(1 + 1 == 3), "fuzz invariant failed");
}

// Every target folder names a harness (a typo would silently skip its files).
TEST(RegressionReplay, EveryFolderNamesAHarness) {
  ASSERT_TRUE(fs::is_directory(kRegressions));
  for (const auto& dir : fs::directory_iterator(kRegressions)) {
    if (dir.is_directory()) {
      EXPECT_NE(harness_for(dir.path().filename().string()), nullptr) << dir.path();
    }
  }
}

}  // namespace
