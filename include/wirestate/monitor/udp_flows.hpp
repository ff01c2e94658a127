#pragma once
// UDP flows seen by the monitor: one entry per address/port pair (both directions),
// packets and bytes per direction, in a table bounded by an LRU cap.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <unordered_map>
#include <vector>

#include "wirestate/net/endpoint.hpp"
#include "wirestate/net/flow_key.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/tcp/observer_types.hpp"

namespace wirestate::monitor {

// One UDP flow. The client is the sender of the first datagram seen.
struct UdpFlow {
  std::uint64_t id = 0;                  // 1, 2, ... in order of creation
  net::Endpoint client;
  net::Endpoint server;
  tcp::DirectionStats client_to_server;  // bytes = UDP payload bytes
  tcp::DirectionStats server_to_client;
  std::uint64_t icmp_unreachable = 0;    // ICMP destination-unreachable quoting this flow
  net::Time first_seen;
  net::Time last_seen;
  std::uint64_t first_packet = 0;
  std::uint64_t last_packet = 0;

  // The flow's identity (either order of client and server gives the same key).
  net::FlowKey key() const noexcept { return {client, server}; }
};

// The bounded table of UDP flows. When full, the flow idle the longest leaves (handed
// to the retire sink, counted as an eviction).
class UdpFlowTable {
 public:
  explicit UdpFlowTable(std::size_t max_flows);

  // Counts one datagram from src to dst carrying `payload` bytes.
  void add(const net::Endpoint& src, const net::Endpoint& dst, std::uint64_t payload, std::uint64_t packet,
           net::Time time);
  // Counts an ICMP destination-unreachable that quotes a datagram from src to dst;
  // false when no such flow is tracked.
  bool add_unreachable(const net::Endpoint& src, const net::Endpoint& dst);

  // Called with each flow that leaves the table (eviction, or finish()).
  void set_retire_sink(std::function<void(UdpFlow&&)> sink) { sink_ = std::move(sink); }
  // Hands every flow still in the table to the sink (in id order) and empties it.
  void finish();

  // The flows in the table now, in id order.
  std::vector<UdpFlow> flows() const;
  std::size_t size() const noexcept { return index_.size(); }
  std::uint64_t evictions() const noexcept { return evictions_; }
  std::uint64_t created() const noexcept { return next_id_ - 1; }

 private:
  using Key = net::FlowKey;
  struct Entry {
    UdpFlow flow;
    std::list<Key>::iterator age;
  };

  std::size_t max_flows_;
  std::unordered_map<Key, Entry> index_;
  std::list<Key> lru_;  // front: idle the longest
  std::function<void(UdpFlow&&)> sink_;
  std::uint64_t next_id_ = 1;
  std::uint64_t evictions_ = 0;
};

}  // namespace wirestate::monitor
