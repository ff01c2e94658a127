#include "wirestate/tcp/reassembly.hpp"

#include <algorithm>

namespace wirestate::tcp {

namespace {
// Offset of s past base, modulo 2^32 (every kept range lies within one window ahead).
std::uint32_t offset_from(net::SeqNum base, net::SeqNum s) noexcept {
  return s.value() - base.value();
}
}  // namespace

bool OutOfOrderQueue::insert(net::SeqNum rcv_nxt, net::SeqNum seq,
                             std::span<const std::uint8_t> data, bool fin) {
  const std::uint64_t arrival = ++arrivals_;
  const std::uint32_t a = offset_from(rcv_nxt, seq);
  const std::uint32_t b = a + static_cast<std::uint32_t>(data.size());

  // The parts of [a, b) not held yet.
  struct Piece {
    std::uint32_t from, to;
  };
  std::vector<Piece> pieces;
  std::uint32_t cur = a;
  for (const Range& r : ranges_) {
    const std::uint32_t ra = offset_from(rcv_nxt, r.start);
    const std::uint32_t rb = ra + static_cast<std::uint32_t>(r.data.size());
    if (rb <= cur) continue;
    if (ra >= b) break;
    if (ra > cur) pieces.push_back({cur, ra});
    cur = std::max(cur, rb);
  }
  if (cur < b) pieces.push_back({cur, b});

  bool fin_placed = !fin;
  for (const Piece& p : pieces) {
    Range r;
    r.start = rcv_nxt + p.from;
    r.data.assign(data.begin() + (p.from - a), data.begin() + (p.to - a));
    r.arrival = arrival;
    if (fin && p.to == b) {
      r.fin = true;
      fin_placed = true;
    }
    auto pos = std::find_if(ranges_.begin(), ranges_.end(), [&](const Range& x) {
      return offset_from(rcv_nxt, x.start) > p.from;
    });
    ranges_.insert(pos, std::move(r));
  }
  if (!fin_placed) {
    auto it = std::find_if(ranges_.begin(), ranges_.end(), [&](const Range& x) {
      return offset_from(rcv_nxt, x.end()) == b;
    });
    if (it != ranges_.end()) {
      it->fin = true;
    } else {
      Range r;
      r.start = rcv_nxt + b;
      r.fin = true;
      r.arrival = arrival;
      auto pos = std::find_if(ranges_.begin(), ranges_.end(), [&](const Range& x) {
        return offset_from(rcv_nxt, x.start) > b;
      });
      ranges_.insert(pos, std::move(r));
    }
  }

  // Merge touching ranges so the bound counts holes, not segments that arrived apart.
  for (std::size_t i = 0; i + 1 < ranges_.size();) {
    Range& x = ranges_[i];
    Range& y = ranges_[i + 1];
    if (!x.fin && x.end() == y.start) {
      x.data.insert(x.data.end(), y.data.begin(), y.data.end());
      x.fin = y.fin;
      x.arrival = std::max(x.arrival, y.arrival);
      ranges_.erase(ranges_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    } else {
      ++i;
    }
  }

  // The bound: evict from the far end (what the sender will retransmit last anyway).
  while (ranges_.size() > max_segments_) ranges_.pop_back();
  return pieces.empty() && fin_placed ? true
         : std::any_of(ranges_.begin(), ranges_.end(),
                       [&](const Range& r) { return r.arrival == arrival; });
}

bool OutOfOrderQueue::drain(net::SeqNum& rcv_nxt, std::vector<std::uint8_t>& out) {
  while (!ranges_.empty() && le(ranges_.front().start, rcv_nxt)) {
    Range& r = ranges_.front();
    const std::uint32_t skip = static_cast<std::uint32_t>(rcv_nxt - r.start);
    if (skip < r.data.size()) {
      out.insert(out.end(), r.data.begin() + skip, r.data.end());
      rcv_nxt = r.end();
    }
    const bool fin_reached = r.fin && r.end() == rcv_nxt;
    ranges_.erase(ranges_.begin());
    if (fin_reached) return true;
  }
  return false;
}

std::vector<wire::SackBlock> OutOfOrderQueue::sack_blocks(std::size_t max) const {
  std::vector<const Range*> order;
  for (const Range& r : ranges_) {
    if (!r.data.empty()) order.push_back(&r);
  }
  std::sort(order.begin(), order.end(),
            [](const Range* x, const Range* y) { return x->arrival > y->arrival; });
  std::vector<wire::SackBlock> out;
  for (const Range* r : order) {
    if (out.size() == max) break;
    out.push_back({r->start, r->end()});
  }
  return out;
}

std::size_t OutOfOrderQueue::bytes() const noexcept {
  std::size_t n = 0;
  for (const Range& r : ranges_) n += r.data.size();
  return n;
}

}  // namespace wirestate::tcp
