// ndp::SpoofDetector: validity first (RFC 4861 says what a receiver discards, so it cannot
// poison anyone), then the stateless link-address check, then the rules that compare with
// what the link said before and learn. Each rule names its source; the benign traffic it
// must leave alone is named next to it.
#include "wirestate/ndp/spoof_detector.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace wirestate::ndp {

namespace {

bool any_entries(const arp::AllowList& list) {
  return !list.macs.empty() || !list.mac_prefixes.empty() || !list.ips.empty();
}

std::string router_changes(const RouterInfo& before, const RouterInfo& now) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  if (before.managed != now.managed) add(fmt::format("M flag {} -> {}", int(before.managed), int(now.managed)));
  if (before.other_config != now.other_config) {
    add(fmt::format("O flag {} -> {}", int(before.other_config), int(now.other_config)));
  }
  if (before.mtu && now.mtu && *before.mtu != *now.mtu) add(fmt::format("MTU {} -> {}", *before.mtu, *now.mtu));
  const auto* b_begin = before.prefixes.begin();
  const auto* b_end = b_begin + before.prefix_count;
  for (std::size_t i = 0; i < now.prefix_count; ++i) {
    const PrefixSeen& p = now.prefixes[i];
    if (std::find(b_begin, b_end, p) == b_end) add(fmt::format("new prefix {}/{}", p.prefix.to_string(), int(p.length)));
  }
  return out;
}

// The prefixes of `now` added to those of `into`, bounded.
void merge_prefixes(RouterInfo& into, const RouterInfo& now) {
  for (std::size_t i = 0; i < now.prefix_count; ++i) {
    const PrefixSeen* first = into.prefixes.data();
    const PrefixSeen* end = first + into.prefix_count;
    if (std::find(first, end, now.prefixes[i]) != end) continue;
    if (into.prefix_count < RouterInfo::kMaxPrefixes) into.prefixes[into.prefix_count++] = now.prefixes[i];
  }
}

}  // namespace

struct SpoofDetector::Context {
  const NdpFrame& f;
  std::vector<Alert>& out;
  bool allowed;  // Ethernet source, source address or claimed link address is allow-listed
};

SpoofDetector::SpoofDetector(DetectorConfig config)
    : config_(std::move(config)),
      stations_(config_.max_addresses, config_.max_macs_per_address),
      routers_(config_.max_routers),
      solicited_(config_.max_solicitations),
      dad_(config_.max_dad_probes),
      dad_answers_(config_.max_dad_answerers),
      gate_(config_.max_dedup, config_.dedup_interval) {}

std::vector<Alert> SpoofDetector::observe(const NdpFrame& frame) {
  std::vector<Alert> alerts;
  observe(frame, alerts);
  return alerts;
}

void SpoofDetector::raise(Context& ctx, Rule rule, Severity severity, const net::Ipv6Addr& ip,
                          std::optional<net::MacAddr> old_mac, std::optional<net::MacAddr> new_mac,
                          std::string message) {
  const arp::GateQuery q{static_cast<std::uint8_t>(rule), net::IpAddr(ip), old_mac, new_mac, ctx.allowed,
                         rule == Rule::kStaticBindingViolation};
  switch (gate_.admit(config_.allow, q, ctx.f.time)) {
    case arp::GateVerdict::kAllowed: ++counters_.allowed; return;
    case arp::GateVerdict::kSuppressed: ++counters_.suppressed; return;
    case arp::GateVerdict::kEmit: break;
  }
  ++counters_.alerts;
  ++counters_.by_rule[static_cast<std::size_t>(rule)];
  ctx.out.push_back(Alert{ctx.f.time, ctx.f.number, rule, severity, ip, old_mac, new_mac, std::move(message)});
}

// What a receiver must discard, so no host's cache can be changed by it: RFC 4861
// §6.1.1 (RS), §6.1.2 (RA: link-local source), §7.1.1 (NS: target not multicast; from ::
// only to a solicited-node address and without a source link-layer option), §7.1.2 (NA:
// target not multicast, S clear when sent to a multicast address), §8.1 (redirect:
// link-local source); all: hop limit 255 (off-link senders cannot forge it) and code 0.
bool SpoofDetector::valid(const NdpFrame& f) const {
  if (f.hop_limit != 255 || f.code != 0) return false;
  switch (f.type) {
    case MessageType::kRouterSolicitation:
      return !(f.src.is_unspecified() && f.source_link_addr);
    case MessageType::kRouterAdvertisement:
      return f.src.is_link_local();
    case MessageType::kNeighborSolicitation:
      if (!f.target || f.target->is_multicast()) return false;
      if (f.src.is_unspecified()) return f.dst == f.target->solicited_node() && !f.source_link_addr;
      return true;
    case MessageType::kNeighborAdvertisement:
      if (!f.target || f.target->is_multicast()) return false;
      return !(f.dst.is_multicast() && f.solicited);
    case MessageType::kRedirect:
      return f.src.is_link_local() && f.target && f.destination && !f.destination->is_multicast();
  }
  return false;
}

