#include "wirestate/sim/event_queue.hpp"

#include <algorithm>
#include <utility>

namespace wirestate::sim {

EventId EventQueue::schedule(net::Time at, EventFn fn) {
  if (pending() >= max_pending_) {
    ++rejected_;
    return kNoEvent;
  }
  if (at < now_) {
    at = now_;
    ++clamped_;
  }
  const EventId id = next_id_++;
  heap_.push_back(Entry{at, id, std::move(fn)});
  live_.insert(id);
  std::push_heap(heap_.begin(), heap_.end(), later);
  return id;
}

bool EventQueue::cancel(EventId id) {
  // Lazy deletion: the entry stays in the heap, marked, and is discarded when it surfaces.
  if (live_.erase(id) == 0) return false;
  cancelled_.insert(id);
  return true;
}

EventQueue::Entry EventQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Entry e = std::move(heap_.back());
  heap_.pop_back();
  return e;
}

void EventQueue::drop_cancelled_top() {
  while (!heap_.empty() && !cancelled_.empty() && cancelled_.contains(heap_.front().id)) {
    cancelled_.erase(heap_.front().id);
    pop();
  }
}

net::Time EventQueue::next_time() {
  drop_cancelled_top();
  return heap_.empty() ? net::Time::max() : heap_.front().at;
}

bool EventQueue::step() {
  drop_cancelled_top();
  if (heap_.empty()) return false;
  Entry e = pop();
  live_.erase(e.id);
  now_ = e.at;
  ++executed_;
  if (e.fn) e.fn(now_);
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
