// One test per transition of RFC 9293's state diagram (Figure 5, §3.3.2), each driving
// the real input and checking the next state and the segment sent.
#include <span>
#include <string>
#include <vector>

#include "tcp_support.hpp"

namespace wirestate::tcp::testing {
namespace {

class Transitions : public EndpointTest {
 protected:
  // TIME_WAIT was entered at `entered`: its one deadline is 2·MSL later (RFC 9293 §3.4.2);
  // a nanosecond before it the endpoint is still in TIME_WAIT, at it CLOSED, sending nothing.
  // Call with the segments of the entering input already taken.
  void expect_time_wait_ends_after_two_msl(net::Time entered) {
    ASSERT_EQ(ep().state(), State::kTimeWait);
    const net::Time expiry = entered + cfg_.msl * 2;
    EXPECT_EQ(ep().next_deadline(), expiry);
    ep().on_timer(expiry - net::Duration::nanoseconds(1));
    EXPECT_EQ(ep().state(), State::kTimeWait) << "left TIME_WAIT before 2*MSL";
    expect_nothing_sent();
    ep().on_timer(expiry);
    EXPECT_EQ(ep().state(), State::kClosed) << "still " << to_string(ep().state()) << " at 2*MSL";
    expect_nothing_sent();
    EXPECT_EQ(ep().next_deadline(), net::Time::max());
    const auto t = transitions();
    ASSERT_FALSE(t.empty());
    EXPECT_EQ(t.back(), "TIME_WAIT->CLOSED");
  }
};

TEST_F(Transitions, ClosedToListenOnPassiveOpen) {
  ASSERT_TRUE(ep().open_passive(kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  EXPECT_EQ(ep().state(), State::kListen);
  expect_nothing_sent();
  EXPECT_EQ(transitions(), std::vector<std::string>{"CLOSED->LISTEN"});
}

TEST_F(Transitions, ClosedToSynSentOnActiveOpenSendsSyn) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  EXPECT_EQ(ep().state(), State::kSynSent);
  const Segment syn = sent_one();
  expect_segment(syn, "S", kOurIsn);
  EXPECT_EQ(syn.header.options.mss, std::optional<std::uint16_t>(1460));
}

TEST_F(Transitions, ListenToSynReceivedOnSynSendsSynAck) {
  ep() = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
  deliver(segment().seq(kPeerIsn).flags("S"), at_ms(1));
  EXPECT_EQ(ep().state(), State::kSynReceived);
  expect_segment(sent_one(), "S.", kOurIsn, kPeerIsn + 1);
  EXPECT_EQ(ep().remote_port(), kRemotePort);
}

TEST_F(Transitions, ListenToSynSentOnSend) {
  // RFC 9293 §3.10.2: SEND in LISTEN with the foreign socket specified turns the
  // connection active: a SYN at the ISS, SND.UNA = ISS, SND.NXT = ISS+1, SYN-SENT; the
  // data waits for ESTABLISHED (it is not put on the SYN).
  ASSERT_TRUE(ep().open_passive(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  ASSERT_EQ(ep().state(), State::kListen);
  expect_nothing_sent();
  const std::vector<std::uint8_t> hello = {'h', 'e', 'l', 'l', 'o'};
  const auto accepted = ep().send(hello, at_ms(1));
  ASSERT_TRUE(accepted) << to_string(accepted.error());
  EXPECT_EQ(*accepted, hello.size());
  EXPECT_EQ(ep().state(), State::kSynSent);
  const Segment syn = sent_one();
  expect_segment(syn, "S", kOurIsn);  // len 0: no data on the SYN
  EXPECT_EQ(ep().status().snd_una.value(), kOurIsn);
  EXPECT_EQ(ep().status().snd_nxt.value(), kOurIsn + 1);
  EXPECT_EQ(ep().status().send_queued, hello.size());
  EXPECT_EQ(transitions(), (std::vector<std::string>{"CLOSED->LISTEN", "LISTEN->SYN_SENT"}));
  // The SYN,ACK opens it; the queued data follows the ACK.
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S."), at_ms(10));
  EXPECT_EQ(ep().state(), State::kEstablished);
  const auto out = sent();
  ASSERT_EQ(out.size(), 2U);
  expect_segment(out[0], ".", kOurIsn + 1, kPeerIsn + 1);
  expect_segment(out[1], "P.", kOurIsn + 1, kPeerIsn + 1, hello.size());
  EXPECT_EQ(std::vector<std::uint8_t>(out[1].payload.begin(), out[1].payload.end()), hello);
}

TEST_F(Transitions, SendInListenWithoutForeignSocketIsAnError) {
  // RFC 9293 §3.10.2: "If the foreign socket is not specified, then return 'error: foreign
  // socket unspecified'."
  ep() = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
  ep().take_events();
  const std::uint8_t byte = 0x61;
  const auto r = ep().send(std::span(&byte, 1), at_ms(1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), UserError::kForeignSocketUnspecified);
  EXPECT_EQ(to_string(r.error()), "foreign socket unspecified");
  EXPECT_EQ(ep().state(), State::kListen);
  EXPECT_EQ(ep().status().send_queued, 0U);
  expect_nothing_sent();
  EXPECT_TRUE(transitions().empty());
}

TEST_F(Transitions, SendInListenMakesTheConnectionActive) {
  // After SEND in LISTEN the connection is active: a RST in SYN_RECEIVED (simultaneous
  // open) refuses it instead of returning to LISTEN (RFC 9293 §3.10.7.4 step 2).
  ASSERT_TRUE(ep().open_passive(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  const std::uint8_t byte = 0x61;
  ASSERT_TRUE(ep().send(std::span(&byte, 1), at_ms(1)));
  ASSERT_EQ(ep().state(), State::kSynSent);
  sent();
  deliver(segment().seq(kPeerIsn).flags("S"), at_ms(5));
  ASSERT_EQ(ep().state(), State::kSynReceived);
  sent();
  ep().take_events();
  deliver(segment().seq(kPeerIsn + 1).flags("R"), at_ms(6));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_nothing_sent();
  const auto events = ep().take_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().error, ErrorKind::kConnectionRefused);
}

TEST_F(Transitions, ListenToSynSentOnActiveOpen) {
  // wirestate's OPEN on a listening endpoint (RFC 9293 §3.10.1 lets a passive OPEN be
  // turned active by naming the foreign socket).
  ep() = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(1)));
  EXPECT_EQ(ep().state(), State::kSynSent);
  expect_segment(sent_one(), "S", kOurIsn);
}

TEST_F(Transitions, ListenToClosedOnClose) {
  ep() = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
  ASSERT_TRUE(ep().close(at_ms(1)));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_nothing_sent();
}

TEST_F(Transitions, SynSentToClosedOnClose) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  ASSERT_TRUE(ep().close(at_ms(1)));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_nothing_sent();
  EXPECT_EQ(ep().next_deadline(), net::Time::max());
}

TEST_F(Transitions, SynSentToEstablishedOnSynAckSendsAck) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S."), at_ms(10));
  EXPECT_EQ(ep().state(), State::kEstablished);
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 1);
}

TEST_F(Transitions, SynSentToSynReceivedOnSimultaneousSyn) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  deliver(segment().seq(kPeerIsn).flags("S"), at_ms(5));
  EXPECT_EQ(ep().state(), State::kSynReceived);
  expect_segment(sent_one(), "S.", kOurIsn, kPeerIsn + 1);
  // ... and the peer's SYN,ACK completes it.
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S."), at_ms(6));
  EXPECT_EQ(ep().state(), State::kSynReceived);  // SYN is at IRS: unacceptable, ACKed
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("."), at_ms(7));
  EXPECT_EQ(ep().state(), State::kEstablished);
}

