#pragma once
// Two endpoints back to back through an in-memory pipe with seeded loss, duplication,
// reordering and delay, on a virtual clock that jumps to the next event. Like an IP path
// with DF set, the pipe drops (and counts) a segment whose options and payload exceed the
// smaller MSS of the two ends (MTU - 40): RFC 6691 §2 makes the sender fit its options.
// A tap sees every segment as sent (a capture point before the loss).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

#include "wirestate/tcp/endpoint.hpp"
#include "wirestate/wire/tcp.hpp"

namespace wirestate::tcp::testing {

struct PipeConditions {
  double loss = 0.0;       // probability a segment vanishes
  double duplicate = 0.0;  // probability a segment arrives twice
  double reorder = 0.0;    // probability a segment is held back by up to 3 latencies
  net::Duration latency = net::Duration::milliseconds(10);
};

class Pipe {
 public:
  Pipe(Endpoint a, Endpoint b, PipeConditions cond, std::uint64_t seed)
      : ends_{std::move(a), std::move(b)}, cond_(cond), rng_(seed) {}

  Endpoint& end(int i) { return ends_[i]; }
  net::Time now() const { return now_; }
  std::uint64_t segments() const { return segments_; }
  // Segments dropped for exceeding the path MTU (a correct sender never makes one).
  std::uint64_t oversized() const { return oversized_; }
  // Data segments that carried SACK blocks (both sides sending while data is out of order).
  std::uint64_t sacked_data_segments() const { return sacked_data_; }
  // A deterministic loss on top of the random one: segments from side `from` for which
  // the filter returns true vanish.
  void set_loss_filter(std::function<bool(int from, const Segment&)> filter) {
    loss_filter_ = std::move(filter);
  }
  // A capture point on the senders' side of the pipe: called with every segment an end
  // sends, in sending order, at its sending time, before the pipe loses, delays or
  // duplicates it; `packet` numbers them from 1 (the count of segments so far).
  void set_tap(std::function<void(int from, const Segment&, std::uint64_t packet, net::Time at)> tap) {
    tap_ = std::move(tap);
  }
  // Called right after end `to` has processed a copy of segment number `packet`.
  void set_delivery_hook(std::function<void(int to, std::uint64_t packet)> hook) { delivered_ = std::move(hook); }

  // Moves what both endpoints have sent into the pipe.
  void collect() {
    for (int i = 0; i < 2; ++i) {
      for (auto& seg : ends_[i].take_outgoing()) {
        ++segments_;
        const std::size_t path_mss = std::min(ends_[0].config().mss, ends_[1].config().mss);
        const bool too_big = seg.payload.size() + wire::tcp_options_len(seg.header.options) > path_mss;
        if (too_big) ++oversized_;
        if (!seg.payload.empty() && !seg.header.options.sack.empty()) ++sacked_data_;
        const bool lost = too_big || chance(cond_.loss) || (loss_filter_ && loss_filter_(i, seg));
        if (trace_) {
          std::fprintf(stderr, "%10.6f %c> %s [%s]%s\n", now_.since_epoch().seconds_f(), "ab"[i],
                       summary(seg).c_str(), std::string(to_string(ends_[i].state())).c_str(),
                       too_big ? " TOO BIG" : lost ? " LOST" : "");
        }
        if (tap_) tap_(i, seg, segments_, now_);
        if (lost) continue;
        const int copies = chance(cond_.duplicate) ? 2 : 1;
        for (int c = 0; c < copies; ++c) {
          net::Duration delay = cond_.latency;
          if (chance(cond_.reorder)) {
            delay += net::Duration::nanoseconds(static_cast<std::int64_t>(
                uniform() * 3.0 * static_cast<double>(cond_.latency.ns())));
          }
          flight_.push_back({now_ + delay, 1 - i, order_++, segments_, seg});
        }
      }
    }
  }

  // Advances to the next arrival or deadline and handles everything due then.
  // Returns false when nothing is pending.
  bool step() {
    collect();
    net::Time next = std::min(ends_[0].next_deadline(), ends_[1].next_deadline());
    for (const auto& f : flight_) next = std::min(next, f.at);
    if (next == net::Time::max()) return false;
    now_ = std::max(now_, next);
    // Deliver arrivals due now, in send order.
    std::vector<InFlight> due;
    std::vector<InFlight> rest;
    for (auto& f : flight_) (f.at <= now_ ? due : rest).push_back(std::move(f));
    flight_ = std::move(rest);
    std::sort(due.begin(), due.end(), [](const InFlight& x, const InFlight& y) {
      return x.at == y.at ? x.order < y.order : x.at < y.at;
    });
    for (auto& f : due) {
      ends_[f.to].on_segment(f.seg, now_);
      if (delivered_) delivered_(f.to, f.packet);
    }
    for (auto& e : ends_) {
      if (e.next_deadline() <= now_) e.on_timer(now_);
    }
    collect();
    return true;
  }

 private:
  struct InFlight {
    net::Time at;
    int to;
    std::uint64_t order;
    std::uint64_t packet;  // its number in sending order (the tap's)
    Segment seg;
  };
  double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  bool chance(double p) { return p > 0 && uniform() < p; }

  Endpoint ends_[2];
  PipeConditions cond_;
  std::mt19937_64 rng_;
  std::vector<InFlight> flight_;
  net::Time now_;
  std::uint64_t order_ = 0;
  std::uint64_t segments_ = 0;
  std::uint64_t oversized_ = 0;
  std::uint64_t sacked_data_ = 0;
  std::function<bool(int, const Segment&)> loss_filter_;
  std::function<void(int, const Segment&, std::uint64_t, net::Time)> tap_;
  std::function<void(int, std::uint64_t)> delivered_;
  bool trace_ = std::getenv("WIRESTATE_TCP_TRACE") != nullptr;
};

}  // namespace wirestate::tcp::testing
