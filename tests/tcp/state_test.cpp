#include "wirestate/tcp/state.hpp"

#include <gtest/gtest.h>

namespace wirestate::tcp {
namespace {

TEST(State, PrintsCanonicalNames) {
  EXPECT_EQ(to_string(State::kClosed), "CLOSED");
  EXPECT_EQ(to_string(State::kListen), "LISTEN");
  EXPECT_EQ(to_string(State::kSynSent), "SYN_SENT");
  EXPECT_EQ(to_string(State::kSynReceived), "SYN_RECEIVED");
  EXPECT_EQ(to_string(State::kEstablished), "ESTABLISHED");
  EXPECT_EQ(to_string(State::kFinWait1), "FIN_WAIT_1");
  EXPECT_EQ(to_string(State::kFinWait2), "FIN_WAIT_2");
  EXPECT_EQ(to_string(State::kCloseWait), "CLOSE_WAIT");
  EXPECT_EQ(to_string(State::kClosing), "CLOSING");
  EXPECT_EQ(to_string(State::kLastAck), "LAST_ACK");
  EXPECT_EQ(to_string(State::kTimeWait), "TIME_WAIT");
}

TEST(State, ParsesEveryCanonicalNameBack) {
  for (State s : kAllStates) {
    auto parsed = parse_state(to_string(s));
    ASSERT_TRUE(parsed) << to_string(s);
    EXPECT_EQ(*parsed, s);
  }
}

TEST(State, ParsesCommonSpellings) {
  EXPECT_EQ(parse_state("SYN_RECV").value(), State::kSynReceived);
  EXPECT_EQ(parse_state("SYN-RECEIVED").value(), State::kSynReceived);
  EXPECT_EQ(parse_state("syn_rcvd").value(), State::kSynReceived);
  EXPECT_EQ(parse_state("FIN_WAIT1").value(), State::kFinWait1);
  EXPECT_EQ(parse_state("FIN-WAIT-1").value(), State::kFinWait1);
  EXPECT_EQ(parse_state("fin-wait-2").value(), State::kFinWait2);
  EXPECT_EQ(parse_state("TIME-WAIT").value(), State::kTimeWait);
  EXPECT_EQ(parse_state("ESTAB").value(), State::kEstablished);
  EXPECT_EQ(parse_state("established").value(), State::kEstablished);
  EXPECT_EQ(parse_state("Close-Wait").value(), State::kCloseWait);
  EXPECT_EQ(parse_state("LAST-ACK").value(), State::kLastAck);
}

TEST(State, RejectsUnknownName) {
  auto parsed = parse_state("HALF_OPEN");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().find("HALF_OPEN"), std::string::npos);
}

TEST(State, RejectsEmptyName) { EXPECT_FALSE(parse_state("")); }

TEST(State, RejectsNameWithForeignCharacters) { EXPECT_FALSE(parse_state("LISTEN!")); }

TEST(State, SynchronizedStatesAreEstablishedAndLater) {
  EXPECT_FALSE(is_synchronized(State::kSynReceived));
  EXPECT_TRUE(is_synchronized(State::kEstablished));
  EXPECT_TRUE(is_synchronized(State::kTimeWait));
}

}  // namespace
}  // namespace wirestate::tcp
