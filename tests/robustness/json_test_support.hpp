#pragma once
// Builders of hostile JSON texts for the loader tests.
#include <cstddef>
#include <string>

namespace wirestate::robustness {

// `depth` nested arrays: "[[[ ... ]]]".
inline std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// `depth` nested objects {"a":{"a": ... {} ...}}.
inline std::string nested_objects(std::size_t depth) {
  std::string out;
  out.reserve(depth * 6 + 2);
  for (std::size_t i = 0; i < depth; ++i) out += "{\"a\":";
  out += "{}";
  out.append(depth, '}');
  return out;
}

// A valid two-host scenario with `step` (a JSON object text) as its only step.
inline std::string scenario_with_step(const std::string& step) {
  return R"({"name":"x","hosts":{"a":{"mac":"02:00:00:00:00:01","ip":"10.0.0.1"},)"
         R"("b":{"mac":"02:00:00:00:00:02","ip":"10.0.0.2"}},"steps":[)" +
         step + "]}";
}

}  // namespace wirestate::robustness
