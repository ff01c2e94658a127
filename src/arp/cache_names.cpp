// Stable names of the cache's enums (used in traces and tests).
#include "wirestate/arp/address_claim.hpp"
#include "wirestate/arp/cache_event.hpp"
#include "wirestate/arp/cache_output.hpp"

namespace wirestate::arp {

std::string_view to_string(EntryState state) noexcept {
  switch (state) {
    case EntryState::kIncomplete: return "INCOMPLETE";
    case EntryState::kReachable: return "REACHABLE";
    case EntryState::kStale: return "STALE";
    case EntryState::kPermanent: return "PERMANENT";
  }
  return "?";
}

std::string_view to_string(Cause cause) noexcept {
  switch (cause) {
    case Cause::kResolve: return "resolve";
    case Cause::kRequestRetry: return "request retry";
    case Cause::kLearnRequest: return "rcv request";
    case Cause::kLearnReply: return "rcv reply";
    case Cause::kLearnGratuitous: return "rcv gratuitous";
    case Cause::kReachableExpired: return "timer reachable_time";
    case Cause::kGcExpired: return "timer gc_stale_time";
    case Cause::kRevalidate: return "revalidate";
    case Cause::kResolutionFailed: return "host unreachable";
    case Cause::kRevalidationFailed: return "revalidation failed";
    case Cause::kEvicted: return "evicted";
    case Cause::kQueueOverflow: return "queue overflow";
    case Cause::kStaticAdded: return "static";
    case Cause::kRemoved: return "removed";
    case Cause::kProbeSent: return "probe";
    case Cause::kAnnounceSent: return "announce";
    case Cause::kAddressClaimed: return "address claimed";
    case Cause::kProbeConflict: return "probe conflict";
    case Cause::kAddressConflict: return "address conflict";
    case Cause::kAddressDefended: return "address defended";
  }
  return "?";
}

// The enumerator whose to_string() is `name`, walking the enum from its first value to
// its last.
template <class Enum>
std::optional<Enum> parse_by_name(std::string_view name, Enum last) noexcept {
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    if (to_string(static_cast<Enum>(i)) == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

std::optional<EntryState> parse_entry_state(std::string_view name) noexcept {
  return parse_by_name(name, EntryState::kPermanent);
}

std::optional<Cause> parse_cause(std::string_view name) noexcept { return parse_by_name(name, Cause::kAddressDefended); }

std::string_view to_string(FailReason reason) noexcept {
  switch (reason) {
    case FailReason::kHostUnreachable: return "host unreachable";
    case FailReason::kQueueOverflow: return "queue overflow";
    case FailReason::kEvicted: return "evicted";
    case FailReason::kRemoved: return "removed";
  }
  return "?";
}

std::string_view to_string(ClaimState state) noexcept {
  switch (state) {
    case ClaimState::kIdle: return "idle";
    case ClaimState::kWaiting: return "waiting";
    case ClaimState::kProbing: return "probing";
    case ClaimState::kAnnouncing: return "announcing";
    case ClaimState::kBound: return "bound";
    case ClaimState::kConflict: return "conflict";
  }
  return "?";
}

}  // namespace wirestate::arp
