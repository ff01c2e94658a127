// One test per transition of RFC 9293's state diagram (Figure 5, §3.3.2), each driving
// the real input and checking the next state and the segment sent.
#include "tcp_support.hpp"

namespace wirestate::tcp::testing {
namespace {

using Transitions = EndpointTest;

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
  // RFC 9293 §3.10.2: SEND in LISTEN with a foreign socket turns the connection active;
  // here that is an active OPEN on the listening endpoint.
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
}

TEST_F(Transitions, FinWait2ToTimeWaitOnFinSendsAck) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("."), at_ms(30));
  sent();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("F."), at_ms(40));
  EXPECT_EQ(ep().state(), State::kTimeWait);
  expect_segment(sent_one(), ".", kOurIsn + 2, kPeerIsn + 2);
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
  sent();
  const net::Time expiry = at_ms(30) + cfg_.msl * 2;
  EXPECT_EQ(ep().next_deadline(), expiry);
  ep().on_timer(expiry - net::Duration::nanoseconds(1));
  EXPECT_EQ(ep().state(), State::kTimeWait);
  ep().on_timer(expiry);
  EXPECT_EQ(ep().state(), State::kClosed);
  auto t = transitions();
  EXPECT_EQ(t.back(), "TIME_WAIT->CLOSED");
}

TEST_F(Transitions, TimeWaitRetransmittedFinIsAckedAndRestartsTimer) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("F."), at_ms(30));
  sent();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("F."), at_ms(1000));
  EXPECT_EQ(ep().state(), State::kTimeWait);
  expect_segment(sent_one(), ".", kOurIsn + 2, kPeerIsn + 2);
  EXPECT_EQ(ep().next_deadline(), at_ms(1000) + cfg_.msl * 2);
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
  auto events = ep().take_events();
  ASSERT_GE(events.size(), 2U);
  EXPECT_EQ(events[events.size() - 2].error, ErrorKind::kConnectionRefused);
}

TEST_F(Transitions, SynSentIgnoresRstWithoutAck) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  deliver(segment().seq(0).flags("R"), at_ms(1));
  EXPECT_EQ(ep().state(), State::kSynSent);
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

TEST_F(Transitions, RstInEachSynchronizedStateCloses) {
  for (int which = 0; which < 5; ++which) {
    ep() = Endpoint(cfg_);
    establish_active();
    std::uint32_t rcv = kPeerIsn + 1;
    switch (which) {
      case 0: break;                                           // ESTABLISHED
      case 1: (void)ep().close(at_ms(20)); break;              // FIN_WAIT_1
      case 2:                                                  // FIN_WAIT_2
        (void)ep().close(at_ms(20));
        deliver(segment().seq(rcv).ack(kOurIsn + 2).flags("."), at_ms(21));
        break;
      case 3:                                                  // CLOSE_WAIT
        deliver(segment().seq(rcv).ack(kOurIsn + 1).flags("F."), at_ms(20));
        rcv += 1;
        break;
      case 4:                                                  // LAST_ACK
        deliver(segment().seq(rcv).ack(kOurIsn + 1).flags("F."), at_ms(20));
        (void)ep().close(at_ms(21));
        rcv += 1;
        break;
    }
    const State before = ep().state();
    sent();
    deliver(segment().seq(rcv).flags("R"), at_ms(30));
    EXPECT_EQ(ep().state(), State::kClosed) << "from " << to_string(before);
    expect_nothing_sent();
  }
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

}  // namespace
}  // namespace wirestate::tcp::testing
