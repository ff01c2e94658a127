// RFC 6298 RTO, Karn's rule, backoff and retry limits; RFC 5681 fast retransmit.
#include "tcp_support.hpp"

#include "wirestate/tcp/rto.hpp"

namespace wirestate::tcp::testing {
namespace {

using net::Duration;

TEST(RtoEstimator, StartsAtInitialOneSecond) {
  RtoEstimator r(Duration::seconds(1), Duration::milliseconds(200), Duration::seconds(120));
  EXPECT_EQ(r.rto(), Duration::seconds(1));
}

TEST(RtoEstimator, FirstSampleSetsSrttAndHalfVariance) {
  RtoEstimator r(Duration::seconds(1), Duration::milliseconds(200), Duration::seconds(120));
  r.sample(Duration::milliseconds(100));
  EXPECT_EQ(r.srtt(), Duration::milliseconds(100));
  EXPECT_EQ(r.rttvar(), Duration::milliseconds(50));
  EXPECT_EQ(r.rto(), Duration::milliseconds(300));  // 100 + 4*50
}

TEST(RtoEstimator, LaterSamplesSmoothWithAlphaAndBeta) {
  RtoEstimator r(Duration::seconds(1), Duration::milliseconds(1), Duration::seconds(120));
  r.sample(Duration::milliseconds(100));
  r.sample(Duration::milliseconds(200));
  // RTTVAR = 3/4*50 + 1/4*100 = 62.5; SRTT = 7/8*100 + 1/8*200 = 112.5
  EXPECT_EQ(r.rttvar(), Duration::microseconds(62500));
  EXPECT_EQ(r.srtt(), Duration::microseconds(112500));
  EXPECT_EQ(r.rto(), Duration::microseconds(362500));
}

TEST(RtoEstimator, ClampsToMinimum) {
  RtoEstimator r(Duration::seconds(1), Duration::milliseconds(200), Duration::seconds(120));
  r.sample(Duration::milliseconds(1));
  EXPECT_EQ(r.rto(), Duration::milliseconds(200));
}

TEST(RtoEstimator, BacksOffExponentiallyUpToMaximum) {
  RtoEstimator r(Duration::seconds(1), Duration::milliseconds(200), Duration::seconds(120));
  r.back_off();
  EXPECT_EQ(r.rto(), Duration::seconds(2));
  r.back_off();
  EXPECT_EQ(r.rto(), Duration::seconds(4));
  for (int i = 0; i < 20; ++i) r.back_off();
  EXPECT_EQ(r.rto(), Duration::seconds(120));
}

using Retransmission = EndpointTest;

TEST_F(Retransmission, SynIsResentAfterInitialRtoThenBacksOff) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  EXPECT_EQ(ep().next_deadline(), at_ms(1000));
  ep().on_timer(at_ms(1000));
  expect_segment(sent_one(), "S", kOurIsn);
  EXPECT_EQ(ep().next_deadline(), at_ms(3000));  // doubled: 2 s
  ep().on_timer(at_ms(3000));
  expect_segment(sent_one(), "S", kOurIsn);
  EXPECT_EQ(ep().next_deadline(), at_ms(7000));
}

TEST_F(Retransmission, SynRetryLimitEndsWithTimeoutError) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  int syns = 1;
  while (ep().state() == State::kSynSent && ep().next_deadline() != net::Time::max()) {
    ep().on_timer(ep().next_deadline());
    syns += static_cast<int>(sent().size());
  }
  EXPECT_EQ(ep().state(), State::kClosed);
  EXPECT_EQ(syns, 1 + 6);  // the first SYN and syn_retries = 6 retransmissions
  bool timed_out = false;
  for (const auto& e : ep().take_events()) {
    timed_out |= e.kind == EventKind::kError && e.error == ErrorKind::kTimedOut;
  }
  EXPECT_TRUE(timed_out);
}

TEST_F(Retransmission, DataRetryLimitEndsWithTimeoutError) {
  establish_active();
  std::vector<std::uint8_t> data(10, 7);
  ASSERT_TRUE(ep().send(data, at_ms(20)));
  sent();
  int resent = 0;
  while (ep().state() == State::kEstablished && ep().next_deadline() != net::Time::max()) {
    ep().on_timer(ep().next_deadline());
    resent += static_cast<int>(sent().size());
  }
  EXPECT_EQ(ep().state(), State::kClosed);
  EXPECT_EQ(resent, 15);
}

TEST_F(Retransmission, KarnIgnoresRttOfRetransmittedSegment) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  ep().on_timer(at_ms(1000));  // SYN resent
  sent();
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S.").mss(1460), at_ms(1010));
  ASSERT_EQ(ep().state(), State::kEstablished);
  EXPECT_EQ(ep().status().srtt, Duration());  // no sample taken (would be 1010 or 10 ms)
  // A fresh segment is timed: 30 ms.
  std::vector<std::uint8_t> data(10, 7);
  ASSERT_TRUE(ep().send(data, at_ms(2000)));
  sent();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 11).flags("."), at_ms(2030));
  EXPECT_EQ(ep().status().srtt, Duration::milliseconds(30));
}

TEST_F(Retransmission, FirstRttSampleFromSynAck) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S.").mss(1460), at_ms(40));
  EXPECT_EQ(ep().status().srtt, Duration::milliseconds(40));
  EXPECT_EQ(ep().status().rto, Duration::milliseconds(200));  // 40 + 4*20 = 120, min 200
}

TEST_F(Retransmission, TimeoutResendsFirstUnackedSegmentAndCollapsesCwnd) {
  establish_active();
  std::vector<std::uint8_t> data(5000, 7);
  ASSERT_TRUE(ep().send(data, at_ms(20)));
  EXPECT_EQ(sent().size(), 4U);  // 1460 * 3 + 620
  const net::Time deadline = ep().next_deadline();
  ep().on_timer(deadline);
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 1, 1460);
  EXPECT_EQ(ep().status().cwnd, 1460U);
  EXPECT_EQ(ep().status().ssthresh, 2920U);  // max(FlightSize/2 = 2500, 2*SMSS)
}

TEST_F(Retransmission, ThreeDuplicateAcksTriggerFastRetransmit) {
  establish_active();
  std::vector<std::uint8_t> data(1460 * 6, 7);
  ASSERT_TRUE(ep().send(data, at_ms(20)));
  EXPECT_EQ(sent().size(), 6U);
  for (int i = 0; i < 2; ++i) {
    deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("."), at_ms(30));
    expect_nothing_sent();
  }
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("."), at_ms(31));
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 1, 1460);
  EXPECT_EQ(ep().stats().fast_retransmits, 1U);
  EXPECT_EQ(ep().status().ssthresh, 1460U * 3);
  EXPECT_EQ(ep().status().cwnd, 1460U * 6);  // ssthresh + 3 SMSS
  // A full ACK ends recovery with cwnd = min(ssthresh, FlightSize + SMSS).
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1 + 1460 * 6).flags("."), at_ms(40));
  EXPECT_EQ(ep().status().cwnd, 1460U);
}

TEST_F(Retransmission, SlowStartGrowsCwndBySegmentPerAck) {
  establish_active();
  const std::uint32_t initial = ep().status().cwnd;
  EXPECT_EQ(initial, 1460U * 10);
  std::vector<std::uint8_t> data(1460, 7);
  ASSERT_TRUE(ep().send(data, at_ms(20)));
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1461).flags("."), at_ms(30));
  EXPECT_EQ(ep().status().cwnd, initial + 1460);
}

}  // namespace
}  // namespace wirestate::tcp::testing
