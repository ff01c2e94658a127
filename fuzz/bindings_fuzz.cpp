// libFuzzer target: see harness/bindings.hpp for what it drives and the input layout.
#include <cstddef>
#include <cstdint>

#include "harness/bindings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return wirestate::fuzz::fuzz_bindings(data, size);
}
