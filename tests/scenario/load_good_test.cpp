// Good scenario files load into the right structures.
#include <string>

#include <gtest/gtest.h>

#include "wirestate/net/payload_stream.hpp"
#include "wirestate/scenario/load.hpp"

namespace wirestate::scenario {
namespace {

using net::Duration;
using net::Ipv4Addr;
using net::MacAddr;
using net::Time;

std::string data(const char* name) { return std::string(WIRESTATE_SOURCE_DIR) + "/tests/scenario/data/" + name; }
Time at_ms(std::int64_t ms) { return Time() + Duration::milliseconds(ms); }
MacAddr mac(const char* s) { return *MacAddr::parse(s); }
Ipv4Addr ip(const char* s) { return *Ipv4Addr::parse(s); }

class FullScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_file(data("good_full.json"));
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    sc_ = std::move(*loaded);
  }
  template <typename T>
  const T& step(std::size_t i) const {
    return std::get<T>(sc_.steps.at(i).action);
  }
  template <typename T>
  const T& expect(std::size_t i) const {
    return std::get<T>(sc_.expect.at(i).what);
  }
  Scenario sc_;
};

TEST(LoadGood, DesignSocketExample) {
  auto loaded = load_file(data("good_socket.json"));
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  const Scenario& sc = *loaded;
  EXPECT_EQ(sc.name, "seed socket example: connect, exchange, close");
  EXPECT_EQ(sc.seed, 1u);
  ASSERT_EQ(sc.hosts.size(), 2u);
  EXPECT_EQ(sc.hosts[0].name, "client");  // file order
  EXPECT_EQ(sc.hosts[1].ip, ip("10.0.0.2"));
  EXPECT_EQ(sc.hosts[0].prefix_len, 24);
  EXPECT_EQ(sc.link.settings.latency, Duration::milliseconds(1));
  EXPECT_EQ(sc.link.settings.loss, 0.0);
  ASSERT_EQ(sc.steps.size(), 6u);
  EXPECT_EQ(std::get<Listen>(sc.steps[0].action).port, 8000);
  const auto& connect = std::get<Connect>(sc.steps[1].action);
  EXPECT_EQ(connect.to.host, "server");
  EXPECT_EQ(connect.to.ip, ip("10.0.0.2"));
  EXPECT_EQ(connect.to.port, 8000);
  EXPECT_EQ(connect.conn, "c");
  const auto& send = std::get<Send>(sc.steps[2].action);
  EXPECT_EQ(send.data.kind, Payload::Kind::kText);
  EXPECT_EQ(std::string(send.data.bytes.begin(), send.data.bytes.end()), "你好");
  EXPECT_EQ(send.data.size(), 6u);  // UTF-8 bytes
  EXPECT_EQ(sc.steps[4].at, at_ms(20));
  EXPECT_EQ(sc.steps[4].pointer, "/steps/4");
  ASSERT_EQ(sc.expect.size(), 4u);
  const auto& states = std::get<ExpectStates>(sc.expect[1].what);
  EXPECT_EQ(states.side, Side::kServer);
  ASSERT_EQ(states.states.size(), 6u);
  EXPECT_EQ(states.states[1], tcp::State::kSynReceived);
  EXPECT_EQ(std::get<ExpectDelivered>(sc.expect[2].what).to, Side::kServer);
  EXPECT_TRUE(std::get<ExpectAlerts>(sc.expect[3].what).alerts.empty());
  ASSERT_EQ(sc.conns.count("c"), 1u);
  EXPECT_EQ(sc.conns.at("c").client_host, "client");
  EXPECT_EQ(sc.conns.at("c").server_host, "server");
}

TEST_F(FullScenario, TopLevel) {
  EXPECT_EQ(sc_.seed, 42u);
  EXPECT_EQ(sc_.duration, Duration::seconds(5));
  EXPECT_EQ(sc_.description.substr(0, 9), "exercises");
}

