#include "wirestate/sim/segment.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace wirestate::sim {
namespace {

using net::Duration;
using net::MacAddr;
using net::Time;

const MacAddr kA({0x02, 0, 0, 0, 0, 0x0a});
const MacAddr kB({0x02, 0, 0, 0, 0, 0x0b});
const MacAddr kC({0x02, 0, 0, 0, 0, 0x0c});

Time at_us(std::int64_t us) { return Time() + Duration::microseconds(us); }

// An Ethernet frame dst, src, type 0x0800 and `payload` bytes of zeros.
std::vector<std::uint8_t> frame(MacAddr dst, MacAddr src, std::size_t payload, std::uint8_t tag = 0) {
  std::vector<std::uint8_t> f(14 + payload, 0);
  dst.write_to(f.data());
  src.write_to(f.data() + 6);
  f[12] = 0x08;
  if (payload > 0) f[14] = tag;
  return f;
}

struct Received {
  Time at;
  PortId from;
  PortId to;
  std::uint8_t tag;
  bool duplicate;
  bool operator==(const Received&) const = default;
};

class SegmentTest : public ::testing::Test {
 protected:
  explicit SegmentTest(std::uint64_t seed = 1) : rng_(seed) {}
  void build(LinkParams params = {}) {
    seg_ = std::make_unique<Segment>(queue_, rng_, params);
    for (MacAddr m : {kA, kB, kC}) {
      seg_->attach(m, [this](const Arrival& a) {
        got_.push_back(Received{a.at, a.from, a.to, a.frame->size() > 14 ? (*a.frame)[14] : std::uint8_t{0},
                                a.duplicate});
      });
    }
    seg_->set_drop_handler([this](const Drop& d) { drops_.push_back(d); });
    seg_->set_tap([this](Time t, PortId from, const FramePtr&) { taps_.push_back({t, from}); });
  }
  std::vector<PortId> receivers() const {
    std::vector<PortId> r;
    for (const auto& g : got_) r.push_back(g.to);
    return r;
  }

