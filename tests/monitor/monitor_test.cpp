// Monitor unit tests on crafted frames: naming, events, malformed frames, checksums,
// fragments (reassembly and overlap alert), ARP alerts, bounded tables, packet events.
#include <gtest/gtest.h>

#include "monitor/monitor_support.hpp"
#include "wirestate/net/checksum.hpp"
#include "wirestate/wire/lengths.hpp"
#include "wirestate/wire/tcp.hpp"

namespace wirestate::monitor::testing {
namespace {

const net::MacAddr kMac1({0x02, 0, 0, 0, 0, 0x01});
const net::MacAddr kMac2({0x02, 0, 0, 0, 0, 0x02});
const net::MacAddr kMac66({0x02, 0, 0, 0, 0, 0x66});

template <class T>
std::vector<T> of_kind(const std::vector<trace::Event>& events) {
  std::vector<T> out;
  for (const auto& e : events) {
    if (const auto* b = std::get_if<T>(&e.body)) out.push_back(*b);
  }
  return out;
}

TEST(Monitor, NamesTheConnectionClientFirstAndReportsObserverStates) {
  Monitor m;
  Crafter c;
  std::vector<trace::Event> ev;
  c.feed(m, c.tcp(true, "S", 1000, 0), 0, ev);
  c.feed(m, c.tcp(false, "S.", 5000, 1001), 1, ev);
  c.feed(m, c.tcp(true, ".", 1001, 5001), 2, ev);
  const auto states = of_kind<trace::TcpStateEvent>(ev);
  ASSERT_FALSE(states.empty());
  for (const auto& s : states) {
    EXPECT_EQ(s.conn.endpoints_text(), "10.0.0.1:40000-10.0.0.2:80");
    EXPECT_EQ(s.conn.name, trace::kUnnamed);
    EXPECT_EQ(s.origin, trace::Origin::kObserver);
    EXPECT_EQ(s.endpoint().to_string(), s.side == net::Side::kClient ? "10.0.0.1:40000" : "10.0.0.2:80");
  }
  const auto client = state_events(ev, "10.0.0.1:40000-10.0.0.2:80", net::Side::kClient);
  ASSERT_FALSE(client.empty());
  EXPECT_EQ(client.back().to, tcp::State::kEstablished);
  EXPECT_EQ(client.back().packet, 2U);  // the client learns of the SYN-ACK at packet 2
}

TEST(Monitor, SynAckSeenFirstMakesItsReceiverTheClient) {
  Monitor m;
  Crafter c;
  std::vector<trace::Event> ev;
  c.feed(m, c.tcp(false, "S.", 5000, 1001), 0, ev);
  c.feed(m, c.tcp(true, ".", 1001, 5001), 1, ev);
  const auto conns = m.connections();
  ASSERT_EQ(conns.size(), 1U);
  EXPECT_EQ(conns[0].client.port, 40000);
  for (const auto& s : of_kind<trace::TcpStateEvent>(ev)) EXPECT_EQ(s.conn.endpoints_text(), "10.0.0.1:40000-10.0.0.2:80");
}

TEST(Monitor, TruncatedIpv4HeaderIsCountedAsMalformedNotFatal) {
  Monitor m;
  Crafter c;
  std::vector<trace::Event> ev;
  auto frame = c.tcp(true, "S", 1000, 0);
  frame.resize(14 + 12);  // Ethernet + 12 bytes of a 20-byte IPv4 header
  c.feed(m, frame, 0, ev);
  EXPECT_EQ(m.counters().malformed, 1U);
  EXPECT_EQ(m.counters().malformed_by_kind.count("ipv4.truncated"), 1U);
  const auto anomalies = of_kind<trace::AnomalyEvent>(ev);
  ASSERT_EQ(anomalies.size(), 1U);
  EXPECT_EQ(anomalies[0].name, "malformed");
  EXPECT_EQ(anomalies[0].packet, 1U);
  EXPECT_TRUE(m.connections().empty());
}

// A SYN whose TCP checksum is corrupted, fed to a monitor with the given checksum policy:
// the events it caused.
std::vector<trace::Event> feed_corrupted_syn(Monitor& m) {
  Crafter c;
  std::vector<trace::Event> ev;
  auto syn = c.tcp(true, "S", 1000, 0);
  syn[14 + 20 + 16] ^= 0xff;  // corrupt the TCP checksum
  c.feed(m, syn, 0, ev);
  return ev;
}

bool flags_bad_checksum(const std::vector<trace::Event>& ev) {
  const auto anomalies = of_kind<trace::AnomalyEvent>(ev);
  return std::any_of(anomalies.begin(), anomalies.end(), [](const auto& a) { return a.name == "bad_checksum"; });
}

// As Wireshark and tcpdump by default: flagged and counted, and still moves state (a capture
// on the sender sees segments before checksum offload fills them in).
TEST(Monitor, BadTcpChecksumIsFlaggedAndStillMovesState) {
  Monitor m;
  const auto ev = feed_corrupted_syn(m);
  EXPECT_EQ(m.counters().malformed, 1U);
  EXPECT_FALSE(of_kind<trace::TcpStateEvent>(ev).empty());
  EXPECT_TRUE(flags_bad_checksum(ev));
  ASSERT_EQ(m.checksum_senders().senders().size(), 1U);
  EXPECT_EQ(m.checksum_senders().senders()[0].bad, 1U);
}

TEST(Monitor, BadTcpChecksumMovesNoStateWhenEnforced) {
  Monitor m(MonitorConfig{.checksums = ChecksumPolicy::kEnforce});
  const auto ev = feed_corrupted_syn(m);
  EXPECT_TRUE(of_kind<trace::TcpStateEvent>(ev).empty());
  EXPECT_TRUE(flags_bad_checksum(ev));
}

TEST(Monitor, SkippedChecksumsAreNeitherVerifiedNorCounted) {
  Monitor m(MonitorConfig{.checksums = ChecksumPolicy::kSkip});
  const auto ev = feed_corrupted_syn(m);
  EXPECT_EQ(m.counters().malformed, 0U);
  EXPECT_FALSE(of_kind<trace::TcpStateEvent>(ev).empty());
  EXPECT_FALSE(flags_bad_checksum(ev));
  EXPECT_TRUE(m.checksum_senders().senders().empty());
}

TEST(ChecksumSenders, MostlyBadSenderIsAnOffloadSuspectAndItsPeerIsNot) {
  ChecksumSenders t;
  const auto a = *net::IpAddr::parse("10.0.0.1");
  const auto b = *net::IpAddr::parse("10.0.0.2");
  for (int i = 0; i < 5; ++i) t.add(a, i != 0);  // 4 of 5 bad
  for (int i = 0; i < 5; ++i) t.add(b, i == 0);  // 1 of 5 bad
  const auto suspects = t.offload_suspects();
  ASSERT_EQ(suspects.size(), 1U);
  EXPECT_EQ(suspects[0].sender, a);
  EXPECT_EQ(suspects[0].bad, 4U);
}

TEST(ChecksumSenders, TableIsBoundedAndCountsWhatItDropped) {
  ChecksumSenders t;
  for (std::uint32_t i = 0; i < ChecksumSenders::kMaxSenders + 3; ++i) {
    t.add(net::IpAddr(net::Ipv4Addr(10, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i))), true);
  }
  EXPECT_EQ(t.senders().size(), ChecksumSenders::kMaxSenders);
  EXPECT_EQ(t.untracked(), 3U);
}

// The TCP SYN 10.0.0.1.40000 > 10.0.0.2.80 with 40 bytes of payload, as IPv4 fragments
// at the given byte offsets (multiples of 8) and lengths.
std::vector<std::vector<std::uint8_t>> fragments(std::vector<std::pair<std::uint16_t, std::uint16_t>> pieces) {
  wire::TcpRepr t;
  t.src_port = 40000;
  t.dst_port = 80;
  t.seq = net::SeqNum(1000);
  t.flags = flags_of("S");
  t.window = 1024;
  const std::vector<std::uint8_t> data(40, 0x42);
  const auto segment = wire::build_tcp(t, data, net::Ipv4Addr(10, 0, 0, 1), net::Ipv4Addr(10, 0, 0, 2));
  std::vector<std::vector<std::uint8_t>> out;
  for (const auto& [offset, len] : pieces) {
    wire::Ipv4Repr ip;
    ip.src = net::Ipv4Addr(10, 0, 0, 1);
    ip.dst = net::Ipv4Addr(10, 0, 0, 2);
    ip.protocol = wire::IpProtocol::kTcp;
    ip.id = 0x1234;
    ip.frag_offset = static_cast<std::uint16_t>(offset / 8);
    ip.more_fragments = offset + len < segment.size();
    const std::vector<std::uint8_t> part(segment.begin() + offset, segment.begin() + offset + len);
    const auto packet = wire::build_ipv4_packet(ip, part);
    out.push_back(wire::ethernet_frame({kMac1, kMac2, {}, false}, 0x0800, packet));
  }
  return out;
}

TEST(Monitor, FragmentedSynIsReassembledAndTracked) {
  Monitor m;
  Crafter c;
  std::vector<trace::Event> ev;
  for (const auto& f : fragments({{0, 24}, {24, 16}, {40, 20}})) c.feed(m, f, 0, ev);
  EXPECT_EQ(m.counters().fragments, 3U);
  EXPECT_EQ(m.counters().reassembled, 1U);
  const auto conns = m.connections();
  ASSERT_EQ(conns.size(), 1U);
  EXPECT_EQ(conns[0].client_to_server.bytes, 40U);  // the payload of the whole datagram
  EXPECT_EQ(conns[0].client_states.back(), tcp::State::kSynSent);
  EXPECT_EQ(m.counters().malformed, 0U);
}

TEST(Monitor, OverlappingFragmentsRaiseAnAlertAndDropTheDatagram) {
  Monitor m;
  Crafter c;
  std::vector<trace::Event> ev;
  for (const auto& f : fragments({{0, 24}, {16, 24}, {40, 20}})) c.feed(m, f, 0, ev);
  const auto alerts = of_kind<trace::AlertEvent>(ev);
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].rule, trace::AlertRule{trace::IpRule::kFragmentOverlap});
  EXPECT_EQ(alerts[0].severity, trace::Severity::kWarning);
  EXPECT_EQ(alerts[0].packet, 2U);
  EXPECT_EQ(m.ip_alerts(), 1U);
  EXPECT_EQ(m.counters().reassembled, 0U);
  EXPECT_TRUE(m.connections().empty());
}

