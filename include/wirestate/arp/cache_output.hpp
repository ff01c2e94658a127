#pragma once
// What the cache hands back to its caller after each call: frames to send, waiting
// items that can now go (or never will), and the events of the changes made.
#include <cstdint>
#include <string_view>
#include <vector>

#include "wirestate/arp/cache_event.hpp"
#include "wirestate/arp/frame.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"

namespace wirestate::arp {

// An opaque item waiting for an address (an IPv4 datagram, a frame, ...), with the
// caller's id so it can tell its sender what became of it.
struct QueuedItem {
  std::uint64_t id = 0;
  std::vector<std::uint8_t> bytes;
  bool operator==(const QueuedItem&) const = default;
};

// Why an item will never be sent.
enum class FailReason : std::uint8_t {
  kHostUnreachable,  // "host unreachable": no reply after mcast_solicit requests
  kQueueOverflow,    // "queue overflow": unres_qlen reached, the oldest item is dropped
  kEvicted,          // "evicted": the INCOMPLETE entry was evicted for a newer one
  kRemoved,          // "removed": the entry was removed by the user
};

// The stable name given in the enumerators' comments.
std::string_view to_string(FailReason reason) noexcept;

// An item whose next hop is now known: send it to `mac`.
struct ReleasedItem {
  net::Ipv4Addr ip;
  net::MacAddr mac;
  QueuedItem item;
};

// An item that will not be sent, and why.
struct FailedItem {
  net::Ipv4Addr ip;
  QueuedItem item;
  FailReason reason = FailReason::kHostUnreachable;
};

// Everything one call produced; calls append, the caller clears.
struct CacheOutput {
  std::vector<ArpFrame> send;
  std::vector<ReleasedItem> released;
  std::vector<FailedItem> failed;
  std::vector<CacheEvent> events;
  void clear() {
    send.clear();
    released.clear();
    failed.clear();
    events.clear();
  }
};

}  // namespace wirestate::arp
