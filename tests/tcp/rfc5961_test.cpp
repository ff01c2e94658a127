// RFC 5961: blind reset, SYN and data injection defences.
#include "tcp_support.hpp"

namespace wirestate::tcp::testing {
namespace {

using Rfc5961 = EndpointTest;

TEST_F(Rfc5961, InWindowRstNotAtRcvNxtGetsChallengeAck) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 100).flags("R"), at_ms(20));
  EXPECT_EQ(ep().state(), State::kEstablished);
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 1);  // §3.2
  EXPECT_EQ(ep().stats().challenge_acks_sent, 1U);
  EXPECT_EQ(ep().stats().drop_count(DropReason::kRstChallenged), 1U);
}

TEST_F(Rfc5961, RstExactlyAtRcvNxtResets) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).flags("R"), at_ms(20));
  EXPECT_EQ(ep().state(), State::kClosed);
  expect_nothing_sent();
}

TEST_F(Rfc5961, RstOutsideWindowIsDroppedSilently) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1 + 70000).flags("R"), at_ms(20));
  EXPECT_EQ(ep().state(), State::kEstablished);
  expect_nothing_sent();
  EXPECT_EQ(ep().stats().drop_count(DropReason::kUnacceptable), 1U);
}

TEST_F(Rfc5961, SynInEstablishedGetsChallengeAck) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).flags("S"), at_ms(20));
  EXPECT_EQ(ep().state(), State::kEstablished);
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 1);  // §4.2
  EXPECT_EQ(ep().stats().drop_count(DropReason::kSynChallenged), 1U);
}

TEST_F(Rfc5961, SynOutsideWindowInEstablishedGetsAckNotReset) {
  establish_active();
  deliver(segment().seq(kPeerIsn - 3000).flags("S"), at_ms(20));
  EXPECT_EQ(ep().state(), State::kEstablished);
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 1);
}

TEST_F(Rfc5961, OldAckBeyondMaxSndWndIsDroppedWithAck) {
  establish_active();
  std::vector<std::uint8_t> data(100, 1);
  ASSERT_TRUE(ep().send(data, at_ms(20)));
  sent();
  // SND.UNA - MAX.SND.WND = 1001 - 65535: an ACK far older than that.
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1 - 70000).flags(".").data("x"), at_ms(21));
  expect_segment(sent_one(), ".", kOurIsn + 101, kPeerIsn + 1);
  EXPECT_EQ(ep().stats().drop_count(DropReason::kAckTooOld), 1U);
  EXPECT_EQ(ep().status().rcv_nxt.value(), kPeerIsn + 1);  // its data was not taken
}

TEST_F(Rfc5961, AckOfUnsentDataIsDroppedWithAck) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 500).flags(".").data("x"), at_ms(21));
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 1);
  EXPECT_EQ(ep().stats().drop_count(DropReason::kAckUnsent), 1U);
  EXPECT_EQ(ep().status().snd_una.value(), kOurIsn + 1);
}

TEST_F(Rfc5961, ChallengeAcksAreRateLimited) {
  Config c = plain_config();
  c.challenge_ack_limit = 2;
  ep() = Endpoint(c);
  establish_active();
  for (int i = 0; i < 5; ++i) deliver(segment().seq(kPeerIsn + 10).flags("R"), at_ms(20));
  EXPECT_EQ(sent().size(), 2U);
  EXPECT_EQ(ep().stats().challenge_acks_suppressed, 3U);
  deliver(segment().seq(kPeerIsn + 10).flags("R"), at_ms(1100));  // a new second
  EXPECT_EQ(sent().size(), 1U);
}

}  // namespace
}  // namespace wirestate::tcp::testing
