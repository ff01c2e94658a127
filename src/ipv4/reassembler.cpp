#include "wirestate/ipv4/reassembler.hpp"

#include <algorithm>

namespace wirestate::ipv4 {

namespace {
constexpr std::size_t kMaxDatagram = 65535;   // RFC 791 §3.1: total length is 16 bits
constexpr std::size_t kMinHeader = 20;
}  // namespace

std::size_t FragmentKeyHash::operator()(const FragmentKey& k) const noexcept {
  std::uint64_t h = (std::uint64_t{k.src.value()} << 32) | k.dst.value();
  h ^= (std::uint64_t{k.protocol} << 16 | k.id) * 0x9e3779b97f4a7c15ULL;
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
  if (age_.empty()) return net::Time::max();
  return table_.at(age_.front()).created + config_.timeout;
}

ReassemblyEvent Reassembler::drop(Table::iterator it, ReassemblyEventKind kind, net::Time now,
                                  std::uint64_t packet) {
  ReassemblyEvent ev{kind, it->first, now, packet, it->second.received, it->second.bytes, true};
  bytes_held_ -= it->second.bytes;
  age_.erase(it->second.age);
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
  // creation order is expiry order and only the front can be due.
  while (!age_.empty()) {
    auto it = table_.find(age_.front());
    if (it->second.created + config_.timeout > now) break;
    events.push_back(drop(it, ReassemblyEventKind::kTimeout, now, 0));
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
  age_.erase(p.age);
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
    // Not a fragment at all (RFC 791 §3.2: offset 0 and MF clear).
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

  const std::size_t header_len = f.header.empty() ? kMinHeader : f.header.size();
  const std::uint64_t end = std::uint64_t{f.offset} + n;
  auto it = table_.find(f.key);
  if (header_len + end > kMaxDatagram) {
    // Linux ip_frag_queue: "end + ihl > 65535" discards the whole queue.
    if (it != table_.end()) return whole(it, ReassemblyEventKind::kTooLarge);
    return fragment_only(ReassemblyEventKind::kTooLarge);
  }
  // RFC 791 §3.1: every fragment but the last carries a multiple of 8 octets, and a
  // fragment with no data makes no progress.
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
      out.events.push_back(drop(table_.find(age_.front()), ReassemblyEventKind::kEvictedCount, now, f.packet));
    }
  }
  while (bytes_held_ + n > config_.max_bytes) {
    out.events.push_back(drop(table_.find(age_.front()), ReassemblyEventKind::kEvictedBytes, now, f.packet));
  }
  it = table_.find(f.key);
  if (it == table_.end()) {
    age_.push_back(f.key);
    Partial fresh;
    fresh.created = now;
    fresh.first_packet = f.packet;
    fresh.age = std::prev(age_.end());
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

}  // namespace wirestate::ipv4
