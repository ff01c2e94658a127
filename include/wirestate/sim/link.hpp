#pragma once
// The properties of one direction of the simulated link, and the reasons a frame can be
// lost on it. Plain values: the scenario loader's link settings are turned into these by
// the runner, and a link-change step replaces them mid-run (Segment::set_params).
#include <cstdint>
#include <string_view>

#include "wirestate/net/time.hpp"

namespace wirestate::sim {

// How frames travel from one port to another. Defaults: an ideal 1500-byte-MTU link.
struct LinkParams {
  // One-way propagation delay, added to every frame.
  net::Duration latency;
  // Extra delay drawn uniformly from [0, jitter] per frame copy. Jitter alone never
  // reorders: each direction stays FIFO (an arrival is never earlier than the previous
  // one's); only `reorder` lets a frame be overtaken.
  net::Duration jitter;
  // Probability that a frame copy is lost on its way to a receiver (independently per
  // receiver for flooded frames).
  double loss = 0.0;
  // Probability that a delivered frame is delivered a second time (right after the first).
  double duplicate = 0.0;
  // Probability that a frame is held back by reorder_delay beyond its FIFO slot, so later
  // frames arrive before it (netem's "reorder" in spirit).
  double reorder = 0.0;
  // The extra delay of a reordered frame.
  net::Duration reorder_delay = net::Duration::milliseconds(1);
  // Bits per second for the serialization delay (frame bytes * 8 / bandwidth, rounded up
  // to a nanosecond; no preamble, FCS or inter-frame gap); 0 means unlimited.
  std::uint64_t bandwidth_bps = 0;
  // The largest Ethernet payload (frame length minus the 14-byte header and any 802.1Q
  // tags) the sender may put on the wire; larger frames are dropped with kMtu.
  std::uint32_t mtu = 1500;
  // Frames queued for serialization at one sender; beyond it they are dropped with
  // kQueueFull (Linux's default txqueuelen is 1000).
  std::uint32_t tx_queue_frames = 1000;
};

// Why a frame (or one copy of a flooded frame) did not reach a receiver.
enum class DropReason : std::uint8_t {
  kLoss,       // random loss (LinkParams::loss)
  kMtu,        // payload larger than the sender's MTU: never put on the wire
  kQueueFull,  // the sender's transmit queue was full: never put on the wire
  kRunt,       // shorter than an Ethernet header: never put on the wire
  kFiltered,   // the switch learned the destination on the sender's own port
};

// "loss", "mtu", "queue_full", "runt", "filtered".
std::string_view to_string(DropReason reason) noexcept;

}  // namespace wirestate::sim
