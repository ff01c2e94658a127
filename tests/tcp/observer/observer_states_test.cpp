// Crafted segment sequences for every real-capture situation the observer must handle,
// with the state paths of both endpoints. Client 10.0.0.1:40000, server 10.0.0.2:80,
// client ISN 100, server ISN 300 unless a test says otherwise.
#include <gtest/gtest.h>

#include "tcp/observer/observer_support.hpp"

namespace wirestate::tcp::testing {
namespace {

class ObserverStates : public ::testing::Test {
 protected:
  // 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 100
  // 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 300, ack 101
  // 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 301
  void handshake() {
    h.feed(segment(C, S, "S", 100, 0, 0, 64240, 0));
    h.feed(segment(S, C, "S.", 300, 101, 0, 65160, 10));
    h.feed(segment(C, S, ".", 101, 301, 0, 502, 20));
  }
  std::vector<State> client() const { return h.path(1, ConnSide::kClient); }
  std::vector<State> server() const { return h.path(1, ConnSide::kServer); }
  Harness h;
};

TEST_F(ObserverStates, ClientClosesFirst) {
  handshake();
  h.feed(segment(C, S, "F.", 101, 301, 0, 502, 30));   // 4
  h.feed(segment(S, C, ".", 301, 102, 0, 509, 40));    // 5
  h.feed(segment(S, C, "F.", 301, 102, 0, 509, 50));   // 6
  h.feed(segment(C, S, ".", 102, 302, 0, 502, 60));    // 7
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
  const auto ct = h.transitions(1, ConnSide::kClient);
  ASSERT_EQ(ct.size(), 5U);
  EXPECT_EQ(ct[0].packet, 1U);  // SYN_SENT
  EXPECT_EQ(ct[1].packet, 2U);  // ESTABLISHED on the SYN-ACK
  EXPECT_EQ(ct[2].packet, 4U);  // FIN_WAIT_1
  EXPECT_EQ(ct[3].packet, 5U);  // FIN_WAIT_2
  EXPECT_EQ(ct[4].packet, 6U);  // TIME_WAIT, caused by the server's FIN
  const auto st = h.transitions(1, ConnSide::kServer);
  ASSERT_EQ(st.size(), 5U);
  EXPECT_EQ(st[0].packet, 1U);  // SYN_RECEIVED, caused by the SYN
  EXPECT_EQ(st[1].packet, 3U);
  EXPECT_EQ(st[2].packet, 4U);  // CLOSE_WAIT, caused by the client's FIN
  EXPECT_EQ(st[3].packet, 6U);
  EXPECT_EQ(st[4].packet, 7U);
  EXPECT_EQ(h.summary(1).conn_state, "SF");
}

TEST_F(ObserverStates, ServerClosesFirst) {
  handshake();
  h.feed(segment(S, C, "F.", 301, 101, 0, 509, 30));
  h.feed(segment(C, S, ".", 101, 302, 0, 502, 40));
  h.feed(segment(C, S, "F.", 101, 302, 0, 502, 50));
  h.feed(segment(S, C, ".", 302, 102, 0, 509, 60));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
}

TEST_F(ObserverStates, FinAckedTogetherWithThePeersFinGoesThroughFinWait2) {
  handshake();
  h.feed(segment(C, S, "F.", 101, 301, 0, 502, 30));
  h.feed(segment(S, C, "F.", 301, 102, 0, 509, 40));  // acks the client's FIN and closes
  h.feed(segment(C, S, ".", 102, 302, 0, 502, 50));
  // RFC 9293 §3.10.7.4: step 5 (FIN_WAIT_1 -> FIN_WAIT_2) then step 8 (-> TIME_WAIT).
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
}

TEST_F(ObserverStates, SimultaneousCloseGoesThroughClosingOnBothSides) {
  handshake();
  h.feed(segment(C, S, "F.", 101, 301, 0, 502, 30));
  h.feed(segment(S, C, "F.", 301, 101, 0, 509, 31));  // does not ack the client's FIN: crossed
  h.feed(segment(C, S, ".", 102, 302, 0, 502, 40));
  h.feed(segment(S, C, ".", 302, 102, 0, 509, 41));
  const auto expected = states({"ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT"});
  const auto c = client();
  const auto s = server();
  ASSERT_GE(c.size(), 4U);
  ASSERT_GE(s.size(), 4U);
  EXPECT_EQ(std::vector<State>(c.end() - 4, c.end()), expected);
  EXPECT_EQ(std::vector<State>(s.end() - 4, s.end()), expected);
}

TEST_F(ObserverStates, SimultaneousCloseSeenFromTheOtherEndAlsoClosesThroughClosing) {
  handshake();
  // Same exchange, captured at the server: its own FIN and ACK come first.
  h.feed(segment(S, C, "F.", 301, 101, 0, 509, 30));
  h.feed(segment(C, S, "F.", 101, 301, 0, 502, 31));
  h.feed(segment(S, C, ".", 302, 102, 0, 509, 40));
  h.feed(segment(C, S, ".", 102, 302, 0, 502, 41));
  const auto expected = states({"ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT"});
  const auto c = client();
  const auto s = server();
  EXPECT_EQ(std::vector<State>(c.end() - 4, c.end()), expected);
  EXPECT_EQ(std::vector<State>(s.end() - 4, s.end()), expected);
}

TEST_F(ObserverStates, HalfCloseLetsTheServerKeepSending) {
  handshake();
  h.feed(segment(C, S, "F.", 101, 301, 0, 502, 30));
  h.feed(segment(S, C, ".", 301, 102, 0, 509, 40));
  h.feed(segment(S, C, "P.", 301, 102, 1000, 509, 41));
  h.feed(segment(C, S, ".", 102, 1301, 0, 502, 50));
  h.feed(segment(S, C, "P.", 1301, 102, 1000, 509, 51));
  h.feed(segment(C, S, ".", 102, 2301, 0, 502, 60));
  h.feed(segment(S, C, "F.", 2301, 102, 0, 509, 70));
  h.feed(segment(C, S, ".", 102, 2302, 0, 502, 80));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
  EXPECT_EQ(h.summary(1).server_to_client.bytes, 2000U);
  EXPECT_EQ(h.summary(1).server_to_client.packets, 5U);
}

TEST_F(ObserverStates, RstRefusedLeavesTheServerClosed) {
  h.feed(segment(C, S, "S", 100, 0));
  h.feed(segment(S, C, "R.", 0, 101, 0, 0));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "CLOSED"}));
  EXPECT_EQ(server(), states({"CLOSED"}));
  EXPECT_EQ(h.summary(1).conn_state, "REJ");
  EXPECT_EQ(h.summary(1).history, "Sr");
}