TEST(Monitor, FragmentSetsLeftIncompleteTimeOutAtFinish) {
  Monitor m;
  Crafter c;
  std::vector<trace::Event> ev;
  c.feed(m, fragments({{0, 24}})[0], 0, ev);
  m.finish(net::Time::from_ns(0) + net::Duration::seconds(31), ev);
  const auto anomalies = of_kind<trace::AnomalyEvent>(ev);
  ASSERT_EQ(anomalies.size(), 1U);
  EXPECT_EQ(anomalies[0].name, "ip_fragment_timeout");
}

std::vector<std::uint8_t> arp_reply(net::MacAddr sender, net::Ipv4Addr ip, net::MacAddr target, net::Ipv4Addr tip) {
  wire::ArpRepr a;
  a.op = wire::ArpOp::kReply;
  a.sender_mac = sender;
  a.sender_ip = ip;
  a.target_mac = target;
  a.target_ip = tip;
  return wire::build_arp_frame({sender, target, {}, false}, a);
}

TEST(Monitor, ArpFramesReachTheSpoofDetector) {
  Monitor m;
  Crafter c;
  std::vector<trace::Event> ev;
  const net::Ipv4Addr gw(10, 0, 0, 2);
  const net::Ipv4Addr victim(10, 0, 0, 1);
  c.feed(m, arp_reply(kMac2, gw, kMac1, victim), 0, ev);
  c.feed(m, arp_reply(kMac66, gw, kMac1, victim), 1000, ev);  // forged: gateway's IP, attacker's MAC
  const auto& alerts = m.arp_alerts();
  EXPECT_TRUE(std::any_of(alerts.begin(), alerts.end(), [&](const arp::Alert& a) {
    return a.rule == arp::Rule::kMacChanged && a.packet == 2 && a.old_mac == kMac2 && a.new_mac == kMac66;
  }));
  const auto events = of_kind<trace::AlertEvent>(ev);
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const auto& a) { return a.rule == trace::AlertRule{arp::Rule::kMacChanged}; }));
  EXPECT_EQ(m.counters().arp, 2U);
}