TEST_F(Transitions, SynReceivedToEstablishedOnAck) {
  ep() = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
  deliver(segment().seq(kPeerIsn).flags("S"), at_ms(1));
  sent();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("."), at_ms(2));
  EXPECT_EQ(ep().state(), State::kEstablished);
  expect_nothing_sent();
  EXPECT_EQ(transitions(),
            (std::vector<std::string>{"CLOSED->LISTEN", "LISTEN->SYN_RECEIVED",
                                      "SYN_RECEIVED->ESTABLISHED"}));
}

TEST_F(Transitions, SynReceivedToFinWait1OnCloseSendsFin) {
  ep() = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
  deliver(segment().seq(kPeerIsn).flags("S"), at_ms(1));
  sent();
  ASSERT_TRUE(ep().close(at_ms(2)));
  EXPECT_EQ(ep().state(), State::kFinWait1);
  expect_segment(sent_one(), "F.", kOurIsn + 1, kPeerIsn + 1);
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("."), at_ms(3));
  EXPECT_EQ(ep().state(), State::kFinWait2);
}

TEST_F(Transitions, SynReceivedToListenOnRst) {
  ep() = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
  deliver(segment().seq(kPeerIsn).flags("S"), at_ms(1));
  sent();
  deliver(segment().seq(kPeerIsn + 1).flags("R"), at_ms(2));
  EXPECT_EQ(ep().state(), State::kListen);
  expect_nothing_sent();
  auto t = transitions();
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t.back(), "SYN_RECEIVED->LISTEN");
  // The endpoint listens again: a new SYN is answered.
  deliver(segment().seq(9000).flags("S"), at_ms(3));
  EXPECT_EQ(ep().state(), State::kSynReceived);
  expect_segment(sent_one(), "S.", kOurIsn, 9001);
}

