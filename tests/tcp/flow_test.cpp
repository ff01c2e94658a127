// Receive window, zero-window persist probes, out-of-order delivery, half-close, options
// negotiation, ISNs and sequence wrap.
#include "tcp_support.hpp"

#include "wirestate/tcp/isn.hpp"
#include "wirestate/tcp/reassembly.hpp"

namespace wirestate::tcp::testing {
namespace {

using Flow = EndpointTest;

std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

TEST_F(Flow, ZeroWindowStopsDataAndPersistProbesFollowWithBackoff) {
  establish_active(/*peer_window=*/0);
  ASSERT_TRUE(ep().send(bytes_of("hello"), at_ms(20)));
  expect_nothing_sent();
  const net::Time first = ep().next_deadline();
  // The RTO (200 ms after the 10 ms handshake sample), within the persist bounds.
  EXPECT_EQ(first, at_ms(20) + net::Duration::milliseconds(200));
  ep().on_timer(first);
  expect_segment(sent_one(), ".", kOurIsn, kPeerIsn + 1);  // SEQ = SND.UNA - 1, no data
  const net::Time second = ep().next_deadline();
  EXPECT_EQ(second - first, net::Duration::milliseconds(400));  // doubled
  ep().on_timer(second);
  EXPECT_EQ(sent().size(), 1U);
  EXPECT_EQ(ep().stats().window_probes_sent, 2U);
  // The window opens: the data goes at once and probing stops.
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags(".").win(1000), at_ms(5000));
  expect_segment(sent_one(), "P.", kOurIsn + 1, kPeerIsn + 1, 5);
  EXPECT_EQ(ep().stats().window_probes_sent, 2U);
}

TEST_F(Flow, FullReceiveBufferAdvertisesZeroAndAnswersProbe) {
  Config c = plain_config();
  c.receive_buffer = 10;
  ep() = Endpoint(c);
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("P.").data("0123456789"), at_ms(20));
  Segment ack = sent_one();
  expect_segment(ack, ".", kOurIsn + 1, kPeerIsn + 11);
  EXPECT_EQ(ack.header.window, 0);
  // A probe with one byte beyond the zero window is answered with the window, not taken.
  deliver(segment().seq(kPeerIsn + 11).ack(kOurIsn + 1).flags(".").data("X"), at_ms(30));
  ack = sent_one();
  expect_segment(ack, ".", kOurIsn + 1, kPeerIsn + 11);
  EXPECT_EQ(ack.header.window, 0);
  // Reading opens the window and sends an update.
  EXPECT_EQ(ep().receive(100, at_ms(40)), bytes_of("0123456789"));
  ack = sent_one();
  EXPECT_EQ(ack.header.window, 10);
}

TEST_F(Flow, UnacceptableSegmentBeyondWindowGetsAck) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1 + 70000).ack(kOurIsn + 1).flags(".").data("zz"), at_ms(20));
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 1);
  EXPECT_EQ(ep().stats().drop_count(DropReason::kUnacceptable), 1U);
}

TEST_F(Flow, SegmentOverlappingLeftEdgeIsTrimmed) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags(".").data("abc"), at_ms(20));
  sent();
  deliver(segment().seq(kPeerIsn + 2).ack(kOurIsn + 1).flags(".").data("bcdef"), at_ms(21));
  EXPECT_EQ(ep().receive(100, at_ms(22)), bytes_of("abcdef"));
}

TEST_F(Flow, OutOfOrderSegmentsAreDeliveredInOrderWithDuplicateAcks) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 4).ack(kOurIsn + 1).flags(".").data("def"), at_ms(20));
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 1);  // duplicate ACK at once
  EXPECT_TRUE(ep().receive(100, at_ms(20)).empty());
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags(".").data("abc"), at_ms(21));
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 7);
  EXPECT_EQ(ep().receive(100, at_ms(22)), bytes_of("abcdef"));
}

TEST_F(Flow, FinAfterHoleWaitsForTheHole) {
  establish_active();
  deliver(segment().seq(kPeerIsn + 4).ack(kOurIsn + 1).flags("F.").data("def"), at_ms(20));
  EXPECT_EQ(ep().state(), State::kEstablished);
  sent();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags(".").data("abc"), at_ms(21));
  EXPECT_EQ(ep().state(), State::kCloseWait);
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 8);
}

