#pragma once
// Settings of arp::SpoofDetector: table bounds, windows, thresholds, allow-list and the
// user's static IP -> MAC bindings. The allow-list and the bindings take addresses of
// either family: the NDP detector (ndp::DetectorConfig) uses the same two types.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::arp {

// A block of MACs: the first `bits` bits of `base` (48 = one address).
struct MacPrefix {
  net::MacAddr base;
  int bits = 48;
  // True when mac starts with the prefix's bits.
  bool matches(net::MacAddr mac) const noexcept;
};

// Addresses that never raise alerts (except static_binding_violation, which the user's
// own bindings decide): virtual router MACs, proxy-ARP routers, load balancers.
struct AllowList {
  std::unordered_set<net::MacAddr> macs;
  std::vector<MacPrefix> mac_prefixes;
  std::unordered_set<net::IpAddr> ips;  // IPv4 and IPv6

  bool contains(net::MacAddr mac) const noexcept;
  bool contains(const net::IpAddr& ip) const noexcept { return ips.contains(ip); }
  // Adds the virtual router MAC blocks: VRRP and CARP 00:00:5e:00:01:XX (RFC 5798 §7.3),
  // HSRP v1 00:00:0c:07:ac:XX, HSRP v2 00:00:0c:9f:fX:XX, GLBP 00:07:b4:XX:XX:XX.
  void add_virtual_router_macs();
};

// Known IP -> MAC bindings (the user's arpspoof_detect_host list, as in Snort); IPv4
// entries are the ARP detector's, IPv6 ones the NDP detector's.
using StaticBindings = std::unordered_map<net::IpAddr, net::MacAddr>;

struct DetectorConfig {
  // Per-IP binding table (IP -> MACs seen, first/last times); LRU beyond this.
  std::size_t max_ips = 4096;
  // MACs remembered per IP (arpwatch keeps the current and previous; we keep a few
  // more so reused_old_mac can fire); the least recently seen one is forgotten.
  std::size_t max_macs_per_ip = 4;
  // Per-MAC table (IPs claimed, request rate); LRU beyond this.
  std::size_t max_macs = 4096;
  // IPs remembered per MAC.
  std::size_t max_ips_per_mac = 8;
  // Requests remembered for matching replies; LRU beyond this.
  std::size_t max_pending_requests = 4096;
  // De-duplication memory (rule, IP, MAC) -> last alert; LRU beyond this.
  std::size_t max_dedup = 4096;

  // A reply answers a request for the same (requester IP, asked IP) seen this recently.
  // Linux re-sends after retrans_time (1 s), so a later reply answers nobody.
  net::Duration reply_window = net::Duration::seconds(1);
  // Two MACs replying for one IP within this window: duplicate_address.
  net::Duration duplicate_window = net::Duration::seconds(5);
  // One alert per (rule, IP, MAC) per interval; the rest are counted as suppressed.
  net::Duration dedup_interval = net::Duration::seconds(60);
  // arp_storm: more than storm_requests requests from one Ethernet source within
  // storm_period (Wireshark's defaults are 30 requests per 100 ms, network-wide).
  std::uint32_t storm_requests = 30;
  net::Duration storm_period = net::Duration::seconds(1);
  // one_mac_many_ips: a MAC claiming at least this many IPs, each seen within
  // many_ips_window.
  std::size_t many_ips_threshold = 2;
  net::Duration many_ips_window = net::Duration::seconds(300);
  // new_station is informational; false stops it from being emitted at all.
  bool report_new_station = true;

  AllowList allow;
  StaticBindings static_bindings;
};

}  // namespace wirestate::arp