TEST_F(ObserverStates, RstThatDoesNotAckTheSynIsIgnoredInSynSent) {
  h.feed(segment(C, S, "S", 100, 0));
  h.feed(segment(S, C, "R.", 0, 555, 0, 0));  // RFC 9293 §3.10.7.3: unacceptable
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT"}));
  EXPECT_TRUE(has(h.anomalies_of(2), Anomaly::kRstOutOfWindow));
}

TEST_F(ObserverStates, AbortByClientClosesBothSides) {
  handshake();
  h.feed(segment(C, S, "P.", 101, 301, 10, 502, 30));
  h.feed(segment(C, S, "R.", 111, 301, 0, 502, 40));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSED"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSED"}));
  EXPECT_EQ(h.summary(1).conn_state, "RSTO");
}

TEST_F(ObserverStates, RstAtTheNextSequenceNumberFromServerClosesBoth) {
  handshake();
  h.feed(segment(S, C, "R", 301, 0, 0, 0, 30));  // exactly the client's RCV.NXT
  EXPECT_EQ(client().back(), State::kClosed);
  EXPECT_EQ(server().back(), State::kClosed);
  EXPECT_EQ(h.summary(1).conn_state, "RSTR");
  EXPECT_FALSE(has(h.anomalies_of(4), Anomaly::kRstOutOfWindow));
}

TEST_F(ObserverStates, RstOutOfWindowMovesNoStateAndIsFlagged) {
  handshake();
  h.feed(segment(S, C, "R", 301 + 1'000'000, 0, 0, 0, 30));
  EXPECT_EQ(client().back(), State::kEstablished);
  EXPECT_EQ(server().back(), State::kEstablished);
  EXPECT_TRUE(has(h.anomalies_of(4), Anomaly::kRstOutOfWindow));
}

TEST_F(ObserverStates, RstAfterSynWithoutAnswerReturnsNothingAndIsRstos0) {
  h.feed(segment(C, S, "S", 100, 0));
  h.feed(segment(C, S, "R", 101, 0, 0, 0, 5));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "CLOSED"}));
  EXPECT_EQ(server(), states({"LISTEN"}));
  EXPECT_EQ(h.summary(1).conn_state, "RSTOS0");
}