TEST(Monitor, ConnectionTableStaysAtItsCapAndEvictionsAreEvents) {
  MonitorConfig config;
  config.observer.max_connections = 2;
  Monitor m(config);
  Crafter c;
  std::vector<trace::Event> ev;
  for (std::uint16_t i = 0; i < 5; ++i) c.feed(m, c.tcp(true, "S", 1000, 0, {}, 40000 + i), i, ev);
  EXPECT_EQ(m.observer().size(), 2U);
  const auto anomalies = of_kind<trace::AnomalyEvent>(ev);
  EXPECT_EQ(std::count_if(anomalies.begin(), anomalies.end(), [](const auto& a) { return a.name == "connection_evicted"; }),
            3);
  // Evicted connections are still reported, in id order.
  const auto conns = m.connections();
  ASSERT_EQ(conns.size(), 5U);
  for (std::size_t i = 0; i < conns.size(); ++i) EXPECT_EQ(conns[i].id, i + 1);
}

TEST(Monitor, FinishedConnectionsBeyondTheKeepLimitAreOnlyCounted) {
  MonitorConfig config;
  config.observer.max_connections = 1;
  config.max_kept_connections = 2;
  Monitor m(config);
  Crafter c;
  std::vector<trace::Event> ev;
  for (std::uint16_t i = 0; i < 5; ++i) c.feed(m, c.tcp(true, "S", 1000, 0, {}, 40000 + i), i, ev);
  m.finish(net::Time::from_ns(10'000'000), ev);
  EXPECT_EQ(m.connections().size(), 2U);
  EXPECT_EQ(m.counters().connections_not_kept, 3U);
}

