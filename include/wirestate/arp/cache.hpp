#pragma once
// The ARP cache and resolver of one simulated host (RFC 826, Linux neighbour states,
// RFC 5227 start-up). Bounded, time passed in, every change reported as a CacheEvent.
//
// Usage: call submit()/resolve() to send, on_arp() for every received ARP frame,
// on_timer(now) whenever now reaches next_deadline(); send what CacheOutput::send holds,
// forward CacheOutput::released items, report CacheOutput::failed items to their senders.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "wirestate/arp/address_claim.hpp"
#include "wirestate/arp/cache_config.hpp"
#include "wirestate/arp/cache_event.hpp"
#include "wirestate/arp/cache_output.hpp"
#include "wirestate/arp/frame.hpp"
#include "wirestate/arp/lru_map.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::arp {

// A snapshot of one entry, as `ip neigh` shows it.
struct EntryInfo {
  net::Ipv4Addr ip;
  std::optional<net::MacAddr> mac;  // nullopt while INCOMPLETE
  EntryState state = EntryState::kIncomplete;
  net::Time updated;                // last change of MAC or state, or confirmation
  std::size_t queued = 0;           // items waiting (INCOMPLETE only)
};

// What submit() did with an item.
enum class Submit : std::uint8_t {
  kReleased,  // the MAC is known: the item is in CacheOutput::released already
  kQueued,    // waiting for a reply
  kFailed,    // in CacheOutput::failed (cannot happen today; reserved for a full static table)
};

// Running totals, for the closing report and for tests.
struct CacheCounters {
  std::uint64_t requests_sent = 0;     // broadcast and unicast requests
  std::uint64_t replies_sent = 0;
  std::uint64_t evictions = 0;         // dynamic entries evicted (LRU)
  std::uint64_t queue_drops = 0;       // items dropped by unres_qlen
  std::uint64_t resolution_failures = 0;
  std::uint64_t locktime_ignored = 0;  // MAC changes ignored within locktime
  std::uint64_t ignored_frames = 0;    // own, bogus or unusable ARP frames
};

class Cache {
 public:
  // A cache for the host owning (our_mac, our_ip).
  Cache(const CacheConfig& config, net::MacAddr our_mac, net::Ipv4Addr our_ip);

  // Runs the configured start-up (RFC 5227 probe/announce, or gratuitous ARP).
  void start(net::Time now, CacheOutput& out);

  // The MAC for ip when known (REACHABLE, STALE or PERMANENT; a STALE hit starts a
  // unicast re-validation). Otherwise starts a resolution (broadcast request in
  // out.send) or joins the one in progress, and returns nullopt.
  std::optional<net::MacAddr> resolve(net::Ipv4Addr ip, net::Time now, CacheOutput& out);

  // Sends item to ip: released at once when the MAC is known, else queued (bounded by
  // unres_qlen; the oldest item is dropped into out.failed when full) until a reply.
  Submit submit(net::Ipv4Addr ip, QueuedItem item, net::Time now, CacheOutput& out);

  // Processes one received ARP frame: conflict detection, RFC 826 learning, and a reply
  // in out.send when it is a request for our address.
  void on_arp(const ArpFrame& frame, net::Time now, CacheOutput& out);

  // Runs every timer due at or before now (retries, ageing, failures, claim steps).
  void on_timer(net::Time now, CacheOutput& out);

  // When on_timer() must next be called; Time::max() when nothing is pending.
  net::Time next_deadline() const;

  // Adds a PERMANENT entry (replacing a dynamic one; its queue is released). False when
  // the static table is full.
  bool add_static(net::Ipv4Addr ip, net::MacAddr mac, net::Time now, CacheOutput& out);

  // Removes an entry (static or dynamic); queued items fail with kRemoved.
  bool remove(net::Ipv4Addr ip, net::Time now, CacheOutput& out);

  // The entry for ip, without side effects.
  std::optional<EntryInfo> lookup(net::Ipv4Addr ip) const;
  // All entries: static ones first, then dynamic ones most recently used first.
  std::vector<EntryInfo> entries() const;
  // Dynamic plus static entries.
  std::size_t size() const noexcept { return dynamic_.size() + static_.size(); }

  const CacheCounters& counters() const noexcept { return counters_; }
  ClaimState claim_state() const noexcept { return claim_.state(); }
  // False while RFC 5227 probing is in progress or after a probe conflict.
  bool address_usable() const noexcept { return claim_.usable(); }
  net::MacAddr our_mac() const noexcept { return our_mac_; }
  net::Ipv4Addr our_ip() const noexcept { return our_ip_; }

 private:
  struct Entry {
    EntryState state = EntryState::kIncomplete;
    net::MacAddr mac;
    net::Time updated;       // last MAC/state change or confirmation
    net::Time used;          // last resolve()/submit() hit
    net::Time last_sent;     // last request sent (INCOMPLETE, or re-validating STALE)
    int requests = 0;        // requests sent in this resolution / re-validation
    bool revalidating = false;
    std::deque<QueuedItem> queue;
  };

  Entry* start_resolution(net::Ipv4Addr ip, net::Time now, CacheOutput& out);
  void create_entry(net::Ipv4Addr ip, Entry entry, Cause cause, net::Time now, CacheOutput& out,
                    std::uint64_t packet);
  void merge(net::Ipv4Addr ip, Entry& e, const ArpFrame& frame, net::Time now, CacheOutput& out);
  // The one place an entry changes state or MAC; records the event.
  void transition(net::Ipv4Addr ip, Entry& e, EntryState to, net::MacAddr mac, Cause cause,
                  net::Time now, CacheOutput& out, std::uint64_t packet = 0);
  void release_queue(net::Ipv4Addr ip, Entry& e, CacheOutput& out);
  void fail_queue(net::Ipv4Addr ip, Entry& e, FailReason reason, CacheOutput& out);
  void drop_entry(net::Ipv4Addr ip, Cause cause, FailReason reason, net::Time now,
                  CacheOutput& out);
  void run_entry_timer(net::Ipv4Addr ip, net::Time now, CacheOutput& out);
  net::Time deadline_of(const Entry& e) const;
  void send_request(net::Ipv4Addr ip, net::MacAddr eth_dst, net::Time now, CacheOutput& out);
  void send_reply(const ArpFrame& to, net::Time now, CacheOutput& out);

  CacheConfig config_;
  net::MacAddr our_mac_;
  net::Ipv4Addr our_ip_;
  LruMap<net::Ipv4Addr, Entry> dynamic_;
  std::unordered_map<net::Ipv4Addr, net::MacAddr> static_;  // bounded by max_static
  AddressClaim claim_;
  CacheCounters counters_;
};

}  // namespace wirestate::arp
