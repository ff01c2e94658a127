#pragma once
// The bounded out-of-order queue of a receiver: segments beyond RCV.NXT kept until the
// hole before them fills, then handed back in order (RFC 9293 §3.10.7.4, step 7).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wirestate/net/seq_num.hpp"
#include "wirestate/wire/tcp_repr.hpp"

namespace wirestate::tcp {

class OutOfOrderQueue {
 public:
  explicit OutOfOrderQueue(std::size_t max_segments) noexcept : max_segments_(max_segments) {}

  // Keeps [seq, seq+len) (and a FIN after it) received while RCV.NXT is rcv_nxt. Bytes
  // already held are not stored twice. When more than max_segments ranges would be kept,
  // the one farthest from rcv_nxt is dropped; returns false if that was the new one.
  bool insert(net::SeqNum rcv_nxt, net::SeqNum seq, std::span<const std::uint8_t> data, bool fin);

  // Moves bytes that now start at rcv_nxt into out, advancing rcv_nxt; discards bytes
  // below it. Returns true when a kept FIN was reached (rcv_nxt then points at the FIN).
  bool drain(net::SeqNum& rcv_nxt, std::vector<std::uint8_t>& out);

  // Up to max blocks [left, right) for SACK (RFC 2018 §4: the most recent block first).
  std::vector<wire::SackBlock> sack_blocks(std::size_t max) const;

  bool empty() const noexcept { return ranges_.empty(); }
  std::size_t segments() const noexcept { return ranges_.size(); }
  std::size_t bytes() const noexcept;
  void clear() noexcept { ranges_.clear(); }

 private:
  struct Range {
    net::SeqNum start;
    std::vector<std::uint8_t> data;
    bool fin = false;
    std::uint64_t arrival = 0;  // for SACK block order
    net::SeqNum end() const noexcept {
      return start + static_cast<std::uint32_t>(data.size());
    }
  };
  std::vector<Range> ranges_;  // sorted by distance from RCV.NXT, non-overlapping
  std::size_t max_segments_;
  std::uint64_t arrivals_ = 0;
};

}  // namespace wirestate::tcp
