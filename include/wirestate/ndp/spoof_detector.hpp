#pragma once
// A passive NDP spoofing detector for captures, live interfaces and the simulator: the
// IPv6 counterpart of arp::SpoofDetector, built on the same station database
// (arp::StationHistory), alert gate (allow-list + de-duplication) and bindings. Its rules
// are NDPMon's, mapped to RFC 3756's threats, and scoped with RFC 4861/4862 so that what
// Linux does on a quiet link stays silent: DAD probes from :: without a link-layer option,
// solicited advertisements answering solicitations, NUD unicast probes, a router's
// unchanged periodic advertisements, a host's link-local and global addresses on one MAC.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wirestate/arp/alert_gate.hpp"
#include "wirestate/arp/lru_map.hpp"
#include "wirestate/arp/station_history.hpp"
#include "wirestate/ndp/alert.hpp"
#include "wirestate/ndp/detector_config.hpp"
#include "wirestate/ndp/frame.hpp"
#include "wirestate/net/ipv6_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::ndp {

// Running totals.
struct DetectorCounters {
  std::uint64_t frames = 0;
  std::uint64_t invalid = 0;      // failed RFC 4861 validity (hop limit, code, sources): ignored
  std::uint64_t dad_probes = 0;   // neighbor solicitations from :: (RFC 4862 §5.4.2)
  std::uint64_t alerts = 0;
  std::uint64_t suppressed = 0;   // swallowed by de-duplication
  std::uint64_t allowed = 0;      // swallowed by the allow-list
  std::array<std::uint64_t, kRuleCount> by_rule{};
  std::uint64_t address_evictions = 0;
  std::uint64_t router_evictions = 0;
  std::uint64_t solicitation_evictions = 0;
  std::uint64_t dad_evictions = 0;
  std::uint64_t dedup_evictions = 0;
};

// What the detector believes about one router (from its last advertisement).
struct RouterState {
  net::MacAddr mac;
  RouterInfo info;
  net::Time last_seen;
};

class SpoofDetector {
 public:
  explicit SpoofDetector(DetectorConfig config = {});

  // Looks at one NDP message (in capture order) and appends the alerts it raises.
  void observe(const NdpFrame& frame, std::vector<Alert>& alerts);
  // Convenience: the alerts of one message.
  std::vector<Alert> observe(const NdpFrame& frame);

  // The current link-layer binding of an address, if the detector has one.
  std::optional<net::MacAddr> binding(const net::Ipv6Addr& ip) const;
  // The router with that source address, if known.
  std::optional<RouterState> router(const net::Ipv6Addr& ip) const;
  const DetectorCounters& counters() const;
  const DetectorConfig& config() const noexcept { return config_; }

 private:
  struct DadProbe {
    net::MacAddr prober;
    net::Time time;
  };
  struct DadAnswers {
    std::array<net::Ipv6Addr, 4> targets{};  // distinct tentative addresses answered
    std::array<net::Time, 4> times{};
    std::size_t count = 0;
  };
  struct Context;
  void raise(Context& ctx, Rule rule, Severity severity, const net::Ipv6Addr& ip,
             std::optional<net::MacAddr> old_mac, std::optional<net::MacAddr> new_mac, std::string message);
  bool valid(const NdpFrame& f) const;
  void check_link_addr(Context& ctx);
  void check_static(Context& ctx, const net::Ipv6Addr& ip, net::MacAddr mac);
  void check_dad(Context& ctx);
  void check_router_advertisement(Context& ctx);
  void check_redirect(Context& ctx);
  void learn(Context& ctx, const net::Ipv6Addr& ip, net::MacAddr mac);
  bool answers_solicitation(const NdpFrame& f) const;
  bool is_router(const net::Ipv6Addr& ip, net::MacAddr mac) const;

  DetectorConfig config_;
  arp::StationHistory<net::Ipv6Addr> stations_;
  arp::LruMap<net::Ipv6Addr, RouterState> routers_;
  arp::LruMap<net::Ipv6Addr, net::Time> solicited_;  // NS target -> last NS for it
  arp::LruMap<net::Ipv6Addr, DadProbe> dad_;          // tentative address -> last DAD probe
  arp::LruMap<net::MacAddr, DadAnswers> dad_answers_;
  arp::AlertGate gate_;
  mutable DetectorCounters counters_;
};

}  // namespace wirestate::ndp
