#include "wirestate/sim/event_queue.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/sim_support.hpp"

namespace wirestate::sim {
namespace {

using test::at_ms;

TEST(EventQueue, RunsInTimeOrder) {
  EventQueue q;
  std::vector<int> order;
  q.schedule(at_ms(30), [&](net::Time) { order.push_back(3); });
  q.schedule(at_ms(10), [&](net::Time) { order.push_back(1); });
  q.schedule(at_ms(20), [&](net::Time) { order.push_back(2); });
  EXPECT_EQ(q.run_all(), 3u);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(q.now(), at_ms(30));
}

TEST(EventQueue, SameTimeRunsInInsertionOrder) {
  EventQueue q;
  std::string order;
  for (char c : std::string("abcdefgh")) q.schedule(at_ms(5), [&, c](net::Time) { order += c; });
  q.run_all();
  EXPECT_EQ(order, "abcdefgh");
}

TEST(EventQueue, CallbackSeesItsOwnTime) {
  EventQueue q;
  net::Time seen;
  q.schedule(at_ms(7), [&](net::Time now) { seen = now; });
  q.step();
  EXPECT_EQ(seen, at_ms(7));
  EXPECT_EQ(q.now(), at_ms(7));
}

TEST(EventQueue, RunUntilStopsAtLimitAndAdvancesClock) {
  EventQueue q;
  int ran = 0;
  q.schedule(at_ms(10), [&](net::Time) { ++ran; });
  q.schedule(at_ms(20), [&](net::Time) { ++ran; });
  EXPECT_EQ(q.run_until(at_ms(15)), 1u);
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(q.now(), at_ms(15));
  EXPECT_EQ(q.pending(), 1u);
  EXPECT_EQ(q.next_time(), at_ms(20));
}

TEST(EventQueue, EventsScheduledDuringRunAreRunWhenDue) {
  EventQueue q;
  std::vector<std::int64_t> times;
  q.schedule(at_ms(1), [&](net::Time now) {
    times.push_back(now.ns());
    q.schedule_in(net::Duration::milliseconds(2), [&](net::Time t) { times.push_back(t.ns()); });
    q.schedule_in(net::Duration::milliseconds(100), [&](net::Time t) { times.push_back(t.ns()); });
  });
  q.run_until(at_ms(50));
  EXPECT_EQ(times, (std::vector<std::int64_t>{1000000, 3000000}));
}

TEST(EventQueue, PastTimesAreClampedToNow) {
  EventQueue q;
  q.run_until(at_ms(10));
  net::Time seen;
  q.schedule(at_ms(2), [&](net::Time now) { seen = now; });
  q.run_all();
  EXPECT_EQ(seen, at_ms(10));
  EXPECT_EQ(q.clamped(), 1u);
}

TEST(EventQueue, CancelledEventDoesNotRun) {
  EventQueue q;
  int ran = 0;
  const EventId id = q.schedule(at_ms(1), [&](net::Time) { ++ran; });
  q.schedule(at_ms(2), [&](net::Time) { ran += 10; });
  EXPECT_TRUE(q.cancel(id));
  EXPECT_FALSE(q.cancel(id));
  EXPECT_EQ(q.pending(), 1u);
  q.run_all();
  EXPECT_EQ(ran, 10);
  EXPECT_FALSE(q.cancel(id));
  EXPECT_FALSE(q.cancel(kNoEvent));
}

TEST(EventQueue, CancelAfterRunFails) {
  EventQueue q;
  const EventId id = q.schedule(at_ms(1), [](net::Time) {});
  q.run_all();
  EXPECT_FALSE(q.cancel(id));
}

TEST(EventQueue, FullQueueRejects) {
  EventQueue q(2);
  EXPECT_NE(q.schedule(at_ms(1), [](net::Time) {}), kNoEvent);
  EXPECT_NE(q.schedule(at_ms(1), [](net::Time) {}), kNoEvent);
  EXPECT_EQ(q.schedule(at_ms(1), [](net::Time) {}), kNoEvent);
  EXPECT_EQ(q.rejected(), 1u);
}

TEST(EventQueue, MaxEventsStopsAFeedbackLoop) {
  EventQueue q;
  std::function<void(net::Time)> again = [&](net::Time) { q.schedule_in(net::Duration(), again); };
  q.schedule(at_ms(1), again);
  EXPECT_EQ(q.run_until(at_ms(1), 1000), 1000u);
  EXPECT_EQ(q.pending(), 1u);
}

TEST(EventQueue, RunUntilMaxTimeOnEmptyQueueReturns) {
  EventQueue q;
  EXPECT_EQ(q.run_until(net::Time::max()), 0u);
  EXPECT_FALSE(q.step());
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace wirestate::sim

namespace wirestate::sim {
namespace {

TEST(EventQueueSlots, StaleIdDoesNotCancelTheEventReusingItsSlot) {
  EventQueue q;
  int ran = 0;
  const EventId old_id = q.schedule(net::Time() + net::Duration::milliseconds(1), [&](net::Time) { ran += 100; });
  ASSERT_TRUE(q.cancel(old_id));
  const EventId new_id = q.schedule(net::Time() + net::Duration::milliseconds(2), [&](net::Time) { ++ran; });
  EXPECT_NE(new_id, old_id);
  EXPECT_FALSE(q.cancel(old_id));
  q.run_all();
  EXPECT_EQ(ran, 1);
}

TEST(EventQueueSlots, IdsGrowWithInsertionOrder) {
  EventQueue q;
  const EventId a = q.schedule(net::Time(), [](net::Time) {});
  q.step();
  const EventId b = q.schedule(net::Time(), [](net::Time) {});  // reuses a's slot
  EXPECT_GT(b, a);
}

}  // namespace
}  // namespace wirestate::sim
