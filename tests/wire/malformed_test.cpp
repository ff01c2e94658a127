// One test per malformed class: decode() keeps what it decoded before the problem and
// names the layer, field, frame offset and error; nothing reads past the capture.
#include <gtest/gtest.h>

#include "wire/hex.hpp"
#include "wirestate/wire/decode.hpp"
#include "wirestate/wire/frame_builder.hpp"

namespace wirestate::wire {
namespace {

using test::from_hex;

// Decodes without checksum verification, so crafted edits flag only what they break.
DecodedPacket dec_unchecked(const std::vector<std::uint8_t>& frame, std::uint32_t wire_len = 0,
                  LinkType link = LinkType::kEthernet) {
  return decode(frame, link, wire_len ? wire_len : static_cast<std::uint32_t>(frame.size()),
                DecodeOptions{false});
}

// The views borrow the frame: a temporary frame would dangle.
DecodedPacket dec_unchecked(std::vector<std::uint8_t>&& frame, std::uint32_t wire_len = 0,
                  LinkType link = LinkType::kEthernet) = delete;

// Asserts exactly one malformation with these properties.
void expect_only(const DecodedPacket& d, Layer layer, std::size_t offset, Error error) {
  ASSERT_EQ(d.malformations.total(), 1u) << "first: " << to_string(d.malformations[0].error);
  EXPECT_EQ(d.malformations[0].layer, layer) << to_string(d.malformations[0].layer);
  EXPECT_EQ(d.malformations[0].offset, offset);
  EXPECT_EQ(d.malformations[0].error, error) << to_string(d.malformations[0].error);
}

std::vector<std::uint8_t> syn() { return from_hex(test::kSynFrame); }
std::vector<std::uint8_t> udp() { return from_hex(test::kUdpFrame); }

TEST(Malformed, FrameShorterThanEthernetHeader) {
  auto f = syn();
  f.resize(10);
  const auto d = dec_unchecked(f);
  EXPECT_FALSE(d.ethernet);
  expect_only(d, Layer::kEthernet, 0, Error::kTruncated);
}

TEST(Malformed, FrameShorterThanIpv4Header) {
  auto f = syn();
  f.resize(14 + 12);
  const auto d = dec_unchecked(f);
  EXPECT_TRUE(d.ethernet);
  EXPECT_FALSE(d.ipv4);
  expect_only(d, Layer::kIpv4, 14, Error::kTruncated);
}

TEST(Malformed, Ipv4VersionNotFour) {
  auto f = syn();
  f[14] = 0x55;
  expect_only(dec_unchecked(f), Layer::kIpv4, 14, Error::kBadVersion);
}

TEST(Malformed, Ipv4HeaderLengthBelowFive) {
  auto f = syn();
  f[14] = 0x44;  // IHL = 4 words
  const auto d = dec_unchecked(f);
  EXPECT_FALSE(d.ipv4);
  expect_only(d, Layer::kIpv4, 14, Error::kBadHeaderLength);
  EXPECT_EQ(std::string(d.malformations[0].field), "ihl");
}

TEST(Malformed, Ipv4HeaderLengthBeyondThePacket) {
  auto f = udp();  // total length 38
  f[14] = 0x4f;    // IHL = 60 bytes
  const auto d = dec_unchecked(f);
  EXPECT_FALSE(d.ipv4);
  expect_only(d, Layer::kIpv4, 14, Error::kBadHeaderLength);
}

TEST(Malformed, Ipv4TotalLengthBelowTwenty) {
  auto f = udp();
  f[16] = 0x00;
  f[17] = 0x13;  // 19
  expect_only(dec_unchecked(f), Layer::kIpv4, 16, Error::kBadTotalLength);
}

TEST(Malformed, Ipv4TotalLengthBeyondTheCapture) {
  auto f = udp();
  f[16] = 0x00;
  f[17] = 0xc8;  // 200, but 38 bytes are there and the capture was not cut
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.ipv4);
  EXPECT_TRUE(d.ipv4->is_cut());
  EXPECT_EQ(d.ipv4->payload().size(), 18u);  // cut at the capture
  ASSERT_GE(d.malformations.size(), 1u);
  EXPECT_EQ(d.malformations[0].error, Error::kBadTotalLength);
  EXPECT_EQ(d.malformations[0].offset, 16u);
}

TEST(Malformed, Ipv4TotalLengthZeroIsTakenFromTheFrameAsWiresharkDoes) {
  auto f = syn();
  f[16] = 0;
  f[17] = 0;  // TSO / big TCP
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.ipv4 && d.tcp);
  EXPECT_EQ(d.ipv4->payload().size(), 40u);
  expect_only(d, Layer::kIpv4, 16, Error::kTotalLengthZero);
}