TEST_F(FullScenario, HostsWithTcpAndArpParameters) {
  ASSERT_EQ(sc_.hosts.size(), 3u);
  const Host& c = sc_.hosts[0];
  EXPECT_EQ(c.description, "the active opener");
  EXPECT_EQ(c.mac, mac("02:00:00:00:00:01"));
  EXPECT_EQ(c.prefix_len, 24);
  EXPECT_EQ(c.tcp.window, 65535u);
  EXPECT_EQ(c.tcp.mss, 1460);
  EXPECT_EQ(c.tcp.wscale, 7);
  EXPECT_EQ(c.tcp.sack, true);
  EXPECT_EQ(c.tcp.timestamps, false);
  EXPECT_EQ(c.tcp.msl, Duration::seconds(1));
  EXPECT_EQ(c.tcp.rto_min, Duration::milliseconds(200));
  EXPECT_EQ(c.tcp.syn_retries, 3u);
  EXPECT_EQ(c.tcp.isn, 1000u);
  EXPECT_EQ(c.tcp.delayed_ack, false);
  EXPECT_FALSE(c.tcp.send_buffer);
  EXPECT_EQ(c.arp.reachable_time, Duration::seconds(30));
  EXPECT_TRUE(c.arp.probe);
  EXPECT_TRUE(c.arp.announce);
  ASSERT_EQ(c.arp.static_entries.size(), 1u);
  EXPECT_EQ(c.arp.static_entries[0].first, ip("10.0.0.2"));
  EXPECT_EQ(c.arp.static_entries[0].second, mac("02:00:00:00:00:02"));
  EXPECT_EQ(sc_.hosts[1].tcp.window_scaling, false);
  EXPECT_EQ(sc_.find_host("attacker"), &sc_.hosts[2]);
  EXPECT_EQ(sc_.find_host("nobody"), nullptr);
}

TEST_F(FullScenario, LinkSymmetricAndPerDirection) {
  const LinkSettings& s = sc_.link.settings;
  EXPECT_EQ(s.jitter, Duration::microseconds(100));
  EXPECT_EQ(s.loss, 0.01);
  EXPECT_EQ(s.reorder_delay, Duration::milliseconds(2));
  EXPECT_EQ(s.bandwidth_bps, 100000000u);
  EXPECT_EQ(s.mtu, 1500u);
  EXPECT_EQ(s.queue, 500u);
  ASSERT_EQ(sc_.link.directions.size(), 2u);
  EXPECT_EQ(sc_.link.directions[0].from, "client");
  EXPECT_EQ(sc_.link.directions[0].to, "server");
  EXPECT_EQ(sc_.link.directions[0].settings.latency, Duration::milliseconds(3));
  EXPECT_FALSE(sc_.link.directions[1].to);
  EXPECT_EQ(sc_.link.directions[1].settings.bandwidth_bps, 10000u);
}

TEST_F(FullScenario, RelativeTimesAddToThePreviousStep) {
  EXPECT_EQ(sc_.steps[1].at, at_ms(1));
  EXPECT_EQ(sc_.steps[2].at, at_ms(5));
  EXPECT_EQ(sc_.steps[3].at, at_ms(5));
  EXPECT_EQ(sc_.steps[4].at, at_ms(10));
}

TEST_F(FullScenario, ConnectSendShutdownCloseAbort) {
  EXPECT_EQ(step<Connect>(1).local_port, 40000);
  EXPECT_EQ(step<Send>(3).data.bytes, (std::vector<std::uint8_t>{0xde, 0xad, 0xbe, 0xef}));
  EXPECT_EQ(step<Send>(4).data.kind, Payload::Kind::kCount);
  EXPECT_EQ(step<Send>(4).data.size(), 100000u);
  EXPECT_EQ(step<Shutdown>(5).conn, "c");
  EXPECT_EQ(step<Close>(15).conn, "c");
  EXPECT_EQ(step<Abort>(16).conn, "c");
  EXPECT_EQ(action_name(sc_.steps[16].action), "abort");
}

TEST_F(FullScenario, UdpAndPing) {
  EXPECT_EQ(step<UdpBind>(6).port, 5353);
  const auto& u = step<UdpSend>(7);
  EXPECT_EQ(u.from_port, 5000);
  EXPECT_EQ(u.to.host, "server");
  EXPECT_EQ(u.to.port, 5353);
  EXPECT_EQ(u.as, "u");
  EXPECT_EQ(step<UdpSend>(8).to.host, "server");  // an IP of a host resolves to it
  EXPECT_EQ(sc_.conns.at("u").kind, ConnKind::kUdp);
  const auto& p = step<Ping>(9);
  EXPECT_EQ(p.to.ip, ip("10.0.0.2"));
  EXPECT_EQ(p.count, 3u);
  EXPECT_EQ(p.interval, Duration::milliseconds(10));
}

