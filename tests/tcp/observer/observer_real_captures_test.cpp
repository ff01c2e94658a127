// Crafted segment sequences for the situations that real captures show and the plain
// handshake-to-close tests do not: TCP Fast Open, captures of one direction only,
// captures started mid-connection, late copies of the SYN, SYNs on a 4-tuple in use, and
// RFC 5961 resets, with what later evidence does to an inferred close. Client
// 10.0.0.1:40000, server 10.0.0.2:80, client ISN 100, server ISN 300 unless a test says
// otherwise. tests/netns/observer_real_captures_test.cpp makes the same situations with
// Linux and holds the result to `ss`.
#include <algorithm>

#include <gtest/gtest.h>

#include "tcp/observer/observer_support.hpp"

namespace wirestate::tcp::testing {
namespace {

constexpr std::string_view kCli = "10.0.0.1:40000";
constexpr std::string_view kSrv = "10.0.0.2:80";

bool raised(const std::vector<Anomaly>& v, Anomaly a) { return std::find(v.begin(), v.end(), a) != v.end(); }

ObservedSegment with_tsval(ObservedSegment seg, std::uint32_t tsval) {
  seg.tcp.options.timestamps = wire::TcpTimestamps{tsval, 0};
  return seg;
}

class RealCaptures : public ::testing::Test {
 protected:
  void handshake() {
    h.feed(segment(kCli, kSrv, "S", 100, 0, 0, 64240, 0));
    h.feed(segment(kSrv, kCli, "S.", 300, 101, 0, 65160, 10));
    h.feed(segment(kCli, kSrv, ".", 101, 301, 0, 502, 20));
  }
  // From the handshake: the client sends 10 bytes, the server answers 20, both acked.
  void exchange() {
    h.feed(segment(kCli, kSrv, "P.", 101, 301, 10, 502, 30));
    h.feed(segment(kSrv, kCli, "P.", 301, 111, 20, 509, 40));
    h.feed(segment(kCli, kSrv, ".", 111, 321, 0, 502, 50));
  }
  // The client closes first after exchange(): client TIME_WAIT, server CLOSED.
  void client_closes() {
    h.feed(segment(kCli, kSrv, "F.", 111, 321, 0, 502, 60));
    h.feed(segment(kSrv, kCli, "F.", 321, 112, 0, 509, 70));
    h.feed(segment(kCli, kSrv, ".", 112, 322, 0, 502, 80));
  }
  std::vector<State> client() const { return h.path(1, ConnSide::kClient); }
  std::vector<State> server() const { return h.path(1, ConnSide::kServer); }
  Harness h;
};

// RFC 7413: the SYN carries 11 bytes and the SYN-ACK acknowledges them with the SYN.
TEST_F(RealCaptures, FastOpenSynWithDataAckedByTheSynAckEstablishes) {
  h.feed(segment(kCli, kSrv, "S", 100, 0, 11, 64240, 0));
  h.feed(segment(kSrv, kCli, "S.", 300, 112, 0, 65160, 10));
  h.feed(segment(kCli, kSrv, ".", 112, 301, 0, 502, 20));
  h.feed(segment(kSrv, kCli, "P.", 301, 112, 16, 509, 30));
  h.feed(segment(kCli, kSrv, ".", 112, 317, 0, 502, 40));
  h.feed(segment(kCli, kSrv, "F.", 112, 317, 0, 502, 50));
  h.feed(segment(kSrv, kCli, "F.", 317, 113, 0, 509, 60));
  h.feed(segment(kCli, kSrv, ".", 113, 318, 0, 502, 70));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
  const auto s = h.summary(1);
  EXPECT_EQ(s.client_to_server.bytes, 11U);
  EXPECT_TRUE(s.handshake_rtt.has_value());
  EXPECT_EQ(s.conn_state, "SF");
  for (std::uint64_t p = 1; p <= h.packets; ++p) EXPECT_TRUE(h.anomalies_of(p).empty()) << "packet " << p;
}

// A server that does not take the SYN's data (no valid cookie) acknowledges only the SYN;
// the client is established all the same and sends the data again.
TEST_F(RealCaptures, FastOpenSynDataRefusedIsSentAgainAfterTheHandshake) {
  h.feed(segment(kCli, kSrv, "S", 100, 0, 11, 64240, 0));
  h.feed(segment(kSrv, kCli, "S.", 300, 101, 0, 65160, 10));
  h.feed(segment(kCli, kSrv, "P.", 101, 301, 11, 502, 20));  // 3: the data again
  h.feed(segment(kSrv, kCli, ".", 301, 112, 0, 509, 30));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
  EXPECT_TRUE(raised(h.anomalies_of(3), Anomaly::kRetransmission));
}

// A SYN-ACK acknowledging more than the SYN carried is not acceptable (RFC 9293 §3.10.7.3).
TEST_F(RealCaptures, SynAckBeyondTheSynsDataDoesNotEstablish) {
  h.feed(segment(kCli, kSrv, "S", 100, 0, 11, 64240, 0));
  h.feed(segment(kSrv, kCli, "S.", 300, 113, 0, 65160, 10));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT"}));
}

// Only the client's direction is captured: its ACKs prove the SYN-ACK and the server's
// data; the server is marked unseen.
TEST_F(RealCaptures, OneSidedClientCaptureInfersWhatTheAcksProve) {
  h.feed(segment(kCli, kSrv, "S", 100, 0, 0, 64240, 0));
  h.feed(segment(kCli, kSrv, ".", 101, 301, 0, 502, 20));          // acks the unseen SYN-ACK
  h.feed(segment(kCli, kSrv, "P.", 101, 301, 396, 502, 30));       // 396 bytes
  h.feed(segment(kCli, kSrv, ".", 497, 1301, 0, 502, 40));         // acks 1000 unseen bytes
  h.feed(segment(kCli, kSrv, "F.", 497, 1301, 0, 502, 50));
  const auto s = h.summary(1);
  EXPECT_FALSE(s.partial);  // the handshake's start was seen
  ASSERT_TRUE(s.unseen().has_value());
  EXPECT_EQ(*s.unseen(), ConnSide::kServer);
  EXPECT_EQ(s.client_states, states({"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1"}));
  EXPECT_EQ(s.server_states, states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
  EXPECT_EQ(s.client_to_server.bytes, 396U);
  const auto ct = h.transitions(1, ConnSide::kClient);
  ASSERT_GE(ct.size(), 2U);
  EXPECT_EQ(ct[1].packet, 2U);  // ESTABLISHED on the first ACK
}

// Only the server's direction is captured: its SYN-ACK, its data, and its ACK of data the
// client sent after the handshake, which proves the handshake's ACK arrived.
TEST_F(RealCaptures, OneSidedServerCaptureEstablishesOnAnAckOfLaterData) {
  h.feed(segment(kSrv, kCli, "S.", 300, 101, 0, 65160, 0));
  h.feed(segment(kSrv, kCli, "P.", 301, 101, 50, 509, 10));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED"}));
  h.feed(segment(kSrv, kCli, ".", 351, 141, 0, 509, 20));  // acks 40 client bytes
  const auto s = h.summary(1);
  ASSERT_TRUE(s.unseen().has_value());
  EXPECT_EQ(*s.unseen(), ConnSide::kClient);
  EXPECT_EQ(s.server_states, states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
  EXPECT_EQ(s.client_states, states({"SYN_SENT", "ESTABLISHED"}));
}

TEST_F(RealCaptures, BothDirectionsSeenIsNotOneSided) {
  handshake();
  EXPECT_FALSE(h.summary(1).unseen().has_value());
}

// Mid-stream: roles from the ports, no handshake claimed.
TEST_F(RealCaptures, MidStreamRolesComeFromTheEphemeralPort) {
  // Both ports above 1024: 8080 is the server's, 51000 (ephemeral) the client's, although
  // the server's segment is the first one seen.
  h.feed(segment("10.0.0.2:8080", "10.0.0.1:51000", "P.", 7000, 5000, 100, 509, 0));
  h.feed(segment("10.0.0.1:51000", "10.0.0.2:8080", ".", 5000, 7100, 0, 502, 1));
  const auto s = h.summary(1);
  EXPECT_TRUE(s.partial);
  EXPECT_EQ(s.server.port, 8080);
  EXPECT_EQ(s.client.port, 51000);
  EXPECT_EQ(s.client_states, states({"ESTABLISHED"}));
  EXPECT_EQ(s.server_states, states({"ESTABLISHED"}));
  EXPECT_FALSE(s.handshake_rtt.has_value());
  EXPECT_FALSE(s.unseen().has_value());
}

TEST_F(RealCaptures, MidStreamWithoutPortEvidenceTakesTheFirstSenderAsClient) {
  h.feed(segment("10.0.0.2:5000", "10.0.0.1:6000", "P.", 7000, 5000, 100, 509, 0));
  const auto s = h.summary(1);
  EXPECT_TRUE(s.partial);
  EXPECT_EQ(s.client.port, 5000);
  EXPECT_NE(s.history.front(), '^');
}

// A late copy of the original SYN is a retransmission, in ESTABLISHED and after the close.
TEST_F(RealCaptures, LateCopyOfTheSynInAnEstablishedConnectionIsARetransmission) {
  handshake();
  exchange();
  h.feed(segment(kCli, kSrv, "S", 100, 0, 0, 64240, 500));  // 7
  EXPECT_EQ(h.observer.size(), 1U);
  EXPECT_EQ(h.observer.counters().connections, 1U);
  EXPECT_TRUE(raised(h.anomalies_of(7), Anomaly::kSynRetransmission));
  EXPECT_FALSE(raised(h.anomalies_of(7), Anomaly::kReusedPorts));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
  client_closes();  // the connection goes on as before
  EXPECT_EQ(client().back(), State::kTimeWait);
  EXPECT_EQ(server().back(), State::kClosed);
}

TEST_F(RealCaptures, LateCopyOfTheSynAfterTheCloseOpensNothing) {
  handshake();
  exchange();
  client_closes();
  h.feed(segment(kCli, kSrv, "S", 100, 0, 0, 64240, 900));  // 10
  EXPECT_EQ(h.observer.counters().connections, 1U);
  EXPECT_EQ(h.observer.counters().retired_reused, 0U);
  EXPECT_TRUE(raised(h.anomalies_of(10), Anomaly::kSynRetransmission));
  EXPECT_EQ(client().back(), State::kTimeWait);  // not SYN_SENT again
  EXPECT_EQ(server().back(), State::kClosed);
}

// The server closed first and is in TIME_WAIT: RFC 6191 decides whether a new SYN from
// the client starts a new incarnation.
class TimeWaitAtTheServer : public RealCaptures {
 protected:
  void SetUp() override {
    h.feed(with_tsval(segment(kCli, kSrv, "S", 100, 0, 0, 64240, 0), 1000));
    h.feed(with_tsval(segment(kSrv, kCli, "S.", 300, 101, 0, 65160, 10), 5000));
    h.feed(with_tsval(segment(kCli, kSrv, ".", 101, 301, 0, 502, 20), 1001));
    h.feed(with_tsval(segment(kSrv, kCli, "F.", 301, 101, 0, 509, 30), 5001));
    h.feed(with_tsval(segment(kCli, kSrv, "F.", 101, 302, 0, 502, 40), 1002));
    h.feed(with_tsval(segment(kSrv, kCli, ".", 302, 102, 0, 509, 50), 5002));
    ASSERT_EQ(server().back(), State::kTimeWait);
  }
};

TEST_F(TimeWaitAtTheServer, SynWithALargerTimestampIsANewConnection) {
  h.feed(with_tsval(segment(kCli, kSrv, "S", 50, 0, 0, 64240, 100), 1003));  // ISN below, TSval above
  EXPECT_EQ(h.observer.counters().connections, 2U);
  EXPECT_TRUE(raised(h.anomalies_of(7), Anomaly::kReusedPorts));
}

TEST_F(TimeWaitAtTheServer, SynWithAnOlderTimestampIsAnOldDuplicate) {
  h.feed(with_tsval(segment(kCli, kSrv, "S", 90'000, 0, 0, 64240, 100), 999));  // ISN above, TSval below
  EXPECT_EQ(h.observer.counters().connections, 1U);
  EXPECT_EQ(server().back(), State::kTimeWait);
}

TEST_F(TimeWaitAtTheServer, WithoutTimestampsTheIsnMustLieBeyondTheOldOne) {
  h.feed(segment(kCli, kSrv, "S", 50, 0, 0, 64240, 100));  // 7: below the old 102
  EXPECT_EQ(h.observer.counters().connections, 1U);
  h.feed(segment(kCli, kSrv, "S", 90'000, 0, 0, 64240, 200));  // 8: beyond it
  EXPECT_EQ(h.observer.counters().connections, 2U);
  EXPECT_EQ(h.path(2, ConnSide::kClient), states({"CLOSED", "SYN_SENT"}));
}

// RFC 5961 §4: a SYN with another ISN into an established connection is challenged; the
// connection keeps its ISN and goes on.
TEST_F(RealCaptures, SynWithAnotherIsnIntoAnEstablishedConnectionDoesNotReplaceIt) {
  handshake();
  h.feed(segment(kCli, kSrv, "S", 77'000, 0, 0, 64240, 25));
  h.feed(segment(kSrv, kCli, ".", 301, 101, 0, 509, 26));  // the challenge ACK
  exchange();
  client_closes();
  EXPECT_EQ(h.observer.counters().connections, 1U);
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
}

// RFC 5961 §3.2: in the window but not at RCV.NXT, a RST is answered with a challenge ACK
// and closes nothing.
TEST_F(RealCaptures, RstInTheWindowButNotExactClosesNothing) {
  handshake();
  exchange();
  h.feed(segment(kSrv, kCli, "R", 321 + 200, 0, 0, 0, 55));  // 7: window 502
  h.feed(segment(kCli, kSrv, ".", 111, 321, 0, 502, 56));      // the challenge ACK
  EXPECT_TRUE(raised(h.anomalies_of(7), Anomaly::kRstNotExact));
  EXPECT_FALSE(raised(h.anomalies_of(7), Anomaly::kRstOutOfWindow));
  EXPECT_EQ(client().back(), State::kEstablished);
  EXPECT_EQ(server().back(), State::kEstablished);
  client_closes();
  EXPECT_EQ(client().back(), State::kTimeWait);
  EXPECT_EQ(server().back(), State::kClosed);
}

TEST_F(RealCaptures, RstAtTheNextSequenceNumberCloses) {
  handshake();
  exchange();
  h.feed(segment(kSrv, kCli, "R", 321, 0, 0, 0, 55));
  EXPECT_EQ(client().back(), State::kClosed);
  EXPECT_EQ(server().back(), State::kClosed);
}

// A RST that closed both sides, then both go on: the close is withdrawn, side by side, on
// each side's own evidence (new data, an ACK of it).
TEST_F(RealCaptures, DataAndAcksAfterAnAcceptedRstWithdrawTheClose) {
  handshake();
  exchange();
  h.feed(segment(kSrv, kCli, "R", 321, 0, 0, 0, 55));          // 7: exact, but forged
  h.feed(segment(kCli, kSrv, "P.", 111, 321, 5, 502, 60));     // 8: the client sends on
  EXPECT_TRUE(raised(h.anomalies_of(8), Anomaly::kRevived));
  EXPECT_EQ(client().back(), State::kEstablished);
  EXPECT_EQ(server().back(), State::kClosed);
  h.feed(segment(kSrv, kCli, ".", 321, 116, 0, 509, 61));      // 9: the server acks it
  EXPECT_EQ(server().back(), State::kEstablished);
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSED", "ESTABLISHED"}));
  h.feed(segment(kCli, kSrv, "F.", 116, 321, 0, 502, 70));
  h.feed(segment(kSrv, kCli, "F.", 321, 117, 0, 509, 80));
  h.feed(segment(kCli, kSrv, ".", 117, 322, 0, 502, 90));
  EXPECT_EQ(client().back(), State::kTimeWait);
  EXPECT_EQ(server().back(), State::kClosed);
}

// What a real abort looks like afterwards: the reset side sends only RSTs, its peer's old
// data in flight is no evidence; nothing is withdrawn.
TEST_F(RealCaptures, SegmentsWithNothingNewAfterARstWithdrawNothing) {
  handshake();
  exchange();
  h.feed(segment(kCli, kSrv, "R.", 111, 321, 0, 502, 55));
  h.feed(segment(kSrv, kCli, ".", 321, 111, 0, 509, 56));  // an old ACK, nothing new
  h.feed(segment(kCli, kSrv, "R", 111, 0, 0, 0, 57));
  EXPECT_EQ(client().back(), State::kClosed);
  EXPECT_EQ(server().back(), State::kClosed);
  for (std::uint64_t p = 7; p <= h.packets; ++p) EXPECT_FALSE(raised(h.anomalies_of(p), Anomaly::kRevived));
}

}  // namespace
}  // namespace wirestate::tcp::testing
