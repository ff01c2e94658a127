#pragma once
// RFC 5227 IPv4 address conflict detection for one host address: probe, announce,
// detect conflicts and defend. Owned by arp::Cache; time is passed in.
#include <cstdint>
#include <string_view>

#include "wirestate/arp/cache_config.hpp"
#include "wirestate/arp/cache_output.hpp"
#include "wirestate/arp/frame.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::arp {

enum class ClaimState : std::uint8_t {
  kIdle,        // start() not called yet
  kWaiting,     // RFC 5227 §2.1.1: random wait in [0, PROBE_WAIT] before the first probe
  kProbing,     // §2.1.1: PROBE_NUM probes PROBE_MIN..PROBE_MAX apart
  kAnnouncing,  // §2.3: ANNOUNCE_NUM announcements ANNOUNCE_INTERVAL apart (address usable)
  kBound,       // done: the address is ours
  kConflict,    // §2.1.1: another host uses it; the address must not be used
};

// "idle", "waiting", "probing", "announcing", "bound", "conflict".
std::string_view to_string(ClaimState state) noexcept;

class AddressClaim {
 public:
  AddressClaim(const ClaimConfig& config, net::MacAddr mac, net::Ipv4Addr ip);

  // Begins the start-up sequence of config.startup (kNone: bound at once).
  void start(net::Time now, CacheOutput& out);
  // Sends the probe or announcement that is due.
  void on_timer(net::Time now, CacheOutput& out);
  // Looks at a received ARP packet for a conflict with our address (§2.1.1, §2.4).
  // Returns true when the packet claims our address from another MAC.
  bool on_arp(const ArpFrame& frame, net::Time now, CacheOutput& out);

  // When the next probe/announcement is due; Time::max() when none is.
  net::Time next_deadline() const noexcept { return deadline_; }
  ClaimState state() const noexcept { return state_; }
  // §2.3: the address may be used from the first announcement on.
  bool usable() const noexcept {
    return state_ == ClaimState::kAnnouncing || state_ == ClaimState::kBound;
  }

 private:
  void transition(ClaimState to, net::Time now, Cause cause, CacheOutput& out,
                  std::uint64_t packet = 0, net::MacAddr other = {});
  void send_probe(net::Time now, CacheOutput& out);
  void send_announcement(net::Time now, CacheOutput& out, Cause cause);
  net::Duration uniform(net::Duration lo, net::Duration hi);

  ClaimConfig config_;
  net::MacAddr mac_;
  net::Ipv4Addr ip_;
  ClaimState state_ = ClaimState::kIdle;
  int probes_sent_ = 0;
  int announcements_sent_ = 0;
  net::Time deadline_ = net::Time::max();
  net::Time last_defended_ = net::Time::max();
  std::uint64_t rng_;
};

}  // namespace wirestate::arp