TEST_F(FullScenario, GratuitousArpAndLinkChange) {
  const auto& g = step<GratuitousArp>(10);
  EXPECT_EQ(g.op, wire::ArpOp::kReply);
  EXPECT_EQ(g.ip, ip("10.0.0.2"));
  EXPECT_FALSE(g.mac);
  EXPECT_TRUE(sc_.steps[11].host.empty());
  const auto& l = step<LinkChange>(11);
  EXPECT_EQ(l.link.settings.loss, 0.1);
  EXPECT_EQ(l.link.settings.latency, Duration::milliseconds(5));
  EXPECT_FALSE(l.link.settings.mtu);
}

TEST_F(FullScenario, InjectArp) {
  const InjectFrame& f = step<Inject>(12).frame;
  EXPECT_EQ(f.eth.src, mac("02:00:00:00:00:66"));  // defaults to the host's MAC
  ASSERT_EQ(f.eth.vlans.size(), 1u);
  EXPECT_EQ(f.eth.vlans[0].vid, 5);
  EXPECT_EQ(f.ethertype, 0x0806);
  ASSERT_TRUE(f.arp);
  EXPECT_EQ(f.arp->op, wire::ArpOp::kReply);
  EXPECT_EQ(f.arp->sender_mac, mac("02:00:00:00:00:66"));
  EXPECT_EQ(f.arp->sender_ip, ip("10.0.0.2"));
  EXPECT_EQ(f.arp->target_ip, ip("10.0.0.1"));
}

TEST_F(FullScenario, InjectTcpFieldByField) {
  const InjectFrame& f = step<Inject>(13).frame;
  EXPECT_EQ(f.ethertype, 0x0800);
  ASSERT_TRUE(f.ip && f.tcp);
  EXPECT_EQ(f.ip->src, ip("10.0.0.1"));
  EXPECT_EQ(f.ip->ttl, 3);
  EXPECT_EQ(f.ip->id, 7);
  EXPECT_TRUE(f.ip->dont_fragment);
  EXPECT_EQ(f.ip->protocol, 6);
  EXPECT_EQ(f.tcp->seq, net::SeqNum(4294967295u));
  EXPECT_EQ(f.tcp->flags.bits, wire::TcpFlags::kRst);
  EXPECT_EQ(f.tcp->window, 0);
  EXPECT_EQ(f.tcp->options.mss, 536);
  EXPECT_EQ(f.tcp->options.window_scale, 2);
  EXPECT_TRUE(f.tcp->options.sack_permitted);
  EXPECT_EQ(f.tcp->options.timestamps, (wire::TcpTimestamps{1, 2}));
  ASSERT_EQ(f.tcp->options.sack.size(), 1u);
  EXPECT_EQ(f.checksums.transport, 4660);
  EXPECT_FALSE(f.checksums.ipv4);
  EXPECT_EQ(f.payload, (std::vector<std::uint8_t>{'x'}));
}

TEST_F(FullScenario, InjectUdpFragment) {
  const InjectFrame& f = step<Inject>(14).frame;
  ASSERT_TRUE(f.ip && f.udp);
  EXPECT_EQ(f.ip->src, ip("10.0.0.66"));  // defaults to the host's IP
  EXPECT_TRUE(f.ip->more_fragments);
  EXPECT_EQ(f.ip->frag_offset, 10);
  EXPECT_EQ(f.ip->protocol, 17);
  EXPECT_EQ(f.checksums.ipv4, 0);
  EXPECT_EQ(f.udp->dst_port, 2);
  EXPECT_EQ(f.payload, (std::vector<std::uint8_t>{0x00, 0xff}));
}

TEST_F(FullScenario, StatesAndStateAt) {
  EXPECT_EQ(sc_.expect[0].description, "opens");
  EXPECT_EQ(sc_.expect[0].pointer, "/expect/0");
  EXPECT_EQ(expect<ExpectStates>(0).states.back(), tcp::State::kFinWait1);
  const auto& at = expect<ExpectStateAt>(1);
  EXPECT_EQ(at.side, Side::kServer);
  EXPECT_EQ(at.at, at_ms(11));
  EXPECT_EQ(at.state, tcp::State::kEstablished);
}

TEST_F(FullScenario, DeliveredByHostName) {
  const auto& d = expect<ExpectDelivered>(2);
  EXPECT_EQ(d.to, Side::kClient);
  EXPECT_EQ(d.data.size(), 100000u);
  EXPECT_TRUE(d.intact);
  EXPECT_EQ(expect<ExpectDelivered>(3).data.bytes, (std::vector<std::uint8_t>{'q'}));
}

