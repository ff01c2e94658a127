// decode() on IPv6: under every link type IPv4 has (Ethernet with 802.1Q/802.1ad, Linux cooked
// v1/v2, raw by version nibble, LINKTYPE_IPV6, BSD loopback with each AF_INET6 value), the
// extension chain, TCP/UDP/ICMPv6/NDP with their checksums, fragments, and one test per
// malformed case. The packets are built by scapy (an independent implementation).
#include <gtest/gtest.h>

#include "scapy_oracle.hpp"
#include "support/require.hpp"
#include "wire/decode_support.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::wire {
namespace {

using Frame = std::vector<std::uint8_t>;

using test::concat;
using test::decode_frame;

// The packets every test uses, made once by scapy (one python start for all of them).
struct Packets {
  Frame tcp;        // IPv6 / TCP SYN with MSS, 2001:db8::1.40000 > 2001:db8::2.80
  Frame udp;        // IPv6 / hop-by-hop / UDP with 5 bytes
  Frame ns;         // IPv6 / ICMPv6 neighbor solicitation with source link-layer address
  Frame first;      // IPv6 / fragment (offset 0, M) / UDP header + 16 bytes
  Frame later;      // IPv6 / fragment (offset 24, M clear) / 8 bytes
  Frame error;      // IPv6 / ICMPv6 port unreachable quoting IPv6 / UDP
  Frame ether;      // Ethernet / IPv6 / TCP (the same segment as tcp)
};

const Packets& packets() {
  static const Packets p = [] {
    const std::string ip = "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")";
    auto f = testing::scapy_batch({
        ip + "/TCP(sport=40000,dport=80,flags=\"S\",seq=1000,options=[(\"MSS\",1440)])",
        ip + "/IPv6ExtHdrHopByHop()/UDP(sport=5353,dport=53)/Raw(b\"hello\")",
        "IPv6(src=\"fe80::1\",dst=\"ff02::1:ff00:2\",hlim=255)/ICMPv6ND_NS(tgt=\"fe80::2\")/"
        "ICMPv6NDOptSrcLLAddr(lladdr=\"02:00:00:00:00:01\")",
        ip + "/IPv6ExtHdrFragment(m=1,offset=0,id=0x1234,nh=17)/"
             "Raw(bytes(UDP(sport=1,dport=2,len=32,chksum=0x1111))+b\"A\"*16)",
        ip + "/IPv6ExtHdrFragment(m=0,offset=3,id=0x1234,nh=17)/Raw(b\"B\"*8)",
        "IPv6(src=\"2001:db8::2\",dst=\"2001:db8::1\")/ICMPv6DestUnreach(code=4)/" + ip + "/UDP(sport=40000,dport=9)",
        "Ether(src=\"02:00:00:00:00:01\",dst=\"02:00:00:00:00:02\")/" + ip +
            "/TCP(sport=40000,dport=80,flags=\"S\",seq=1000,options=[(\"MSS\",1440)])",
    });
    Packets out{std::move(f[0]), std::move(f[1]), std::move(f[2]), std::move(f[3]),
                std::move(f[4]), std::move(f[5]), std::move(f[6])};
    return out;
  }();
  return p;
}

class DecodeIpv6 : public ::testing::Test {
 protected:
  void SetUp() override {
    // Asked only when the packets are missing: each python start costs about a second.
    if (packets().tcp.empty() && !testing::have_scapy()) {
      WIRESTATE_SKIP_UNLESS_REQUIRED() << "scapy is missing (apt-get install python3-scapy)";
    }
    for (const Frame* f : {&packets().tcp, &packets().udp, &packets().ns, &packets().first, &packets().later,
                           &packets().error, &packets().ether}) {
      ASSERT_FALSE(f->empty()) << "scapy did not build the packets";
    }
  }
};

void expect_tcp_syn(const DecodedPacket& d, std::size_t network_offset) {
  ASSERT_TRUE(d.ipv6);
  EXPECT_FALSE(d.malformed()) << to_string(d.malformations[0].layer) << " " << to_string(d.malformations[0].error);
  EXPECT_EQ(d.ethertype, EtherType::kIpv6);
  EXPECT_EQ(d.network_offset, network_offset);
  EXPECT_EQ(d.ipv6->src().to_string(), "2001:db8::1");
  EXPECT_EQ(d.ipv6->dst().to_string(), "2001:db8::2");
  EXPECT_EQ(d.ipv6_chain.count, 0);
  EXPECT_EQ(d.ipv6_chain.upper_protocol, Ipv6NextHeader::kTcp);
  ASSERT_TRUE(d.tcp);
  EXPECT_EQ(d.transport_offset, network_offset + 40);
  EXPECT_EQ(d.tcp->src_port(), 40000);
  EXPECT_EQ(d.tcp->dst_port(), 80);
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kGood);
  EXPECT_EQ(d.not_decoded, NotDecoded::kNone);
}

