#include "wirestate/sim/event_queue.hpp"

#include <algorithm>
#include <utility>

namespace wirestate::sim {

EventId EventQueue::schedule(net::Time at, EventFn fn) {
  if (live_ >= max_pending_) {
    ++rejected_;
    return kNoEvent;
  }
  if (at < now_) {
    at = now_;
    ++clamped_;
  }
  std::uint32_t slot = 0;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  const EventId id = (next_seq_++ << kSlotBits) | slot;
  slots_[slot] = Slot{id, std::move(fn)};
  ++live_;
  heap_.push_back(Entry{at, id});
  std::push_heap(heap_.begin(), heap_.end(), later);
  return id;
}

void EventQueue::release(std::uint32_t slot) {
  slots_[slot].id = kNoEvent;
  slots_[slot].fn = nullptr;
  free_slots_.push_back(slot);
  --live_;
}

bool EventQueue::cancel(EventId id) {
  // Lazy deletion: the slot is freed now; the heap entry no longer matches its slot's id
  // and is discarded when it surfaces.
  if (id == kNoEvent) return false;
  const auto slot = static_cast<std::uint32_t>(id & kSlotMask);
  if (slot >= slots_.size() || slots_[slot].id != id) return false;
  release(slot);
  return true;
}

void EventQueue::drop_dead_top() {
  while (!heap_.empty() && !live(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

net::Time EventQueue::next_time() {
  drop_dead_top();
  return heap_.empty() ? net::Time::max() : heap_.front().at;
}

bool EventQueue::step() {
  drop_dead_top();
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const Entry e = heap_.back();
  heap_.pop_back();
  const auto slot = static_cast<std::uint32_t>(e.id & kSlotMask);
  EventFn fn = std::move(slots_[slot].fn);
  release(slot);  // before running: the callback may schedule into this slot
  now_ = e.at;
  ++executed_;
  if (fn) fn(now_);
  return true;
}

std::uint64_t EventQueue::run_until(net::Time limit, std::uint64_t max_events) {
  std::uint64_t ran = 0;
  while (ran < max_events) {
    const net::Time t = next_time();
    if (heap_.empty() || t > limit) break;
    step();
    ++ran;
  }
  if (ran < max_events && limit > now_) now_ = limit;
  return ran;
}

std::uint64_t EventQueue::run_all(std::uint64_t max_events) {
  std::uint64_t ran = 0;
  while (ran < max_events && step()) ++ran;
  return ran;
}

}  // namespace wirestate::sim
