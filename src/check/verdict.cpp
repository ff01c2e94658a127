#include "wirestate/check/verdict.hpp"

#include <algorithm>

namespace wirestate::check {

bool all_pass(const std::vector<Verdict>& verdicts) {
  return std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.pass; });
}

}  // namespace wirestate::check