TEST_F(DecodeIpv6, EthernetAndVlanTags) {
  expect_tcp_syn(decode_frame(packets().ether, LinkType::kEthernet), 14);
  // 802.1ad outer + 802.1Q inner tag in front of the IPv6 EtherType.
  Frame tagged(packets().ether.begin(), packets().ether.begin() + 12);
  tagged.insert(tagged.end(), {0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0xc8, 0x86, 0xdd});
  tagged.insert(tagged.end(), packets().ether.begin() + 14, packets().ether.end());
  const auto d = decode_frame(tagged, LinkType::kEthernet);
  EXPECT_EQ(d.vlan_count, 2);
  expect_tcp_syn(d, 22);
}

TEST_F(DecodeIpv6, LinuxCookedV1AndV2) {
  const Frame sll1 = concat({0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x86, 0xdd}, packets().tcp);
  expect_tcp_syn(decode_frame(sll1, LinkType::kLinuxSll), 16);
  const Frame sll2 = concat({0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0}, packets().tcp);
  expect_tcp_syn(decode_frame(sll2, LinkType::kLinuxSll2), 20);
}

TEST_F(DecodeIpv6, RawByVersionNibbleAndLinktypeIpv6) {
  for (auto link : {LinkType::kRawLinux, LinkType::kRawOpenBsd, LinkType::kRaw, LinkType::kIpv6}) {
    SCOPED_TRACE(static_cast<int>(link));
    expect_tcp_syn(decode_frame(packets().tcp, link), 0);
  }
}

TEST_F(DecodeIpv6, BsdLoopbackWithEveryAfInet6Value) {
  for (std::uint8_t af : {24, 28, 30}) {  // NetBSD/OpenBSD, FreeBSD, macOS
    SCOPED_TRACE(static_cast<int>(af));
    const Frame host_order = concat({af, 0, 0, 0}, packets().tcp);
    const Frame network_order = concat({0, 0, 0, af}, packets().tcp);
    expect_tcp_syn(decode_frame(host_order, LinkType::kNull), 4);
    expect_tcp_syn(decode_frame(network_order, LinkType::kLoop), 4);
    EXPECT_EQ(decode_frame(host_order, LinkType::kNull).loopback_family, af);
  }
}

TEST_F(DecodeIpv6, UdpBehindAHopByHopHeader) {
  const auto d = decode_frame(packets().udp, LinkType::kRaw);
  ASSERT_TRUE(d.ipv6);
  EXPECT_FALSE(d.malformed());
  ASSERT_EQ(d.ipv6_chain.count, 1);
  EXPECT_EQ(d.ipv6_chain.types[0], Ipv6NextHeader::kHopByHop);
  EXPECT_EQ(d.ipv6_chain.offsets[0], 40);
  ASSERT_TRUE(d.udp);
  EXPECT_EQ(d.transport_offset, 48U);
  EXPECT_EQ(d.udp->dst_port(), 53);
  EXPECT_EQ(std::string(d.payload.begin(), d.payload.end()), "hello");
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kGood);
}

TEST_F(DecodeIpv6, NeighborSolicitationWithItsOption) {
  const auto d = decode_frame(packets().ns, LinkType::kRaw);
  ASSERT_TRUE(d.icmpv6);
  EXPECT_FALSE(d.malformed());
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kGood);
  ASSERT_TRUE(d.ndp);
  EXPECT_EQ(d.ndp->target()->to_string(), "fe80::2");
  EXPECT_EQ(d.ndp->source_link_addr()->to_string(), "02:00:00:00:00:01");
}

TEST_F(DecodeIpv6, FirstFragmentHasItsUdpHeaderLaterOnesDoNot) {
  const auto first = decode_frame(packets().first, LinkType::kRaw);
  ASSERT_TRUE(first.ipv6_chain.fragment);
  EXPECT_TRUE(first.ipv6_chain.fragment->more);
  EXPECT_EQ(first.ipv6_chain.fragment->identification, 0x1234U);
  ASSERT_TRUE(first.udp);
  EXPECT_EQ(first.udp->src_port(), 1);
  EXPECT_FALSE(first.malformed());  // length and checksum belong to the whole datagram
  EXPECT_EQ(first.transport_checksum, ChecksumStatus::kUnverified);
  const auto later = decode_frame(packets().later, LinkType::kRaw);
  EXPECT_FALSE(later.udp);
  EXPECT_EQ(later.not_decoded, NotDecoded::kFragment);
  EXPECT_EQ(later.ipv6_chain.fragment->offset_bytes(), 24U);
  EXPECT_FALSE(later.malformed());
}

TEST_F(DecodeIpv6, Icmpv6ErrorQuotesItsPacket) {
  const auto d = decode_frame(packets().error, LinkType::kRaw);
  ASSERT_TRUE(d.icmpv6);
  EXPECT_FALSE(d.malformed());
  EXPECT_EQ(d.icmpv6->quoted_ports()->dst_port, 9);
}

// --- malformed cases ---------------------------------------------------------------------

