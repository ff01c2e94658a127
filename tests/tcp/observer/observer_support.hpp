#pragma once
// Helpers for the observer tests: crafted segments, a feeding harness, and TcpRepr values
// rebuilt from tshark's JSONL oracle (independent of wirestate's own decoder).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wirestate/tcp/observer.hpp"

namespace wirestate::tcp::testing {

// The two endpoints segment() is usually given: the client and the server.
inline constexpr std::string_view C = "10.0.0.1:40000";
inline constexpr std::string_view S = "10.0.0.2:80";

// Whether `a` is among `v`.
inline bool has(const std::vector<Anomaly>& v, Anomaly a) { return std::find(v.begin(), v.end(), a) != v.end(); }

// A segment "10.0.0.1:40000" -> "10.0.0.2:80" with tcpdump-style flags ("S", "S.", ".",
// "P.", "F.", "R", "R."), seq, ack, payload length and window, at time `ms` milliseconds.
ObservedSegment segment(std::string_view from, std::string_view to, std::string_view flags,
                        std::uint32_t seq, std::uint32_t ack, std::uint32_t len = 0,
                        std::uint16_t window = 64240, double ms = 0);

// Feeds segments one by one, numbering packets from 1, and keeps every event.
struct Harness {
  explicit Harness(ObserverConfig config = {});
  // Feeds one segment; its packet number is the count fed so far (unless already set).
  void feed(ObservedSegment seg);
  // The state path of one side of connection `id` (from its first state).
  std::vector<State> path(std::uint64_t id, ConnSide side) const;
  // The summary of connection `id` (fails the test when absent).
  ConnectionSummary summary(std::uint64_t id) const;
  // Anomalies raised by packet number `packet`.
  std::vector<Anomaly> anomalies_of(std::uint64_t packet) const;
  // The transition events of one side, in order.
  std::vector<ObserverEvent> transitions(std::uint64_t id, ConnSide side) const;

  Observer observer;
  std::vector<ObserverEvent> events;
  std::uint64_t packets = 0;
};

// Parses "CLOSED" ... into a path.
std::vector<State> states(std::initializer_list<std::string_view> names);

// One TCP packet of a tshark JSONL oracle, as the observer input, plus tshark's
// tcp.analysis flags for it (as Anomaly values).
struct OraclePacket {
  ObservedSegment seg;
  std::vector<Anomaly> tshark_flags;
};

// Every IPv4 TCP packet of `jsonl_path` (frame numbers kept as packet numbers).
std::vector<OraclePacket> load_oracle(const std::string& jsonl_path);

}  // namespace wirestate::tcp::testing
