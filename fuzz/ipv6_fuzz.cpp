// libFuzzer target: see harness/ipv6.hpp for what it drives and the input layout.
#include <cstddef>
#include <cstdint>

#include "harness/ipv6.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return wirestate::fuzz::fuzz_ipv6(data, size);
}
