#include "wirestate/ip/reassembler.hpp"

#include <algorithm>

namespace wirestate::ip {

namespace {
// RFC 791 §3.1: the IPv4 total length (header included) is 16 bits; RFC 8200 §3: the IPv6
// payload length (extension headers included, the fixed header not) is 16 bits.
constexpr std::size_t kMaxLengthField = 65535;
constexpr std::size_t kIpv4MinHeader = 20;
constexpr std::size_t kIpv6FixedHeader = 40;
}  // namespace

std::size_t FragmentKeyHash::operator()(const FragmentKey& k) const noexcept {
  std::uint64_t h = std::hash<net::IpAddr>{}(k.src);
  h ^= std::hash<net::IpAddr>{}(k.dst) * 0xff51afd7ed558ccdULL;
  h ^= (std::uint64_t{k.protocol} << 32 | k.id) * 0x9e3779b97f4a7c15ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 32;
  return static_cast<std::size_t>(h);
}

std::string_view to_string(ReassemblyEventKind kind) noexcept {
  switch (kind) {
    case ReassemblyEventKind::kTimeout: return "timeout";
    case ReassemblyEventKind::kOverlap: return "overlap";
    case ReassemblyEventKind::kDuplicate: return "duplicate";
    case ReassemblyEventKind::kTooLarge: return "too_large";
    case ReassemblyEventKind::kInconsistentEnd: return "inconsistent_end";
    case ReassemblyEventKind::kBadLength: return "bad_length";
    case ReassemblyEventKind::kEvictedCount: return "evicted_count";
    case ReassemblyEventKind::kEvictedBytes: return "evicted_bytes";
    case ReassemblyEventKind::kFragmentTooBig: return "fragment_too_big";
  }
  return "unknown";
}

Reassembler::Reassembler(ReassemblerConfig config) : config_(config) {
  if (config_.max_datagrams == 0) config_.max_datagrams = 1;
}

net::Time Reassembler::next_deadline() const noexcept {
  net::Time t = net::Time::max();
  if (!age_v4_.empty()) t = std::min(t, table_.at(age_v4_.front()).created + config_.timeout);
  if (!age_v6_.empty()) t = std::min(t, table_.at(age_v6_.front()).created + config_.timeout_v6);
  return t;
}

Reassembler::Table::iterator Reassembler::oldest() {
  if (age_v6_.empty()) return table_.find(age_v4_.front());
  if (age_v4_.empty()) return table_.find(age_v6_.front());
  auto v4 = table_.find(age_v4_.front());
  auto v6 = table_.find(age_v6_.front());
  return v6->second.created < v4->second.created ? v6 : v4;
}

ReassemblyEvent Reassembler::drop(Table::iterator it, ReassemblyEventKind kind, net::Time now,
                                  std::uint64_t packet) {
  ReassemblyEvent ev{kind, it->first, now, packet, it->second.received, it->second.bytes, true};
  bytes_held_ -= it->second.bytes;
  ages_of(it->first).erase(it->second.age);
  table_.erase(it);
  switch (kind) {
    case ReassemblyEventKind::kTimeout: ++counters_.timeouts; break;
    case ReassemblyEventKind::kOverlap: ++counters_.overlaps; break;
    case ReassemblyEventKind::kEvictedCount:
    case ReassemblyEventKind::kEvictedBytes: ++counters_.evictions; break;
    default: ++counters_.other_drops; break;
  }
  return ev;
}

std::vector<ReassemblyEvent> Reassembler::expire(net::Time now) {
  std::vector<ReassemblyEvent> events;
  // Linux ip_expire: the timer starts with the first fragment and is never refreshed, so
  // creation order is expiry order within a family and only a front can be due. Both fronts
  // are taken in the order they expired.
  for (;;) {
    const bool v4_due = !age_v4_.empty() && table_.at(age_v4_.front()).created + config_.timeout <= now;
    const bool v6_due = !age_v6_.empty() && table_.at(age_v6_.front()).created + config_.timeout_v6 <= now;
    if (!v4_due && !v6_due) break;
    auto v4 = v4_due ? table_.find(age_v4_.front()) : table_.end();
    auto v6 = v6_due ? table_.find(age_v6_.front()) : table_.end();
    const bool take_v6 =
        !v4_due || (v6_due && v6->second.created + config_.timeout_v6 < v4->second.created + config_.timeout);
    events.push_back(drop(take_v6 ? v6 : v4, ReassemblyEventKind::kTimeout, now, 0));
  }
  return events;
}

bool Reassembler::complete(const Partial& p) noexcept {
  if (!p.total || p.pieces.empty() || p.pieces.front().offset != 0) return false;
  std::uint32_t next = 0;
  for (const auto& piece : p.pieces) {
    if (piece.offset != next) return false;
    next = piece.offset + static_cast<std::uint32_t>(piece.bytes.size());
  }
  return next == *p.total;
}

Datagram Reassembler::assemble(Table::iterator it, std::uint64_t packet) {
  Partial& p = it->second;
  Datagram d;
  d.key = it->first;
  d.header = std::move(p.header);
  d.payload.reserve(*p.total);
  for (const auto& piece : p.pieces) d.payload.insert(d.payload.end(), piece.bytes.begin(), piece.bytes.end());
  d.fragments = p.received;
  d.first_packet = p.first_packet;
  d.last_packet = packet;
  bytes_held_ -= p.bytes;
  ages_of(it->first).erase(p.age);
  table_.erase(it);
  ++counters_.completed;
  return d;
}

AddResult Reassembler::add(const Fragment& f, net::Time now) {
  AddResult out;
  out.events = expire(now);
  ++counters_.fragments;

  const auto n = static_cast<std::uint32_t>(f.payload.size());
  if (f.offset == 0 && !f.more_fragments) {
    // Not a fragment at all (RFC 791 §3.2: offset 0 and MF clear), or an IPv6 atomic
    // fragment, which RFC 6946 §4 says to process apart from any other fragments.
    Datagram d{f.key, {f.header.begin(), f.header.end()}, {f.payload.begin(), f.payload.end()},
               1, f.packet, f.packet};
    out.datagram = std::move(d);
    return out;
  }

  auto fragment_only = [&](ReassemblyEventKind kind) {
    ++counters_.other_drops;
    auto it = table_.find(f.key);
    const std::size_t held_frags = it == table_.end() ? 0 : it->second.received;
    const std::size_t held_bytes = it == table_.end() ? 0 : it->second.bytes;
    out.events.push_back({kind, f.key, now, f.packet, held_frags, held_bytes, false});
    return out;
  };
  auto whole = [&](Table::iterator it, ReassemblyEventKind kind) {
    out.events.push_back(drop(it, kind, now, f.packet));
    return out;
  };

  // What the reassembled length field would count besides the fragmentable part: the IPv4
  // header, or the IPv6 extension headers before the fragment header.
  const std::size_t counted_header = f.key.is_v6()
                                         ? (f.header.size() > kIpv6FixedHeader ? f.header.size() - kIpv6FixedHeader : 0)
                                         : (f.header.empty() ? kIpv4MinHeader : f.header.size());
  const std::uint64_t end = std::uint64_t{f.offset} + n;
  auto it = table_.find(f.key);
  if (counted_header + end > kMaxLengthField) {
    // Linux ip_frag_queue: "end + ihl > 65535" discards the whole queue (ip6_frag_queue
    // likewise with the payload length).
    if (it != table_.end()) return whole(it, ReassemblyEventKind::kTooLarge);
    return fragment_only(ReassemblyEventKind::kTooLarge);
  }
  // RFC 791 §3.1, RFC 8200 §4.5: every fragment but the last carries a multiple of 8
  // octets, and a fragment with no data makes no progress.
  if (n == 0 || (f.more_fragments && n % 8 != 0)) return fragment_only(ReassemblyEventKind::kBadLength);
  if (n > config_.max_bytes) return fragment_only(ReassemblyEventKind::kFragmentTooBig);

  // Check against what is already held before making room for it.
  if (it != table_.end()) {
    Partial& p = it->second;
    if (!f.more_fragments) {
      if (p.total && *p.total != end) return whole(it, ReassemblyEventKind::kInconsistentEnd);
      if (!p.pieces.empty()) {
        const auto& last = p.pieces.back();
        if (last.offset + last.bytes.size() > end) return whole(it, ReassemblyEventKind::kInconsistentEnd);
      }
    } else if (p.total && end > *p.total) {
      return whole(it, ReassemblyEventKind::kInconsistentEnd);
    }
    auto pos = std::lower_bound(p.pieces.begin(), p.pieces.end(), f.offset,
                                [](const Piece& a, std::uint32_t off) { return a.offset < off; });
    if (pos != p.pieces.end() && pos->offset == f.offset && pos->bytes.size() == n) {
      // An exact duplicate (a retransmission or a duplicating link): keep the datagram,
      // as Linux does (IPFRAG_DUP) and RFC 8200 §4.5 allows.
      ++counters_.duplicates;
      out.events.push_back({ReassemblyEventKind::kDuplicate, f.key, now, f.packet, p.received, p.bytes, false});
      return out;
    }
    const bool hits_next = pos != p.pieces.end() && pos->offset < end;
    const bool hits_prev = pos != p.pieces.begin() &&
                           std::prev(pos)->offset + std::prev(pos)->bytes.size() > f.offset;
    // RFC 5722 §4 (adopted by Linux for IPv4 too): any overlap discards the datagram.
    if (hits_next || hits_prev) return whole(it, ReassemblyEventKind::kOverlap);
  }

  // Bounded memory: evict the oldest partial datagrams until this one fits.
  if (it == table_.end()) {
    while (table_.size() >= config_.max_datagrams) {
      out.events.push_back(drop(oldest(), ReassemblyEventKind::kEvictedCount, now, f.packet));
    }
  }
  while (bytes_held_ + n > config_.max_bytes) {
    out.events.push_back(drop(oldest(), ReassemblyEventKind::kEvictedBytes, now, f.packet));
  }
  it = table_.find(f.key);
  if (it == table_.end()) {
    auto& ages = ages_of(f.key);
    ages.push_back(f.key);
    Partial fresh;
    fresh.created = now;
    fresh.first_packet = f.packet;
    fresh.age = std::prev(ages.end());
    it = table_.emplace(f.key, std::move(fresh)).first;
  }

  Partial& p = it->second;
  if (!f.more_fragments) p.total = static_cast<std::uint32_t>(end);
  if (f.offset == 0) p.header.assign(f.header.begin(), f.header.end());
  auto pos = std::lower_bound(p.pieces.begin(), p.pieces.end(), f.offset,
                              [](const Piece& a, std::uint32_t off) { return a.offset < off; });
  p.pieces.insert(pos, Piece{f.offset, {f.payload.begin(), f.payload.end()}});
  p.bytes += n;
  p.received += 1;
  bytes_held_ += n;
  if (complete(p)) out.datagram = assemble(it, f.packet);
  return out;
}

}  // namespace wirestate::ip
