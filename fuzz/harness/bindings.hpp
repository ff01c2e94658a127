#pragma once
// Fuzz entry for the ARP static bindings loader (arp::parse_static_bindings): any text
// yields bindings or an error naming the origin, never an escaped exception or a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "input.hpp"
#include "wirestate/arp/static_bindings.hpp"

namespace wirestate::fuzz {

// One fuzz input: the JSON text.
inline int fuzz_bindings(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = arp::parse_static_bindings(text, "fuzz.json");
  if (result) {
    WIRESTATE_FUZZ_CHECK(result->size() <= arp::kMaxStaticBindings);
  } else {
    WIRESTATE_FUZZ_CHECK(result.error().rfind("fuzz.json: ", 0) == 0);
  }
  return 0;
}

}  // namespace wirestate::fuzz