TEST_F(Flow, HalfCloseKeepsDataFlowingTowardsFinWait2) {
  establish_active();
  ASSERT_TRUE(ep().close(at_ms(20)));
  expect_segment(sent_one(), "F.", kOurIsn + 1, kPeerIsn + 1);
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("."), at_ms(21));
  ASSERT_EQ(ep().state(), State::kFinWait2);
  EXPECT_FALSE(ep().send(bytes_of("no"), at_ms(22)));
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 2).flags("P.").data("still here"), at_ms(30));
  expect_segment(sent_one(), ".", kOurIsn + 2, kPeerIsn + 11);
  EXPECT_EQ(ep().receive(100, at_ms(31)), bytes_of("still here"));
}

TEST_F(Flow, DataIsSplitAtPeerMss) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S.").mss(500), at_ms(10));
  sent();
  std::vector<std::uint8_t> data(1200, 1);
  ASSERT_TRUE(ep().send(data, at_ms(20)));
  auto out = sent();
  ASSERT_EQ(out.size(), 3U);
  EXPECT_EQ(out[0].payload.size(), 500U);
  EXPECT_EQ(out[1].payload.size(), 500U);
  EXPECT_EQ(out[2].payload.size(), 200U);
}

TEST_F(Flow, MissingMssOptionMeans536) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S."), at_ms(10));
  EXPECT_EQ(ep().status().snd_mss, 536);
}

TEST_F(Flow, DelayedAckWaitsThenFires) {
  Config c = plain_config();
  c.delayed_ack = true;
  ep() = Endpoint(c);
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("P.").data("abc"), at_ms(20));
  expect_nothing_sent();
  EXPECT_EQ(ep().next_deadline(), at_ms(60));
  ep().on_timer(at_ms(60));
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 4);
}

TEST_F(Flow, DelayedAckAcksEverySecondFullSegment) {
  Config c = plain_config();
  c.delayed_ack = true;
  ep() = Endpoint(c);
  establish_active();
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags(".").bytes(1460), at_ms(20));
  expect_nothing_sent();
  deliver(segment().seq(kPeerIsn + 1461).ack(kOurIsn + 1).flags(".").bytes(1460), at_ms(21));
  expect_segment(sent_one(), ".", kOurIsn + 1, kPeerIsn + 2921);
}

class Options : public EndpointTest {
 protected:
  Options() : EndpointTest(Config{}) {}
};

TEST_F(Options, SynOffersMssWindowScaleSackAndTimestamps) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(5)));
  const Segment syn = sent_one();
  EXPECT_EQ(syn.header.options.mss, std::optional<std::uint16_t>(1460));
  EXPECT_EQ(syn.header.options.window_scale, std::optional<std::uint8_t>(7));
  EXPECT_TRUE(syn.header.options.sack_permitted);
  ASSERT_TRUE(syn.header.options.timestamps);
  EXPECT_EQ(syn.header.options.timestamps->value, 5U);
}

TEST_F(Options, AllNegotiatedWhenPeerOffersAll) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  sent();
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S.").mss(1400).wscale(3).sack_ok().ts(777, 0),
          at_ms(10));
  const Status st = ep().status();
  EXPECT_TRUE(st.window_scaling);
  EXPECT_TRUE(st.sack);
  EXPECT_TRUE(st.timestamps);
  EXPECT_EQ(st.snd_wscale, 3);
  EXPECT_EQ(st.rcv_wscale, 7);
  EXPECT_EQ(st.snd_mss, 1400 - 12);  // timestamps take 12 bytes of each segment
  const Segment ack = sent_one();
  ASSERT_TRUE(ack.header.options.timestamps);
  EXPECT_EQ(ack.header.options.timestamps->echo_reply, 777U);
  EXPECT_EQ(ack.header.window, 131072 >> 7);  // scaled by our shift
  // The peer's windows are scaled by its shift.
  deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags(".").win(100).ts(778, 10), at_ms(20));
  EXPECT_EQ(ep().status().snd_wnd, 800U);
}

TEST_F(Options, WindowScaleIsClampedAt14) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S.").wscale(20), at_ms(10));
  EXPECT_EQ(ep().status().snd_wscale, 14);
}

