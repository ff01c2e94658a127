// Builders are byte-exact: decode(build(x)) == x for every owned header type.
#include <gtest/gtest.h>

#include "wire/decode_support.hpp"
#include "wirestate/wire/decode.hpp"
#include "wirestate/wire/frame_builder.hpp"

namespace wirestate::wire {
namespace {

const net::MacAddr kMac0a({0x02, 0, 0, 0, 0, 0x0a});
const net::MacAddr kMac0b({0x02, 0, 0, 0, 0, 0x0b});

Ipv4Repr base_ip() {
  Ipv4Repr ip;
  ip.src = net::Ipv4Addr(192, 168, 1, 10);
  ip.dst = net::Ipv4Addr(192, 168, 1, 20);
  ip.ttl = 63;
  ip.id = 0x1234;
  ip.dscp = 46;
  ip.ecn = 2;
  ip.dont_fragment = true;
  return ip;
}

using test::decode_frame;

TEST(RoundTrip, TcpWithEveryOptionAndFlag) {
  TcpRepr t;
  t.src_port = 40000;
  t.dst_port = 8000;
  t.seq = net::SeqNum(0xfffffff0U);
  t.ack = net::SeqNum(77);
  t.flags.bits = 0x1ff;  // all nine incl. ECE, CWR, AE
  t.window = 512;
  t.urgent = 3;
  t.options.mss = 1400;
  t.options.window_scale = 7;
  t.options.sack_permitted = true;
  t.options.timestamps = TcpTimestamps{11, 22};
  const std::vector<std::uint8_t> payload = {'h', 'i'};
  const auto f = build_tcp_frame({kMac0a, kMac0b, {}, false}, base_ip(), t, payload);
  const auto d = decode_frame(f);
  ASSERT_TRUE(d.tcp);
  EXPECT_FALSE(d.malformed());
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kGood);
  EXPECT_EQ(d.tcp->to_repr(), t);
  EXPECT_EQ(std::vector<std::uint8_t>(d.payload.begin(), d.payload.end()), payload);
  auto ip = base_ip();
  ip.protocol = IpProtocol::kTcp;
  ip.payload_len = static_cast<std::uint16_t>(d.ipv4->payload().size());
  EXPECT_EQ(to_repr(*d.ipv4), ip);
}

TEST(RoundTrip, TcpSackBlocksAndUnknownOption) {
  TcpRepr t;
  t.flags.bits = TcpFlags::kAck;
  t.options.timestamps = TcpTimestamps{1, 2};
  t.options.sack = {{net::SeqNum(100), net::SeqNum(200)}, {net::SeqNum(300), net::SeqNum(400)}};
  t.options.unknown = {RawTcpOption{30, {0xaa, 0xbb}}};
  const auto f = build_tcp_frame({}, base_ip(), t, {});
  const auto d = decode_frame(f);
  ASSERT_TRUE(d.tcp);
  EXPECT_FALSE(d.malformed());
  EXPECT_EQ(d.tcp->to_repr(), t);
  EXPECT_EQ(d.tcp->header_len() % 4, 0u);
}

TEST(RoundTrip, TcpOptionsThatDoNotFitAreDropped) {
  TcpRepr t;
  t.options.timestamps = TcpTimestamps{1, 2};
  for (std::uint32_t i = 0; i < 4; ++i) t.options.sack.push_back({net::SeqNum(i * 10), net::SeqNum(i * 10 + 5)});
  EXPECT_LE(tcp_header_len(t), 60u);
  const auto frame = build_tcp_frame({}, base_ip(), t, {});
  const auto d = decode_frame(frame);
  ASSERT_TRUE(d.tcp);
  EXPECT_EQ(d.tcp->to_repr().options.sack.size(), 3u);  // 12 + 4 + 3*8 = 40
}

TEST(RoundTrip, Udp) {
  const std::vector<std::uint8_t> payload = {1, 2, 3};
  const auto f = build_udp_frame({kMac0a, kMac0b, {VlanSpec{EtherType::kVlan, 42, 5, false}}, false},
                                 base_ip(), UdpRepr{53, 5353}, payload);
  const auto d = decode_frame(f);
  ASSERT_TRUE(d.udp);
  EXPECT_FALSE(d.malformed());
  EXPECT_EQ(d.vlan[0].vid(), 42);
  EXPECT_EQ(to_repr(*d.udp), (UdpRepr{53, 5353}));
  EXPECT_EQ(d.udp->length(), 11);
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kGood);
}

TEST(RoundTrip, UdpWithoutChecksumIsUnverified) {
  const auto seg = build_udp(UdpRepr{1, 2}, {}, net::Ipv4Addr(1, 1, 1, 1), net::Ipv4Addr(2, 2, 2, 2), false);
  auto ip = base_ip();
  ip.protocol = IpProtocol::kUdp;
  const auto frame = ethernet_frame({}, EtherType::kIpv4, build_ipv4_packet(ip, seg));
  const auto d = decode_frame(frame);
  ASSERT_TRUE(d.udp);
  EXPECT_EQ(d.udp->checksum(), 0);
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kUnverified);
}

TEST(RoundTrip, IcmpEchoReply) {
  const auto icmp = IcmpRepr::echo_reply(7, 9, {1, 2, 3, 4, 5});
  const auto frame = build_icmp_frame({}, base_ip(), icmp);
  const auto d = decode_frame(frame);
  ASSERT_TRUE(d.icmp);
  EXPECT_FALSE(d.malformed());
  EXPECT_EQ(to_repr(*d.icmp), icmp);
  EXPECT_EQ(d.icmp->echo_id(), 7);
  EXPECT_EQ(d.icmp->echo_seq(), 9);
}

