#pragma once
// Virtual and captured time: nanosecond counts. Nothing here reads a clock; time is a
// value that callers pass in.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace wirestate::net {

// A signed span of time in nanoseconds.
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration nanoseconds(std::int64_t n) { return Duration(n); }
  static constexpr Duration microseconds(std::int64_t n) { return Duration(n * 1000); }
  static constexpr Duration milliseconds(std::int64_t n) { return Duration(n * 1000000); }
  static constexpr Duration seconds(std::int64_t n) { return Duration(n * 1000000000); }

  // Parses "15ms", "1.5s", "250us", "100ns", "2m" (minutes); a bare "0" is zero.
  static tl::expected<Duration, std::string> parse(std::string_view text);

  constexpr std::int64_t ns() const noexcept { return ns_; }
  constexpr double seconds_f() const noexcept { return static_cast<double>(ns_) / 1e9; }
  constexpr double milliseconds_f() const noexcept { return static_cast<double>(ns_) / 1e6; }

  constexpr Duration operator+(Duration o) const noexcept { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const noexcept { return Duration(ns_ - o.ns_); }
  constexpr Duration operator*(std::int64_t k) const noexcept { return Duration(ns_ * k); }
  constexpr Duration operator/(std::int64_t k) const noexcept { return Duration(ns_ / k); }
  constexpr Duration& operator+=(Duration o) noexcept { ns_ += o.ns_; return *this; }
  constexpr Duration& operator-=(Duration o) noexcept { ns_ -= o.ns_; return *this; }
  constexpr auto operator<=>(const Duration&) const = default;

  // Shortest exact human form: "1.5ms", "2s", "0".
  std::string to_string() const;

 private:
  constexpr explicit Duration(std::int64_t n) : ns_(n) {}
  std::int64_t ns_ = 0;
};

// A point in time: nanoseconds since an epoch (the Unix epoch for captures, the start
// of the run for simulations).
class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_ns(std::int64_t n) { return Time(n); }
  static constexpr Time max() { return Time(INT64_MAX); }

  constexpr std::int64_t ns() const noexcept { return ns_; }
  constexpr Duration since_epoch() const noexcept { return Duration::nanoseconds(ns_); }

  constexpr Time operator+(Duration d) const noexcept { return Time(ns_ + d.ns()); }
  constexpr Time operator-(Duration d) const noexcept { return Time(ns_ - d.ns()); }
  constexpr Duration operator-(Time o) const noexcept { return Duration::nanoseconds(ns_ - o.ns_); }
  constexpr Time& operator+=(Duration d) noexcept { ns_ += d.ns(); return *this; }
  constexpr auto operator<=>(const Time&) const = default;

  // "seconds.nanoseconds" with 9 decimals, as tshark's frame.time_epoch.
  std::string to_epoch_string() const;

 private:
  constexpr explicit Time(std::int64_t n) : ns_(n) {}
  std::int64_t ns_ = 0;
};

}  // namespace wirestate::net
