#pragma once
// JSON parsing for the scenario loader, stricter than nlohmann's default: invalid UTF-8,
// duplicate keys, nesting deeper than kMaxDepth, objects with more than kMaxKeysPerObject
// keys and non-finite numbers (1e400) are errors with a place, never silently accepted.
// Object keys keep their file order. Used by the scenario loader and the check module.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace wirestate::scenario::detail {

using Json = nlohmann::ordered_json;

// A problem at a place: a JSON pointer or "line:column".
struct Fail {
  std::string location;
  std::string expected;
  std::string got;
};

// "line:column" (1-based; columns count UTF-8 characters) of byte offset `offset` in text.
std::string line_column(std::string_view text, std::size_t offset);
// Appends one JSON pointer token to pointer, escaped per RFC 6901 §3 ("~" -> "~0", "/" -> "~1").
std::string pointer_join(std::string_view pointer, std::string_view token);
// Parses text with the limits above.
tl::expected<Json, Fail> parse_strict_json(std::string_view text, std::size_t max_depth,
                                           std::size_t max_keys_per_object);

}  // namespace wirestate::scenario::detail
