#pragma once
// A discrete-event queue on a virtual clock. Events run in time order; events at the same
// time run in the order they were scheduled (a sequence number breaks ties), so a run is
// deterministic. Nothing sleeps: the clock jumps to the next event's time.
//
// Typical use by the runner:
//   sim::EventQueue q;
//   q.schedule(net::Time() + 1ms, [&](net::Time now) { host.on_timer(now); });
//   q.run_until(end);            // or: while (q.step()) {}
#include <cstdint>
#include <functional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "wirestate/net/time.hpp"

namespace wirestate::sim {

// Identifies one scheduled event (for cancel()); 0 is never a valid id.
using EventId = std::uint64_t;
inline constexpr EventId kNoEvent = 0;

// What an event does when its time comes; it receives the current virtual time.
using EventFn = std::function<void(net::Time now)>;

class EventQueue {
 public:
  // The default bound on pending events (a run that exceeds it is runaway, not a load).
  static constexpr std::size_t kDefaultMaxPending = 8u << 20;

  explicit EventQueue(std::size_t max_pending = kDefaultMaxPending) : max_pending_(max_pending) {}

  // The virtual clock: the time of the event being run, or of the last one run, or the
  // limit of the last run_until (it never goes backwards).
  net::Time now() const noexcept { return now_; }

  // Queues fn to run at `at`. A time before now() is clamped to now() (counted in
  // clamped()). Returns the event's id, or kNoEvent (and counts rejected()) when
  // max_pending events are already queued.
  EventId schedule(net::Time at, EventFn fn);
  // Queues fn to run `after` from now().
  EventId schedule_in(net::Duration after, EventFn fn) { return schedule(now_ + after, std::move(fn)); }
  // Stops a pending event from running; false when it already ran, was cancelled or is unknown.
  bool cancel(EventId id);

  // Runs the earliest pending event (advancing now()); false when nothing is pending.
  bool step();
  // Runs every event with time <= limit (including those they schedule up to limit), then
  // sets now() to limit if it is later. Stops early after max_events events (a guard
  // against feedback loops). Returns how many events ran.
  std::uint64_t run_until(net::Time limit, std::uint64_t max_events = UINT64_MAX);
  // Runs until nothing is pending (or max_events ran). Returns how many events ran.
  std::uint64_t run_all(std::uint64_t max_events = UINT64_MAX);

  // Pending (not cancelled) events.
  std::size_t pending() const noexcept { return live_.size(); }
  bool empty() const noexcept { return pending() == 0; }
  // The time of the earliest pending event, or Time::max() when none.
  net::Time next_time();
  // Events run so far, events refused because the queue was full, times clamped to now.
  std::uint64_t executed() const noexcept { return executed_; }
  std::uint64_t rejected() const noexcept { return rejected_; }
  std::uint64_t clamped() const noexcept { return clamped_; }

 private:
  struct Entry {
    net::Time at;
    EventId id;  // also the insertion sequence: ids grow monotonically
    EventFn fn;
  };
  // Heap order: earliest time first, then lowest id (earliest scheduled).
  static bool later(const Entry& a, const Entry& b) noexcept {
    if (a.at != b.at) return a.at > b.at;
    return a.id > b.id;
  }
  void drop_cancelled_top();
  Entry pop();

  std::vector<Entry> heap_;
  std::unordered_set<EventId> live_;       // ids in heap_ that will run
  std::unordered_set<EventId> cancelled_;  // ids still in heap_ that must not run
  std::size_t max_pending_;
  net::Time now_;
  EventId next_id_ = 1;
  std::uint64_t executed_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t clamped_ = 0;
};

}  // namespace wirestate::sim