TEST_F(Transitions, SynReceivedActiveToClosedOnRstReportsRefused) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  deliver(segment().seq(kPeerIsn).flags("S"), at_ms(5));
  sent();
  ep().take_events();
  deliver(segment().seq(kPeerIsn + 1).flags("R"), at_ms(6));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_nothing_sent();
  auto events = ep().take_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().kind, EventKind::kError);
  EXPECT_EQ(events.front().error, ErrorKind::kConnectionRefused);
}

TEST_F(Transitions, EstablishedToFinWait1OnCloseSendsFin) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  EXPECT_EQ(ep().state(), State::kFinWait1);
  expect_segment(sent_one(), "F.", kOurIsn + 1, kPeerIsn + 1);
}

TEST_F(Transitions, EstablishedToCloseWaitOnFinSendsAck) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("F."), at_ms(20));
  EXPECT_EQ(ep().state(), State::kCloseWait);
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 2);
  EXPECT_TRUE(ep().status().fin_received);
}

TEST_F(Transitions, FinWait1ToFinWait2OnAckOfFin) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  sent();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("."), at_ms(30));
  EXPECT_EQ(ep().state(), State::kFinWait2);
  expect_nothing_sent();
}

TEST_F(Transitions, FinWait1ToClosingOnFinSendsAck) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  sent();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("F."), at_ms(21));
  EXPECT_EQ(ep().state(), State::kClosing);
  expect_segment(sent_one(), ".", kOurIsn + 2, kPeerIsn + 2);
}

TEST_F(Transitions, FinWait1ToTimeWaitOnFinThatAcksOurFin) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  sent();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("F."), at_ms(30));
  EXPECT_EQ(ep().state(), State::kTimeWait);
  expect_segment(sent_one(), ".", kOurIsn + 2, kPeerIsn + 2);
  auto t = transitions();
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t.back(), "FIN_WAIT_1->TIME_WAIT");
  expect_time_wait_ends_after_two_msl(at_ms(30));
}

TEST_F(Transitions, FinWait2ToTimeWaitOnFinSendsAck) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("."), at_ms(30));
  sent();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("F."), at_ms(40));
  EXPECT_EQ(ep().state(), State::kTimeWait);
  expect_segment(sent_one(), ".", kOurIsn + 2, kPeerIsn + 2);
  expect_time_wait_ends_after_two_msl(at_ms(40));
}

TEST_F(Transitions, CloseWaitToLastAckOnCloseSendsFin) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("F."), at_ms(20));
  sent();
  ASSERT_TRUE(ep().close(at_ms(25)));
  EXPECT_EQ(ep().state(), State::kLastAck);
  expect_segment(sent_one(), "F.", kOurIsn + 1, kPeerIsn + 2);
}

TEST_F(Transitions, ClosingToTimeWaitOnAckOfFin) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("F."), at_ms(21));
  sent();
  deliver(segment().seq(kPeerIsn + 2).ack(kOurIsn + 2).flags("."), at_ms(22));
  EXPECT_EQ(ep().state(), State::kTimeWait);
  expect_nothing_sent();
  expect_time_wait_ends_after_two_msl(at_ms(22));
}

TEST_F(Transitions, LastAckToClosedOnAckOfFin) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("F."), at_ms(20));
  ASSERT_TRUE(ep().close(at_ms(25)));
  sent();
  deliver(segment().seq(kPeerIsn + 2).ack(kOurIsn + 2).flags("."), at_ms(30));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_nothing_sent();
  EXPECT_EQ(ep().next_deadline(), net::Time::max());
}

