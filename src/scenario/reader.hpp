#pragma once
// Typed, strict reads of JSON values for the scenario loader. A Reader keeps the first
// problem found (the place, what was expected, what was there); later reads after a
// failure return harmless defaults, and each parsing function checks failed() before it
// uses what it read. Internal to src/scenario.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wirestate/scenario/strict_json.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/scenario/scenario.hpp"

namespace wirestate::scenario::detail {

class Reader {
 public:
  bool failed() const noexcept { return failure_.has_value(); }
  const std::optional<Fail>& failure() const noexcept { return failure_; }
  // Records a failure (only the first one counts); always returns false.
  bool fail(std::string location, std::string expected, std::string got);
  // Records "expected ..., got <the value>".
  bool fail_value(const std::string& location, std::string expected, const Json& got);

  // Type checks that record a failure when the value is of another type.
  bool is_object(const Json& j, const std::string& ptr, std::string_view what = "an object");
  bool is_array(const Json& j, const std::string& ptr, std::string_view what = "an array");

  std::string string(const Json& j, const std::string& ptr, std::string_view what = "a string");
  bool boolean(const Json& j, const std::string& ptr);
  // An integer (not a float, not a string) in [lo, hi].
  std::uint64_t integer(const Json& j, const std::string& ptr, std::uint64_t lo, std::uint64_t hi,
                        std::string_view what = "");
  // A number in [0, 1].
  double probability(const Json& j, const std::string& ptr);
  // A duration string ("15ms"), 0 <= d <= kMaxTime.
  net::Duration duration(const Json& j, const std::string& ptr);
  net::MacAddr mac(const Json& j, const std::string& ptr);
  net::Ipv4Addr ip(const Json& j, const std::string& ptr);
  // "100Mbit", "1Gbit", "10kbit", "1.5Mbit", "9600bit" -> bits per second.
  std::uint64_t bandwidth(const Json& j, const std::string& ptr);
  // Hex bytes: "deadbeef", "de ad be ef", "de:ad:be:ef".
  std::vector<std::uint8_t> hex(const Json& j, const std::string& ptr);
  // A name of letters, digits, '_', '-', '.' (hosts, connections), 1..64 characters.
  std::string name(const Json& j, const std::string& ptr, std::string_view what);

 private:
  std::optional<Fail> failure_;
};

// The keys of one object: unknown keys are refused at construction (the first, in file
// order, naming the allowed ones); get() and require() read the known ones.
class ObjectReader {
 public:
  ObjectReader(Reader& r, const Json& j, std::string ptr, std::initializer_list<std::string_view> allowed);
  // The value of key, or nullptr when absent.
  const Json* get(std::string_view key) const;
  // The value of key; records "expected a \"key\" field" at this object when absent.
  const Json* require(std::string_view key) const;
  bool has(std::string_view key) const { return get(key) != nullptr; }
  // The pointer of a key inside this object.
  std::string at(std::string_view key) const { return pointer_join(ptr_, key); }
  const std::string& pointer() const noexcept { return ptr_; }
  bool ok() const noexcept { return ok_; }

 private:
  Reader& r_;
  const Json* j_;
  std::string ptr_;
  bool ok_ = false;
};

// The value rendered for "got ...": JSON text, cut at 60 characters.
std::string render(const Json& j);

// Text, hex or a byte count from keys "text" | "hex" | "bytes" of an object; exactly one.
Payload read_payload(Reader& r, const ObjectReader& o, std::uint64_t max_count);

}  // namespace wirestate::scenario::detail
