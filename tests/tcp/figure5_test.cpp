// RFC 9293's state diagram (Figure 5) as tcp::figure5's pure functions: for every event,
// the next state from each of the eleven states, against the diagram typed from the RFC.
#include <map>
#include <optional>

#include <gtest/gtest.h>

#include "wirestate/tcp/figure5.hpp"

namespace wirestate::tcp {
namespace {

using Arrows = std::map<State, State>;

// Checks `event` from every state: the arrow's head where the diagram has one, nothing
// elsewhere.
template <class Event>
void expect_arrows(const char* name, Event event, const Arrows& arrows) {
  for (const State from : kAllStates) {
    const std::optional<State> to = event(from);
    const auto it = arrows.find(from);
    if (it == arrows.end()) {
      EXPECT_FALSE(to.has_value()) << name << " from " << to_string(from) << " goes to " << to_string(*to);
    } else {
      ASSERT_TRUE(to.has_value()) << name << " from " << to_string(from) << " goes nowhere";
      EXPECT_EQ(*to, it->second) << name << " from " << to_string(from);
    }
  }
}

TEST(Figure5, SynReceived) {
  expect_arrows("rcv SYN", figure5::on_syn,
                {{State::kListen, State::kSynReceived}, {State::kSynSent, State::kSynReceived}});
}

TEST(Figure5, SynAcknowledged) {
  expect_arrows("ACK of SYN", figure5::on_syn_acked,
                {{State::kSynSent, State::kEstablished}, {State::kSynReceived, State::kEstablished}});
}

TEST(Figure5, CloseSendsAFin) {
  expect_arrows("CLOSE", figure5::on_close,
                {{State::kSynReceived, State::kFinWait1},
                 {State::kEstablished, State::kFinWait1},
                 {State::kCloseWait, State::kLastAck}});
}

TEST(Figure5, FinAcknowledged) {
  expect_arrows("ACK of FIN", figure5::on_fin_acked,
                {{State::kFinWait1, State::kFinWait2},
                 {State::kClosing, State::kTimeWait},
                 {State::kLastAck, State::kClosed}});
}

TEST(Figure5, FinReceived) {
  const Arrows common = {{State::kSynReceived, State::kCloseWait},
                         {State::kEstablished, State::kCloseWait},
                         {State::kFinWait2, State::kTimeWait}};
  Arrows crossing = common;
  crossing[State::kFinWait1] = State::kClosing;  // our FIN not acknowledged: simultaneous close
  expect_arrows("rcv FIN", [](State s) { return figure5::on_fin(s, false); }, crossing);
  Arrows acked = common;
  acked[State::kFinWait1] = State::kTimeWait;  // FIN and the ACK of ours in one segment
  expect_arrows("rcv FIN,ACK", [](State s) { return figure5::on_fin(s, true); }, acked);
}

TEST(Figure5, ResetReceived) {
  Arrows closes;
  for (const State s : kAllStates) {
    if (s != State::kClosed && s != State::kListen) closes[s] = State::kClosed;
  }
  expect_arrows("rcv RST (active open)", [](State s) { return figure5::on_reset(s, false); }, closes);
  Arrows passive = closes;
  passive[State::kSynReceived] = State::kListen;  // §3.10.7.4 step 2: back to LISTEN
  expect_arrows("rcv RST (passive open)", [](State s) { return figure5::on_reset(s, true); }, passive);
}

TEST(Figure5, TimeWaitTimeout) {
  expect_arrows("2MSL timeout", figure5::on_time_wait_timeout, {{State::kTimeWait, State::kClosed}});
}

}  // namespace
}  // namespace wirestate::tcp
