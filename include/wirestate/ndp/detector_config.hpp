#pragma once
// Settings of ndp::SpoofDetector: table bounds, windows, thresholds, and the allow-list,
// static bindings and declared routers (the ARP detector's types, which take IPv6
// addresses too).
#include <cstddef>
#include <cstdint>

#include "wirestate/arp/detector_config.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::ndp {

struct DetectorConfig {
  // Per-address station database (IPv6 address -> MACs seen); LRU beyond this.
  std::size_t max_addresses = 4096;
  // MACs remembered per address (as the ARP detector's max_macs_per_ip).
  std::size_t max_macs_per_address = 4;
  // Routers remembered (source of router advertisements); LRU beyond this.
  std::size_t max_routers = 64;
  // Solicitations remembered for matching advertisements, and DAD probes remembered for
  // matching their answers; LRU beyond these.
  std::size_t max_solicitations = 4096;
  std::size_t max_dad_probes = 1024;
  // MACs whose answers to DAD probes are counted (dad_denial); LRU beyond this.
  std::size_t max_dad_answerers = 1024;
  // De-duplication memory (rule, address, MAC) -> last alert; LRU beyond this.
  std::size_t max_dedup = 4096;

  // An NA answers an NS for its target seen this recently. RFC 4861 §10: RetransTimer
  // 1 s between solicitations, MAX_MULTICAST_SOLICIT 3; Linux retrans_time_ms = 1000.
  net::Duration solicitation_window = net::Duration::seconds(3);
  // An answer to a DAD probe comes within this of the probe. RFC 4862 §5.1: DupAddr-
  // DetectTransmits 1 probe, RetransTimer 1 s after it; Linux dad_transmits = 1.
  net::Duration dad_window = net::Duration::seconds(2);
  // dad_denial: one MAC answering the DAD probes of at least this many different tentative
  // addresses within dad_denial_window. One answer is a real duplicate (RFC 4862 §5.4.5);
  // answering every probe is the denial of RFC 3756 §4.1.3.
  std::size_t dad_denial_targets = 2;
  net::Duration dad_denial_window = net::Duration::seconds(60);
  // One alert per (rule, address, MAC) per interval; the rest are counted as suppressed.
  net::Duration dedup_interval = net::Duration::seconds(60);
  // ndp_new_station is informational; false stops it from being emitted at all.
  bool report_new_station = true;

  // Addresses and MACs that never raise alerts (except static binding violations).
  arp::AllowList allow;
  // The user's static bindings; the IPv6 entries are this detector's.
  arp::StaticBindings static_bindings;
  // The routers of the link (their link-local addresses and/or MACs). When it holds any,
  // a router advertisement from any other source is a rogue router. When empty, the first
  // router seen is trusted (trust on first use, like NDPMon's learning mode) and any other
  // router advertising later is a rogue router.
  arp::AllowList routers;
};

}  // namespace wirestate::ndp
