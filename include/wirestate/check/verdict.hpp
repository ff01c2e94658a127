#pragma once
// The outcome of one expectation, on a scenario run or on a capture.
#include <cstdint>
#include <string>
#include <vector>

namespace wirestate::check {

struct Verdict {
  std::string pointer;      // where the expectation was written ("/expect/2", "preset handshake")
  std::string name;         // one line: what was expected ("c client states SYN_SENT ... CLOSED")
  bool pass = false;
  std::string detail;       // why it failed (expected vs actual, the packet that broke it)
  std::uint64_t packet = 0; // the packet that broke it, 0 when none applies
};

// True when every verdict passed.
bool all_pass(const std::vector<Verdict>& verdicts);

}  // namespace wirestate::check
