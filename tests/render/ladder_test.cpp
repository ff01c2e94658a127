// The ladder model built from real simulator traces (tests/render/golden/*.trace.json)
// and from small hand-made traces.
#include "wirestate/render/ladder.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "trace_fixture.hpp"

namespace wirestate::render {
namespace {

using testing::load_fixture;

std::vector<std::string> states_on(const Section& s, const std::string& host) {
  std::vector<std::string> out;
  for (const Row& row : s.rows) {
    if (row.kind != Row::Kind::kState) continue;
    const auto& m = s.states[row.index];
    if (s.lifelines[m.lifeline].name == host) out.emplace_back(tcp::to_string(m.to));
  }
  return out;
}

const Arrow* arrow(const Section& s, std::uint64_t number) {
  for (const auto& a : s.arrows)
    if (a.number == number) return &a;
  return nullptr;
}

TEST(Ladder, SeedHasTwoLifelinesAndOneArrowPerFrame) {
  const auto f = load_fixture("seed");
  const auto l = build_ladder(f.events, f.frames);
  ASSERT_EQ(l.sections.size(), 1U);
  const auto& s = l.sections[0];
  ASSERT_EQ(s.lifelines.size(), 2U);
  EXPECT_EQ(s.lifelines[0].name, "client");
  EXPECT_EQ(s.lifelines[0].ip, "10.0.0.1");
  EXPECT_EQ(s.lifelines[0].mac, "02:00:00:00:00:01");
  EXPECT_EQ(s.lifelines[1].name, "server");
  ASSERT_EQ(s.arrows.size(), f.frames.size());
  for (std::size_t i = 0; i < s.arrows.size(); ++i) EXPECT_EQ(s.arrows[i].number, i + 1);
}

TEST(Ladder, SeedStatesInOrderOnEachSide) {
  const auto f = load_fixture("seed");
  const auto ladder = build_ladder(f.events, f.frames);
  const auto& s = ladder.sections[0];
  EXPECT_EQ(states_on(s, "client"), (std::vector<std::string>{"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                                                                "TIME_WAIT", "CLOSED"}));
  EXPECT_EQ(states_on(s, "server"), (std::vector<std::string>{"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT",
                                                                "LAST_ACK", "CLOSED"}));
}

TEST(Ladder, LabelsUseRelativeSequenceNumbersAndTcpdumpFlags) {
  const auto f = load_fixture("seed");
  const auto ladder = build_ladder(f.events, f.frames);
  const auto& s = ladder.sections[0];
  // IP 10.0.0.1.32768 > 10.0.0.2.8000: Flags [S], seq 3919575143, win 65535, options [...], length 0
  EXPECT_EQ(arrow(s, 3)->label, "[S] seq 0 win 65535 len 0");
  EXPECT_EQ(arrow(s, 3)->options, "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7");
  // IP 10.0.0.2.8000 > 10.0.0.1.32768: Flags [S.], seq 942667852, ack 3919575144, ...
  EXPECT_EQ(arrow(s, 5)->label, "[S.] seq 0 ack 1 win 65535 len 0");
  // Flags [P.], seq 3919575144:3919575150, ack 942667853, win 1024, length 6
  EXPECT_EQ(arrow(s, 8)->label, "[P.] seq 1:7 ack 1 win 1024 len 6");
  EXPECT_EQ(arrow(s, 8)->preview, "\"你好\"");
  EXPECT_EQ(arrow(s, 13)->label, "[F.] seq 3 ack 8 win 1024 len 0");
  EXPECT_EQ(arrow(s, 3)->conn, "10.0.0.1:32768-10.0.0.2:8000");
  EXPECT_NE(arrow(s, 8)->detail.find("Sequence number: 1 (relative), raw 3919575144"), std::string::npos) << arrow(s, 8)->detail;
}

TEST(Ladder, ArpRequestIsBroadcastAndReplyIsUnicast) {
  const auto f = load_fixture("seed");
  const auto ladder = build_ladder(f.events, f.frames);
  const auto& s = ladder.sections[0];
  EXPECT_FALSE(arrow(s, 1)->to.has_value());
  EXPECT_EQ(arrow(s, 1)->kind, ArrowKind::kArp);
  EXPECT_EQ(arrow(s, 1)->label, "ARP who-has 10.0.0.2 tell 10.0.0.1");
  ASSERT_TRUE(arrow(s, 2)->to.has_value());
  EXPECT_EQ(*arrow(s, 2)->to, 0U);
  EXPECT_EQ(arrow(s, 2)->label, "ARP 10.0.0.2 is-at 02:00:00:00:00:02");
}

TEST(Ladder, ArpCanBeLeftOut) {
  const auto f = load_fixture("seed");
  const auto ladder = build_ladder(f.events, f.frames, {.arp = false});
  const auto& s = ladder.sections[0];
  for (const auto& a : s.arrows) EXPECT_NE(a.kind, ArrowKind::kArp) << a.number;
  EXPECT_EQ(s.arrows.size(), 10U);
}

TEST(Ladder, StatesSitAtTheFrameThatCausedThem) {
  const auto f = load_fixture("seed");
  const auto ladder = build_ladder(f.events, f.frames);
  const auto& s = ladder.sections[0];
  for (const auto& m : s.states) {
    if (m.to == tcp::State::kSynReceived) {
      EXPECT_EQ(m.anchor, Anchor::kArrowEnd);
      EXPECT_EQ(s.arrows[m.arrow].number, 3U);
    }
    if (m.to == tcp::State::kFinWait1) {  // close() sends the FIN at the same instant
      EXPECT_EQ(m.anchor, Anchor::kArrowStart);
      EXPECT_EQ(s.arrows[m.arrow].number, 11U);
    }
    if (m.to == tcp::State::kClosed && s.lifelines[m.lifeline].name == "client") {
      EXPECT_EQ(m.anchor, Anchor::kOwnRow);  // the TIME_WAIT timer
    }
  }
}

TEST(Ladder, LongGapsAreMarked) {
  const auto f = load_fixture("seed");
  const auto ladder = build_ladder(f.events, f.frames);
  const auto& s = ladder.sections[0];
  std::vector<Row> gaps;
  for (const auto& r : s.rows)
    if (r.kind == Row::Kind::kGap) gaps.push_back(r);
  ASSERT_EQ(gaps.size(), 1U);  // before the TIME_WAIT timer, 60 s later
  EXPECT_GT(gaps[0].skipped, net::Duration::seconds(59));
}

TEST(Ladder, LostFramesAndRetransmission) {
  const auto f = load_fixture("lost_segment");
  const auto ladder = build_ladder(f.events, f.frames);
  const auto& s = ladder.sections[0];
  ASSERT_NE(arrow(s, 8), nullptr);
  EXPECT_TRUE(arrow(s, 8)->lost);
  EXPECT_EQ(arrow(s, 8)->drop_reason, "loss");
  EXPECT_FALSE(arrow(s, 8)->retransmission);
  EXPECT_TRUE(arrow(s, 9)->retransmission);
  EXPECT_FALSE(arrow(s, 9)->lost);
  EXPECT_EQ(arrow(s, 9)->label, "[P.] seq 1:6 ack 1 win 1024 len 5");
  // One arrow per wire number, though a lost frame has two packet events.
  EXPECT_EQ(s.arrows.size(), f.frames.size());
}

TEST(Ladder, AttackerGetsItsOwnLifelineAndAlertsAreAttached) {
  const auto f = load_fixture("attacker_capture");
  const auto l = build_ladder(f.events, f.frames);
  const auto& s = l.sections[0];
  ASSERT_EQ(s.lifelines.size(), 3U);
  EXPECT_EQ(s.lifelines[0].name, "10.0.0.1");  // ARP by MAC and IP by address share a lifeline
  EXPECT_EQ(s.lifelines[1].name, "10.0.0.2");
  EXPECT_EQ(s.lifelines[2].name, "02:00:00:00:00:42");  // never sent IPv4
  const Arrow* spoof = arrow(s, 8);
  ASSERT_NE(spoof, nullptr);
  EXPECT_TRUE(spoof->alert);
  EXPECT_FALSE(spoof->to.has_value());
  EXPECT_EQ(spoof->label, "ARP gratuitous 10.0.0.2 is-at 02:00:00:00:00:42");
  EXPECT_FALSE(arrow(s, 1)->alert);  // new_station is only informational
  EXPECT_EQ(arrow(s, 1)->alerts.size(), 1U);
}

TEST(Ladder, PerConnectionSectionsForCaptures) {
  const auto f = load_fixture("attacker_capture");
  const auto l = build_ladder(f.events, f.frames, {.per_connection = true});
  ASSERT_EQ(l.sections.size(), 1U);
  EXPECT_EQ(l.sections[0].title, "connection 1: 10.0.0.1:32768-10.0.0.2:8000");
  EXPECT_EQ(states_on(l.sections[0], "10.0.0.1"),
            (std::vector<std::string>{"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT"}));
}

TEST(Ladder, SelectorsChooseConnections) {
  const auto f = load_fixture("attacker_capture");
  for (const std::string sel : {"1", "10.0.0.2", "10.0.0.1:32768", ":8000", "10.0.0.1:32768-10.0.0.2:8000"}) {
    const auto l = build_ladder(f.events, f.frames, {.select = {sel}});
    ASSERT_EQ(l.sections.size(), 1U) << sel;
    EXPECT_TRUE(l.unmatched.empty()) << sel;
    EXPECT_NE(arrow(l.sections[0], 3), nullptr) << sel;
  }
  const auto none = build_ladder(f.events, f.frames, {.select = {":9999"}});
  EXPECT_EQ(none.unmatched, (std::vector<std::string>{":9999"}));
  EXPECT_TRUE(none.sections[0].arrows.empty());
}

TEST(Ladder, SelectingAConnectionByItsScenarioName) {
  const auto f = load_fixture("seed");
  const auto l = build_ladder(f.events, f.frames, {.select = {"c"}, .arp = false, .names = &f.names});
  ASSERT_EQ(l.sections.size(), 1U);
  EXPECT_TRUE(l.unmatched.empty());
  EXPECT_EQ(l.sections[0].arrows.size(), 10U);
  // The name comes from the run's table: without it, "c" selects nothing.
  const auto unnamed = build_ladder(f.events, f.frames, {.select = {"c"}, .arp = false});
  EXPECT_EQ(unnamed.unmatched, std::vector<std::string>{"c"});
}

TEST(Ladder, ArrowLimitCountsTheRest) {
  const auto f = load_fixture("seed");
  const auto ladder = build_ladder(f.events, f.frames, {.max_arrows = 4});
  const auto& s = ladder.sections[0];
  EXPECT_EQ(s.arrows.size(), 4U);
  EXPECT_EQ(s.omitted, f.frames.size() - 4);
}

TEST(Ladder, WithoutFramesTheSummaryIsTheLabel) {
  const auto f = load_fixture("seed");
  const auto ladder = build_ladder(f.events, {});
  const auto& s = ladder.sections[0];
  ASSERT_EQ(s.arrows.size(), 14U);
  EXPECT_EQ(s.arrows[0].label, "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 46");
  EXPECT_EQ(s.arrows[0].kind, ArrowKind::kArp);
}

TEST(Ladder, EmptyTraceGivesAnEmptySection) {
  const auto l = build_ladder({}, {});
  ASSERT_EQ(l.sections.size(), 1U);
  EXPECT_TRUE(l.sections[0].arrows.empty());
  EXPECT_TRUE(l.sections[0].lifelines.empty());
}

TEST(Ladder, GarbageFrameBytesDoNotBreakTheBuild) {
  std::vector<trace::Event> events{{net::Time::from_ns(1000), trace::PacketEvent{1, "a", "b", "junk", 3}}};
  std::vector<FrameBytes> frames{{1, net::Time::from_ns(1000), {0x01, 0x02, 0x03}}};
  const auto ladder = build_ladder(events, frames);
  const auto& s = ladder.sections[0];
  ASSERT_EQ(s.arrows.size(), 1U);
  EXPECT_EQ(s.arrows[0].label, "junk");
  EXPECT_NE(s.arrows[0].detail.find("Malformed"), std::string::npos) << s.arrows[0].detail;
}

}  // namespace
}  // namespace wirestate::render