TEST_F(Transitions, TimeWaitToClosedAfterTwoMsl) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("F."), at_ms(30));
  ASSERT_EQ(ep().state(), State::kTimeWait);
  const auto out = sent();  // our FIN, then the ACK of theirs
  ASSERT_EQ(out.size(), 2U);
  expect_segment(out[1], ".", kOurIsn + 2, kPeerIsn + 2);
  expect_time_wait_ends_after_two_msl(at_ms(30));
}

TEST_F(Transitions, TimeWaitRetransmittedFinIsAckedAndRestartsTimer) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("F."), at_ms(30));
  sent();
  ASSERT_EQ(ep().state(), State::kTimeWait);
  EXPECT_EQ(ep().next_deadline(), at_ms(30) + cfg_.msl * 2);
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("F."), at_ms(1000));
  EXPECT_EQ(ep().state(), State::kTimeWait);
  expect_segment(sent_one(), ".", kOurIsn + 2, kPeerIsn + 2);
  // RFC 9293 §3.10.7.4 step 8: the 2·MSL restarts; the first deadline no longer ends it.
  ep().on_timer(at_ms(30) + cfg_.msl * 2);
  EXPECT_EQ(ep().state(), State::kTimeWait);
  expect_time_wait_ends_after_two_msl(at_ms(1000));
}

TEST_F(Transitions, EstablishedToClosedOnRstReportsReset) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).flags("R"), at_ms(20));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_nothing_sent();
  auto events = ep().take_events();
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].error, ErrorKind::kConnectionReset);
  EXPECT_EQ(events[1].cause, "rcv R seq 5001 win 65535 len 0");
}

TEST_F(Transitions, SynSentToClosedOnRstReportsRefused) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  deliver(segment().seq(0).ack(kOurIsn + 1).flags("R."), at_ms(1));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_nothing_sent();
  EXPECT_EQ(ep().next_deadline(), net::Time::max());  // the SYN's retransmission timer is off
  auto events = ep().take_events();
  ASSERT_GE(events.size(), 2U);
  EXPECT_EQ(events[events.size() - 2].error, ErrorKind::kConnectionRefused);
}

TEST_F(Transitions, SynSentIgnoresRstWithoutAck) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  deliver(segment().seq(0).flags("R"), at_ms(1));
  EXPECT_EQ(ep().state(), State::kSynSent);
  expect_nothing_sent();
  EXPECT_EQ(ep().stats().drop_count(DropReason::kSynSentRstNoAck), 1U);
}

TEST_F(Transitions, SynSentBadAckGetsRst) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 50).flags("S."), at_ms(1));
  EXPECT_EQ(ep().state(), State::kSynSent);
  expect_segment(sent_one(), "R", kOurIsn + 50);
}

TEST_F(Transitions, AbortInEstablishedSendsRstAndCloses) {
  establish_active();
  ep().abort(at_ms(20));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_segment(sent_one(), "R", kOurIsn + 1);
}

TEST_F(Transitions, SegmentToClosedEndpointGetsRst) {
  deliver(segment().seq(77).flags("S"), at_ms(0));
  expect_segment(sent_one(), "R.", 0, 78);
  deliver(segment().seq(77).ack(1234).flags("."), at_ms(0));
  expect_segment(sent_one(), "R", 1234);
  deliver(segment().seq(77).flags("R"), at_ms(0));
  expect_nothing_sent();
}

TEST_F(Transitions, ListenAnswersAckWithRstAndIgnoresRst) {
  ep() = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
  deliver(segment().seq(5).ack(99).flags("."), at_ms(1));
  expect_segment(sent_one(), "R", 99);
  deliver(segment().seq(5).flags("R"), at_ms(1));
  expect_nothing_sent();
  EXPECT_EQ(ep().state(), State::kListen);
}