TEST(Malformed, TcpDataOffsetBelowFive) {
  auto f = syn();
  f[46] = 0x40 | (f[46] & 0x0f);  // 4 words
  const auto d = dec_unchecked(f);
  EXPECT_TRUE(d.ipv4);
  EXPECT_FALSE(d.tcp);
  expect_only(d, Layer::kTcp, 46, Error::kBadDataOffset);
}

TEST(Malformed, TcpDataOffsetBeyondTheSegment) {
  auto f = syn();
  f[46] = 0xf0 | (f[46] & 0x0f);  // 60 bytes in a 40-byte segment
  const auto d = dec_unchecked(f);
  EXPECT_FALSE(d.tcp);
  expect_only(d, Layer::kTcp, 46, Error::kBadDataOffset);
}

TEST(Malformed, TcpHeaderCutBySnaplenIsTruncation) {
  auto f = syn();
  f.resize(60);  // snaplen 60 cuts the options
  const auto d = dec_unchecked(f, 74);
  EXPECT_TRUE(d.truncated);
  EXPECT_FALSE(d.tcp);
  expect_only(d, Layer::kTcp, 34, Error::kTruncated);
}

TEST(Malformed, TcpOptionLengthZero) {
  auto f = syn();
  f[55] = 0;  // MSS length byte
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.tcp);
  expect_only(d, Layer::kTcpOption, 54, Error::kOptionLengthZero);
}

TEST(Malformed, TcpOptionLengthOne) {
  auto f = syn();
  f[55] = 1;
  expect_only(dec_unchecked(f), Layer::kTcpOption, 54, Error::kOptionLengthOne);
}

TEST(Malformed, TcpOptionOverrunsTheHeader) {
  auto f = syn();
  f[55] = 30;  // 20 bytes of options remain
  expect_only(dec_unchecked(f), Layer::kTcpOption, 54, Error::kOptionOverrun);
}

TEST(Malformed, TcpOptionLengthByteMissing) {
  auto f = syn();
  f[73] = 0x1e;  // last option byte becomes kind 30 without a length byte
  f[72] = 0x01;  // NOP
  f[71] = 0x01;  // NOP (was window scale)
  expect_only(dec_unchecked(f), Layer::kTcpOption, 73, Error::kOptionOverrun);
}

TEST(Malformed, TcpSackLengthNotTwoPlusEightN) {
  auto f = from_hex(test::kSackFrame);
  f[55] = 11;
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.tcp);
  expect_only(d, Layer::kTcpOption, 54, Error::kBadSackLength);
  EXPECT_TRUE(d.tcp->to_repr().options.sack.empty());
}

TEST(Malformed, TcpWindowScaleAboveFourteen) {
  auto f = syn();
  f[73] = 15;
  const auto d = dec_unchecked(f);
  expect_only(d, Layer::kTcpOption, 71, Error::kWindowScaleTooLarge);
  EXPECT_EQ(d.tcp->to_repr().options.window_scale, 15);  // kept as sent
}

TEST(Malformed, TcpMssWithWrongLength) {
  auto f = syn();
  f[55] = 3;
  f[57] = 0x01;  // keep the walk aligned: "02 03 05" then NOP
  expect_only(dec_unchecked(f), Layer::kTcpOption, 54, Error::kBadOptionLength);
}

// An IPv4 + UDP frame with a Router Alert option at frame offset 34.
std::vector<std::uint8_t> with_router_alert() {
  Ipv4Repr ip;
  ip.src = net::Ipv4Addr(10, 0, 0, 1);
  ip.dst = net::Ipv4Addr(10, 0, 0, 2);
  ip.options.push_back(Ipv4OptionRepr::router_alert());
  const std::uint8_t payload[] = {1, 2, 3, 4};
  return build_udp_frame({}, ip, UdpRepr{1000, 2000}, payload);
}

TEST(Malformed, Ipv4OptionLengthZero) {
  auto f = with_router_alert();
  ASSERT_EQ(f[34], 0x94);
  f[35] = 0;
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.ipv4 && d.udp);
  expect_only(d, Layer::kIpv4Option, 34, Error::kOptionLengthZero);
}

TEST(Malformed, Ipv4OptionLengthOne) {
  auto f = with_router_alert();
  f[35] = 1;
  expect_only(dec_unchecked(f), Layer::kIpv4Option, 34, Error::kOptionLengthOne);
}