TEST(Monitor, UdpFlowsCountBothDirectionsAndStayBounded) {
  MonitorConfig config;
  config.max_udp_flows = 2;
  Monitor m(config);
  Crafter c;
  std::vector<trace::Event> ev;
  c.feed(m, c.udp(true, 30), 0, ev);
  c.feed(m, c.udp(false, 100), 1, ev);
  c.feed(m, c.udp(true, 10), 2, ev);
  for (std::uint16_t p = 1; p <= 3; ++p) c.feed(m, c.udp(true, 5, 6000 + p), 3 + p, ev);
  EXPECT_EQ(m.udp_table().size(), 2U);
  EXPECT_EQ(m.udp_table().evictions(), 2U);
  const auto flows = m.udp_flows();
  ASSERT_EQ(flows.size(), 4U);
  EXPECT_EQ(flows[0].client.port, 5353);
  EXPECT_EQ(flows[0].client_to_server.packets, 2U);
  EXPECT_EQ(flows[0].client_to_server.bytes, 40U);
  EXPECT_EQ(flows[0].server_to_client.packets, 1U);
  EXPECT_EQ(flows[0].server_to_client.bytes, 100U);
}

TEST(Monitor, PacketEventsUseTheSummarizerWhenEnabled) {
  MonitorConfig config;
  config.packet_events = true;
  config.summarize = [](const FrameIn& f, const wire::DecodedPacket& d) {
    return "frame " + std::to_string(f.number) + (d.tcp ? " tcp" : "");
  };
  Monitor m(config);
  Crafter c;
  std::vector<trace::Event> ev;
  c.feed(m, c.tcp(true, "S", 1000, 0), 0, ev);
  const auto packets = of_kind<trace::PacketEvent>(ev);
  ASSERT_EQ(packets.size(), 1U);
  EXPECT_EQ(packets[0].summary, "frame 1 tcp");
  EXPECT_EQ(packets[0].from, "10.0.0.1");
  EXPECT_EQ(packets[0].to, "10.0.0.2");
  EXPECT_EQ(packets[0].number, 1U);
}

TEST(Monitor, PacketEventsAreOffByDefault) {
  Monitor m;
  Crafter c;
  std::vector<trace::Event> ev;
  c.feed(m, c.tcp(true, "S", 1000, 0), 0, ev);
  EXPECT_TRUE(of_kind<trace::PacketEvent>(ev).empty());
}

