#pragma once
// A passive ARP spoofing detector for captures, live interfaces and the simulator.
// It joins the rules of arpwatch (station database: new station, changed / flip flop /
// reused old ethernet address, bogons), Snort's arp_spoof inspector (Ethernet/ARP
// mismatches, unicast requests, overwrite of configured hosts) and Wireshark's ARP
// analysis (duplicate address, request storms), made stateful and scoped so that a
// quiet real LAN raises nothing but new_station. Every table is bounded (LRU) and
// counts its evictions; alerts are de-duplicated per (rule, IP, MAC) and interval.
// The station database and the alert gate are shared with ndp::SpoofDetector.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wirestate/arp/alert.hpp"
#include "wirestate/arp/alert_gate.hpp"
#include "wirestate/arp/detector_config.hpp"
#include "wirestate/arp/frame.hpp"
#include "wirestate/arp/lru_map.hpp"
#include "wirestate/arp/station_history.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::arp {

// Running totals.
struct DetectorCounters {
  std::uint64_t frames = 0;
  std::uint64_t probes = 0;                // RFC 5227 probes (sender IP 0.0.0.0)
  std::uint64_t alerts = 0;                // alerts emitted
  std::uint64_t suppressed = 0;            // alerts swallowed by de-duplication
  std::uint64_t allowed = 0;               // alerts swallowed by the allow-list
  std::array<std::uint64_t, kRuleCount> by_rule{};  // emitted, per rule
  std::uint64_t ip_evictions = 0;          // per-IP binding table
  std::uint64_t mac_evictions = 0;         // per-MAC table
  std::uint64_t pending_evictions = 0;     // request table
  std::uint64_t dedup_evictions = 0;       // de-duplication table
};

// What the detector currently believes about one IP.
struct BindingInfo {
  net::MacAddr mac;       // current binding
  net::Time first_seen;   // of this MAC for this IP
  net::Time last_seen;
  std::size_t macs_seen;  // distinct MACs remembered for this IP
};

class SpoofDetector {
 public:
  explicit SpoofDetector(DetectorConfig config = {});

  // Looks at one ARP frame (in capture order) and appends the alerts it raises.
  void observe(const ArpFrame& frame, std::vector<Alert>& alerts);
  // Convenience: the alerts of one frame.
  std::vector<Alert> observe(const ArpFrame& frame);

  // The current binding of ip, if the detector has one.
  std::optional<BindingInfo> binding(net::Ipv4Addr ip) const;
  const DetectorCounters& counters() const;
  std::size_t ip_table_size() const noexcept { return stations_.size(); }
  std::size_t mac_table_size() const noexcept { return macs_.size(); }
  const DetectorConfig& config() const noexcept { return config_; }

 private:
  // Per IP next to its bindings: the sender of the last reply (duplicate_address).
  struct ReplySeen {
    net::MacAddr mac;
    net::Time time;
    bool seen = false;
  };
  struct IpSeen {
    net::Ipv4Addr ip;
    net::Time last;
  };
  struct MacRecord {
    std::vector<IpSeen> ips;      // IPs claimed as sender; bounded by max_ips_per_mac
    net::Time storm_start;        // start of the current request-counting period
    std::uint32_t storm_count = 0;
  };
  struct Context;
  void raise(Context& ctx, Rule rule, Severity severity, net::Ipv4Addr ip,
             std::optional<net::MacAddr> old_mac, std::optional<net::MacAddr> new_mac,
             std::string message);
  bool check_bogus(Context& ctx);
  void check_mismatches(Context& ctx);
  void check_storm(Context& ctx);
  void check_static(Context& ctx);
  void check_request(Context& ctx);
  void check_reply(Context& ctx);
  void update_binding(Context& ctx);
  void update_mac_claims(Context& ctx);
  bool contested(net::Ipv4Addr ip, net::MacAddr mac) const;

  DetectorConfig config_;
  StationHistory<net::Ipv4Addr, ReplySeen> stations_;
  LruMap<net::MacAddr, MacRecord> macs_;
  LruMap<std::uint64_t, net::Time> pending_;  // (requester IP << 32 | asked IP) -> time
  AlertGate gate_;
  mutable DetectorCounters counters_;
};

}  // namespace wirestate::arp