TEST(Malformed, Ipv4OptionOverrunsTheHeader) {
  auto f = with_router_alert();
  f[35] = 9;
  expect_only(dec_unchecked(f), Layer::kIpv4Option, 34, Error::kOptionOverrun);
}

TEST(Malformed, Ipv4RouterAlertWithWrongLength) {
  auto f = with_router_alert();
  f[35] = 3;
  f[37] = 0;  // EOL after the 3-byte option
  expect_only(dec_unchecked(f), Layer::kIpv4Option, 34, Error::kBadOptionLength);
}

TEST(Malformed, Ipv4BadHeaderChecksum) {
  Ipv4Repr ip;
  ip.src = net::Ipv4Addr(10, 0, 0, 1);
  ip.dst = net::Ipv4Addr(10, 0, 0, 2);
  const auto f = build_udp_frame({}, ip, UdpRepr{1, 2}, {}, ChecksumOverrides{0x1234, {}});
  const auto d = decode(f, LinkType::kEthernet, static_cast<std::uint32_t>(f.size()));
  EXPECT_EQ(d.ipv4_checksum, ChecksumStatus::kBad);
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kGood);
  expect_only(d, Layer::kIpv4, 24, Error::kBadChecksum);
}

TEST(Malformed, TcpBadChecksum) {
  Ipv4Repr ip;
  ip.src = net::Ipv4Addr(10, 0, 0, 1);
  ip.dst = net::Ipv4Addr(10, 0, 0, 2);
  TcpRepr t;
  t.flags.bits = TcpFlags::kAck;
  const auto f = build_tcp_frame({}, ip, t, {}, ChecksumOverrides{{}, 0xbeef});
  const auto d = decode(f, LinkType::kEthernet, static_cast<std::uint32_t>(f.size()));
  EXPECT_EQ(d.ipv4_checksum, ChecksumStatus::kGood);
  EXPECT_EQ(d.transport_checksum, ChecksumStatus::kBad);
  expect_only(d, Layer::kTcp, 34 + 16, Error::kBadChecksum);
}

TEST(Malformed, UdpLengthBelowEight) {
  auto f = udp();
  f[38] = 0;
  f[39] = 7;
  const auto d = dec_unchecked(f);
  EXPECT_FALSE(d.udp);
  expect_only(d, Layer::kUdp, 38, Error::kBadUdpLength);
}

TEST(Malformed, UdpLengthBeyondTheIpPayload) {
  auto f = udp();
  f[39] = 0x40;  // 64 > 18
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.udp);
  EXPECT_EQ(d.payload.size(), 10u);
  expect_only(d, Layer::kUdp, 38, Error::kBadUdpLength);
}

TEST(Malformed, IcmpShorterThanItsHeader) {
  auto f = from_hex(test::kEchoRequestFrame);
  f[16] = 0;
  f[17] = 20 + 6;  // total length leaves 6 ICMP bytes
  const auto d = dec_unchecked(f);
  EXPECT_FALSE(d.icmp);
  expect_only(d, Layer::kIcmp, 34, Error::kTruncated);
}

TEST(Malformed, IcmpErrorWithBrokenQuote) {
  auto f = from_hex(test::kPortUnreachableFrame);
  f[42] = 0x41;  // quoted IHL 1
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.icmp);
  expect_only(d, Layer::kIcmp, 42, Error::kBadIcmpQuote);
}

TEST(Malformed, ArpWithWrongHardwareLength) {
  auto f = from_hex(test::kArpRequestFrame);
  f[18] = 8;
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.arp);
  EXPECT_EQ(d.arp->hlen(), 8);
  expect_only(d, Layer::kArp, 18, Error::kBadHardwareLength);
  EXPECT_FALSE(d.arp->to_repr());
}

TEST(Malformed, ArpWithWrongProtocolLength) {
  auto f = from_hex(test::kArpRequestFrame);
  f[19] = 16;
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.arp);
  expect_only(d, Layer::kArp, 19, Error::kBadProtocolLength);
}

TEST(Malformed, ArpOtherHardwareIsDecodedAsFarAsTheGenericHeader) {
  auto f = from_hex(test::kArpRequestFrame);
  f[15] = 6;  // IEEE 802 networks
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.arp);
  EXPECT_EQ(d.arp->htype(), 6);
  EXPECT_EQ(d.arp->op(), 1);
  expect_only(d, Layer::kArp, 14, Error::kUnsupportedHardware);
}

