// decode() for each link type, VLAN/QinQ, LLC/SNAP and snaplen cuts (IPv6 under every link
// type: decode_ipv6_test.cpp).
#include <gtest/gtest.h>

#include "wire/hex.hpp"
#include "wire/decode_support.hpp"
#include "wirestate/wire/decode.hpp"
#include "wirestate/wire/frame_builder.hpp"

namespace wirestate::wire {
namespace {

using test::from_hex;

std::vector<std::uint8_t> ip_packet() {  // the kernel UDP datagram without Ethernet
  const auto f = from_hex(test::kUdpFrame);
  return {f.begin() + 14, f.end()};
}

using test::concat;
using test::decode_frame;

void expect_udp_hello(const DecodedPacket& d, std::size_t network_offset) {
  ASSERT_TRUE(d.ipv4);
  ASSERT_TRUE(d.udp);
  EXPECT_FALSE(d.malformed()) << to_string(d.malformations[0].error);
  EXPECT_EQ(d.network_offset, network_offset);
  EXPECT_EQ(d.transport_offset, network_offset + 20);
  EXPECT_EQ(d.ethertype, EtherType::kIpv4);
  EXPECT_EQ(d.udp->dst_port(), 47000);
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kGood);
  EXPECT_EQ(std::string(d.payload.begin(), d.payload.end()), "udp hello\n");
}

TEST(DecodeLink, Ethernet) {
  const auto frame = from_hex(test::kUdpFrame);
  const auto d = decode_frame(frame, LinkType::kEthernet);
  ASSERT_TRUE(d.ethernet);
  expect_udp_hello(d, 14);
}

TEST(DecodeLink, LinuxCookedV1) {
  // pkttype 4 (outgoing), ARPHRD_ETHER, addr len 6, addr, 2 pad, protocol 0x0800
  const auto f = concat(from_hex("0004 0001 0006 020000000001 0000 0800"), ip_packet());
  const auto d = decode_frame(f, LinkType::kLinuxSll);
  ASSERT_TRUE(d.sll);
  EXPECT_EQ(d.sll->packet_type, 4);
  EXPECT_EQ(d.sll->arphrd_type, 1);
  EXPECT_EQ(d.sll->address.size(), 6u);
  expect_udp_hello(d, 16);
}

TEST(DecodeLink, LinuxCookedV2) {
  // protocol 0x0800, reserved, ifindex 3, ARPHRD_ETHER, pkttype 0, addr len 6, addr[8]
  const auto f = concat(from_hex("0800 0000 00000003 0001 00 06 020000000002 0000"), ip_packet());
  const auto d = decode_frame(f, LinkType::kLinuxSll2);
  ASSERT_TRUE(d.sll);
  EXPECT_EQ(d.sll->interface_index, 3u);
  EXPECT_EQ(d.sll->packet_type, 0);
  expect_udp_hello(d, 20);
}

TEST(DecodeLink, LinuxCookedShort) {
  const auto frame = from_hex("0004 0001 0006");
  const auto d = decode_frame(frame, LinkType::kLinuxSll);
  ASSERT_EQ(d.malformations.total(), 1u);
  EXPECT_EQ(d.malformations[0].layer, Layer::kLink);
  EXPECT_EQ(d.malformations[0].error, Error::kTruncated);
}

TEST(DecodeLink, RawIpv4UnderEveryNumber) {
  for (auto link : {LinkType::kRawLinux, LinkType::kRawOpenBsd, LinkType::kRaw, LinkType::kIpv4}) {
    SCOPED_TRACE(static_cast<int>(link));
    const auto frame = ip_packet();
    expect_udp_hello(decode_frame(frame, link), 0);
  }
}

TEST(DecodeLink, BsdLoopbackHostOrder) {
  const auto frame = concat(from_hex("02000000"), ip_packet());
  expect_udp_hello(decode_frame(frame, LinkType::kNull), 4);
  // A big-endian capture host writes 00 00 00 02.
  const auto frame2 = concat(from_hex("00000002"), ip_packet());
  const auto d = decode_frame(frame2, LinkType::kNull);
  EXPECT_EQ(d.loopback_family, 2u);
  expect_udp_hello(d, 4);
}

TEST(DecodeLink, BsdLoopbackNetworkOrder) {
  const auto frame = concat(from_hex("00000002"), ip_packet());
  expect_udp_hello(decode_frame(frame, LinkType::kLoop), 4);
}

TEST(DecodeLink, QinQTagsAreListedOutermostFirst) {
  EthernetSpec eth;
  eth.vlans = {VlanSpec{EtherType::kQinQ, 100, 3, false}, VlanSpec{EtherType::kVlan, 200, 0, true}};
  const auto frame = ethernet_frame(eth, EtherType::kIpv4, ip_packet());
  const auto d = decode_frame(frame, LinkType::kEthernet);
  ASSERT_EQ(d.vlan_count, 2);
  EXPECT_EQ(d.vlan[0].tpid, EtherType::kQinQ);
  EXPECT_EQ(d.vlan[0].vid(), 100);
  EXPECT_EQ(d.vlan[0].pcp(), 3);
  EXPECT_EQ(d.vlan[1].vid(), 200);
  EXPECT_TRUE(d.vlan[1].dei());
  expect_udp_hello(d, 22);
}

TEST(DecodeLink, OldQinQTpid) {
  EthernetSpec eth;
  eth.vlans = {VlanSpec{EtherType::kQinQOld, 5, 0, false}};
  const auto frame = ethernet_frame(eth, EtherType::kIpv4, ip_packet());
  const auto d = decode_frame(frame, LinkType::kEthernet);
  ASSERT_EQ(d.vlan_count, 1);
  expect_udp_hello(d, 18);
}

TEST(DecodeLink, SnapCarriesArp) {
  // 802.3 length 36 = LLC/SNAP (8) + ARP (28); AA AA 03, OUI 000000, type 0x0806
  const auto arp = from_hex(test::kArpRequestFrame);
  auto f = concat(from_hex("ffffffffffff 020000000001 0024 aaaa03 000000 0806"),
                  std::vector<std::uint8_t>(arp.begin() + 14, arp.end()));
  f.resize(60, 0);  // Ethernet padding after the LLC frame is ignored
  const auto d = decode_frame(f, LinkType::kEthernet);
  ASSERT_TRUE(d.llc);
  EXPECT_TRUE(d.llc->is_snap());
  ASSERT_TRUE(d.arp);
  EXPECT_FALSE(d.malformed());
  EXPECT_EQ(d.network_offset, 22u);
  EXPECT_EQ(d.arp->to_repr()->target_ip, net::Ipv4Addr(10, 77, 0, 2));
}

TEST(DecodeLink, PlainLlcIsNotDecoded) {
  // Spanning tree: DSAP 0x42, SSAP 0x42, UI
  const auto f = from_hex("0180c2000000 020000000001 0026 424203 0000 0000");
  const auto d = decode_frame(f, LinkType::kEthernet);
  ASSERT_TRUE(d.llc);
  EXPECT_FALSE(d.llc->is_snap());
  EXPECT_EQ(d.not_decoded, NotDecoded::kOtherEthertype);
}

TEST(DecodeLink, CaplenBelowWireLenCutsPayloadWithoutMalformation) {
  auto f = from_hex(test::kUdpFrame);
  const auto wire_len = static_cast<std::uint32_t>(f.size());
  f.resize(f.size() - 4);  // snaplen cut 4 payload bytes
  const auto d = decode(f, LinkType::kEthernet, wire_len);
  EXPECT_TRUE(d.truncated);
  EXPECT_EQ(d.caplen + 4, d.wire_len);
  ASSERT_TRUE(d.udp);
  EXPECT_TRUE(d.ipv4->is_cut());
  EXPECT_EQ(d.payload.size(), 6u);
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kUnverified);
  EXPECT_FALSE(d.malformed());
}

