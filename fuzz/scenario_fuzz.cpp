// libFuzzer target: see harness/scenario.hpp for what it drives and the input layout.
#include <cstddef>
#include <cstdint>

#include "harness/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return wirestate::fuzz::fuzz_scenario(data, size);
}