TEST(Malformed, ArpAddressesCut) {
  auto f = from_hex(test::kArpRequestFrame);
  f.resize(14 + 20);
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.arp);
  EXPECT_FALSE(d.arp->addresses_present());
  EXPECT_TRUE(d.arp->target_proto().empty());
  expect_only(d, Layer::kArp, 22, Error::kTruncated);
}

TEST(Malformed, TwoHundredStackedVlanTagsStopAtTheCap) {
  EthernetSpec eth;
  eth.vlans.assign(200, VlanSpec{EtherType::kVlan, 7, 0, false});
  const std::uint8_t arp[28] = {};
  const auto f = ethernet_frame(eth, EtherType::kArp, arp);
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.ethernet);
  EXPECT_EQ(d.vlan_count, kMaxVlanTags);
  EXPECT_EQ(d.vlan[7].vid(), 7);
  EXPECT_FALSE(d.arp);
  expect_only(d, Layer::kVlan, 14 + 4 * kMaxVlanTags - 2, Error::kTooManyVlanTags);
}

TEST(Malformed, VlanTagCut) {
  EthernetSpec eth;
  eth.vlans.push_back(VlanSpec{});
  auto f = ethernet_frame(eth, EtherType::kIpv4, {});
  f.resize(16);
  expect_only(dec_unchecked(f), Layer::kVlan, 14, Error::kTruncated);
}

TEST(Malformed, Ieee8023LengthBeyondTheFrame) {
  auto f = from_hex("ffffffffffff 020000000001 0100 aaaa03 000000 0806");
  const auto d = dec_unchecked(f);
  ASSERT_TRUE(d.llc);
  ASSERT_EQ(d.malformations.total(), 2u);
  EXPECT_EQ(d.malformations[0], (Malformation{Layer::kEthernet, "length", 12, Error::kBadLength}));
  EXPECT_EQ(d.malformations[1].error, Error::kTruncated);  // the SNAP payload has no ARP header
  EXPECT_EQ(d.malformations[1].layer, Layer::kArp);
}

TEST(Malformed, UnknownLinkTypeIsReported) {
  const auto f = syn();
  const auto d = dec_unchecked(f, 0, static_cast<LinkType>(160));
  EXPECT_EQ(d.not_decoded, NotDecoded::kUnsupportedLinkType);
  expect_only(d, Layer::kLink, 0, Error::kUnsupportedLinkType);
}

TEST(Malformed, CapacityOverflowIsCounted) {
  Malformations m;
  for (int i = 0; i < 20; ++i) m.push(Malformation{});
  EXPECT_EQ(m.size(), Malformations::kCapacity);
  EXPECT_EQ(m.overflow(), 20 - Malformations::kCapacity);
  EXPECT_EQ(m.total(), 20u);
}

TEST(Malformed, ErrorNamesAreStableSnakeCase) {
  EXPECT_EQ(to_string(Error::kTruncated), "truncated");
  EXPECT_EQ(to_string(Error::kBadHeaderLength), "bad_header_length");
  EXPECT_EQ(to_string(Error::kBadTotalLength), "bad_total_length");
  EXPECT_EQ(to_string(Error::kOptionLengthZero), "option_length_zero");
  EXPECT_EQ(to_string(Error::kOptionOverrun), "option_overrun");
  EXPECT_EQ(to_string(Error::kBadSackLength), "bad_sack_length");
  EXPECT_EQ(to_string(Error::kWindowScaleTooLarge), "window_scale_too_large");
  EXPECT_EQ(to_string(Error::kBadChecksum), "bad_checksum");
  EXPECT_EQ(to_string(Error::kTooManyVlanTags), "too_many_vlan_tags");
  EXPECT_EQ(to_string(Error::kUnsupportedHardware), "unsupported_hardware");
  EXPECT_EQ(to_string(Layer::kTcpOption), "tcp_option");
}

// Every prefix of every golden frame decodes without reading past it (ASan checks this).
TEST(Malformed, EveryPrefixOfEveryGoldenFrameDecodes) {
  for (auto hex : {test::kSynFrame, test::kArpRequestFrame, test::kUdpFrame, test::kEchoRequestFrame,
                   test::kPortUnreachableFrame, test::kSackFrame}) {
    const auto full = from_hex(hex);
    for (std::size_t n = 0; n <= full.size(); ++n) {
      const std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      const auto d = decode(cut, LinkType::kEthernet, static_cast<std::uint32_t>(full.size()));
      EXPECT_EQ(d.truncated, n < full.size());
      if (n == full.size()) {
        EXPECT_FALSE(d.malformed()) << hex;
      }
    }
  }
}

}  // namespace
}  // namespace wirestate::wire