TEST(DecodeLink, NonFirstFragmentStopsAtIpv4) {
  Ipv4Repr ip;
  ip.src = net::Ipv4Addr(10, 0, 0, 1);
  ip.dst = net::Ipv4Addr(10, 0, 0, 2);
  ip.protocol = IpProtocol::kUdp;
  ip.frag_offset = 185;  // byte 1480
  const std::vector<std::uint8_t> data(100, 0xab);
  const auto frame = ethernet_frame({}, EtherType::kIpv4, build_ipv4_packet(ip, data));
  const auto d = decode_frame(frame, LinkType::kEthernet);
  ASSERT_TRUE(d.ipv4);
  EXPECT_EQ(d.ipv4->frag_offset_bytes(), 1480u);
  EXPECT_FALSE(d.udp);
  EXPECT_EQ(d.not_decoded, NotDecoded::kFragment);
  EXPECT_FALSE(d.malformed());
}

TEST(DecodeLink, UnknownIpProtocolIsKept) {
  Ipv4Repr ip;
  ip.protocol = 47;  // GRE
  const auto frame = ethernet_frame({}, EtherType::kIpv4, build_ipv4_packet(ip, {}));
  const auto d = decode_frame(frame, LinkType::kEthernet);
  ASSERT_TRUE(d.ipv4);
  EXPECT_EQ(d.ipv4->protocol(), 47);
  EXPECT_EQ(d.not_decoded, NotDecoded::kOtherIpProtocol);
  EXPECT_FALSE(d.malformed());
}

}  // namespace
}  // namespace wirestate::wire