TEST(RoundTrip, IcmpTimeExceededQuotesTcp) {
  TcpRepr t;
  t.src_port = 1111;
  t.dst_port = 2222;
  const auto inner = build_tcp_packet(base_ip(), t, {});
  const std::vector<std::uint8_t> quoted(inner.begin(), inner.begin() + 28);
  const auto icmp = IcmpRepr::time_exceeded(0, quoted);
  const auto frame = build_icmp_frame({}, base_ip(), icmp);
  const auto d = decode_frame(frame);
  ASSERT_TRUE(d.icmp);
  EXPECT_FALSE(d.malformed());
  EXPECT_EQ(to_repr(*d.icmp), icmp);
  const auto ports = d.icmp->quoted_ports();
  ASSERT_TRUE(ports);
  EXPECT_EQ(ports->src_port, 1111);
  EXPECT_EQ(ports->dst_port, 2222);
}

TEST(RoundTrip, IcmpDestUnreachableWithMtu) {
  const auto icmp = IcmpRepr::dest_unreachable(4, std::vector<std::uint8_t>(28, 0), 1400);
  const auto frame = build_icmp_frame({}, base_ip(), icmp);
  const auto d = decode_frame(frame);
  ASSERT_TRUE(d.icmp);
  EXPECT_EQ(to_repr(*d.icmp), icmp);
  EXPECT_EQ(d.icmp->rest_of_header() & 0xffff, 1400u);
}

TEST(RoundTrip, Arp) {
  const ArpRepr arp{ArpOp::kReply, kMac0a, net::Ipv4Addr(10, 0, 0, 1), kMac0b, net::Ipv4Addr(10, 0, 0, 2)};
  const auto f = build_arp_frame({kMac0a, kMac0b, {}, true}, arp);
  EXPECT_EQ(f.size(), 60u);
  const auto d = decode_frame(f);
  ASSERT_TRUE(d.arp);
  EXPECT_FALSE(d.malformed());
  EXPECT_EQ(d.arp->to_repr(), arp);
}

TEST(RoundTrip, Ipv4OptionsRrTsRa) {
  auto ip = base_ip();
  ip.options.push_back(Ipv4OptionRepr::router_alert());
  ip.options.push_back(Ipv4OptionRepr{Ipv4OptionType::kNop, {}});
  ip.options.push_back(Ipv4OptionRepr::record_route(2));
  // RFC 791 TS, flag 1 (address + timestamp), one entry filled: pointer 13, length 20
  ip.options.push_back(Ipv4OptionRepr{Ipv4OptionType::kTs,
                                      {13, 0x31, 10, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0}});
  ip.protocol = 253;
  const auto pkt = build_ipv4_packet(ip, {});
  const auto v = Ipv4View::parse(pkt);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->checksum_ok());
  EXPECT_EQ(v->header_len(), 20u + 4 + 1 + 11 + 20 + 0);  // 56, already aligned
  ip.payload_len = 0;
  EXPECT_EQ(to_repr(*v), ip);
  auto it = v->option_iterator();
  Ipv4Option o;
  std::vector<std::uint8_t> types;
  while (it.next(o)) {
    types.push_back(o.type);
    EXPECT_FALSE(o.check()) << int(o.type);
    if (o.type == Ipv4OptionType::kRr) {
      EXPECT_EQ(o.pointer(), 4);
      EXPECT_EQ(o.route_count(), 2u);
    }
    if (o.type == Ipv4OptionType::kTs) {
      EXPECT_EQ(o.ts_overflow(), 3);
      EXPECT_EQ(o.ts_flag(), 1);
      ASSERT_EQ(o.ts_entry_count(), 2u);
      EXPECT_EQ(o.ts_entry(0).address, net::Ipv4Addr(10, 0, 0, 1));
      EXPECT_EQ(o.ts_entry(0).timestamp, 9u);
    }
  }
  EXPECT_FALSE(it.error());
  EXPECT_EQ(types, (std::vector<std::uint8_t>{148, 1, 7, 68}));
}

TEST(RoundTrip, Ipv4OptionsPaddedWithEol) {
  auto ip = base_ip();
  ip.options.push_back(Ipv4OptionRepr{Ipv4OptionType::kNop, {}});
  EXPECT_EQ(ip.header_len(), 24u);
  const auto pkt = build_ipv4_packet(ip, {});
  EXPECT_EQ(pkt[20], 1);
  EXPECT_EQ(pkt[21], 0);
  const auto v = Ipv4View::parse(pkt);
  ASSERT_TRUE(v);
  ip.payload_len = 0;
  EXPECT_EQ(to_repr(*v), ip);
}

TEST(RoundTrip, Ipv4BadRoutePointerIsFlagged) {
  auto ip = base_ip();
  auto rr = Ipv4OptionRepr::record_route(1);
  rr.data[0] = 2;  // pointer below 4
  ip.options.push_back(rr);
  ip.protocol = 253;
  const auto frame = ethernet_frame({}, EtherType::kIpv4, build_ipv4_packet(ip, {}));
  const auto d = decode_frame(frame);
  ASSERT_EQ(d.malformations.total(), 1u);
  EXPECT_EQ(d.malformations[0].error, Error::kBadOptionPointer);
  EXPECT_EQ(d.malformations[0].offset, 34u);
}

}  // namespace
}  // namespace wirestate::wire
