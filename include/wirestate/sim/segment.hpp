#pragma once
// One Ethernet broadcast domain: hosts' NICs attach as ports of a learning switch, and
// every frame travels with the latency, jitter, loss, duplication, reordering, bandwidth
// and MTU of its direction, all drawn from one seeded Rng (so a run is reproducible).
//
// Contract for the runner:
//  - attach() one port per host NIC and give it a receive callback. Frames are delivered
//    as the switch would: broadcast, multicast and unknown unicast are flooded to every
//    other port, so a receiver also sees unicast frames that are not for its MAC and must
//    filter them itself (as a non-promiscuous NIC does).
//  - transmit() at the current virtual time. Serialization is FIFO per sender; the frame
//    is put on the wire at wire_time (>= now), and deliveries are scheduled on the
//    EventQueue. Nothing happens synchronously except drops of frames that never reach
//    the wire (runt, MTU, queue full), which are reported at once.
//  - the tap sees every frame put on the wire exactly once, at its wire time, before any
//    delivery or loss of it is reported (feed it to the pcap writer and the monitor).
//  - the drop handler sees every drop, with its reason (the diagram draws lost frames).
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/sim/event_queue.hpp"
#include "wirestate/sim/link.hpp"
#include "wirestate/sim/rng.hpp"

namespace wirestate::sim {

// A switch port, numbered from 0 in attach order.
using PortId = std::uint32_t;
// "Any port" in per-direction settings.
inline constexpr PortId kAnyPort = UINT32_MAX;

// A frame's bytes, shared between the copies of a flooded or duplicated frame.
using FramePtr = std::shared_ptr<const std::vector<std::uint8_t>>;

// One frame arriving at a port.
struct Arrival {
  net::Time at;
  PortId from = 0;
  PortId to = 0;
  FramePtr frame;
  bool duplicate = false;  // the second copy made by LinkParams::duplicate
  bool reordered = false;  // held back by LinkParams::reorder_delay
};

// One frame (or one copy) that did not arrive.
struct Drop {
  net::Time at;                // when it was dropped (the wire time for kLoss)
  PortId from = 0;
  std::optional<PortId> to;    // the receiver that missed it; none when it never left
  DropReason reason = DropReason::kLoss;
  FramePtr frame;
};

// What transmit() did with a frame.
struct TransmitResult {
  bool on_wire = false;              // false: dropped before the wire (see reason)
  std::optional<DropReason> reason;  // set when !on_wire
  net::Time wire_time;               // when its first bit goes out (when on_wire)
  std::uint32_t receivers = 0;       // ports it was forwarded or flooded to
};

// Counters over the whole run.
struct SegmentStats {
  std::uint64_t transmitted = 0;   // frames put on the wire
  std::uint64_t delivered = 0;     // frame copies delivered (duplicates included)
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;
  std::uint64_t flooded = 0;       // frames sent to every other port
  std::uint64_t lost = 0;          // copies lost (kLoss)
  std::uint64_t dropped_mtu = 0;
  std::uint64_t dropped_queue = 0;
  std::uint64_t dropped_runt = 0;
  std::uint64_t filtered = 0;
  std::uint64_t mac_table_full = 0;  // source MACs not learned because the table was full
};

class Segment {
 public:
  using ReceiveFn = std::function<void(const Arrival&)>;
  using TapFn = std::function<void(net::Time at, PortId from, const FramePtr& frame)>;
  using DropFn = std::function<void(const Drop&)>;

  // Learned MACs kept at most (a full table floods frames to new MACs, as real switches
  // do under a MAC flood) and how long an entry lives without traffic (IEEE 802.1D: 300 s).
  static constexpr std::size_t kDefaultMacTableSize = 8192;
  static constexpr net::Duration kDefaultMacAgeing = net::Duration::seconds(300);

  // queue and rng must outlive the segment; every random draw of the link comes from rng.
  Segment(EventQueue& queue, Rng& rng, LinkParams params = {},
          std::size_t mac_table_size = kDefaultMacTableSize,
          net::Duration mac_ageing = kDefaultMacAgeing);

  // Adds a port for a NIC with this MAC (recorded for mac_of(); the switch still learns
  // from traffic). on_receive runs at each arrival's time.
  PortId attach(net::MacAddr mac, ReceiveFn on_receive);
  std::size_t port_count() const noexcept { return ports_.size(); }
  net::MacAddr mac_of(PortId port) const { return ports_.at(port).mac; }

  // Replaces the settings of every direction and forgets per-direction ones; applies to
  // frames transmitted from now on.
  void set_params(const LinkParams& params);
  // Settings for frames from `from` to `to` (either may be kAnyPort). Lookup order:
  // (from, to), (from, any), (any, to), then the default. Bandwidth, MTU and the queue
  // limit are the sender's: looked up as (from, any).
  void set_direction_params(PortId from, PortId to, const LinkParams& params);
  // The settings that apply to a frame from `from` to `to`.
  const LinkParams& params(PortId from, PortId to) const;

  // Sends a frame from a port at virtual time now (>= the queue's now()).
  TransmitResult transmit(PortId from, std::vector<std::uint8_t> frame, net::Time now);

  void set_tap(TapFn tap) { tap_ = std::move(tap); }
  void set_drop_handler(DropFn on_drop) { on_drop_ = std::move(on_drop); }

  // The port the switch has learned for mac at time now, if any (entries age out).
  std::optional<PortId> learned_port(net::MacAddr mac, net::Time now) const;
  const SegmentStats& stats() const noexcept { return stats_; }

 private:
  struct Port {
    net::MacAddr mac;
    ReceiveFn on_receive;
    net::Time busy_until;                 // end of the last serialization
    std::deque<net::Time> in_flight;      // serialization end times still queued (ascending)
  };
  struct Learned {
    PortId port = 0;
    net::Time last_seen;
  };

  void learn(net::MacAddr src, PortId port, net::Time now);
  std::vector<PortId> receivers_for(net::MacAddr dst, PortId from, net::Time now);
  void report_drop(const Drop& drop);

  EventQueue& queue_;
  Rng& rng_;
  LinkParams default_;
  std::map<std::pair<PortId, PortId>, LinkParams> directions_;
  std::vector<Port> ports_;
  std::unordered_map<net::MacAddr, Learned> macs_;
  std::size_t mac_table_size_;
  net::Duration mac_ageing_;
  net::Time next_sweep_;  // no expired entry exists before this time (full-table sweeps)
  std::map<std::pair<PortId, PortId>, net::Time> last_arrival_;  // FIFO per direction
  TapFn tap_;
  DropFn on_drop_;
  SegmentStats stats_;
};

}  // namespace wirestate::sim
