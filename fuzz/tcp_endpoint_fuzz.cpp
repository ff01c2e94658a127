// libFuzzer target: see harness/tcp_endpoint.hpp for what it drives and the input layout.
#include <cstddef>
#include <cstdint>

#include "harness/tcp_endpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return wirestate::fuzz::fuzz_tcp_endpoint(data, size);
}
