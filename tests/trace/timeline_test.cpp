#include "wirestate/trace/timeline.hpp"

#include <gtest/gtest.h>

namespace wirestate::trace {
namespace {

TEST(Timeline, PacketLineHasTimeNumberEndsAndSummary) {
  Event e{net::Time::from_ns(1'002'000'000),
          PacketEvent{.number = 3, .from = "client", .to = "server", .summary = "IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S]"}};
  EXPECT_EQ(timeline_line(e, net::Time()), "   1.002000  #3    client > server  IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S]");
}

TEST(Timeline, LostFrameIsMarked) {
  Event e{net::Time::from_ns(5000),
          PacketEvent{.number = 7, .from = "a", .to = "b", .summary = "x", .dropped = true, .drop_reason = "loss"}};
  EXPECT_NE(timeline_line(e, net::Time()).find("LOST (loss)"), std::string::npos);
}

TEST(Timeline, StateChangeShowsConnSideAndBothStates) {
  Event e{net::Time::from_ns(2'000'000),
          TcpStateEvent{"c", "client", "client", tcp::State::kSynSent, tcp::State::kEstablished, "rcv S.",
                        Origin::kEndpoint, 2}};
  EXPECT_EQ(timeline_line(e, net::Time()), "   0.002000        client c[client] SYN_SENT -> ESTABLISHED  (rcv S.)");
}

}  // namespace
}  // namespace wirestate::trace
