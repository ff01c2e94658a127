// Tests that need root, namespaces or a tool (tshark, chromium, setpriv) skip where it is
// missing, with the reason. Plain ctest counts a skip as a pass, so CI would go green without
// ever running them: with WIRESTATE_REQUIRE_ALL=1 in the environment (.ci/run sets it) every
// such skip is a failure instead.
#pragma once

#include <cstdlib>
#include <string_view>

#include <gtest/gtest.h>

namespace wirestate::test {

// True when the environment asks that every test run (WIRESTATE_REQUIRE_ALL set, not "0").
inline bool require_all() {
  const char* v = std::getenv("WIRESTATE_REQUIRE_ALL");
  return v != nullptr && std::string_view(v) != "" && std::string_view(v) != "0";
}

}  // namespace wirestate::test

// Skips the current test with a reason, or fails it with the same reason when
// WIRESTATE_REQUIRE_ALL is set. Used as GTEST_SKIP is: WIRESTATE_SKIP_UNLESS_REQUIRED() << "why";
// (it returns from the enclosing void function, test body or SetUp).
#define WIRESTATE_SKIP_UNLESS_REQUIRED()                                                          \
  return ::testing::internal::AssertHelper(                                                       \
             ::wirestate::test::require_all() ? ::testing::TestPartResult::kFatalFailure         \
                                              : ::testing::TestPartResult::kSkip,                \
             __FILE__, __LINE__,                                                                  \
             ::wirestate::test::require_all() ? "WIRESTATE_REQUIRE_ALL is set, so this skip fails: " \
                                              : "") = ::testing::Message()
