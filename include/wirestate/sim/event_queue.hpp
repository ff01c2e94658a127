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
  static constexpr std::size_t kDefaultMaxPending = 8u << 20;  // below 2^24 slots

  explicit EventQueue(std::size_t max_pending = kDefaultMaxPending)
      : max_pending_(max_pending < kSlotMask ? max_pending : kSlotMask) {}

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
  std::size_t pending() const noexcept { return live_; }
  bool empty() const noexcept { return pending() == 0; }
  // The time of the earliest pending event, or Time::max() when none.
  net::Time next_time();
  // Events run so far, events refused because the queue was full, times clamped to now.
  std::uint64_t executed() const noexcept { return executed_; }
  std::uint64_t rejected() const noexcept { return rejected_; }
  std::uint64_t clamped() const noexcept { return clamped_; }

 private:
  // Event ids carry their slot in the low bits and the insertion sequence above them, so
  // ids grow with insertion order (the tie-break) and cancel() finds the slot directly.
  static constexpr int kSlotBits = 24;
  static constexpr EventId kSlotMask = (EventId{1} << kSlotBits) - 1;

  // A small heap entry (the callback lives in its slot, so sifting moves 24 bytes).
  struct Entry {
    net::Time at;
    EventId id;
  };
  struct Slot {
    EventId id = kNoEvent;  // the event occupying the slot; kNoEvent when free
    EventFn fn;
  };
  // Heap order: earliest time first, then lowest id (earliest scheduled).
  static bool later(const Entry& a, const Entry& b) noexcept {
    if (a.at != b.at) return a.at > b.at;
    return a.id > b.id;
  }
  // True when the heap entry still names a scheduled (not cancelled) event.
  bool live(const Entry& e) const noexcept { return slots_[e.id & kSlotMask].id == e.id; }
  void drop_dead_top();
  void release(std::uint32_t slot);

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t live_ = 0;
  std::size_t max_pending_;
  net::Time now_;
  EventId next_seq_ = 1;
  std::uint64_t executed_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t clamped_ = 0;
};

}  // namespace wirestate::sim