TEST(Monitor, TimeWaitExpiresOnALaterFrameOfAnyKind) {
  MonitorConfig config;
  config.observer.msl = net::Duration::seconds(1);
  Monitor m(config);
  Crafter c;
  std::vector<trace::Event> ev;
  c.feed(m, c.tcp(true, "S", 1000, 0), 0, ev);
  c.feed(m, c.tcp(false, "S.", 5000, 1001), 1, ev);
  c.feed(m, c.tcp(true, ".", 1001, 5001), 2, ev);
  c.feed(m, c.tcp(true, "F.", 1001, 5001), 3, ev);
  c.feed(m, c.tcp(false, ".", 5001, 1002), 4, ev);
  c.feed(m, c.tcp(false, "F.", 5001, 1002), 5, ev);
  c.feed(m, c.tcp(true, ".", 1002, 5002), 6, ev);
  const auto before = state_events(ev, "10.0.0.1:40000-10.0.0.2:80", net::Side::kClient);
  ASSERT_FALSE(before.empty());
  ASSERT_EQ(before.back().to, tcp::State::kTimeWait);
  c.feed(m, c.udp(true, 1), 3000, ev);  // 3 s later: 2·MSL has passed
  const auto after = state_events(ev, "10.0.0.1:40000-10.0.0.2:80", net::Side::kClient);
  ASSERT_EQ(after.size(), before.size() + 1);
  EXPECT_EQ(after.back().to, tcp::State::kClosed);
  EXPECT_EQ(after.back().packet, 0U);  // a timer, not a packet
}

}  // namespace
}  // namespace wirestate::monitor::testing

namespace wirestate::monitor::testing {
namespace {

// An IPv4 total length that claims more than the frame holds (29,440 bytes in a frame
// with 33 bytes of TCP data): analyze counts the bytes present, as decode prints tcp.len
// and tshark does; a snapshot-length cut (wire length larger than the captured bytes) is
// not a short segment.
TEST(Monitor, TotalLengthBeyondTheFrameCountsTheBytesPresent) {
  Crafter c;
  Monitor m;
  std::vector<trace::Event> ev;
  c.feed(m, c.tcp(true, "S", 1000, 0), 0, ev);
  c.feed(m, c.tcp(false, "S.", 5000, 1001), 1, ev);
  c.feed(m, c.tcp(true, ".", 1001, 5001), 2, ev);
  auto data = c.tcp(true, "P.", 1001, 5001, std::vector<std::uint8_t>(33, 'x'));
  data[14 + 2] = 0x73;  // total length 0x7300 = 29,440
  data[14 + 3] = 0x00;
  data[14 + 10] = data[14 + 11] = 0;  // a header checksum that holds for the new length
  const std::uint16_t sum = net::internet_checksum(std::span<const std::uint8_t>(data.data() + 14, 20));
  data[14 + 10] = static_cast<std::uint8_t>(sum >> 8);
  data[14 + 11] = static_cast<std::uint8_t>(sum & 0xff);
  const auto decoded = wire::decode(data, wire::LinkType::kEthernet, static_cast<std::uint32_t>(data.size()));
  ASSERT_TRUE(decoded.tcp.has_value());
  EXPECT_EQ(wire::tcp_payload_length(decoded), 33U);
  c.feed(m, data, 3, ev);
  // The same 33 bytes cut by a snapshot length: the wire held them all.
  auto cut = c.tcp(true, "P.", 1034, 5001, std::vector<std::uint8_t>(33, 'y'));
  FrameIn f;
  f.data = net::Bytes(cut.data(), cut.size() - 20);
  f.wire_len = static_cast<std::uint32_t>(cut.size());
  f.number = ++c.packets;
  f.time = net::Time() + net::Duration::milliseconds(4);
  m.on_frame(f, ev);
  const auto conns = m.connections();
  ASSERT_EQ(conns.size(), 1U);
  EXPECT_EQ(conns[0].client_to_server.bytes, 66U);
}

}  // namespace
}  // namespace wirestate::monitor::testing