// RFC 9293 §3.10.7.4 step 2 for every synchronized state after SYN_RECEIVED: a RST at
// exactly RCV.NXT (RFC 5961 §3.2) closes the connection and is never answered. In
// ESTABLISHED, FIN_WAIT_1/2 and CLOSE_WAIT the user is told "connection reset"; in CLOSING,
// LAST_ACK and TIME_WAIT the TCB is just deleted (TIME_WAIT too: RFC 9293 does not adopt
// RFC 1337's option of ignoring it).
class RstInState : public EndpointTest, public ::testing::WithParamInterface<State> {
 protected:
  // Drives the endpoint from ESTABLISHED (active side) into `target` with real inputs;
  // rcv_nxt_ is then what the peer's next sequence number must be.
  void drive_to(State target) {
    establish_active();
    rcv_nxt_ = kPeerIsn + 1;
    const auto peer_fin = [&](std::uint32_t ack, net::Time t) {
      deliver(segment().seq(rcv_nxt_).ack(ack).flags("F."), t);
      rcv_nxt_ += 1;
    };
    switch (target) {
      case State::kEstablished: break;
      case State::kFinWait1: ASSERT_TRUE(ep().close(at_ms(20))); break;
      case State::kFinWait2:
        ASSERT_TRUE(ep().close(at_ms(20)));
        deliver(segment().seq(rcv_nxt_).ack(kOurIsn + 2).flags("."), at_ms(21));
        break;
      case State::kCloseWait: peer_fin(kOurIsn + 1, at_ms(20)); break;
      case State::kClosing:  // both FINs cross: ours is not acknowledged by theirs
        ASSERT_TRUE(ep().close(at_ms(20)));
        peer_fin(kOurIsn + 1, at_ms(21));
        break;
      case State::kLastAck:
        peer_fin(kOurIsn + 1, at_ms(20));
        ASSERT_TRUE(ep().close(at_ms(21)));
        break;
      case State::kTimeWait:
        ASSERT_TRUE(ep().close(at_ms(20)));
        peer_fin(kOurIsn + 2, at_ms(21));
        // Entered at 21 ms: the 2·MSL deadline is armed from there.
        EXPECT_EQ(ep().next_deadline(), at_ms(21) + cfg_.msl * 2);
        break;
      default: FAIL() << "not a state this test drives to: " << to_string(target);
    }
    ASSERT_EQ(ep().state(), target) << "did not reach " << to_string(target) << " before the RST";
    ASSERT_EQ(ep().status().rcv_nxt.value(), rcv_nxt_);
  }
  std::uint32_t rcv_nxt_ = 0;
};

TEST_P(RstInState, RstAtRcvNxtClosesAndSendsNothing) {
  const State state = GetParam();
  ASSERT_NO_FATAL_FAILURE(drive_to(state));
  sent();
  ep().take_events();
  deliver(segment().seq(rcv_nxt_).flags("R"), at_ms(30));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_nothing_sent();
  EXPECT_EQ(ep().next_deadline(), net::Time::max()) << "a timer survived the reset";
  const auto events = ep().take_events();
  const bool user_told = state == State::kEstablished || state == State::kFinWait1 ||
                         state == State::kFinWait2 || state == State::kCloseWait;
  ASSERT_EQ(events.size(), user_told ? 2U : 1U);
  if (user_told) {
    EXPECT_EQ(events.front().kind, EventKind::kError);
    EXPECT_EQ(events.front().error, ErrorKind::kConnectionReset);
  }
  EXPECT_EQ(events.back().kind, EventKind::kStateChange);
  EXPECT_EQ(events.back().from, state);
  EXPECT_EQ(events.back().to, State::kClosed);
}

// RFC 5961 §3.2: in the window but not at RCV.NXT, the same RST only draws a challenge ACK
// <SEQ=SND.NXT><ACK=RCV.NXT> and the state stays.
TEST_P(RstInState, RstInWindowNotAtRcvNxtIsChallengedAndKeepsTheState) {
  const State state = GetParam();
  ASSERT_NO_FATAL_FAILURE(drive_to(state));
  sent();
  const std::uint32_t snd_nxt = ep().status().snd_nxt.value();
  deliver(segment().seq(rcv_nxt_ + 1).flags("R"), at_ms(30));
  EXPECT_EQ(ep().state(), state);
  expect_segment(sent_one(), ".", snd_nxt, rcv_nxt_);
  EXPECT_EQ(ep().stats().drop_count(DropReason::kRstChallenged), 1U);
}

INSTANTIATE_TEST_SUITE_P(Synchronized, RstInState,
                         ::testing::Values(State::kEstablished, State::kFinWait1, State::kFinWait2,
                                           State::kCloseWait, State::kClosing, State::kLastAck,
                                           State::kTimeWait),
                         [](const auto& info) {
                           std::string name(to_string(info.param));
                           std::erase(name, '_');
                           return name;
                         });

}  // namespace
}  // namespace wirestate::tcp::testing
