#include "wirestate/trace/jsonl.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace wirestate::trace {
namespace {

const net::Endpoint kClient{net::Ipv4Addr(10, 0, 0, 1), 40000};
const net::Endpoint kServer{*net::IpAddr::parse("2001:db8::2"), 80};

ConnRef unnamed() { return ConnRef{net::FlowKey(kClient, kServer), kClient, kUnnamed}; }

TEST(Jsonl, TcpStateEventCarriesBothStatesAndOrigin) {
  Event e{net::Time::from_ns(1'500'000),
          TcpStateEvent{unnamed(), net::Side::kServer, "", tcp::State::kSynSent, tcp::State::kEstablished,
                        "rcv SYN,ACK", Origin::kObserver, 2}};
  const auto j = to_json(e);
  EXPECT_EQ(j["kind"], "tcp_state");
  EXPECT_EQ(j["t"], "0.001500000");
  EXPECT_EQ(j["from"], "SYN_SENT");
  EXPECT_EQ(j["to"], "ESTABLISHED");
  EXPECT_EQ(j["origin"], "observer");
  EXPECT_EQ(j["packet"], 2);
  // No name: the connection prints client first, and the host is that side's endpoint.
  EXPECT_EQ(j["conn"], "10.0.0.1:40000-[2001:db8::2]:80");
  EXPECT_EQ(j["side"], "server");
  EXPECT_EQ(j["host"], "[2001:db8::2]:80");
  EXPECT_EQ(j["client"], "10.0.0.1:40000");
  EXPECT_EQ(j["server"], "[2001:db8::2]:80");
}

TEST(Jsonl, NamedConnectionPrintsItsNameFromTheTable) {
  ConnNames names;
  const ConnNameId id = names.add({"c", net::FlowKey(kClient, kServer), kClient, "alice", "bob", net::Time()});
  ConnRef ref = unnamed();
  ref.name = id;
  const Event e{net::Time(), TcpStateEvent{ref, net::Side::kClient, "alice", tcp::State::kClosed,
                                           tcp::State::kSynSent, "connect", Origin::kEndpoint, 0}};
  EXPECT_EQ(to_json(e, &names)["conn"], "c");
  EXPECT_EQ(to_json(e, &names)["host"], "alice");
  // Without the table the same event still says which connection it is.
  EXPECT_EQ(to_json(e)["conn"], "10.0.0.1:40000-[2001:db8::2]:80");
}

TEST(Jsonl, WriterEmitsOneParsableLinePerEvent) {
  std::ostringstream out;
  JsonlWriter w(out);
  w.write({net::Time(), PacketEvent{.number = 1, .from = "client", .to = "*",
                                    .summary = "ARP, Request who-has 10.0.0.2", .length = 42}});
  w.write({net::Time(), AlertEvent{arp::Rule::kMacChanged, Severity::kWarning, net::IpAddr(net::Ipv4Addr(10, 0, 0, 2)),
                                   std::nullopt, net::MacAddr::broadcast(), "moved", 7}});
  w.write({net::Time(), ArpCacheEvent{"client", net::Ipv4Addr(10, 0, 0, 2), std::nullopt, net::MacAddr::broadcast(),
                                      std::nullopt, arp::EntryState::kReachable, arp::Cause::kLearnReply}});
  std::istringstream in(out.str());
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0]["kind"], "packet");
  EXPECT_EQ(lines[0]["dropped"], false);
  EXPECT_EQ(lines[1]["rule"], "mac_changed");
  EXPECT_EQ(lines[1]["severity"], "warning");
  EXPECT_TRUE(lines[1]["old_mac"].is_null());
  EXPECT_EQ(lines[1]["new_mac"], "ff:ff:ff:ff:ff:ff");
  EXPECT_EQ(lines[1]["ip"], "10.0.0.2");
  EXPECT_EQ(lines[2]["old_state"], "");
  EXPECT_EQ(lines[2]["new_state"], "REACHABLE");
  EXPECT_EQ(lines[2]["cause"], "rcv reply");
}

TEST(Jsonl, AlertRulesOfEveryLayerHaveTheirStableNames) {
  EXPECT_EQ(to_string(AlertRule{IpRule::kFragmentOverlap}), "ip_fragment_overlap");
  EXPECT_EQ(parse_alert_rule("ip_fragment_overlap"), AlertRule{IpRule::kFragmentOverlap});
  EXPECT_EQ(parse_alert_rule("flip_flop"), AlertRule{arp::Rule::kFlipFlop});
  EXPECT_FALSE(parse_alert_rule("flip-flop").has_value());
  for (std::size_t i = 0; i < arp::kRuleCount; ++i) {
    const AlertRule r{static_cast<arp::Rule>(i)};
    EXPECT_EQ(parse_alert_rule(to_string(r)), r) << to_string(r);
  }
}

}  // namespace
}  // namespace wirestate::trace
