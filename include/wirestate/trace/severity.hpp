#pragma once
// How much an alert matters. Its own header: the ARP detector, the IP layer and the trace
// vocabulary all use it, and it depends on nothing.
#include <cstdint>
#include <string_view>

namespace wirestate::trace {

enum class Severity : std::uint8_t { kInfo, kWarning, kCritical };

// "info", "warning", "critical".
constexpr std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kCritical: return "critical";
  }
  return "?";
}

}  // namespace wirestate::trace