TEST_F(Options, NothingNegotiatedWhenPeerOffersNothing) {
  ep() = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
  deliver(segment().seq(kPeerIsn).flags("S").mss(1460), at_ms(1));
  const Segment synack = sent_one();
  EXPECT_FALSE(synack.header.options.window_scale);
  EXPECT_FALSE(synack.header.options.sack_permitted);
  EXPECT_FALSE(synack.header.options.timestamps);
  EXPECT_EQ(synack.header.options.mss, std::optional<std::uint16_t>(1460));
  const Status st = ep().status();
  EXPECT_FALSE(st.window_scaling || st.sack || st.timestamps);
}

TEST_F(Options, SackBlocksDescribeOutOfOrderData) {
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
  deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S.").sack_ok(), at_ms(10));
  sent();
  deliver(segment().seq(kPeerIsn + 11).ack(kOurIsn + 1).flags(".").data("later"), at_ms(20));
  const Segment dup = sent_one();
  expect_segment(dup, ".", kOurIsn + 1, kPeerIsn + 1);
  ASSERT_EQ(dup.header.options.sack.size(), 1U);
  EXPECT_EQ(dup.header.options.sack[0].left.value(), kPeerIsn + 11);
  EXPECT_EQ(dup.header.options.sack[0].right.value(), kPeerIsn + 16);
}

TEST(OutOfOrderQueue, EvictsFarthestWhenFull) {
  OutOfOrderQueue q(2);
  const net::SeqNum base(100);
  std::vector<std::uint8_t> d(5, 1);
  EXPECT_TRUE(q.insert(base, base + 10, d, false));
  EXPECT_TRUE(q.insert(base, base + 30, d, false));
  EXPECT_TRUE(q.insert(base, base + 20, d, false));  // the one at +30 goes
  EXPECT_EQ(q.segments(), 2U);
  EXPECT_FALSE(q.insert(base, base + 50, d, false));  // farthest itself: refused
  auto blocks = q.sack_blocks(4);
  ASSERT_EQ(blocks.size(), 2U);
  EXPECT_EQ(blocks[0].left, base + 20);  // most recent first
}

TEST(OutOfOrderQueue, DrainsAcrossTheWrap) {
  OutOfOrderQueue q(4);
  net::SeqNum rcv(0xfffffffeU);
  std::vector<std::uint8_t> d = {3, 4};
  ASSERT_TRUE(q.insert(rcv, rcv + 2, d, true));
  std::vector<std::uint8_t> out;
  EXPECT_FALSE(q.drain(rcv, out));  // hole at 0xfffffffe..0xffffffff
  rcv = rcv + 2;
  EXPECT_TRUE(q.drain(rcv, out));
  EXPECT_EQ(out, (std::vector<std::uint8_t>{3, 4}));
  EXPECT_EQ(rcv.value(), 2U);
}

TEST(IsnGenerator, SameSeedSameSequence) {
  IsnGenerator a(42), b(42), c(43);
  const auto a1 = a.next(), a2 = a.next();
  EXPECT_EQ(a1, b.next());
  EXPECT_EQ(a2, b.next());
  EXPECT_NE(a1, a2);
  EXPECT_NE(a1, c.next());
}

TEST_F(Flow, SequenceNumbersWrapAt2To32) {
  // Our ISS and the peer's just below 2^32: both spaces wrap during the exchange.
  ASSERT_TRUE(ep().open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(0xfffffffdU)), at_ms(0)));
  sent();
  deliver(segment().seq(0xfffffffeU).ack(0xfffffffeU).flags("S."), at_ms(10));
  ASSERT_EQ(ep().state(), State::kEstablished);
  sent();
  std::vector<std::uint8_t> data(10, 9);
  ASSERT_TRUE(ep().send(data, at_ms(20)));
  expect_segment(sent_one(), "P.", 0xfffffffeU, 0xffffffffU, 10);
  deliver(segment().seq(0xffffffffU).ack(8).flags("P.").data("wrap"), at_ms(30));
  expect_segment(sent_one(), ".", 8, 3);
  EXPECT_EQ(ep().status().snd_una.value(), 8U);
  EXPECT_EQ(ep().receive(10, at_ms(31)), bytes_of("wrap"));
}

}  // namespace
}  // namespace wirestate::tcp::testing
