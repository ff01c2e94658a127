#pragma once
// Settings of a simulated host's ARP cache, with Linux's defaults next to each
// (Documentation/networking/ip-sysctl.rst, /proc/sys/net/ipv4/neigh/default/*) and the
// RFC 5227 start-up timers (RFC 5227 §1.1).
#include <cstddef>
#include <cstdint>

#include "wirestate/net/time.hpp"

namespace wirestate::arp {

// What a host does with its address when it starts.
enum class Startup : std::uint8_t {
  kNone,              // nothing: the address is usable at once (Linux's default)
  kAnnounce,          // ANNOUNCE_NUM gratuitous ARP announcements (RFC 5227 §2.3 only)
  kProbeAndAnnounce,  // RFC 5227 §2.1 probes, then §2.3 announcements
};

// RFC 5227 §1.1 constants (defaults are the RFC's values).
struct ClaimConfig {
  Startup startup = Startup::kNone;
  net::Duration probe_wait = net::Duration::seconds(1);         // PROBE_WAIT: initial random delay
  int probe_num = 3;                                            // PROBE_NUM
  net::Duration probe_min = net::Duration::seconds(1);          // PROBE_MIN
  net::Duration probe_max = net::Duration::seconds(2);          // PROBE_MAX
  net::Duration announce_wait = net::Duration::seconds(2);      // ANNOUNCE_WAIT
  int announce_num = 2;                                         // ANNOUNCE_NUM
  net::Duration announce_interval = net::Duration::seconds(2);  // ANNOUNCE_INTERVAL
  net::Duration defend_interval = net::Duration::seconds(10);   // DEFEND_INTERVAL (§2.4 (b))
  // When false, every random delay takes its lower bound's partner deterministically:
  // the first probe waits probe_wait, probes are probe_min apart. When true the delays
  // are uniform in the RFC's ranges, drawn from a generator seeded with `seed`.
  bool randomize = true;
  std::uint64_t seed = 1;
};

struct CacheConfig {
  // Dynamic (non-static) entries; the least recently used one is evicted when a new
  // one is needed. Linux: gc_thresh3 = 1024 (hard maximum of the neighbour table).
  std::size_t max_entries = 1024;
  // Static (PERMANENT) entries; add_static() fails beyond this. Linux counts them in
  // gc_thresh3 but never evicts them; we keep them in their own bounded table.
  std::size_t max_static = 256;
  // REACHABLE lasts this long after a confirmation. Linux: base_reachable_time_ms =
  // 30000, and the kernel draws reachable_time uniformly in [base/2, 3*base/2]; we use
  // the base value itself so runs are reproducible without a random source.
  net::Duration reachable_time = net::Duration::seconds(30);
  // A STALE entry unused for this long is removed. Linux: gc_stale_time = 60 s (the
  // kernel only collects when the table is above gc_thresh1 = 128; we always do).
  net::Duration gc_stale_time = net::Duration::seconds(60);
  // Interval between requests of one resolution. Linux: retrans_time_ms = 1000.
  net::Duration retrans_time = net::Duration::seconds(1);
  // Broadcast requests sent for one resolution before it fails (host unreachable).
  // Linux: mcast_solicit = 3 (arp_basic.pcap shows 3 who-has 1 s apart for an absent host).
  int mcast_solicit = 3;
  // Unicast re-validation requests sent to a STALE entry's MAC when it is used.
  // Linux: ucast_solicit = 3 (after delay_first_probe_time = 5 s in DELAY; we probe
  // at once because the simulator has no upper-layer reachability confirmations).
  int ucast_solicit = 3;
  // Items waiting for one address. Linux bounds by bytes (unres_qlen_bytes = 212992,
  // shown as unres_qlen = 101 packets); when full the OLDEST item is dropped.
  std::size_t unres_qlen = 101;
  // An entry's MAC is not replaced by a different one within this time of its last
  // update, unless by a gratuitous ARP. Linux: locktime = 1 s (arp_process, "override").
  net::Duration locktime = net::Duration::seconds(1);
  // RFC 826: a packet whose target IP is ours adds its sender. That holds for requests
  // always; for replies we did not ask for it holds only when this is true. RFC 826
  // says true; Linux's default arp_accept = 0 says false.
  bool accept_unsolicited_replies = true;
  ClaimConfig claim;
};

}  // namespace wirestate::arp
