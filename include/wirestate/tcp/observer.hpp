#pragma once
// tcp::Observer: passive inference of both endpoints' RFC 9293 states from captured
// segments, with Wireshark-style anomaly flags and Zeek's conn_state/history.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "wirestate/tcp/observer_types.hpp"

namespace wirestate::tcp {

struct ConnRecord;  // one tracked connection (private)

// Tracks every TCP connection it is fed, keyed by both directions of the 4-tuple.
// Memory is bounded by config.max_connections: a new connection evicts a closed one
// first, then the one idle the longest; each eviction is an event and is counted.
class Observer {
 public:
  explicit Observer(ObserverConfig config = {});
  ~Observer();
  Observer(Observer&&) noexcept;
  Observer& operator=(Observer&&) noexcept;

  // Feeds one segment (in capture order) and appends the events it caused to `out`
  // (TIME_WAIT expiries due at seg.time first).
  void observe(const ObservedSegment& seg, std::vector<ObserverEvent>& out);

  // Moves every TIME_WAIT endpoint whose 2·MSL passed at `now` to CLOSED.
  void advance(net::Time now, std::vector<ObserverEvent>& out);

  // Called with the final summary of each connection that leaves the table (eviction,
  // port reuse); finish() hands over the rest. Without a sink they are dropped.
  void set_retire_sink(std::function<void(ConnectionSummary&&)> sink);

  // Hands every connection still in the table to the retire sink (in id order) and
  // empties the table.
  void finish();

  // The connections in the table now, in id order.
  std::vector<ConnectionSummary> connections() const;

  // The summary of connection `id` when it is still in the table.
  std::optional<ConnectionSummary> find(std::uint64_t id) const;

  // Connections in the table now.
  std::size_t size() const noexcept;

  // Totals since construction.
  const ObserverCounters& counters() const noexcept { return counters_; }

  // The limits in force.
  const ObserverConfig& config() const noexcept { return config_; }

  // Bytes of one table slot (the record itself; the hash index adds about 32 more).
  static std::size_t connection_record_size() noexcept;

 private:
  struct Table;
  ObserverConfig config_;
  ObserverCounters counters_;
  std::unique_ptr<Table> table_;
  std::function<void(ConnectionSummary&&)> retire_sink_;
};

}  // namespace wirestate::tcp
