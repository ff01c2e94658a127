// arp::SpoofDetector: the rules, in the order they look at a frame. Each rule says
// whose behaviour it follows (arpwatch, Snort's arp_spoof, Wireshark's ARP analysis)
// and how it is scoped so that a quiet Linux LAN stays silent (see
// ../shared/pcaps/kernel/arp_basic.pcap: unicast re-validation requests, gratuitous
// re-announcements, RFC 5227 probes).
#include <algorithm>

#include <fmt/format.h>

#include "wirestate/arp/spoof_detector.hpp"

namespace wirestate::arp {
namespace {

std::uint64_t pair_key(net::Ipv4Addr requester, net::Ipv4Addr asked) {
  return (std::uint64_t{requester.value()} << 32) | asked.value();
}

bool is_loopback(net::Ipv4Addr ip) { return (ip.value() >> 24) == 127; }

}  // namespace

struct SpoofDetector::Context {
  const ArpFrame& f;
  std::vector<Alert>& out;
  bool allowed;  // sender MAC, Ethernet source or sender IP is allow-listed
};

SpoofDetector::SpoofDetector(DetectorConfig config)
    : config_(std::move(config)),
      stations_(config_.max_ips, config_.max_macs_per_ip),
      macs_(config_.max_macs),
      pending_(config_.max_pending_requests),
      gate_(config_.max_dedup, config_.dedup_interval) {}

std::vector<Alert> SpoofDetector::observe(const ArpFrame& frame) {
  std::vector<Alert> alerts;
  observe(frame, alerts);
  return alerts;
}

void SpoofDetector::raise(Context& ctx, Rule rule, Severity severity, net::Ipv4Addr ip,
                          std::optional<net::MacAddr> old_mac,
                          std::optional<net::MacAddr> new_mac, std::string message) {
  // The allow-list silences everything about its addresses except the user's own
  // static bindings, which are the stronger statement; then one alert per (rule, IP, MAC)
  // per dedup_interval.
  const net::Time now = ctx.f.time;
  const GateQuery q{static_cast<std::uint8_t>(rule), ip, old_mac, new_mac, ctx.allowed,
                    rule == Rule::kStaticBindingViolation};
  switch (gate_.admit(config_.allow, q, now)) {
    case GateVerdict::kAllowed: ++counters_.allowed; return;
    case GateVerdict::kSuppressed: ++counters_.suppressed; return;
    case GateVerdict::kEmit: break;
  }
  ++counters_.alerts;
  ++counters_.by_rule[static_cast<std::size_t>(rule)];
  ctx.out.push_back(Alert{now, ctx.f.number, rule, severity, ip, old_mac, new_mac,
                          std::move(message)});
}

// bogus_sender (arpwatch: "ethernet broadcast", "ip broadcast", "bogon"): a sender that
// cannot own an address. Sender IP 0.0.0.0 is legitimate only in an RFC 5227 probe
// (a request); in a reply it is bogus. Nothing is learned from such a frame.
bool SpoofDetector::check_bogus(Context& ctx) {
  const auto& a = ctx.f.arp;
  std::string why;
  if (a.sender_mac.is_zero()) {
    why = "zero sender MAC";
  } else if (a.sender_mac.is_broadcast()) {
    why = "broadcast sender MAC";
  } else if (a.sender_mac.is_multicast()) {
    why = "multicast sender MAC";
  } else if (a.sender_ip.is_broadcast()) {
    why = "broadcast sender IP";
  } else if (a.sender_ip.is_multicast()) {
    why = "multicast sender IP";
  } else if (is_loopback(a.sender_ip)) {
    why = "loopback sender IP";
  } else if (a.sender_ip.is_zero() && !a.is_probe()) {
    why = "sender IP 0.0.0.0 outside an RFC 5227 probe";
  }
  if (why.empty()) return false;
  raise(ctx, Rule::kBogusSender, Severity::kWarning, a.sender_ip, std::nullopt, a.sender_mac,
        fmt::format("bogus ARP sender {} / {}: {}", a.sender_ip.to_string(),
                    a.sender_mac.to_string(), why));
  return true;
}

// ethernet_sender_mismatch (Snort arp_spoof 112:2, arpwatch "ethernet mismatch"): the
// frame's Ethernet source differs from the ARP sender hardware address, for requests
// and replies alike. ethernet_target_mismatch (Snort 112:3): a reply whose Ethernet
// destination differs from the ARP target hardware address. Unlike Snort we only check
// unicast replies: a broadcast reply is a gratuitous announcement whose THA is
// conventionally ours, zero or broadcast.
void SpoofDetector::check_mismatches(Context& ctx) {
  const auto& f = ctx.f;
  const auto& a = f.arp;
  if (f.eth_src != a.sender_mac) {
    raise(ctx, Rule::kEthernetSenderMismatch, Severity::kWarning, a.sender_ip, f.eth_src,
          a.sender_mac,
          fmt::format("Ethernet source {} differs from ARP sender {} (claiming {})",
                      f.eth_src.to_string(), a.sender_mac.to_string(), a.sender_ip.to_string()));
  }
  if (a.op == wire::ArpOp::kReply && !f.eth_dst.is_multicast() && f.eth_dst != a.target_mac) {
    raise(ctx, Rule::kEthernetTargetMismatch, Severity::kWarning, a.target_ip, f.eth_dst,
          a.target_mac,
          fmt::format("reply sent to Ethernet {} but ARP target is {} ({})",
                      f.eth_dst.to_string(), a.target_mac.to_string(), a.target_ip.to_string()));
  }
}

// arp_storm (Wireshark "ARP packet storm detected": more than N requests within a
// period, default 30 per 100 ms over the whole capture). We count per Ethernet source
// so one scanner is named, in fixed periods as Wireshark does.
void SpoofDetector::check_storm(Context& ctx) {
  const auto& f = ctx.f;
  if (f.arp.op != wire::ArpOp::kRequest) return;
  MacRecord* m = macs_.find(f.eth_src);
  if (m == nullptr) {
    macs_.insert(f.eth_src, MacRecord{});
    m = macs_.peek_mut(f.eth_src);
    m->storm_start = f.time;
  }
  if (m->storm_count == 0 || f.time - m->storm_start > config_.storm_period ||
      f.time < m->storm_start) {
    m->storm_start = f.time;
    m->storm_count = 0;
  }
  ++m->storm_count;
  if (m->storm_count > config_.storm_requests) {
    raise(ctx, Rule::kArpStorm, Severity::kWarning, f.arp.sender_ip, std::nullopt, f.eth_src,
          fmt::format("{} sent more than {} ARP requests within {}", f.eth_src.to_string(),
                      config_.storm_requests, config_.storm_period.to_string()));
  }
}

// static_binding_violation (Snort arp_spoof 112:4, "attempted ARP cache overwrite",
// from its arpspoof_detect_host list): a frame whose sender IP is in the user's
// bindings but whose ARP sender MAC or Ethernet source is another MAC.
void SpoofDetector::check_static(Context& ctx) {
  const auto& f = ctx.f;
  auto it = config_.static_bindings.find(net::IpAddr(f.arp.sender_ip));
  if (it == config_.static_bindings.end()) return;
  const net::MacAddr bound = it->second;
  const net::MacAddr seen = f.arp.sender_mac != bound ? f.arp.sender_mac : f.eth_src;
  if (seen == bound) return;
  raise(ctx, Rule::kStaticBindingViolation, Severity::kCritical, f.arp.sender_ip, bound, seen,
        fmt::format("{} is statically bound to {} but {} claims it", f.arp.sender_ip.to_string(),
                    bound.to_string(), seen.to_string()));
}

// unicast_request (Snort arp_spoof 112:1 fires on every unicast request and warns that
// Linux re-validates its cache that way, which arp_basic.pcap shows). We fire only when
// the unicast request is inconsistent with what we know: (a) it is sent to an Ethernet
// address that is not the known binding of the IP it asks for, or (b) its sender
// binding is a MAC never seen for that sender IP (a request aimed at one host's cache:
// targeted poisoning). A Linux NUD probe is neither. Requests are also remembered for
// unsolicited_reply.
void SpoofDetector::check_request(Context& ctx) {
  const auto& f = ctx.f;
  const auto& a = f.arp;
  if (a.op != wire::ArpOp::kRequest) return;
  if (pending_.insert(pair_key(a.sender_ip, a.target_ip), f.time)) {
    counters_.pending_evictions = pending_.evictions();
  }
  if (a.is_probe() || f.eth_dst.is_multicast()) return;
  if (const auto* t = stations_.peek(a.target_ip); t != nullptr && t->macs[0].mac != f.eth_dst) {
    raise(ctx, Rule::kUnicastRequest, Severity::kWarning, a.target_ip, t->macs[0].mac, f.eth_dst,
          fmt::format("unicast who-has {} sent to {}, but {} is at {}", a.target_ip.to_string(),
                      f.eth_dst.to_string(), a.target_ip.to_string(),
                      t->macs[0].mac.to_string()));
    return;
  }
  if (const auto* s = stations_.peek(a.sender_ip); s != nullptr) {
    const bool known = std::any_of(s->macs.begin(), s->macs.end(),
                                   [&](const MacSeen& m) { return m.mac == a.sender_mac; });
    if (!known) {
      raise(ctx, Rule::kUnicastRequest, Severity::kWarning, a.sender_ip, s->macs[0].mac,
            a.sender_mac,
            fmt::format("unicast request to {} claims {} is at {} (known: {})",
                        f.eth_dst.to_string(), a.sender_ip.to_string(),
                        a.sender_mac.to_string(), s->macs[0].mac.to_string()));
    }
  }
}

// unsolicited_reply (no single anchor: arpwatch and Snort do not track requests; tools
// such as XArp do): a non-gratuitous reply whose (requester = target IP, asked = sender
// IP) pair had no request within reply_window. A capture point that cannot see the
// request (a switch port) makes this noisy; it is a warning, not proof.
// duplicate_address (Wireshark "Duplicate IP address configured", which compares the
// sender MAC with the one last seen for that IP): we require two different MACs to
// *reply* for one IP within duplicate_window, the symptom of two live claimants.
void SpoofDetector::check_reply(Context& ctx) {
  const auto& f = ctx.f;
  const auto& a = f.arp;
  if (a.op != wire::ArpOp::kReply) return;
  const auto* rec = stations_.peek(a.sender_ip);
  if (rec != nullptr && rec->extra.seen && rec->extra.mac != a.sender_mac &&
      f.time - rec->extra.time <= config_.duplicate_window) {
    raise(ctx, Rule::kDuplicateAddress, Severity::kCritical, a.sender_ip, rec->extra.mac,
          a.sender_mac,
          fmt::format("{} answered by {} and {} within {}", a.sender_ip.to_string(),
                      rec->extra.mac.to_string(), a.sender_mac.to_string(),
                      (f.time - rec->extra.time).to_string()));
  }
  if (a.is_gratuitous()) return;
  const net::Time* asked = pending_.peek(pair_key(a.target_ip, a.sender_ip));
  if (asked == nullptr || f.time - *asked > config_.reply_window || f.time < *asked) {
    std::optional<net::MacAddr> old;
    if (rec != nullptr) old = rec->macs[0].mac;
    raise(ctx, Rule::kUnsolicitedReply, Severity::kWarning, a.sender_ip, old, a.sender_mac,
          fmt::format("{} is-at {} sent to {} ({}) without a request", a.sender_ip.to_string(),
                      a.sender_mac.to_string(), a.target_ip.to_string(),
                      f.eth_dst.to_string()));
  }
}

// The station database (arpwatch db.c): per IP the MACs seen, current first.
// new_station ("new station"); mac_changed ("changed ethernet address": a MAC never seen
// for this IP); flip_flop ("flip flop": back to the MAC before the current one);
// reused_old_mac ("reused old ethernet address": an older remembered MAC).
// gratuitous_conflict (RFC 5227 §2.4's conflicting announcement, seen from outside): a
// gratuitous ARP claiming an IP bound to another MAC. A host re-announcing its own
// address, or refreshing with a request from the same MAC, changes nothing.
void SpoofDetector::update_binding(Context& ctx) {
  const auto& f = ctx.f;
  const auto& a = f.arp;
  const auto learned = stations_.learn(a.sender_ip, a.sender_mac, f.time);
  const std::string ip = a.sender_ip.to_string();
  const std::string now_at = a.sender_mac.to_string();
  switch (learned.change) {
    case StationChange::kNew:
      if (config_.report_new_station) {
        raise(ctx, Rule::kNewStation, Severity::kInfo, a.sender_ip, std::nullopt, a.sender_mac,
              fmt::format("new station {} at {}", ip, now_at));
      }
      break;
    case StationChange::kSame: break;
    case StationChange::kFlipFlop:
      raise(ctx, Rule::kFlipFlop, Severity::kWarning, a.sender_ip, learned.old, a.sender_mac,
            fmt::format("{} flipped back from {} to {}", ip, learned.old->to_string(), now_at));
      break;
    case StationChange::kReused:
      raise(ctx, Rule::kReusedOldMac, Severity::kWarning, a.sender_ip, learned.old, a.sender_mac,
            fmt::format("{} moved from {} back to older {}", ip, learned.old->to_string(), now_at));
      break;
    case StationChange::kChanged:
      raise(ctx, Rule::kMacChanged, Severity::kWarning, a.sender_ip, learned.old, a.sender_mac,
            fmt::format("{} moved from {} to {}", ip, learned.old->to_string(), now_at));
      break;
  }
  if (learned.old && a.is_gratuitous()) {
    raise(ctx, Rule::kGratuitousConflict, Severity::kWarning, a.sender_ip, learned.old, a.sender_mac,
          fmt::format("gratuitous ARP claims {} for {}, bound to {}", ip, now_at, learned.old->to_string()));
  }
  if (a.op == wire::ArpOp::kReply) learned.record->extra = ReplySeen{a.sender_mac, f.time, true};
}

bool SpoofDetector::contested(net::Ipv4Addr ip, net::MacAddr mac) const {
  const auto* rec = stations_.peek(ip);
  if (rec == nullptr) return false;
  return std::any_of(rec->macs.begin(), rec->macs.end(),
                     [&](const MacSeen& m) { return m.mac != mac; });
}

// one_mac_many_ips (the man-in-the-middle pattern: one MAC answering for the gateway
// and a victim; arpwatch and Snort have no such rule, ettercap-style poisoning shows it):
// fires when a MAC starts claiming a new IP while it already claims others, at least
// many_ips_threshold seen within many_ips_window. Critical when one of them is also
// claimed by another MAC, warning otherwise (a multi-homed router; allow-list it).
void SpoofDetector::update_mac_claims(Context& ctx) {
  const auto& f = ctx.f;
  const auto& a = f.arp;
  MacRecord* m = macs_.find(a.sender_mac);
  if (m == nullptr) {
    macs_.insert(a.sender_mac, MacRecord{});
    m = macs_.peek_mut(a.sender_mac);
  }
  auto it = std::find_if(m->ips.begin(), m->ips.end(),
                         [&](const IpSeen& s) { return s.ip == a.sender_ip; });
  if (it != m->ips.end()) {
    it->last = f.time;
    return;
  }
  m->ips.push_back({a.sender_ip, f.time});
  if (m->ips.size() > std::max<std::size_t>(config_.max_ips_per_mac, 1)) {
    auto oldest = std::min_element(m->ips.begin(), m->ips.end(),
                                   [](const IpSeen& x, const IpSeen& y) { return x.last < y.last; });
    m->ips.erase(oldest);
  }
  std::vector<net::Ipv4Addr> recent;
  bool any_contested = false;
  for (const auto& s : m->ips) {
    if (f.time - s.last > config_.many_ips_window) continue;
    recent.push_back(s.ip);
    any_contested = any_contested || contested(s.ip, a.sender_mac);
  }
  if (recent.size() < config_.many_ips_threshold || recent.size() < 2) return;
  std::string list;
  for (const auto& ip : recent) list += (list.empty() ? "" : ", ") + ip.to_string();
  std::optional<net::MacAddr> other;
  if (const auto* rec = stations_.peek(a.sender_ip); rec != nullptr) {
    for (const auto& s : rec->macs) {
      if (s.mac != a.sender_mac) {
        other = s.mac;
        break;
      }
    }
  }
  raise(ctx, Rule::kOneMacManyIps, any_contested ? Severity::kCritical : Severity::kWarning,
        a.sender_ip, other, a.sender_mac,
        fmt::format("{} claims {} IPs: {}{}", a.sender_mac.to_string(), recent.size(), list,
                    any_contested ? " (some also claimed by another MAC)" : ""));
}

void SpoofDetector::observe(const ArpFrame& frame, std::vector<Alert>& alerts) {
  ++counters_.frames;
  const auto& a = frame.arp;
  const auto& allow = config_.allow;
  Context ctx{frame, alerts,
              allow.contains(a.sender_mac) || allow.contains(frame.eth_src) ||
                  allow.contains(a.sender_ip)};
  // Stateless checks first: a bogus sender teaches nothing.
  if (check_bogus(ctx)) return;
  check_mismatches(ctx);
  check_storm(ctx);
  check_static(ctx);
  // Stateful checks compare with what was known before this frame, then learn.
  check_request(ctx);
  if (a.is_probe()) {
    // RFC 5227 §2.1.1: a probe (sender IP 0.0.0.0) binds nothing.
    ++counters_.probes;
    return;
  }
  check_reply(ctx);
  update_binding(ctx);
  update_mac_claims(ctx);
}

std::optional<BindingInfo> SpoofDetector::binding(net::Ipv4Addr ip) const {
  const auto* rec = stations_.peek(ip);
  if (rec == nullptr) return std::nullopt;
  return BindingInfo{rec->macs[0].mac, rec->macs[0].first, rec->macs[0].last, rec->macs.size()};
}

const DetectorCounters& SpoofDetector::counters() const {
  counters_.ip_evictions = stations_.evictions();
  counters_.mac_evictions = macs_.evictions();
  counters_.pending_evictions = pending_.evictions();
  counters_.dedup_evictions = gate_.evictions();
  return counters_;
}

}  // namespace wirestate::arp