TEST_F(DecodeIpv6, BadTcpChecksumIsFlaggedAtItsOffset) {
  Frame f = packets().tcp;
  f[40 + 16] ^= 0xff;
  const auto d = decode_frame(f, LinkType::kRaw);
  ASSERT_EQ(d.malformations.size(), 1U);
  EXPECT_EQ(d.malformations[0].layer, Layer::kTcp);
  EXPECT_EQ(d.malformations[0].error, Error::kBadChecksum);
  EXPECT_EQ(d.malformations[0].offset, 56U);
  EXPECT_TRUE(d.tcp);  // still decoded
}

TEST_F(DecodeIpv6, BadIcmpv6ChecksumIsFlagged) {
  Frame f = packets().ns;
  f[43] ^= 0x01;
  const auto d = decode_frame(f, LinkType::kRaw);
  EXPECT_TRUE(d.malformations.contains(Error::kBadChecksum));
  EXPECT_EQ(d.malformations[0].layer, Layer::kIcmpv6);
  EXPECT_TRUE(d.ndp);
}

TEST_F(DecodeIpv6, ShortHeaderAndWrongVersion) {
  const Frame short_one(packets().tcp.begin(), packets().tcp.begin() + 39);
  const auto d = decode_frame(short_one, LinkType::kIpv6);
  EXPECT_FALSE(d.ipv6);
  ASSERT_EQ(d.malformations.size(), 1U);
  EXPECT_EQ(d.malformations[0].layer, Layer::kIpv6);
  EXPECT_EQ(d.malformations[0].error, Error::kTruncated);
  Frame v5 = packets().tcp;
  v5[0] = 0x50;
  const auto bad = decode_frame(v5, LinkType::kIpv6);
  EXPECT_EQ(bad.malformations[0].error, Error::kBadVersion);
}

TEST_F(DecodeIpv6, PayloadLengthBeyondTheFrameIsFlaggedUnlessTheSnaplenCutIt) {
  Frame f = packets().udp;
  f[5] += 10;  // 10 bytes more than are there
  const auto d = decode_frame(f, LinkType::kRaw);
  EXPECT_TRUE(d.malformations.contains(Error::kBadPayloadLength));
  EXPECT_EQ(d.malformations[0].offset, 4U);
  // The same bytes cut by a snaplen (wire length larger) are not a malformation of IPv6.
  const auto cut = decode(f, LinkType::kRaw, static_cast<std::uint32_t>(f.size() + 10));
  EXPECT_FALSE(cut.malformations.contains(Error::kBadPayloadLength));
}

TEST_F(DecodeIpv6, ExtensionHeaderPastThePacketIsTruncated) {
  Frame f = packets().udp;
  f[41] = 5;  // hop-by-hop claims 48 bytes
  const auto d = decode_frame(f, LinkType::kRaw);
  ASSERT_TRUE(d.ipv6);
  ASSERT_EQ(d.malformations.size(), 1U);
  EXPECT_EQ(d.malformations[0].layer, Layer::kIpv6Extension);
  EXPECT_EQ(d.malformations[0].error, Error::kTruncated);
  EXPECT_EQ(d.malformations[0].offset, 40U);
  EXPECT_FALSE(d.udp);
}

TEST_F(DecodeIpv6, ChainLongerThanTheBoundIsFlaggedAndCounted) {
  Frame f(packets().tcp.begin(), packets().tcp.begin() + 40);
  f[6] = Ipv6NextHeader::kDestinationOptions;
  for (int i = 0; i < 40; ++i) f.insert(f.end(), {Ipv6NextHeader::kDestinationOptions, 0, 1, 4, 0, 0, 0, 0});
  f[4] = static_cast<std::uint8_t>((40 * 8) >> 8);
  f[5] = static_cast<std::uint8_t>(40 * 8);
  const auto d = decode_frame(f, LinkType::kRaw);
  EXPECT_EQ(d.ipv6_chain.count, Ipv6ExtensionWalker::kMaxHeaders);
  ASSERT_EQ(d.malformations.size(), 1U);
  EXPECT_EQ(d.malformations[0].error, Error::kTooManyExtensionHeaders);
}

TEST_F(DecodeIpv6, NdpOptionOfLengthZeroIsFlagged) {
  Frame f = packets().ns;
  f[40 + 24 + 1] = 0;  // the source link-layer address option's length
  const auto d = decode_frame(f, LinkType::kRaw);
  EXPECT_TRUE(d.ndp);
  const bool found = std::any_of(d.malformations.begin(), d.malformations.end(), [](const Malformation& m) {
    return m.layer == Layer::kNdpOption && m.error == Error::kOptionLengthZero && m.offset == 64;  // the option's first byte
  });
  EXPECT_TRUE(found);
}

TEST_F(DecodeIpv6, NdpMessageShorterThanItsTypeIsFlagged) {
  Frame f(packets().ns.begin(), packets().ns.begin() + 40 + 20);
  f[5] = 20;
  const auto d = decode_frame(f, LinkType::kRaw);
  EXPECT_TRUE(d.icmpv6);
  EXPECT_FALSE(d.ndp);
  const bool found = std::any_of(d.malformations.begin(), d.malformations.end(), [](const Malformation& m) {
    return m.layer == Layer::kNdp && m.error == Error::kTruncated;
  });
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace wirestate::wire
