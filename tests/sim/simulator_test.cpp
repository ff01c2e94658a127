// End-to-end runs of the simulator with two hosts: the stacks (ARP, IPv4, TCP, UDP, ICMP)
// talking through the segment, checked through the endpoints' own states and the trace.
#include "wirestate/sim/simulator.hpp"

#include <string>

#include <gtest/gtest.h>

#include "sim/sim_support.hpp"

namespace wirestate::sim {
namespace {

using test::at_ms;

using net::Duration;
using net::Time;

std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

HostConfig host_config(std::string name, std::uint8_t last) {
  HostConfig c;
  c.name = std::move(name);
  c.mac = net::MacAddr({0x02, 0, 0, 0, 0, last});
  c.ip = net::Ipv4Addr(10, 0, 0, last);
  return c;
}

// The states one side went through, as the trace recorded them.
std::vector<std::string> states_of(const Simulator& sim, const std::string& conn, net::Side side) {
  std::vector<std::string> out;
  for (const auto& e : sim.events()) {
    const auto* s = std::get_if<trace::TcpStateEvent>(&e.body);
    if (!s || sim.names().text(s->conn) != conn || s->side != side) continue;
    if (out.empty() && s->from != tcp::State::kClosed) out.emplace_back(tcp::to_string(s->from));
    out.emplace_back(tcp::to_string(s->to));
  }
  return out;
}

class TwoHosts : public ::testing::Test {
 protected:
  explicit TwoHosts(LinkParams link = [] {
    LinkParams p;
    p.latency = Duration::milliseconds(1);
    return p;
  }()) : sim(1, link) {
    client = &sim.add_host(host_config("client", 1));
    server = &sim.add_host(host_config("server", 2));
  }
  Simulator sim;
  Host* client = nullptr;
  Host* server = nullptr;
  net::FlowKey key;
};

TEST_F(TwoHosts, HandshakeDataAndClientCloseFirst) {
  sim.at(at_ms(0), [&](Time now) { ASSERT_TRUE(server->listen(8000, now)); });
  sim.at(at_ms(1), [&](Time now) {
    auto k = client->connect(server->config().ip, 8000, 0, now);
    ASSERT_TRUE(k);
    key = *k;
    sim.name_connection("c", *client, key);
  });
  sim.at(at_ms(5), [&](Time now) { ASSERT_TRUE(client->send(key, bytes_of("你好"), now)); });
  sim.at(at_ms(10), [&](Time now) {
    ASSERT_TRUE(server->send(sim.connection("c")->flow, bytes_of("hi"), now));
  });
  sim.at(at_ms(20), [&](Time now) { ASSERT_TRUE(client->close(key, now)); });
  sim.at(at_ms(30), [&](Time now) { ASSERT_TRUE(server->close(sim.connection("c")->flow, now)); });
  sim.run(Time() + Duration::seconds(300));

  EXPECT_EQ(states_of(sim, "c", net::Side::kClient),
            (std::vector<std::string>{"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"}));
  EXPECT_EQ(states_of(sim, "c", net::Side::kServer),
            (std::vector<std::string>{"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
  EXPECT_EQ(server->received(sim.connection("c")->flow), bytes_of("你好"));
  EXPECT_EQ(client->received(key), bytes_of("hi"));
  // ARP resolution comes first: a broadcast request and a reply.
  ASSERT_GE(sim.frames().size(), 2U);
  const trace::PacketEvent* first = nullptr;
  for (const auto& e : sim.events()) {
    if ((first = std::get_if<trace::PacketEvent>(&e.body))) break;
  }
  ASSERT_NE(first, nullptr);
  EXPECT_NE(first->summary.find("ARP, Request who-has 10.0.0.2"), std::string::npos) << first->summary;
}

TEST_F(TwoHosts, SynToClosedPortIsRefusedWithRst) {
  sim.at(at_ms(1), [&](Time now) {
    key = *client->connect(server->config().ip, 9, 0, now);
    sim.name_connection("c", *client, key);
  });
  sim.run(Time() + Duration::seconds(10));
  EXPECT_EQ(states_of(sim, "c", net::Side::kClient), (std::vector<std::string>{"SYN_SENT", "CLOSED"}));
  bool refused = false;
  for (const auto& e : sim.events()) {
    if (const auto* a = std::get_if<trace::AppEvent>(&e.body)) {
      if (a->action == "error" && a->detail.find("refused") != std::string::npos) refused = true;
    }
  }
  EXPECT_TRUE(refused);
}

TEST_F(TwoHosts, ConnectToAbsentAddressFailsAsHostUnreachable) {
  sim.at(at_ms(1), [&](Time now) {
    key = *client->connect(net::Ipv4Addr(10, 0, 0, 99), 80, 0, now);
    sim.name_connection("c", *client, key);
  });
  sim.run(Time() + Duration::seconds(30));
  EXPECT_EQ(client->endpoint(key), nullptr);
  int requests = 0;
  bool unreachable = false;
  for (const auto& e : sim.events()) {
    if (const auto* p = std::get_if<trace::PacketEvent>(&e.body)) {
      if (p->summary.find("who-has 10.0.0.99") != std::string::npos) ++requests;
    }
    if (const auto* a = std::get_if<trace::AppEvent>(&e.body)) {
      if (a->action == "connect_failed") unreachable = true;
    }
  }
  EXPECT_EQ(requests, 3);  // Linux mcast_solicit
  EXPECT_TRUE(unreachable);
}

TEST_F(TwoHosts, UdpToClosedPortGetsIcmpPortUnreachable) {
  sim.at(at_ms(0), [&](Time) { ASSERT_TRUE(server->udp_bind(53)); });
  sim.at(at_ms(1), [&](Time now) { client->udp_send(40000, server->config().ip, 53, bytes_of("query"), now); });
  sim.at(at_ms(5), [&](Time now) { client->udp_send(40000, server->config().ip, 54, bytes_of("nobody"), now); });
  sim.run(Time() + Duration::seconds(1));
  ASSERT_EQ(server->udp_received(53).size(), 1U);
  EXPECT_EQ(server->udp_received(53)[0].data, bytes_of("query"));
  bool unreachable = false;
  for (const auto& e : sim.events()) {
    if (const auto* a = std::get_if<trace::AppEvent>(&e.body)) {
      if (a->action == "icmp_unreachable" && a->host == "client") unreachable = true;
    }
  }
  EXPECT_TRUE(unreachable);
}

TEST_F(TwoHosts, LargePingIsFragmentedAndReassembled) {
  sim.at(at_ms(1), [&](Time now) { client->ping(server->config().ip, 7, 1, 3000, now); });
  sim.run(Time() + Duration::seconds(1));
  EXPECT_EQ(client->ping_stats(7).received, 1U);
  int fragments = 0;
  for (const auto& e : sim.events()) {
    if (const auto* p = std::get_if<trace::PacketEvent>(&e.body)) {
      if (p->length > 1000) ++fragments;
    }
  }
  EXPECT_GE(fragments, 4);  // 3000 bytes each way need 3 fragments at MTU 1500
}

TEST(SimulatorDeterminism, SameSeedSameFrames) {
  auto run_once = [](std::uint64_t seed) {
    LinkParams p;
    p.latency = Duration::milliseconds(2);
    p.jitter = Duration::milliseconds(1);
    p.loss = 0.1;
    Simulator sim(seed, p);
    Host& a = sim.add_host(host_config("a", 1));
    Host& b = sim.add_host(host_config("b", 2));
    net::FlowKey k;
    sim.at(at_ms(0), [&](Time now) { (void)b.listen(80, now); });
    sim.at(at_ms(1), [&](Time now) { k = *a.connect(b.config().ip, 80, 0, now); });
    sim.at(at_ms(100), [&](Time now) { (void)a.send(k, std::vector<std::uint8_t>(50000, 0x5a), now); });
    sim.at(at_ms(5000), [&](Time now) { (void)a.close(k, now); });
    sim.run(Time() + Duration::seconds(200));
    std::vector<std::vector<std::uint8_t>> frames;
    for (const auto& f : sim.frames()) frames.push_back(*f.bytes);
    return frames;
  };
  const auto first = run_once(42);
  EXPECT_EQ(first, run_once(42));
  EXPECT_NE(first, run_once(43));
}

}  // namespace
}  // namespace wirestate::sim
