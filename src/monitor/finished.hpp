#pragma once
// The monitor's lists of connections and flows that left their tables, bounded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wirestate/monitor/monitor.hpp"

namespace wirestate::monitor {

struct Monitor::Finished {
  // Neither side ever reached ESTABLISHED.
  static bool is_half_open(const tcp::ConnectionSummary& s) {
    const auto established = [](const std::vector<tcp::State>& path) {
      return std::find(path.begin(), path.end(), tcp::State::kEstablished) != path.end();
    };
    return !established(s.client_states) && !established(s.server_states);
  }

  std::vector<tcp::ConnectionSummary> connections;
  std::vector<UdpFlow> flows;
  std::size_t max_connections = 0;
  std::size_t max_flows = 0;
  std::uint64_t connections_not_kept = 0;
  std::uint64_t flows_not_kept = 0;

  // Kept connections whose handshake never completed (a SYN flood's, a scan's), by index.
  std::vector<std::size_t> half_open;

  // Keeps s while there is room. When the list is full, a connection that reached
  // ESTABLISHED takes the place of the latest kept half-open one, so a flood cannot push
  // the real connections out of the report; anything else is only counted.
  void add(tcp::ConnectionSummary&& s) {
    const bool s_half_open = is_half_open(s);
    if (connections.size() < max_connections) {
      if (s_half_open) half_open.push_back(connections.size());
      connections.push_back(std::move(s));
      return;
    }
    ++connections_not_kept;
    if (s_half_open || half_open.empty()) return;
    connections[half_open.back()] = std::move(s);
    half_open.pop_back();
  }
  void add(UdpFlow&& f) {
    if (flows.size() < max_flows) flows.push_back(std::move(f));
    else ++flows_not_kept;
  }
};

}  // namespace wirestate::monitor