TEST_F(FullScenario, AlertsAndArpCache) {
  const auto& a = expect<ExpectAlerts>(4);
  ASSERT_EQ(a.alerts.size(), 1u);
  EXPECT_EQ(a.alerts[0].rule, trace::AlertRule{arp::Rule::kMacChanged});
  EXPECT_EQ(a.alerts[0].mac, mac("02:00:00:00:00:66"));
  EXPECT_TRUE(expect<ExpectAlerts>(5).alerts.empty());
  const auto& c = expect<ExpectArpCache>(6);
  EXPECT_EQ(c.host, "client");
  ASSERT_EQ(c.entries.size(), 2u);
  EXPECT_EQ(c.entries[0].second, mac("02:00:00:00:00:02"));
  EXPECT_EQ(c.entries[1].first, ip("10.0.0.9"));
  EXPECT_FALSE(c.entries[1].second);
}

TEST_F(FullScenario, PacketsAndPattern) {
  const auto& p = expect<ExpectPackets>(7);
  EXPECT_EQ(p.min, 3u);
  EXPECT_EQ(p.max, 100u);
  ASSERT_TRUE(p.match);
  EXPECT_EQ(p.match->flags.bits, wire::TcpFlags::kSyn);
  EXPECT_EQ(expect<ExpectPackets>(8).count, 0u);
  const auto& pat = expect<ExpectPattern>(9);
  ASSERT_EQ(pat.lines.size(), 7u);
  EXPECT_EQ(pat.lines[0].options->mss, 1460);
  EXPECT_EQ(pat.lines[3].src.port, 40000);
  EXPECT_EQ(pat.lines[4].kind, PacketPattern::Kind::kArp);
  EXPECT_EQ(pat.lines[6].icmp, PacketPattern::IcmpKind::kEchoRequest);
}

TEST(Payload, CountMaterializesItsStreamFromItsOffset) {
  const std::uint64_t key = net::stream_key(7, 1);
  Payload p{Payload::Kind::kCount, {}, 28, key, 100};
  EXPECT_EQ(p.materialize(), net::stream_bytes(key, 100, 28));
  EXPECT_NE(p.materialize(), net::stream_bytes(key, 0, 28));
}

TEST_F(FullScenario, SendsContinueTheirDirectionsStream) {
  // Steps 2 and 3: the client's "hello" then 4 hex bytes; step 4: the server's 100000
  // generated bytes; steps 7 and 8: "q" then 10 generated bytes on one UDP flow.
  const auto& hello = step<Send>(2).data;
  const auto& hex = step<Send>(3).data;
  const auto& bulk = step<Send>(4).data;
  EXPECT_EQ(hello.stream_offset, 0u);
  EXPECT_EQ(hex.stream_offset, 5u);
  EXPECT_EQ(hex.stream_key, hello.stream_key);
  EXPECT_EQ(bulk.stream_offset, 0u);  // the server's direction has its own stream
  EXPECT_NE(bulk.stream_key, hello.stream_key);
  const auto& udp = step<UdpSend>(8).data;
  EXPECT_EQ(udp.stream_offset, 1u);
  EXPECT_EQ(udp.stream_key, step<UdpSend>(7).data.stream_key);
  EXPECT_NE(udp.stream_key, hello.stream_key);
  EXPECT_EQ(udp.materialize(), net::stream_bytes(udp.stream_key, 1, 10));
}

TEST(LoadGood, MinimalScenarioDefaults) {
  auto loaded = load_string(R"({"name": "m", "hosts": {"h": {"mac": "02:00:00:00:00:01", "ip": "10.1.2.3", "prefix": 16}}, "steps": []})", "m");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->seed, 1u);
  EXPECT_EQ(loaded->hosts[0].prefix_len, 16);
  EXPECT_FALSE(loaded->link.settings.latency);
  EXPECT_TRUE(loaded->expect.empty());
}

TEST(LoadGood, ConnectToAnAddressNoHostHas) {
  auto loaded = load_string(R"({"name": "m", "hosts": {"h": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.1"}},
    "steps": [{"at": "0ms", "host": "h", "connect": "10.0.0.99:80", "as": "c"}]})", "m");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  const auto& c = std::get<Connect>(loaded->steps[0].action);
  EXPECT_FALSE(c.to.host);
  EXPECT_EQ(c.to.ip, ip("10.0.0.99"));
  EXPECT_FALSE(loaded->conns.at("c").server_host);
}

}  // namespace
}  // namespace wirestate::scenario
