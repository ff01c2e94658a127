#pragma once
// The strict scenario loader. Nothing runs unless the whole file is valid; the first
// problem found is returned as a LoadError naming the file, the place and what was
// expected, e.g.
//   scenarios/x.json: /steps/3/at: expected a duration like "15ms" or "+5ms", got 12
//   scenarios/x.json: 4:17: expected valid JSON, got syntax error ... (a syntax error)
// Limits (each an error, never a crash): kMaxFileBytes, kMaxDepth, kMaxKeysPerObject,
// kMaxSteps; invalid UTF-8, duplicate keys, unknown keys, non-finite numbers.
#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "wirestate/scenario/scenario.hpp"

namespace wirestate::scenario {

inline constexpr std::size_t kMaxFileBytes = 32u << 20;
inline constexpr std::size_t kMaxDepth = 64;
inline constexpr std::size_t kMaxKeysPerObject = 4096;
inline constexpr std::size_t kMaxSteps = 1000000;
inline constexpr std::size_t kMaxHosts = 4096;
// Times and durations above this are refused (a run of more than a day is a typo).
inline constexpr net::Duration kMaxTime = net::Duration::seconds(86400);

struct LoadError {
  std::string file;      // the path or source name given
  std::string location;  // a JSON pointer ("/steps/3/at", "" for the root) or "line:column"
  std::string expected;  // "expected a duration like \"15ms\" or \"+5ms\""
  std::string got;       // what was there ("12"); may be empty

  // "FILE: LOCATION: EXPECTED, got GOT" (the root is shown as "/").
  std::string to_string() const;
};

// Reads and validates a scenario file.
tl::expected<Scenario, LoadError> load_file(const std::string& path);
// Validates scenario text; source_name is used as the file in errors.
tl::expected<Scenario, LoadError> load_string(std::string_view text, std::string_view source_name);

}  // namespace wirestate::scenario
