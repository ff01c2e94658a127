#include "wirestate/monitor/udp_flows.hpp"

#include <algorithm>

namespace wirestate::monitor {

UdpFlowTable::UdpFlowTable(std::size_t max_flows) : max_flows_(std::max<std::size_t>(max_flows, 1)) {}

void UdpFlowTable::add(const net::Endpoint& src, const net::Endpoint& dst, std::uint64_t payload,
                       std::uint64_t packet, net::Time time) {
  const Key key{src, dst};
  auto it = index_.find(key);
  if (it == index_.end()) {
    if (index_.size() >= max_flows_) {
      auto victim = index_.find(lru_.front());
      ++evictions_;
      if (sink_) sink_(std::move(victim->second.flow));
      index_.erase(victim);
      lru_.pop_front();
    }
    Entry e;
    e.flow.id = next_id_++;
    e.flow.client = src;
    e.flow.server = dst;
    e.flow.first_seen = time;
    e.flow.first_packet = packet;
    e.age = lru_.insert(lru_.end(), key);
    it = index_.emplace(key, std::move(e)).first;
  } else {
    lru_.splice(lru_.end(), lru_, it->second.age);
  }
  UdpFlow& f = it->second.flow;
  auto& dir = (f.client == src) ? f.client_to_server : f.server_to_client;
  ++dir.packets;
  dir.bytes += payload;
  f.last_seen = time;
  f.last_packet = packet;
}

bool UdpFlowTable::add_unreachable(const net::Endpoint& src, const net::Endpoint& dst) {
  auto it = index_.find(Key{src, dst});
  if (it == index_.end()) return false;
  ++it->second.flow.icmp_unreachable;
  return true;
}

void UdpFlowTable::finish() {
  auto all = flows();
  index_.clear();
  lru_.clear();
  if (sink_) {
    for (auto& f : all) sink_(std::move(f));
  }
}

std::vector<UdpFlow> UdpFlowTable::flows() const {
  std::vector<UdpFlow> out;
  out.reserve(index_.size());
  for (const auto& [key, e] : index_) out.push_back(e.flow);
  std::sort(out.begin(), out.end(), [](const UdpFlow& a, const UdpFlow& b) { return a.id < b.id; });
  return out;
}

}  // namespace wirestate::monitor
