// TCP and UDP over IPv6: the checksum over the IPv6 pseudo-header (RFC 8200 §8.1), built by
// our builders and verified by our views, against scapy's bytes for the same segment.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scapy_oracle.hpp"
#include "support/require.hpp"
#include "wirestate/wire/tcp.hpp"
#include "wirestate/wire/udp.hpp"

namespace wirestate::wire {
namespace {

const net::IpAddr kV6A = *net::IpAddr::parse("2001:db8::1");
const net::IpAddr kV6B = *net::IpAddr::parse("2001:db8::2");

class Ipv6Transport : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::have_scapy()) WIRESTATE_SKIP_UNLESS_REQUIRED() << "scapy is missing (apt-get install python3-scapy)";
  }
};

TEST_F(Ipv6Transport, TcpSegmentBytesEqualScapysAndVerify) {
  TcpRepr r;
  r.src_port = 40000;
  r.dst_port = 80;
  r.seq = net::SeqNum(1000);
  r.ack = net::SeqNum(2000);
  r.flags = TcpFlags{TcpFlags::kPsh | TcpFlags::kAck};
  r.window = 512;
  const std::vector<std::uint8_t> payload = {'h', 'e', 'l', 'l', 'o'};
  const auto ours = build_tcp(r, payload, kV6A, kV6B);
  const auto theirs = testing::scapy_bytes(
      "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/TCP(sport=40000,dport=80,seq=1000,ack=2000,flags=\"PA\","
      "window=512)/Raw(b\"hello\")", 40);
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(ours, theirs);
  auto view = TcpView::parse(theirs);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->verify_checksum(kV6A.v6(), kV6B.v6()), ChecksumStatus::kGood);
  EXPECT_EQ(view->verify_checksum(kV6A, kV6B, theirs.size()), ChecksumStatus::kGood);
  EXPECT_EQ(view->verify_checksum(kV6B.v6(), kV6A.v6()), ChecksumStatus::kGood);  // the sum is symmetric
  EXPECT_EQ(view->verify_checksum(kV6A.v6(), *net::Ipv6Addr::parse("2001:db8::3")), ChecksumStatus::kBad);
  // The same bytes checked as if they came over IPv4 do not verify.
  EXPECT_EQ(view->verify_checksum(net::Ipv4Addr(10, 0, 0, 1), net::Ipv4Addr(10, 0, 0, 2)), ChecksumStatus::kBad);
}

TEST_F(Ipv6Transport, UdpDatagramBytesEqualScapysAndVerify) {
  const std::vector<std::uint8_t> payload(33, 0x5a);
  const auto ours = build_udp(UdpRepr{5353, 53}, payload, kV6A, kV6B);
  const auto theirs = testing::scapy_bytes(
      "IPv6(src=\"2001:db8::1\",dst=\"2001:db8::2\")/UDP(sport=5353,dport=53)/Raw(b\"\\x5a\"*33)", 40);
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(ours, theirs);
  auto view = UdpView::parse(theirs);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->verify_checksum(kV6A, kV6B), ChecksumStatus::kGood);
}

TEST(Ipv6TransportRules, ZeroUdpChecksumIsBadOverIpv6ButNoneOverIpv4) {
  const std::vector<std::uint8_t> payload(4, 1);
  auto bytes = build_udp(UdpRepr{1, 2}, payload, kV6A, kV6B, /*compute_checksum=*/false);
  auto view = UdpView::parse(bytes);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->verify_checksum(kV6A, kV6B), ChecksumStatus::kBad);  // RFC 8200 §8.1
  EXPECT_EQ(view->verify_checksum(net::Ipv4Addr(10, 0, 0, 1), net::Ipv4Addr(10, 0, 0, 2)),
            ChecksumStatus::kUnverified);  // RFC 768: no checksum
}

}  // namespace
}  // namespace wirestate::wire