TEST_F(ObserverStates, RstInSynReceivedReturnsAPassiveOpenToListen) {
  h.feed(segment(C, S, "S", 100, 0));
  h.feed(segment(S, C, "S.", 300, 101, 0, 65160, 10));
  h.feed(segment(C, S, "R", 101, 0, 0, 0, 20));
  // RFC 9293 §3.10.7.4 step 2, SYN-RECEIVED: "return this connection to LISTEN state".
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "LISTEN"}));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED", "CLOSED"}));
}

TEST_F(ObserverStates, LoneRstIsBackscatter) {
  h.feed(segment(S, C, "R.", 5000, 7000, 0, 0));
  const auto s = h.summary(1);
  EXPECT_TRUE(s.partial);
  EXPECT_EQ(s.client_states, states({"CLOSED"}));
  EXPECT_EQ(s.server_states, states({"CLOSED"}));
  EXPECT_TRUE(has(h.anomalies_of(1), Anomaly::kLoneRst));
  EXPECT_EQ(s.history, "R");
  EXPECT_EQ(s.conn_state, "OTH");
}

TEST_F(ObserverStates, CaptureStartingMidConnectionIsPartialAndStartsEstablished) {
  h.feed(segment(S, C, "P.", 7000, 5000, 100, 509, 0));  // the server speaks first
  h.feed(segment(C, S, ".", 5000, 7100, 0, 502, 1));
  h.feed(segment(C, S, "F.", 5000, 7100, 0, 502, 2));
  h.feed(segment(S, C, "F.", 7100, 5001, 0, 509, 3));
  h.feed(segment(C, S, ".", 5001, 7101, 0, 502, 4));
  const auto s = h.summary(1);
  EXPECT_TRUE(s.partial);
  // No handshake to tell the roles: port 80 against 40000 makes 10.0.0.2 the server,
  // although it sent the first packet seen.
  EXPECT_EQ(s.client.addr, net::IpAddr(net::Ipv4Addr(10, 0, 0, 1)));
  EXPECT_EQ(s.server.port, 80);
  EXPECT_EQ(s.client_states, states({"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
  EXPECT_EQ(s.server_states, states({"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
  EXPECT_FALSE(s.handshake_rtt.has_value());
  EXPECT_EQ(s.history.front(), '^');  // Zeek's mark: roles flipped from the first packet's
}

TEST_F(ObserverStates, SynAckFirstInfersTheClientsSyn) {
  h.feed(segment(S, C, "S.", 300, 101, 0, 65160, 0));
  h.feed(segment(C, S, ".", 101, 301, 0, 502, 1));
  const auto s = h.summary(1);
  EXPECT_TRUE(s.partial);
  EXPECT_EQ(s.client.port, 40000);  // the SYN-ACK's receiver sent the (missed) SYN
  EXPECT_EQ(s.client_states, states({"SYN_SENT", "ESTABLISHED"}));
  EXPECT_EQ(s.server_states, states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
  EXPECT_EQ(s.history.front(), '^');
}

TEST_F(ObserverStates, RetransmittedSynIsNotANewConnection) {
  h.feed(segment(C, S, "S", 100, 0, 0, 64240, 0));
  h.feed(segment(C, S, "S", 100, 0, 0, 64240, 1000));
  h.feed(segment(S, C, "S.", 300, 101, 0, 65160, 1010));
  h.feed(segment(C, S, ".", 101, 301, 0, 502, 1020));
  EXPECT_EQ(h.observer.size(), 1U);
  EXPECT_TRUE(has(h.anomalies_of(2), Anomaly::kSynRetransmission));
  EXPECT_TRUE(has(h.anomalies_of(2), Anomaly::kRetransmission));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED"}));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
  EXPECT_EQ(h.summary(1).history, "ShA");  // Zeek: a SYN with the same seq adds no S
}

TEST_F(ObserverStates, RetransmittedSynAckIsNotANewConnection) {
  h.feed(segment(C, S, "S", 100, 0, 0, 64240, 0));
  h.feed(segment(S, C, "S.", 300, 101, 0, 65160, 10));
  h.feed(segment(S, C, "S.", 300, 101, 0, 65160, 1010));
  h.feed(segment(C, S, ".", 101, 301, 0, 502, 1020));
  EXPECT_EQ(h.observer.size(), 1U);
  EXPECT_TRUE(has(h.anomalies_of(3), Anomaly::kRetransmission));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
}

TEST_F(ObserverStates, SynAckRetransmittedWithADifferentIsnIsFlaggedAndFollowed) {
  h.feed(segment(C, S, "S", 100, 0, 0, 64240, 0));
  h.feed(segment(S, C, "S.", 300, 101, 0, 65160, 10));
  h.feed(segment(S, C, "S.", 9000, 101, 0, 65160, 1010));
  h.feed(segment(C, S, ".", 101, 9001, 0, 502, 1020));  // acks the new ISN
  EXPECT_EQ(h.observer.size(), 1U);
  EXPECT_TRUE(has(h.anomalies_of(3), Anomaly::kSynAckIsnChanged));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT", "ESTABLISHED"}));
  EXPECT_EQ(h.summary(1).history, "ShhA");  // Zeek: a different seq repeats the letter
}

TEST_F(ObserverStates, FinBeforeTheLastDataWaitsForTheData) {
  handshake();
  h.feed(segment(C, S, "F.", 201, 301, 0, 502, 30));    // 4: FIN overtakes 100 bytes
  h.feed(segment(S, C, ".", 301, 101, 0, 509, 31));     // 5: server still expects 101
  h.feed(segment(C, S, "P.", 101, 301, 100, 502, 40));  // 6: the data arrives late
  h.feed(segment(S, C, ".", 301, 202, 0, 509, 41));     // 7: data and FIN acknowledged
  EXPECT_TRUE(has(h.anomalies_of(4), Anomaly::kLostSegment));
  EXPECT_EQ(server(), states({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT"}));
  const auto st = h.transitions(1, ConnSide::kServer);
  ASSERT_EQ(st.size(), 3U);
  EXPECT_EQ(st[2].to, State::kCloseWait);
  EXPECT_EQ(st[2].packet, 4U);  // caused by the FIN ...
  // ... but only inferred once the data before it had arrived (reported after packet 6).
  std::size_t close_wait_at = 0, packet6_anomaly_at = 0;
  for (std::size_t k = 0; k < h.events.size(); ++k) {
    if (h.events[k].kind == ObserverEventKind::kTransition && h.events[k].to == State::kCloseWait) close_wait_at = k;
    if (h.events[k].kind == ObserverEventKind::kAnomaly && h.events[k].packet == 6) packet6_anomaly_at = k;
  }
  EXPECT_GT(close_wait_at, packet6_anomaly_at);
  EXPECT_EQ(client().back(), State::kFinWait2);
}

TEST_F(ObserverStates, BadChecksumMovesNoStateAndIsFlagged) {
  handshake();
  auto bad = segment(C, S, "F.", 101, 301, 0, 502, 30);
  bad.checksum_bad = true;
  h.feed(bad);
  EXPECT_EQ(client().back(), State::kEstablished);
  EXPECT_EQ(server().back(), State::kEstablished);
  EXPECT_TRUE(has(h.anomalies_of(4), Anomaly::kBadChecksum));
  EXPECT_EQ(h.summary(1).history, "ShAC");
  h.feed(segment(C, S, "F.", 101, 301, 0, 502, 40));  // the good copy does
  EXPECT_EQ(client().back(), State::kFinWait1);
  EXPECT_EQ(h.observer.counters().bad_checksum, 1U);
}

TEST_F(ObserverStates, BadChecksumSynCreatesNoStates) {
  auto bad = segment(C, S, "S", 100, 0);
  bad.checksum_bad = true;
  h.feed(bad);
  EXPECT_EQ(client(), states({"CLOSED"}));
  EXPECT_EQ(h.summary(1).history, "C");
}

TEST_F(ObserverStates, KeepAlivesMoveNoState) {
  handshake();
  h.feed(segment(C, S, "P.", 101, 301, 10, 502, 30));  // 4
  h.feed(segment(S, C, ".", 301, 111, 0, 509, 40));    // 5
  h.feed(segment(C, S, ".", 110, 301, 0, 502, 7500));  // 6: keep-alive, seq = next - 1
  h.feed(segment(S, C, ".", 301, 111, 0, 509, 7501));  // 7: its ACK
  h.feed(segment(C, S, ".", 110, 301, 1, 502, 15000));  // 8: keep-alive with one garbage byte
  EXPECT_TRUE(has(h.anomalies_of(6), Anomaly::kKeepAlive));
  EXPECT_TRUE(has(h.anomalies_of(8), Anomaly::kKeepAlive));
  EXPECT_FALSE(has(h.anomalies_of(8), Anomaly::kRetransmission));
  EXPECT_EQ(client().back(), State::kEstablished);
  EXPECT_EQ(server().back(), State::kEstablished);
}

TEST_F(ObserverStates, PortReuseAfterTimeWaitIsANewConnection) {
  handshake();
  h.feed(segment(C, S, "F.", 101, 301, 0, 502, 30));
  h.feed(segment(S, C, "F.", 301, 102, 0, 509, 40));
  h.feed(segment(C, S, ".", 102, 302, 0, 502, 50));
  ASSERT_EQ(client().back(), State::kTimeWait);
  std::vector<ConnectionSummary> retired;
  h.observer.set_retire_sink([&](ConnectionSummary&& s) { retired.push_back(std::move(s)); });
  h.feed(segment(C, S, "S", 50'000, 0, 0, 64240, 1000));  // 7: same ports, new ISN
  h.feed(segment(S, C, "S.", 70'000, 50'001, 0, 65160, 1010));
  EXPECT_EQ(h.observer.size(), 1U);
  ASSERT_EQ(retired.size(), 1U);
  EXPECT_EQ(retired[0].id, 1U);
  EXPECT_EQ(retired[0].client_states.back(), State::kTimeWait);
  EXPECT_TRUE(has(h.anomalies_of(7), Anomaly::kReusedPorts));
  EXPECT_EQ(h.path(2, ConnSide::kClient), states({"CLOSED", "SYN_SENT", "ESTABLISHED"}));
  EXPECT_EQ(h.observer.counters().retired_reused, 1U);
}

TEST_F(ObserverStates, SimultaneousOpen) {
  h.feed(segment(C, S, "S", 100, 0, 0, 64240, 0));
  h.feed(segment(S, C, "S", 300, 0, 0, 64240, 1));
  h.feed(segment(C, S, "S.", 100, 301, 0, 64240, 10));
  h.feed(segment(S, C, "S.", 300, 101, 0, 64240, 11));
  const auto expected = states({"CLOSED", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"});
  EXPECT_EQ(client(), expected);
  EXPECT_EQ(server(), expected);
}

TEST_F(ObserverStates, TimeWaitEndsAfterTwoMslOfCaptureTime) {
  ObserverConfig config;
  config.msl = net::Duration::seconds(1);
  Harness hh(config);
  hh.feed(segment(C, S, "S", 100, 0, 0, 64240, 0));
  hh.feed(segment(S, C, "S.", 300, 101, 0, 65160, 10));
  hh.feed(segment(C, S, ".", 101, 301, 0, 502, 20));
  hh.feed(segment(C, S, "F.", 101, 301, 0, 502, 30));
  hh.feed(segment(S, C, "F.", 301, 102, 0, 509, 40));
  hh.feed(segment(C, S, ".", 102, 302, 0, 502, 50));
  hh.observer.advance(net::Time::from_ns(0) + net::Duration::milliseconds(2039), hh.events);
  EXPECT_EQ(hh.path(1, ConnSide::kClient).back(), State::kTimeWait);
  hh.observer.advance(net::Time::from_ns(0) + net::Duration::milliseconds(2040), hh.events);
  EXPECT_EQ(hh.path(1, ConnSide::kClient).back(), State::kClosed);
  const auto ct = hh.transitions(1, ConnSide::kClient);
  EXPECT_EQ(ct.back().from, State::kTimeWait);
  EXPECT_EQ(ct.back().packet, 0U);  // a timer, not a packet
  EXPECT_EQ(ct.back().time, net::Time::from_ns(0) + net::Duration::milliseconds(2040));
}

TEST_F(ObserverStates, CountsPacketsBytesRttAndDuration) {
  handshake();
  h.feed(segment(C, S, "P.", 101, 301, 23, 502, 30));
  h.feed(segment(S, C, "P.", 301, 124, 51, 509, 40));
  const auto s = h.summary(1);
  EXPECT_EQ(s.client_to_server.packets, 3U);
  EXPECT_EQ(s.client_to_server.bytes, 23U);
  EXPECT_EQ(s.server_to_client.packets, 2U);
  EXPECT_EQ(s.server_to_client.bytes, 51U);
  ASSERT_TRUE(s.handshake_rtt.has_value());
  EXPECT_EQ(*s.handshake_rtt, net::Duration::milliseconds(20));
  EXPECT_EQ(s.duration(), net::Duration::milliseconds(40));
  EXPECT_EQ(s.first_packet, 1U);
  EXPECT_EQ(s.last_packet, 5U);
  EXPECT_EQ(s.conn_state, "S1");
  EXPECT_EQ(s.history, "ShADd");
}

TEST_F(ObserverStates, SynWithoutAnswerIsS0) {
  h.feed(segment(C, S, "S", 100, 0));
  EXPECT_EQ(h.summary(1).conn_state, "S0");
  EXPECT_EQ(client(), states({"CLOSED", "SYN_SENT"}));
  EXPECT_EQ(server(), states({"LISTEN"}));
}

}  // namespace
}  // namespace wirestate::tcp::testing
