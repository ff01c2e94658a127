#include "wirestate/trace/jsonl.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace wirestate::trace {
namespace {

TEST(Jsonl, TcpStateEventCarriesBothStatesAndOrigin) {
  Event e{net::Time::from_ns(1'500'000),
          TcpStateEvent{"c", "client", "client", tcp::State::kSynSent, tcp::State::kEstablished,
                        "rcv SYN,ACK", Origin::kObserver, 2}};
  const auto j = to_json(e);
  EXPECT_EQ(j["kind"], "tcp_state");
  EXPECT_EQ(j["t"], "0.001500000");
  EXPECT_EQ(j["from"], "SYN_SENT");
  EXPECT_EQ(j["to"], "ESTABLISHED");
  EXPECT_EQ(j["origin"], "observer");
  EXPECT_EQ(j["packet"], 2);
}

TEST(Jsonl, WriterEmitsOneParsableLinePerEvent) {
  std::ostringstream out;
  JsonlWriter w(out);
  w.write({net::Time(), PacketEvent{.number = 1, .from = "client", .to = "*",
                                    .summary = "ARP, Request who-has 10.0.0.2", .length = 42}});
  w.write({net::Time(), AlertEvent{"mac_changed", "warning", net::Ipv4Addr(10, 0, 0, 2), std::nullopt,
                                   net::MacAddr::broadcast(), "moved", 7}});
  std::istringstream in(out.str());
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0]["kind"], "packet");
  EXPECT_EQ(lines[0]["dropped"], false);
  EXPECT_EQ(lines[1]["rule"], "mac_changed");
  EXPECT_TRUE(lines[1]["old_mac"].is_null());
  EXPECT_EQ(lines[1]["new_mac"], "ff:ff:ff:ff:ff:ff");
  EXPECT_EQ(lines[1]["ip"], "10.0.0.2");
}

}  // namespace
}  // namespace wirestate::trace
