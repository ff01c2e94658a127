#include "wirestate/sim/segment.hpp"

#include <algorithm>

#include "wirestate/net/bytes.hpp"

namespace wirestate::sim {

namespace {

constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kVlanTag = 4;

// The Ethernet payload length: the frame minus its header and any 802.1Q/802.1ad tags.
std::size_t ethernet_payload_len(const std::vector<std::uint8_t>& frame) {
  std::size_t offset = 12;
  while (offset + 2 <= frame.size()) {
    const std::uint16_t type = net::load_be16(frame.data() + offset);
    if (type != 0x8100 && type != 0x88a8 && type != 0x9100) break;
    offset += kVlanTag;
  }
  const std::size_t header = offset + 2;
  return frame.size() > header ? frame.size() - header : 0;
}

// Serialization time of `bytes` at `bps`, rounded up to a whole nanosecond.
net::Duration serialization(std::size_t bytes, std::uint64_t bps) {
  if (bps == 0) return net::Duration();
  __extension__ typedef unsigned __int128 U128;
  const U128 bits_ns = static_cast<U128>(bytes) * 8u * 1000000000u;
  const U128 ns = (bits_ns + bps - 1) / bps;
  const U128 cap = static_cast<U128>(INT64_MAX / 4);
  return net::Duration::nanoseconds(static_cast<std::int64_t>(ns > cap ? cap : ns));
}

}  // namespace

Segment::Segment(EventQueue& queue, Rng& rng, LinkParams params, std::size_t mac_table_size,
                 net::Duration mac_ageing)
    : queue_(queue), rng_(rng), default_(params), mac_table_size_(mac_table_size),
      mac_ageing_(mac_ageing) {}

PortId Segment::attach(net::MacAddr mac, ReceiveFn on_receive) {
  ports_.push_back(Port{mac, std::move(on_receive), net::Time(), {}});
  return static_cast<PortId>(ports_.size() - 1);
}

void Segment::set_params(const LinkParams& params) {
  default_ = params;
  directions_.clear();
}

void Segment::set_direction_params(PortId from, PortId to, const LinkParams& params) {
  directions_[{from, to}] = params;
}

const LinkParams& Segment::params(PortId from, PortId to) const {
  for (const auto& key : {std::pair{from, to}, std::pair{from, kAnyPort}, std::pair{kAnyPort, to}}) {
    if (auto it = directions_.find(key); it != directions_.end()) return it->second;
  }
  return default_;
}

std::optional<PortId> Segment::learned_port(net::MacAddr mac, net::Time now) const {
  auto it = macs_.find(mac);
  if (it == macs_.end() || now - it->second.last_seen > mac_ageing_) return std::nullopt;
  return it->second.port;
}

void Segment::learn(net::MacAddr src, PortId port, net::Time now) {
  // IEEE 802.1D §8.7: learn source addresses that are individual (not group) addresses.
  if (src.is_multicast()) return;
  auto it = macs_.find(src);
  if (it != macs_.end()) {
    it->second = Learned{port, now};  // a MAC that moves is re-learned on its new port
    return;
  }
  if (macs_.size() >= mac_table_size_) {
    // Ageing is the eviction rule: make room from expired entries, else do not learn. A
    // sweep also finds when the next entry can expire, so a MAC flood against a full table
    // does not rescan it for every frame.
    if (now >= next_sweep_) {
      std::erase_if(macs_, [&](const auto& kv) { return now - kv.second.last_seen > mac_ageing_; });
      net::Time oldest = now;
      for (const auto& kv : macs_) oldest = std::min(oldest, kv.second.last_seen);
      next_sweep_ = oldest + mac_ageing_ + net::Duration::nanoseconds(1);
    }
    if (macs_.size() >= mac_table_size_) {
      ++stats_.mac_table_full;
      return;
    }
  }
  macs_.emplace(src, Learned{port, now});
}

std::vector<PortId> Segment::receivers_for(net::MacAddr dst, PortId from, net::Time now) {
  if (!dst.is_multicast()) {
    if (auto port = learned_port(dst, now)) return {*port};
  }
  std::vector<PortId> all;
  all.reserve(ports_.size());
  for (PortId p = 0; p < ports_.size(); ++p) {
    if (p != from) all.push_back(p);
  }
  ++stats_.flooded;
  return all;
}

void Segment::report_drop(const Drop& drop) {
  if (on_drop_) on_drop_(drop);
}

TransmitResult Segment::transmit(PortId from, std::vector<std::uint8_t> bytes, net::Time now) {
  TransmitResult result;
  auto frame = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
  auto refuse = [&](DropReason reason, std::uint64_t& counter) {
    ++counter;
    result.reason = reason;
    report_drop(Drop{now, from, std::nullopt, reason, frame});
    return result;
  };
  if (from >= ports_.size()) return refuse(DropReason::kRunt, stats_.dropped_runt);
  if (frame->size() < kEthernetHeader) return refuse(DropReason::kRunt, stats_.dropped_runt);
  const LinkParams& sender = params(from, kAnyPort);
  if (ethernet_payload_len(*frame) > sender.mtu) return refuse(DropReason::kMtu, stats_.dropped_mtu);

  // The sender's transmit queue: FIFO serialization, bounded.
  Port& port = ports_[from];
  while (!port.in_flight.empty() && port.in_flight.front() <= now) port.in_flight.pop_front();
  if (port.in_flight.size() >= sender.tx_queue_frames) {
    return refuse(DropReason::kQueueFull, stats_.dropped_queue);
  }
  const net::Time start = std::max(now, port.busy_until);
  const net::Time done = start + serialization(frame->size(), sender.bandwidth_bps);
  port.busy_until = done;
  port.in_flight.push_back(done);
  ++stats_.transmitted;
  result.on_wire = true;
  result.wire_time = start;

  // The switch: learn the source, then forward to the learned port or flood.
  const net::MacAddr dst = net::MacAddr::from_bytes(frame->data());
  const net::MacAddr src = net::MacAddr::from_bytes(frame->data() + 6);
  learn(src, from, now);
  std::vector<PortId> receivers = receivers_for(dst, from, now);

  // Decide every copy's fate now, in receiver order, so the draws are deterministic.
  std::vector<Drop> lost;
  std::vector<Arrival> arrivals;
  for (PortId to : receivers) {
    if (to == from) {
      ++stats_.filtered;
      lost.push_back(Drop{start, from, to, DropReason::kFiltered, frame});
      continue;
    }
    const LinkParams& p = params(from, to);
    if (rng_.bernoulli(p.loss)) {
      ++stats_.lost;
      lost.push_back(Drop{start, from, to, DropReason::kLoss, frame});
      continue;
    }
    net::Time at = done + p.latency + rng_.uniform_duration(p.jitter);
    net::Time& last = last_arrival_[{from, to}];
    const bool reordered = rng_.bernoulli(p.reorder);
    if (reordered) {
      at = std::max(at, last) + p.reorder_delay;  // held back; does not move the FIFO mark
      ++stats_.reordered;
    } else {
      at = std::max(at, last);
      last = at;
    }
    arrivals.push_back(Arrival{at, from, to, frame, false, reordered});
    if (rng_.bernoulli(p.duplicate)) {
      ++stats_.duplicated;
      arrivals.push_back(Arrival{at, from, to, frame, true, reordered});
    }
  }
  result.receivers = static_cast<std::uint32_t>(receivers.size());

  // At the wire time: the tap first, then the copies that will never arrive.
  queue_.schedule(start, [this, start, from, frame, lost = std::move(lost)](net::Time) {
    if (tap_) tap_(start, from, frame);
    for (const Drop& d : lost) report_drop(d);
  });
  for (Arrival& a : arrivals) {
    queue_.schedule(a.at, [this, a = std::move(a)](net::Time) {
      ++stats_.delivered;
      if (ports_[a.to].on_receive) ports_[a.to].on_receive(a);
    });
  }
  return result;
}

}  // namespace wirestate::sim
