#pragma once
// The monitor's lists of connections and flows that left their tables, bounded.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wirestate/monitor/monitor.hpp"

namespace wirestate::monitor {

struct Monitor::Finished {
  std::vector<tcp::ConnectionSummary> connections;
  std::vector<UdpFlow> flows;
  std::size_t max_connections = 0;
  std::size_t max_flows = 0;
  std::uint64_t connections_not_kept = 0;
  std::uint64_t flows_not_kept = 0;

  // Keeps s while there is room, else only counts it.
  void add(tcp::ConnectionSummary&& s) {
    if (connections.size() < max_connections) connections.push_back(std::move(s));
    else ++connections_not_kept;
  }
  void add(UdpFlow&& f) {
    if (flows.size() < max_flows) flows.push_back(std::move(f));
    else ++flows_not_kept;
  }
};

}  // namespace wirestate::monitor