// ndp_link_addr_mismatch (NDPMon "ethernet mismatch"; the NDP form of Snort 112:2): the
// source or target link-layer address option differs from the frame's Ethernet source.
// A host's own messages always carry its own address; a proxy (RFC 4861 §7.2.8) puts its
// own address in both. A redirect's target option names another host, so it is not checked.
void SpoofDetector::check_link_addr(Context& ctx) {
  const NdpFrame& f = ctx.f;
  if (f.type == MessageType::kRedirect) return;
  const auto claimed = f.claimed_link_addr();
  if (!claimed || *claimed == f.eth_src) return;
  const net::Ipv6Addr subject = f.type == MessageType::kNeighborAdvertisement ? *f.target : f.src;
  raise(ctx, Rule::kLinkAddrMismatch, Severity::kWarning, subject, f.eth_src, *claimed,
        fmt::format("Ethernet source {} differs from the link-layer option {} (claiming {})", f.eth_src.to_string(),
                    claimed->to_string(), subject.to_string()));
}

// ndp_static_binding_violation: an address in the user's bindings claimed for another MAC.
void SpoofDetector::check_static(Context& ctx, const net::Ipv6Addr& ip, net::MacAddr mac) {
  const auto it = config_.static_bindings.find(net::IpAddr(ip));
  if (it == config_.static_bindings.end() || it->second == mac) return;
  raise(ctx, Rule::kStaticBindingViolation, Severity::kCritical, ip, it->second, mac,
        fmt::format("{} is statically bound to {} but {} claims it", ip.to_string(), it->second.to_string(),
                    mac.to_string()));
}

// The station database (NDPMon's, after arpwatch): ndp_new_station, ndp_mac_changed,
// ndp_flip_flop, ndp_reused_old_mac. Every address is its own station, so a host's
// link-local and global addresses on one MAC are two quiet stations.
void SpoofDetector::learn(Context& ctx, const net::Ipv6Addr& ip, net::MacAddr mac) {
  check_static(ctx, ip, mac);
  const auto learned = stations_.learn(ip, mac, ctx.f.time);
  const std::string who = ip.to_string();
  switch (learned.change) {
    case arp::StationChange::kNew:
      if (config_.report_new_station) {
        raise(ctx, Rule::kNewStation, Severity::kInfo, ip, std::nullopt, mac,
              fmt::format("new station {} at {}", who, mac.to_string()));
      }
      return;
    case arp::StationChange::kSame: return;
    case arp::StationChange::kFlipFlop:
      raise(ctx, Rule::kFlipFlop, Severity::kWarning, ip, learned.old, mac,
            fmt::format("{} flipped back from {} to {}", who, learned.old->to_string(), mac.to_string()));
      break;
    case arp::StationChange::kReused:
      raise(ctx, Rule::kReusedOldMac, Severity::kWarning, ip, learned.old, mac,
            fmt::format("{} moved from {} back to older {}", who, learned.old->to_string(), mac.to_string()));
      break;
    case arp::StationChange::kChanged:
      raise(ctx, Rule::kMacChanged, Severity::kWarning, ip, learned.old, mac,
            fmt::format("{} moved from {} to {}", who, learned.old->to_string(), mac.to_string()));
      break;
  }
  // ndp_unsolicited_override (RFC 3756 §4.1.1): RFC 4861 §7.2.5 makes a receiver replace
  // a cached link-layer address when the advertisement has O set, whether or not it asked;
  // an advertisement nobody solicited (S clear, or no solicitation for its target seen)
  // that does so is the poisoning move. Linux's unsolicited NAs (ndisc_notify) repeat the
  // binding and change nothing.
  const NdpFrame& f = ctx.f;
  if (f.type == MessageType::kNeighborAdvertisement && f.override_flag && !answers_solicitation(f)) {
    raise(ctx, Rule::kUnsolicitedOverride, Severity::kCritical, ip, learned.old, mac,
          fmt::format("unsolicited advertisement with override moves {} from {} to {}", who,
                      learned.old->to_string(), mac.to_string()));
  }
}

bool SpoofDetector::answers_solicitation(const NdpFrame& f) const {
  if (!f.solicited || !f.target) return false;
  const net::Time* asked = solicited_.peek(*f.target);
  return asked != nullptr && f.time >= *asked && f.time - *asked <= config_.solicitation_window;
}

