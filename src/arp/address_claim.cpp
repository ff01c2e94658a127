// RFC 5227: probe, announce, conflict detection and defence for one address.
#include "wirestate/arp/address_claim.hpp"

namespace wirestate::arp {
namespace {

// splitmix64: a small, seedable, reproducible generator for the RFC's random delays.
std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

AddressClaim::AddressClaim(const ClaimConfig& config, net::MacAddr mac, net::Ipv4Addr ip)
    : config_(config), mac_(mac), ip_(ip), rng_(config.seed) {
  // Without a start-up sequence the address is usable at once, start() or not.
  if (config_.startup == Startup::kNone) state_ = ClaimState::kBound;
}

net::Duration AddressClaim::uniform(net::Duration lo, net::Duration hi) {
  if (!config_.randomize || hi <= lo) return lo;
  const auto span = static_cast<std::uint64_t>((hi - lo).ns()) + 1;
  return lo + net::Duration::nanoseconds(static_cast<std::int64_t>(next_random(rng_) % span));
}

void AddressClaim::transition(ClaimState to, net::Time now, Cause cause, CacheOutput& out,
                              std::uint64_t packet, net::MacAddr other) {
  state_ = to;
  CacheEvent ev;
  ev.time = now;
  ev.ip = ip_;
  ev.cause = cause;
  ev.packet = packet;
  ev.old_mac = mac_;
  if (!other.is_zero()) ev.new_mac = other;
  out.events.push_back(ev);
}

void AddressClaim::send_probe(net::Time now, CacheOutput& out) {
  // RFC 5227 §2.1.1: sender HW = ours, sender IP = 0, target HW = 0, target IP = candidate,
  // broadcast.
  ArpFrame f;
  f.arp = {wire::ArpOp::kRequest, mac_, net::Ipv4Addr{}, net::MacAddr{}, ip_};
  f.eth_src = mac_;
  f.eth_dst = net::MacAddr::broadcast();
  f.time = now;
  out.send.push_back(f);
  ++probes_sent_;
  CacheEvent ev{now, ip_, mac_, std::nullopt, std::nullopt, std::nullopt, Cause::kProbeSent};
  out.events.push_back(ev);
}

void AddressClaim::send_announcement(net::Time now, CacheOutput& out, Cause cause) {
  // RFC 5227 §2.3: an ARP request with sender and target IP both ours, target HW 0.
  ArpFrame f;
  f.arp = {wire::ArpOp::kRequest, mac_, ip_, net::MacAddr{}, ip_};
  f.eth_src = mac_;
  f.eth_dst = net::MacAddr::broadcast();
  f.time = now;
  out.send.push_back(f);
  CacheEvent ev{now, ip_, mac_, std::nullopt, std::nullopt, std::nullopt, cause};
  out.events.push_back(ev);
}

void AddressClaim::start(net::Time now, CacheOutput& out) {
  probes_sent_ = 0;
  announcements_sent_ = 0;
  switch (config_.startup) {
    case Startup::kNone:
      state_ = ClaimState::kBound;
      deadline_ = net::Time::max();
      return;
    case Startup::kAnnounce:
      state_ = ClaimState::kAnnouncing;
      send_announcement(now, out, Cause::kAnnounceSent);
      ++announcements_sent_;
      deadline_ = announcements_sent_ < config_.announce_num ? now + config_.announce_interval
                                                              : net::Time::max();
      if (announcements_sent_ >= config_.announce_num) state_ = ClaimState::kBound;
      return;
    case Startup::kProbeAndAnnounce:
      // §2.1.1: wait a random time uniformly distributed in [0, PROBE_WAIT].
      state_ = ClaimState::kWaiting;
      deadline_ = now + (config_.randomize ? uniform(net::Duration{}, config_.probe_wait)
                                           : config_.probe_wait);
      return;
  }
}

void AddressClaim::on_timer(net::Time now, CacheOutput& out) {
  if (now < deadline_) return;
  switch (state_) {
    case ClaimState::kWaiting:
    case ClaimState::kProbing:
      if (probes_sent_ < config_.probe_num) {
        state_ = ClaimState::kProbing;
        send_probe(now, out);
        // §2.1.1: probes PROBE_MIN..PROBE_MAX apart; after the last, ANNOUNCE_WAIT.
        deadline_ = now + (probes_sent_ < config_.probe_num
                               ? uniform(config_.probe_min, config_.probe_max)
                               : config_.announce_wait);
        return;
      }
      // §2.3: no conflict during ANNOUNCE_WAIT: announce; the address is usable now.
      transition(ClaimState::kAnnouncing, now, Cause::kAddressClaimed, out);
      [[fallthrough]];
    case ClaimState::kAnnouncing:
      send_announcement(now, out, Cause::kAnnounceSent);
      ++announcements_sent_;
      if (announcements_sent_ >= config_.announce_num) {
        state_ = ClaimState::kBound;
        deadline_ = net::Time::max();
      } else {
        deadline_ = now + config_.announce_interval;
      }
      return;
    case ClaimState::kIdle:
    case ClaimState::kBound:
    case ClaimState::kConflict:
      deadline_ = net::Time::max();
      return;
  }
}

bool AddressClaim::on_arp(const ArpFrame& frame, net::Time now, CacheOutput& out) {
  const auto& a = frame.arp;
  if (a.sender_mac == mac_ || ip_.is_zero()) return false;
  const bool claims_ours = a.sender_ip == ip_;
  switch (state_) {
    case ClaimState::kWaiting:
    case ClaimState::kProbing: {
      // §2.1.1: a conflict is any ARP packet whose sender IP is the probed address, or
      // a probe for the same address from another host (simultaneous probing).
      const bool other_probe = a.is_probe() && a.target_ip == ip_;
      if (claims_ours || other_probe) {
        deadline_ = net::Time::max();
        transition(ClaimState::kConflict, now, Cause::kProbeConflict, out, frame.number,
                   a.sender_mac);
        return true;
      }
      return false;
    }
    case ClaimState::kAnnouncing:
    case ClaimState::kBound:
      if (!claims_ours) return false;
      // §2.4: a conflicting ARP packet for an address in use. We report it and, per
      // §2.4 (b), defend once with an announcement unless we did so in DEFEND_INTERVAL.
      transition(state_, now, Cause::kAddressConflict, out, frame.number, a.sender_mac);
      if (last_defended_ == net::Time::max() || now - last_defended_ >= config_.defend_interval) {
        last_defended_ = now;
        send_announcement(now, out, Cause::kAddressDefended);
      }
      return true;
    case ClaimState::kIdle:
    case ClaimState::kConflict:
      return claims_ours;
  }
  return false;
}

}  // namespace wirestate::arp
