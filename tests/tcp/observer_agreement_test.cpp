// The allowed differences between an endpoint's path and the observer's apply only with
// their evidence; without it, or with different final states, the paths disagree.
#include <gtest/gtest.h>

#include "observer_agreement.hpp"

namespace wirestate::tcp::testing {
namespace {

using S = State;

struct Entry {
  State state;
  std::uint64_t packet;
  std::int64_t ms;
};

CausedPath path(std::initializer_list<Entry> entries) {
  CausedPath p;
  for (const auto& e : entries) {
    p.states.push_back(e.state);
    p.packets.push_back(e.packet);
    p.times.push_back(net::Time() + net::Duration::milliseconds(e.ms));
  }
  return p;
}

TEST(ObserverAgreement, EqualPathsAgreeWithoutRules) {
  const auto p = path({{S::kSynSent, 0, 0}, {S::kEstablished, 2, 1}, {S::kClosed, 3, 2}});
  const auto a = compare_paths(p, p);
  EXPECT_TRUE(a.agree);
  EXPECT_TRUE(a.rules.empty());
}

TEST(ObserverAgreement, EmptyPathsAndDifferentFinalStatesDisagree) {
  const auto p = path({{S::kSynSent, 0, 0}, {S::kClosed, 2, 1}});
  EXPECT_FALSE(compare_paths(p, CausedPath{}).agree);
  EXPECT_FALSE(compare_paths(CausedPath{}, p).agree);
  const auto a = compare_paths(p, path({{S::kSynSent, 0, 0}, {S::kEstablished, 2, 1}}));
  EXPECT_FALSE(a.agree);
  EXPECT_NE(a.why.find("final states differ"), std::string::npos) << a.why;
}

// Endpoint FIN_WAIT_1 -> TIME_WAIT on packet `fin`; observer FIN_WAIT_2 on packet `ack`.
Agreement skipped_fin_wait_2(std::uint64_t ack, std::uint64_t fin) {
  const auto endpoint = path({{S::kEstablished, 0, 0}, {S::kFinWait1, 0, 1}, {S::kTimeWait, fin, 5}, {S::kClosed, 0, 9}});
  const auto observer =
      path({{S::kEstablished, 0, 0}, {S::kFinWait1, 10, 1}, {S::kFinWait2, ack, 2}, {S::kTimeWait, fin, 5}, {S::kClosed, 0, 9}});
  return compare_paths(endpoint, observer);
}

TEST(ObserverAgreement, AnAckOfFinOvertakenByTheFinNeedsTheFinCapturedLater) {
  const auto a = skipped_fin_wait_2(11, 12);
  ASSERT_TRUE(a.agree) << a.why;
  EXPECT_EQ(a.rules, std::vector<std::string_view>{kOvertakenAckOfFin});
  EXPECT_TRUE(skipped_fin_wait_2(12, 12).agree);  // one segment carried both: fin_acks_our_fin
  EXPECT_EQ(skipped_fin_wait_2(12, 12).rules, std::vector<std::string_view>{kFinAcksOurFin});
  // The FIN captured before the ACK that the observer used: nothing overtook anything.
  EXPECT_FALSE(skipped_fin_wait_2(12, 11).agree);
}

// Endpoint FIN_WAIT_1 -> FIN_WAIT_2 on packet `ack`; observer CLOSING on the FIN `fin`.
Agreement crossing(std::uint64_t fin, std::uint64_t ack) {
  const auto endpoint = path({{S::kEstablished, 0, 0}, {S::kFinWait1, 0, 1}, {S::kFinWait2, ack, 4},
                              {S::kTimeWait, 20, 6}, {S::kClosed, 0, 9}});
  const auto observer = path({{S::kEstablished, 0, 0}, {S::kFinWait1, 10, 1}, {S::kClosing, fin, 2},
                              {S::kTimeWait, ack, 4}, {S::kClosed, 0, 9}});
  return compare_paths(endpoint, observer);
}

TEST(ObserverAgreement, ACrossingFinNeedsTheAckThatOvertookItCapturedLater) {
  const auto a = crossing(11, 13);
  ASSERT_TRUE(a.agree) << a.why;
  EXPECT_EQ(a.rules, std::vector<std::string_view>{kOvertakenCrossingFin});
  EXPECT_FALSE(crossing(13, 11).agree);
}

// Endpoint FIN_WAIT_1 at 1 ms (close), CLOSING at 3 ms; observer CLOSE_WAIT, then
// LAST_ACK on our FIN captured at `fin_ms`.
Agreement queued(std::int64_t fin_ms) {
  const auto endpoint = path({{S::kEstablished, 0, 0}, {S::kFinWait1, 0, 1}, {S::kClosing, 12, 3},
                              {S::kTimeWait, 14, 5}, {S::kClosed, 0, 9}});
  const auto observer = path({{S::kEstablished, 0, 0}, {S::kCloseWait, 12, 2}, {S::kLastAck, 13, fin_ms},
                              {S::kClosed, 14, 5}});
  return compare_paths(endpoint, observer);
}

TEST(ObserverAgreement, AQueuedFinNeedsOurFinCapturedAfterThePeersArrived) {
  const auto a = queued(3);
  ASSERT_TRUE(a.agree) << a.why;
  EXPECT_EQ(a.rules, std::vector<std::string_view>{kFinQueuedAtClose});
  // Our FIN left before we had the peer's: it crossed, and the observer was wrong.
  EXPECT_FALSE(queued(2).agree);
}

}  // namespace
}  // namespace wirestate::tcp::testing