// ndp_dad_denial (RFC 3756 §4.1.3, NDPMon "dad dos"): RFC 4862 §5.4.3-5.4.4 make a
// tentative address a duplicate when an NA for it, or another NS from :: for it, arrives
// during DAD. One such answer is a real duplicate; one MAC answering the probes of
// dad_denial_targets different tentative addresses claims addresses it cannot all hold.
// A host's own NA after its DAD (same MAC as the probe) is not an answer.
void SpoofDetector::check_dad(Context& ctx) {
  const NdpFrame& f = ctx.f;
  const bool probe = f.type == MessageType::kNeighborSolicitation && f.src.is_unspecified();
  if (!probe && f.type != MessageType::kNeighborAdvertisement) return;
  const net::Ipv6Addr target = *f.target;
  const DadProbe* pending = dad_.peek(target);
  const bool answer = pending != nullptr && pending->prober != f.eth_src && f.time >= pending->time &&
                      f.time - pending->time <= config_.dad_window;
  if (probe) {
    ++counters_.dad_probes;
    if (!answer) {
      if (dad_.insert(target, DadProbe{f.eth_src, f.time})) counters_.dad_evictions = dad_.evictions();
    }
  }
  if (!answer) return;
  const net::MacAddr prober = pending->prober;
  dad_.erase(target);  // one answer per probe
  DadAnswers* a = dad_answers_.find(f.eth_src);
  if (a == nullptr) {
    dad_answers_.insert(f.eth_src, DadAnswers{});
    a = dad_answers_.peek_mut(f.eth_src);
  }
  // Remember target (replacing itself, else the oldest slot), then count the recent ones.
  std::size_t slot = a->count;
  for (std::size_t i = 0; i < a->count; ++i) {
    if (a->targets[i] == target) slot = i;
  }
  if (slot == a->targets.size()) {
    slot = static_cast<std::size_t>(std::min_element(a->times.begin(), a->times.end()) - a->times.begin());
  } else if (slot == a->count) {
    ++a->count;
  }
  a->targets[slot] = target;
  a->times[slot] = f.time;
  std::size_t recent = 0;
  for (std::size_t i = 0; i < a->count; ++i) recent += f.time - a->times[i] <= config_.dad_denial_window ? 1 : 0;
  if (recent < std::max<std::size_t>(config_.dad_denial_targets, 1)) return;
  raise(ctx, Rule::kDadDenial, Severity::kCritical, target, prober, f.eth_src,
        fmt::format("{} answered the duplicate address detection of {} tentative addresses within {}, now {}",
                    f.eth_src.to_string(), recent, config_.dad_denial_window.to_string(), target.to_string()));
}

// A router of the link: never a known router's address from another MAC; with routers
// declared, one whose address (if addresses are declared) and MAC (if MACs are) are in the
// list; with none declared, a router already learned.
bool SpoofDetector::is_router(const net::Ipv6Addr& ip, net::MacAddr mac) const {
  const RouterState* r = routers_.peek(ip);
  if (r != nullptr && r->mac != mac) return false;
  const arp::AllowList& list = config_.routers;
  if (!any_entries(list)) return r != nullptr;
  const bool ip_ok = list.ips.empty() || list.contains(net::IpAddr(ip));
  const bool mac_ok = (list.macs.empty() && list.mac_prefixes.empty()) || list.contains(mac);
  return ip_ok && mac_ok;
}

