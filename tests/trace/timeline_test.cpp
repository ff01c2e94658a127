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
  const net::Endpoint client{net::Ipv4Addr(10, 0, 0, 1), 40000};
  const net::Endpoint server{net::Ipv4Addr(10, 0, 0, 2), 80};
  ConnNames names;
  const ConnNameId id = names.add({"c", net::FlowKey(client, server), client, "client", "server", net::Time()});
  Event e{net::Time::from_ns(2'000'000),
          TcpStateEvent{ConnRef{net::FlowKey(client, server), client, id}, net::Side::kClient, "client",
                        tcp::State::kSynSent, tcp::State::kEstablished, "rcv S.", Origin::kEndpoint, 2}};
  EXPECT_EQ(timeline_line(e, net::Time(), &names),
            "   0.002000        client c[client] SYN_SENT -> ESTABLISHED  (rcv S.)");
}

TEST(Timeline, ObservedStateChangeOfACaptureNamesTheEndpoints) {
  const net::Endpoint client{*net::IpAddr::parse("2001:db8::1"), 40000};
  const net::Endpoint server{*net::IpAddr::parse("2001:db8::2"), 80};
  Event e{net::Time::from_ns(2'000'000),
          TcpStateEvent{ConnRef{net::FlowKey(client, server), client, kUnnamed}, net::Side::kServer, "",
                        tcp::State::kSynReceived, tcp::State::kEstablished, "rcv .", Origin::kObserver, 3}};
  EXPECT_EQ(timeline_line(e, net::Time()),
            "   0.002000        [2001:db8::2]:80 [2001:db8::1]:40000-[2001:db8::2]:80[server] SYN_RECEIVED -> "
            "ESTABLISHED  (rcv .) [observer]");
}

}  // namespace
}  // namespace wirestate::trace
