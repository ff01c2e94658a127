// arp::Cache: the table, resolution with its bounded queue, timers and eviction.
// Learning from received frames is in cache_input.cpp.
#include <algorithm>

#include "wirestate/arp/cache.hpp"

namespace wirestate::arp {

Cache::Cache(const CacheConfig& config, net::MacAddr our_mac, net::Ipv4Addr our_ip)
    : config_(config),
      our_mac_(our_mac),
      our_ip_(our_ip),
      dynamic_(config.max_entries),
      claim_(config.claim, our_mac, our_ip) {}

void Cache::start(net::Time now, CacheOutput& out) { claim_.start(now, out); }

void Cache::transition(net::Ipv4Addr ip, Entry& e, EntryState to, net::MacAddr mac, Cause cause,
                       net::Time now, CacheOutput& out, std::uint64_t packet) {
  CacheEvent ev;
  ev.time = now;
  ev.ip = ip;
  ev.old_state = e.state;
  if (e.state != EntryState::kIncomplete) ev.old_mac = e.mac;
  ev.new_state = to;
  if (to != EntryState::kIncomplete) ev.new_mac = mac;
  ev.cause = cause;
  ev.packet = packet;
  e.state = to;
  e.mac = mac;
  e.updated = now;
  out.events.push_back(ev);
}

void Cache::send_request(net::Ipv4Addr ip, net::MacAddr eth_dst, net::Time now,
                         CacheOutput& out) {
  // RFC 826: ar$op = REQUEST, sender = us, target HW unknown (zero), target IP = ip.
  ArpFrame f;
  f.arp = {wire::ArpOp::kRequest, our_mac_, our_ip_, net::MacAddr{}, ip};
  f.eth_src = our_mac_;
  f.eth_dst = eth_dst;
  f.time = now;
  out.send.push_back(f);
  ++counters_.requests_sent;
}

void Cache::release_queue(net::Ipv4Addr ip, Entry& e, CacheOutput& out) {
  for (auto& item : e.queue) out.released.push_back({ip, e.mac, std::move(item)});
  e.queue.clear();
}

void Cache::fail_queue(net::Ipv4Addr ip, Entry& e, FailReason reason, CacheOutput& out) {
  for (auto& item : e.queue) out.failed.push_back({ip, std::move(item), reason});
  e.queue.clear();
}

void Cache::drop_entry(net::Ipv4Addr ip, Cause cause, FailReason reason, net::Time now,
                       CacheOutput& out) {
  auto removed = dynamic_.erase(ip);
  if (!removed) return;
  CacheEvent ev;
  ev.time = now;
  ev.ip = ip;
  ev.old_state = removed->state;
  if (removed->state != EntryState::kIncomplete) ev.old_mac = removed->mac;
  ev.cause = cause;
  ev.items = removed->queue.size();
  fail_queue(ip, *removed, reason, out);
  out.events.push_back(ev);
}

void Cache::create_entry(net::Ipv4Addr ip, Entry entry, Cause cause, net::Time now,
                         CacheOutput& out, std::uint64_t packet) {
  const EntryState to = entry.state;
  const net::MacAddr mac = entry.mac;
  entry.state = EntryState::kIncomplete;  // so transition() reports "absent -> to"
  auto evicted = dynamic_.insert(ip, std::move(entry));
  if (evicted) {
    // The table is full: the least recently used dynamic entry goes (static entries
    // live in their own table and are never evicted).
    ++counters_.evictions;
    CacheEvent ev;
    ev.time = now;
    ev.ip = evicted->first;
    ev.old_state = evicted->second.state;
    if (evicted->second.state != EntryState::kIncomplete) ev.old_mac = evicted->second.mac;
    ev.cause = Cause::kEvicted;
    ev.items = evicted->second.queue.size();
    fail_queue(evicted->first, evicted->second, FailReason::kEvicted, out);
    out.events.push_back(ev);
  }
  Entry& e = *dynamic_.peek_mut(ip);
  CacheEvent ev;
  ev.time = now;
  ev.ip = ip;
  ev.new_state = to;
  if (to != EntryState::kIncomplete) ev.new_mac = mac;
  ev.cause = cause;
  ev.packet = packet;
  e.state = to;
  e.mac = mac;
  e.updated = now;
  out.events.push_back(ev);
}

Cache::Entry* Cache::start_resolution(net::Ipv4Addr ip, net::Time now, CacheOutput& out) {
  Entry e;
  e.state = EntryState::kIncomplete;
  e.used = now;
  e.last_sent = now;
  e.requests = 1;
  create_entry(ip, std::move(e), Cause::kResolve, now, out, 0);
  send_request(ip, net::MacAddr::broadcast(), now, out);
  return dynamic_.peek_mut(ip);
}

std::optional<net::MacAddr> Cache::resolve(net::Ipv4Addr ip, net::Time now, CacheOutput& out) {
  if (auto it = static_.find(ip); it != static_.end()) return it->second;
  Entry* e = dynamic_.find(ip);
  if (e == nullptr) {
    start_resolution(ip, now, out);
    return std::nullopt;
  }
  e->used = now;
  switch (e->state) {
    case EntryState::kIncomplete:
      return std::nullopt;  // join the resolution in progress
    case EntryState::kStale:
      // Linux: a used STALE entry goes DELAY then PROBE (unicast requests to the cached
      // MAC, ucast_solicit of them) while traffic keeps flowing to that MAC.
      if (!e->revalidating) {
        e->revalidating = true;
        e->requests = 1;
        e->last_sent = now;
        send_request(ip, e->mac, now, out);
        CacheEvent ev{now, ip, e->mac, e->mac, EntryState::kStale, EntryState::kStale,
                      Cause::kRevalidate};
        out.events.push_back(ev);
      }
      return e->mac;
    case EntryState::kReachable:
    case EntryState::kPermanent:
      return e->mac;
  }
  return std::nullopt;
}

Submit Cache::submit(net::Ipv4Addr ip, QueuedItem item, net::Time now, CacheOutput& out) {
  if (auto mac = resolve(ip, now, out)) {
    out.released.push_back({ip, *mac, std::move(item)});
    return Submit::kReleased;
  }
  Entry* e = dynamic_.peek_mut(ip);
  if (e == nullptr) {  // cannot happen: resolve() created it
    out.failed.push_back({ip, std::move(item), FailReason::kEvicted});
    return Submit::kFailed;
  }
  if (config_.unres_qlen == 0) {
    ++counters_.queue_drops;
    out.failed.push_back({ip, std::move(item), FailReason::kQueueOverflow});
    return Submit::kFailed;
  }
  if (e->queue.size() >= config_.unres_qlen) {
    // Linux __neigh_event_send: when arp_queue is full the oldest skb is dropped.
    ++counters_.queue_drops;
    out.failed.push_back({ip, std::move(e->queue.front()), FailReason::kQueueOverflow});
    e->queue.pop_front();
    CacheEvent ev{now, ip, std::nullopt, std::nullopt, EntryState::kIncomplete,
                  EntryState::kIncomplete, Cause::kQueueOverflow, 0, 1};
    out.events.push_back(ev);
  }
  e->queue.push_back(std::move(item));
  return Submit::kQueued;
}

net::Time Cache::deadline_of(const Entry& e) const {
  switch (e.state) {
    case EntryState::kIncomplete:
      return e.last_sent + config_.retrans_time;
    case EntryState::kReachable:
      return e.updated + config_.reachable_time;
    case EntryState::kStale:
      if (e.revalidating) return e.last_sent + config_.retrans_time;
      return std::max(e.updated, e.used) + config_.gc_stale_time;
    case EntryState::kPermanent:
      return net::Time::max();
  }
  return net::Time::max();
}

net::Time Cache::next_deadline() const {
  net::Time next = claim_.next_deadline();
  dynamic_.for_each([&](const net::Ipv4Addr&, const Entry& e) {
    next = std::min(next, deadline_of(e));
  });
  return next;
}

void Cache::run_entry_timer(net::Ipv4Addr ip, net::Time now, CacheOutput& out) {
  // Loops so that a late call catches up (REACHABLE -> STALE -> removed).
  for (;;) {
    Entry* e = dynamic_.peek_mut(ip);
    if (e == nullptr) return;
    const net::Time due = deadline_of(*e);
    if (due > now) return;
    switch (e->state) {
      case EntryState::kIncomplete:
        if (e->requests < config_.mcast_solicit) {
          ++e->requests;
          e->last_sent = due;
          send_request(ip, net::MacAddr::broadcast(), now, out);
          CacheEvent ev{now, ip, std::nullopt, std::nullopt, EntryState::kIncomplete,
                        EntryState::kIncomplete, Cause::kRequestRetry};
          out.events.push_back(ev);
        } else {
          ++counters_.resolution_failures;
          drop_entry(ip, Cause::kResolutionFailed, FailReason::kHostUnreachable, now, out);
          return;
        }
        break;
      case EntryState::kReachable:
        transition(ip, *e, EntryState::kStale, e->mac, Cause::kReachableExpired, due, out);
        out.events.back().time = now;
        break;
      case EntryState::kStale:
        if (e->revalidating && e->requests < config_.ucast_solicit) {
          ++e->requests;
          e->last_sent = due;
          send_request(ip, e->mac, now, out);
          CacheEvent ev{now, ip, e->mac, e->mac, EntryState::kStale, EntryState::kStale,
                        Cause::kRevalidate};
          out.events.push_back(ev);
        } else if (e->revalidating) {
          drop_entry(ip, Cause::kRevalidationFailed, FailReason::kHostUnreachable, now, out);
          return;
        } else {
          drop_entry(ip, Cause::kGcExpired, FailReason::kRemoved, now, out);
          return;
        }
        break;
      case EntryState::kPermanent:
        return;
    }
  }
}

void Cache::on_timer(net::Time now, CacheOutput& out) {
  claim_.on_timer(now, out);
  std::vector<net::Ipv4Addr> due;
  dynamic_.for_each([&](const net::Ipv4Addr& ip, const Entry& e) {
    if (deadline_of(e) <= now) due.push_back(ip);
  });
  // Oldest-used first, so events come out in a stable order.
  std::reverse(due.begin(), due.end());
  for (auto ip : due) run_entry_timer(ip, now, out);
}

bool Cache::add_static(net::Ipv4Addr ip, net::MacAddr mac, net::Time now, CacheOutput& out) {
  if (!static_.contains(ip) && static_.size() >= config_.max_static) return false;
  CacheEvent ev;
  ev.time = now;
  ev.ip = ip;
  ev.new_mac = mac;
  ev.new_state = EntryState::kPermanent;
  ev.cause = Cause::kStaticAdded;
  if (auto it = static_.find(ip); it != static_.end()) {
    ev.old_mac = it->second;
    ev.old_state = EntryState::kPermanent;
  } else if (auto old = dynamic_.erase(ip)) {
    ev.old_state = old->state;
    if (old->state != EntryState::kIncomplete) ev.old_mac = old->mac;
    old->mac = mac;
    release_queue(ip, *old, out);
  }
  static_[ip] = mac;
  out.events.push_back(ev);
  return true;
}

bool Cache::remove(net::Ipv4Addr ip, net::Time now, CacheOutput& out) {
  if (auto it = static_.find(ip); it != static_.end()) {
    CacheEvent ev{now, ip, it->second, std::nullopt, EntryState::kPermanent, std::nullopt,
                  Cause::kRemoved};
    static_.erase(it);
    out.events.push_back(ev);
    return true;
  }
  if (dynamic_.peek(ip) == nullptr) return false;
  drop_entry(ip, Cause::kRemoved, FailReason::kRemoved, now, out);
  return true;
}

std::optional<EntryInfo> Cache::lookup(net::Ipv4Addr ip) const {
  if (auto it = static_.find(ip); it != static_.end()) {
    return EntryInfo{ip, it->second, EntryState::kPermanent, net::Time{}, 0};
  }
  const Entry* e = dynamic_.peek(ip);
  if (e == nullptr) return std::nullopt;
  EntryInfo info{ip, std::nullopt, e->state, e->updated, e->queue.size()};
  if (e->state != EntryState::kIncomplete) info.mac = e->mac;
  return info;
}

std::vector<EntryInfo> Cache::entries() const {
  std::vector<EntryInfo> all;
  all.reserve(size());
  for (const auto& [ip, mac] : static_) all.push_back({ip, mac, EntryState::kPermanent, {}, 0});
  std::sort(all.begin(), all.end(),
            [](const EntryInfo& a, const EntryInfo& b) { return a.ip < b.ip; });
  dynamic_.for_each([&](const net::Ipv4Addr& ip, const Entry&) { all.push_back(*lookup(ip)); });
  return all;
}

}  // namespace wirestate::arp