  EventQueue queue_;
  Rng rng_;
  std::unique_ptr<Segment> seg_;
  std::vector<Received> got_;
  std::vector<Drop> drops_;
  std::vector<std::pair<Time, PortId>> taps_;
};

TEST_F(SegmentTest, DeliversAfterLatency) {
  build(LinkParams{.latency = Duration::milliseconds(2)});
  seg_->transmit(0, frame(MacAddr::broadcast(), kA, 46), Time());
  queue_.run_all();
  ASSERT_EQ(got_.size(), 2u);
  EXPECT_EQ(got_[0].at, Time() + Duration::milliseconds(2));
}

TEST_F(SegmentTest, BroadcastFloodsEveryOtherPort) {
  build();
  const auto r = seg_->transmit(1, frame(MacAddr::broadcast(), kB, 46), Time());
  queue_.run_all();
  EXPECT_EQ(r.receivers, 2u);
  EXPECT_EQ(receivers(), (std::vector<PortId>{0, 2}));
}

TEST_F(SegmentTest, UnknownUnicastFloodsThenLearnedGoesToOnePort) {
  build();
  seg_->transmit(0, frame(kB, kA, 46), Time());  // B unknown: flooded to B and C
  queue_.run_all();
  EXPECT_EQ(receivers(), (std::vector<PortId>{1, 2}));
  got_.clear();
  seg_->transmit(1, frame(kA, kB, 46), queue_.now());  // A was learned on port 0
  queue_.run_all();
  EXPECT_EQ(receivers(), (std::vector<PortId>{0}));
  got_.clear();
  seg_->transmit(0, frame(kB, kA, 46), queue_.now());  // now B is known too
  queue_.run_all();
  EXPECT_EQ(receivers(), (std::vector<PortId>{1}));
  EXPECT_EQ(seg_->learned_port(kA, queue_.now()), PortId{0});
}

TEST_F(SegmentTest, MacMovesToThePortThatLastUsedIt) {
  build();
  seg_->transmit(0, frame(MacAddr::broadcast(), kA, 46), Time());
  seg_->transmit(2, frame(MacAddr::broadcast(), kA, 46), Time());  // C claims A's MAC
  queue_.run_all();
  EXPECT_EQ(seg_->learned_port(kA, queue_.now()), PortId{2});
}

TEST_F(SegmentTest, LearnedEntriesAgeOut) {
  build();
  seg_->transmit(0, frame(MacAddr::broadcast(), kA, 46), Time());
  EXPECT_TRUE(seg_->learned_port(kA, Time() + Duration::seconds(300)));
  EXPECT_FALSE(seg_->learned_port(kA, Time() + Duration::seconds(301)));
}

TEST_F(SegmentTest, FullMacTableFloodsNewAddresses) {
  seg_ = std::make_unique<Segment>(queue_, rng_, LinkParams{}, 1);
  for (MacAddr m : {kA, kB, kC}) seg_->attach(m, [this](const Arrival& a) { got_.push_back({a.at, a.from, a.to, 0, false}); });
  seg_->transmit(0, frame(MacAddr::broadcast(), kA, 46), Time());
  seg_->transmit(1, frame(MacAddr::broadcast(), kB, 46), Time());
  EXPECT_TRUE(seg_->learned_port(kA, Time()));
  EXPECT_FALSE(seg_->learned_port(kB, Time()));
  EXPECT_EQ(seg_->stats().mac_table_full, 1u);
}

TEST_F(SegmentTest, FrameToOwnPortIsFiltered) {
  build();
  seg_->transmit(0, frame(MacAddr::broadcast(), kA, 46), Time());
  seg_->transmit(0, frame(kA, kC, 46), Time());  // A learned on port 0: filtered
  queue_.run_all();
  ASSERT_EQ(drops_.size(), 1u);
  EXPECT_EQ(drops_[0].reason, DropReason::kFiltered);
}

TEST_F(SegmentTest, OverMtuIsDroppedAtOnceWithReasonAndNeverTapped) {
  build(LinkParams{.mtu = 1500});
  const auto r = seg_->transmit(0, frame(kB, kA, 1501), Time());
  EXPECT_FALSE(r.on_wire);
  EXPECT_EQ(r.reason, DropReason::kMtu);
  ASSERT_EQ(drops_.size(), 1u);  // reported synchronously
  EXPECT_EQ(drops_[0].reason, DropReason::kMtu);
  EXPECT_FALSE(drops_[0].to);
  queue_.run_all();
  EXPECT_TRUE(taps_.empty());
  EXPECT_TRUE(got_.empty());
  EXPECT_EQ(to_string(DropReason::kMtu), "mtu");
}

TEST_F(SegmentTest, ExactlyMtuPasses) {
  build(LinkParams{.mtu = 1500});
  EXPECT_TRUE(seg_->transmit(0, frame(kB, kA, 1500), Time()).on_wire);
}

TEST_F(SegmentTest, VlanTagDoesNotCountAgainstMtu) {
  build(LinkParams{.mtu = 100});
  auto f = frame(kB, kA, 104);  // 4 bytes of tag + 100 bytes of payload
  f[12] = 0x81; f[13] = 0x00; f[16] = 0x08; f[17] = 0x00;
  EXPECT_TRUE(seg_->transmit(0, f, Time()).on_wire);
  f.push_back(0);
  EXPECT_FALSE(seg_->transmit(0, f, Time()).on_wire);
}

TEST_F(SegmentTest, RuntFrameIsDropped) {
  build();
  const auto r = seg_->transmit(0, std::vector<std::uint8_t>(13, 0), Time());
  EXPECT_EQ(r.reason, DropReason::kRunt);
}

TEST_F(SegmentTest, BandwidthSerializesFifoPerSender) {
  // 1250 bytes = 10000 bits at 10 Mbit/s = 1 ms each.
  build(LinkParams{.latency = Duration::microseconds(100), .bandwidth_bps = 10000000});
  const auto r1 = seg_->transmit(0, frame(kB, kA, 1236, 1), Time());
  const auto r2 = seg_->transmit(0, frame(kB, kA, 1236, 2), Time());
  const auto r3 = seg_->transmit(1, frame(kA, kB, 1236, 3), Time());  // another sender: no wait
  EXPECT_EQ(r1.wire_time, Time());
  EXPECT_EQ(r2.wire_time, at_us(1000));
  EXPECT_EQ(r3.wire_time, Time());
  queue_.run_all();
  std::vector<std::pair<std::uint8_t, Time>> arrivals;
  for (const auto& g : got_) if (g.to == 1) arrivals.push_back({g.tag, g.at});
  ASSERT_GE(arrivals.size(), 2u);
  EXPECT_EQ(arrivals[0], std::make_pair(std::uint8_t{1}, at_us(1100)));
  EXPECT_EQ(arrivals[1], std::make_pair(std::uint8_t{2}, at_us(2100)));
  EXPECT_EQ(taps_[0].first, Time());
}

TEST_F(SegmentTest, SerializationRoundsUpToANanosecond) {
  // 64 bytes = 512 bits at 3 bit/s... use 1 Gbit/s: 512 ns exactly; at 3 Gbit/s 170.67 -> 171 ns.
  build(LinkParams{.bandwidth_bps = 3000000000ULL});
  seg_->transmit(0, frame(kB, kA, 50), Time());
  const auto r = seg_->transmit(0, frame(kB, kA, 50), Time());
  EXPECT_EQ(r.wire_time.ns(), 171);
}

TEST_F(SegmentTest, TransmitQueueIsBounded) {
  build(LinkParams{.bandwidth_bps = 1000, .tx_queue_frames = 2});
  EXPECT_TRUE(seg_->transmit(0, frame(kB, kA, 46), Time()).on_wire);
  EXPECT_TRUE(seg_->transmit(0, frame(kB, kA, 46), Time()).on_wire);
  const auto r = seg_->transmit(0, frame(kB, kA, 46), Time());
  EXPECT_EQ(r.reason, DropReason::kQueueFull);
  EXPECT_EQ(seg_->stats().dropped_queue, 1u);
}

TEST_F(SegmentTest, JitterNeverReordersADirection) {
  build(LinkParams{.latency = Duration::milliseconds(1), .jitter = Duration::milliseconds(5)});
  for (int i = 0; i < 200; ++i) seg_->transmit(0, frame(kB, kA, 46, static_cast<std::uint8_t>(i)), at_us(i * 10));
  queue_.run_all();
  std::vector<std::uint8_t> tags;
  for (const auto& g : got_) if (g.to == 1) tags.push_back(g.tag);
  ASSERT_EQ(tags.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(tags[i], static_cast<std::uint8_t>(i));
}

TEST_F(SegmentTest, ReorderLetsLaterFramesOvertake) {
  build(LinkParams{.latency = Duration::milliseconds(1), .reorder = 1.0,
                   .reorder_delay = Duration::milliseconds(3)});
  seg_->transmit(0, frame(kB, kA, 46, 1), Time());
  seg_->set_params(LinkParams{.latency = Duration::milliseconds(1)});
  seg_->transmit(0, frame(kB, kA, 46, 2), at_us(10));
  queue_.run_all();
  std::vector<std::uint8_t> tags;
  for (const auto& g : got_) if (g.to == 1) tags.push_back(g.tag);
  EXPECT_EQ(tags, (std::vector<std::uint8_t>{2, 1}));
  EXPECT_EQ(seg_->stats().reordered, 2u);  // flooded to B and C, each copy held back
}

TEST_F(SegmentTest, DuplicateDeliversTwice) {
  build(LinkParams{.duplicate = 1.0});
  seg_->transmit(0, frame(MacAddr::broadcast(), kA, 46), Time());
  seg_->transmit(1, frame(kA, kB, 46), Time());
  queue_.run_all();
  int to_a = 0, dups = 0;
  for (const auto& g : got_) {
    if (g.to == 0) ++to_a;
    if (g.duplicate) ++dups;
  }
  EXPECT_EQ(to_a, 2);
  EXPECT_EQ(dups, 3);  // one per delivered copy: B, C and A
}

TEST_F(SegmentTest, LossIsReportedAtWireTimeAfterTheTap) {
  build(LinkParams{.loss = 1.0});
  std::vector<std::string> log;
  seg_->set_tap([&](Time, PortId, const FramePtr&) { log.push_back("tap"); });
  seg_->set_drop_handler([&](const Drop& d) { log.push_back(std::string(to_string(d.reason))); });
  seg_->transmit(0, frame(MacAddr::broadcast(), kA, 46), at_us(5));
  EXPECT_TRUE(log.empty());  // nothing synchronous for a frame that reaches the wire
  queue_.run_all();
  EXPECT_EQ(log, (std::vector<std::string>{"tap", "loss", "loss"}));
  EXPECT_TRUE(got_.empty());
}

TEST_F(SegmentTest, TapSeesEachFrameOnceEvenWhenFlooded) {
  build(LinkParams{.duplicate = 1.0});
  seg_->transmit(0, frame(MacAddr::broadcast(), kA, 46), Time());
  queue_.run_all();
  EXPECT_EQ(taps_.size(), 1u);
  EXPECT_EQ(got_.size(), 4u);
}

TEST_F(SegmentTest, PerDirectionLatency) {
  build(LinkParams{.latency = Duration::milliseconds(1)});
  seg_->set_direction_params(0, 1, LinkParams{.latency = Duration::milliseconds(7)});
  seg_->transmit(0, frame(MacAddr::broadcast(), kA, 46), Time());
  seg_->transmit(1, frame(MacAddr::broadcast(), kB, 46), Time());
  queue_.run_all();
  ASSERT_EQ(got_.size(), 4u);  // each broadcast reaches the two other stations
  for (const auto& g : got_) {
    const auto expect = (g.from == 0 && g.to == 1) ? Duration::milliseconds(7) : Duration::milliseconds(1);
    EXPECT_EQ(g.at, Time() + expect) << g.from << "->" << g.to;
  }
}

TEST_F(SegmentTest, SettingsChangeAppliesToLaterFrames) {
  build(LinkParams{.latency = Duration::milliseconds(1)});
  seg_->transmit(0, frame(kB, kA, 46, 1), Time());
  seg_->set_params(LinkParams{.latency = Duration::milliseconds(5)});
  seg_->transmit(0, frame(kB, kA, 46, 2), at_us(100));
  queue_.run_all();
  std::vector<Time> at_b;
  for (const auto& g : got_) if (g.to == 1) at_b.push_back(g.at);
  EXPECT_EQ(at_b, (std::vector<Time>{at_us(1000), at_us(5100)}));
}

// 10000 frames at 10 % loss: the count is deterministic for a seed and near 1000.
std::pair<std::uint64_t, std::vector<Received>> run_lossy(std::uint64_t seed) {
  EventQueue queue;
  Rng rng(seed);
  Segment seg(queue, rng, LinkParams{.latency = Duration::microseconds(50),
                                     .jitter = Duration::microseconds(30),
                                     .loss = 0.1, .duplicate = 0.01, .reorder = 0.05});
  std::vector<Received> got;
  seg.attach(kA, [&](const Arrival& a) { got.push_back({a.at, a.from, a.to, (*a.frame)[14], a.duplicate}); });
  seg.attach(kB, [&](const Arrival& a) { got.push_back({a.at, a.from, a.to, (*a.frame)[14], a.duplicate}); });
  seg.transmit(1, frame(MacAddr::broadcast(), kB, 46), Time());  // learn B
  for (int i = 0; i < 10000; ++i) {
    seg.transmit(0, frame(kB, kA, 46, static_cast<std::uint8_t>(i)), Time() + Duration::microseconds(i));
  }
  queue.run_all();
  return {seg.stats().lost, got};
}

TEST(SegmentLoss, RateRoughlyRightWithFixedSeed) {
  const auto [lost, got] = run_lossy(2024);
  EXPECT_GT(lost, 900u);
  EXPECT_LT(lost, 1100u);
}

TEST(SegmentLoss, SameSeedSameDeliveries) {
  const auto a = run_lossy(7);
  const auto b = run_lossy(7);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
}

TEST(SegmentLoss, DifferentSeedDifferentDeliveries) {
  EXPECT_NE(run_lossy(7).second, run_lossy(8).second);
}

}  // namespace
}  // namespace wirestate::sim

namespace wirestate::sim {
namespace {

TEST(SegmentMacTable, FullTableMakesRoomFromExpiredEntries) {
  EventQueue queue;
  Rng rng(1);
  Segment seg(queue, rng, LinkParams{}, 1);
  seg.attach(kA, nullptr);
  seg.attach(kB, nullptr);
  auto bcast = [](MacAddr src) {
    std::vector<std::uint8_t> f(60, 0);
    MacAddr::broadcast().write_to(f.data());
    src.write_to(f.data() + 6);
    return f;
  };
  seg.transmit(0, bcast(kA), Time());
  seg.transmit(1, bcast(kB), Time() + Duration::seconds(10));  // full: B not learned
  EXPECT_FALSE(seg.learned_port(kB, Time() + Duration::seconds(10)));
  const Time later = Time() + Duration::seconds(301);               // A has aged out
  seg.transmit(1, bcast(kB), later);
  EXPECT_EQ(seg.learned_port(kB, later), PortId{1});
  EXPECT_FALSE(seg.learned_port(kA, later));
  EXPECT_EQ(seg.stats().mac_table_full, 1u);
}

}  // namespace
}  // namespace wirestate::sim
