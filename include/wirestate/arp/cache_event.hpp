#pragma once
// What an arp::Cache reports: every change of an entry (old/new MAC and state, cause,
// time) and the steps of the RFC 5227 address claim.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::arp {

// Entry states (Linux NUD_* names; DELAY/PROBE are folded into STALE's re-validation).
enum class EntryState : std::uint8_t {
  kIncomplete,  // resolution in progress: requests broadcast, items queued
  kReachable,   // confirmed within reachable_time
  kStale,       // usable but unconfirmed; re-validated by unicast requests when used
  kPermanent,   // static: never ages, never replaced by ARP traffic
};

// "INCOMPLETE", "REACHABLE", "STALE", "PERMANENT" (as `ip neigh` prints them).
std::string_view to_string(EntryState state) noexcept;
std::optional<EntryState> parse_entry_state(std::string_view name) noexcept;

// Why something changed; to_string() gives the stable name used in traces.
enum class Cause : std::uint8_t {
  kResolve,             // "resolve": a lookup missed, INCOMPLETE entry created
  kRequestRetry,        // "request retry": another broadcast request (no state change)
  kLearnRequest,        // "rcv request": sender of a request merged/added (RFC 826)
  kLearnReply,          // "rcv reply": sender of a reply merged/added (RFC 826)
  kLearnGratuitous,     // "rcv gratuitous": a gratuitous ARP updated an entry
  kReachableExpired,    // "timer reachable_time": REACHABLE -> STALE
  kGcExpired,           // "timer gc_stale_time": unused STALE entry removed
  kRevalidate,          // "revalidate": unicast request sent for a used STALE entry
  kResolutionFailed,    // "host unreachable": no reply after mcast_solicit requests
  kRevalidationFailed,  // "revalidation failed": no reply after ucast_solicit requests
  kEvicted,             // "evicted": least recently used entry removed for a new one
  kQueueOverflow,       // "queue overflow": oldest waiting item dropped
  kStaticAdded,         // "static": a PERMANENT entry was added
  kRemoved,             // "removed": the user removed an entry
  kProbeSent,           // "probe": RFC 5227 §2.1 probe sent
  kAnnounceSent,        // "announce": RFC 5227 §2.3 announcement sent
  kAddressClaimed,      // "address claimed": probing done, the address is ours
  kProbeConflict,       // "probe conflict": RFC 5227 §2.1.1 conflict, address not used
  kAddressConflict,     // "address conflict": our bound address claimed by another MAC
  kAddressDefended,     // "address defended": RFC 5227 §2.4 (b) announcement sent
};

// The stable name of a cause (see the enumerators' comments).
std::string_view to_string(Cause cause) noexcept;
std::optional<Cause> parse_cause(std::string_view name) noexcept;

// One change, at one point in time.
struct CacheEvent {
  net::Time time;
  net::Ipv4Addr ip;
  std::optional<net::MacAddr> old_mac;
  std::optional<net::MacAddr> new_mac;
  std::optional<EntryState> old_state;  // nullopt: the entry did not exist
  std::optional<EntryState> new_state;  // nullopt: the entry is gone
  Cause cause = Cause::kResolve;
  std::uint64_t packet = 0;  // the received packet that caused it, 0 when none did
  std::size_t items = 0;     // queued items failed or dropped by this change
};

}  // namespace wirestate::arp