// Router advertisements. ndp_rogue_router (RFC 3756 §4.2.1 malicious last-hop router,
// NDPMon "wrong router mac" / "wrong router ip"): an RA from a source that is not one of
// the declared routers, or, with none declared, from a router other than the first one
// seen, or from a known router's address with another MAC. ndp_router_changed (RFC 3756
// §4.2.3, §4.2.5-4.2.7; NDPMon "wrong prefix"): a known router whose M/O flags or MTU
// change, or that advertises a new prefix; its periodic RAs (RFC 4861 §6.2.4) repeat the
// same values and are quiet. ndp_router_lifetime_zero (RFC 3756 §4.2.2, "default router
// is killed"): lifetime 0 is how a router withdraws itself (RFC 4861 §6.2.5); sent by
// anyone else it removes the hosts' default router.
void SpoofDetector::check_router_advertisement(Context& ctx) {
  const NdpFrame& f = ctx.f;
  const bool declared = any_entries(config_.routers);
  RouterState* known = routers_.find(f.src);
  if (f.ra.lifetime == 0 && !is_router(f.src, f.eth_src)) {
    std::optional<net::MacAddr> old;
    if (known != nullptr) old = known->mac;
    raise(ctx, Rule::kRouterLifetimeZero, Severity::kCritical, f.src, old, f.eth_src,
          fmt::format("router lifetime 0 for {} sent by {}, which is not that router", f.src.to_string(),
                      f.eth_src.to_string()));
    return;
  }
  if (known != nullptr && known->mac != f.eth_src) {
    raise(ctx, Rule::kRogueRouter, Severity::kCritical, f.src, known->mac, f.eth_src,
          fmt::format("router advertisement for router {} from {}, the router is at {}", f.src.to_string(),
                      f.eth_src.to_string(), known->mac.to_string()));
    return;
  }
  const bool trusted = declared ? is_router(f.src, f.eth_src) : (known != nullptr || routers_.empty());
  if (!trusted) {
    raise(ctx, Rule::kRogueRouter, declared ? Severity::kCritical : Severity::kWarning, f.src, std::nullopt,
          f.eth_src,
          fmt::format("router advertisement from {} ({}), not {}", f.src.to_string(), f.eth_src.to_string(),
                      declared ? "a declared router" : "the router of this link"));
    return;
  }
  if (known == nullptr) {
    if (routers_.insert(f.src, RouterState{f.eth_src, f.ra, f.time})) counters_.router_evictions = routers_.evictions();
    return;
  }
  if (const std::string changes = router_changes(known->info, f.ra); !changes.empty()) {
    raise(ctx, Rule::kRouterChanged, Severity::kWarning, f.src, known->mac, f.eth_src,
          fmt::format("router {} changed its advertisement: {}", f.src.to_string(), changes));
  }
  RouterInfo next = f.ra;
  merge_prefixes(next, known->info);
  if (!next.mtu) next.mtu = known->info.mtu;
  known->info = next;
  known->last_seen = f.time;
}

// ndp_rogue_redirect (RFC 3756 §4.2.4; RFC 4861 §8.1: a host accepts a redirect only from
// its current first-hop router): a redirect whose source is not a router of the link.
void SpoofDetector::check_redirect(Context& ctx) {
  const NdpFrame& f = ctx.f;
  if (is_router(f.src, f.eth_src)) return;
  raise(ctx, Rule::kRogueRedirect, Severity::kWarning, f.src, std::nullopt, f.eth_src,
        fmt::format("redirect of {} to {} from {} ({}), which is not a router", f.destination->to_string(),
                    f.target->to_string(), f.src.to_string(), f.eth_src.to_string()));
}

void SpoofDetector::observe(const NdpFrame& frame, std::vector<Alert>& alerts) {
  ++counters_.frames;
  if (!valid(frame)) {
    ++counters_.invalid;
    return;
  }
  const auto claimed = frame.claimed_link_addr();
  const auto& allow = config_.allow;
  Context ctx{frame, alerts,
              allow.contains(frame.eth_src) || allow.contains(net::IpAddr(frame.src)) ||
                  (claimed && allow.contains(*claimed))};
  check_link_addr(ctx);
  switch (frame.type) {
    case MessageType::kNeighborSolicitation:
      check_dad(ctx);
      if (frame.src.is_unspecified()) return;  // RFC 4862 §5.4.2: a DAD probe binds nothing
      if (solicited_.insert(*frame.target, frame.time)) counters_.solicitation_evictions = solicited_.evictions();
      if (claimed) learn(ctx, frame.src, *claimed);  // RFC 4861 §7.2.3
      return;
    case MessageType::kNeighborAdvertisement:
      check_dad(ctx);
      if (claimed) learn(ctx, *frame.target, *claimed);  // RFC 4861 §7.2.5
      return;
    case MessageType::kRouterSolicitation:
      if (claimed) learn(ctx, frame.src, *claimed);  // RFC 4861 §6.2.6
      return;
    case MessageType::kRouterAdvertisement:
      check_router_advertisement(ctx);
      if (claimed) learn(ctx, frame.src, *claimed);  // RFC 4861 §6.3.4
      return;
    case MessageType::kRedirect:
      check_redirect(ctx);
      return;
  }
}

std::optional<net::MacAddr> SpoofDetector::binding(const net::Ipv6Addr& ip) const {
  const auto* rec = stations_.peek(ip);
  if (rec == nullptr) return std::nullopt;
  return rec->macs[0].mac;
}

std::optional<RouterState> SpoofDetector::router(const net::Ipv6Addr& ip) const {
  const RouterState* r = routers_.peek(ip);
  if (r == nullptr) return std::nullopt;
  return *r;
}

const DetectorCounters& SpoofDetector::counters() const {
  counters_.address_evictions = stations_.evictions();
  counters_.router_evictions = routers_.evictions();
  counters_.solicitation_evictions = solicited_.evictions();
  counters_.dad_evictions = dad_.evictions();
  counters_.dedup_evictions = gate_.evictions();
  return counters_;
}

}  // namespace wirestate::ndp
