#pragma once
// Fuzz entry for the strict scenario loader (scenario::load_string): any text yields a
// Scenario or a LoadError that names a place, never a crash or a stack overflow.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "input.hpp"
#include "wirestate/scenario/load.hpp"

namespace wirestate::fuzz {

// One fuzz input: the scenario text.
inline int fuzz_scenario(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = scenario::load_string(text, "fuzz.json");
  if (!result) {
    const auto message = result.error().to_string();
    WIRESTATE_FUZZ_CHECK(message.rfind("fuzz.json: ", 0) == 0);
    WIRESTATE_FUZZ_CHECK(!result.error().expected.empty());
  }
  return 0;
}

}  // namespace wirestate::fuzz
