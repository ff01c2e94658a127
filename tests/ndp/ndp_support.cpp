#include "ndp_support.hpp"

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "wirestate/wire/decode.hpp"
#include "wirestate/wire/frame_builder.hpp"
#include "wirestate/wire/ipv6.hpp"

namespace wirestate::ndp::testing {

net::MacAddr mac(std::uint8_t last) { return net::MacAddr({0x02, 0, 0, 0, 0, last}); }
net::Ipv6Addr v6(const char* text) { return *net::Ipv6Addr::parse(text); }
net::Ipv6Addr link_local(std::uint8_t last) {
  auto b = v6("fe80::").bytes();
  b[15] = last;
  return net::Ipv6Addr::from_bytes(b.data());
}
net::Ipv6Addr global(std::uint8_t last) {
  auto b = v6("2001:db8::").bytes();
  b[15] = last;
  return net::Ipv6Addr::from_bytes(b.data());
}
net::Time at_ms(std::int64_t ms) { return net::Time::from_ns(ms * 1000000); }

net::MacAddr multicast_mac(const net::Ipv6Addr& dst) {
  const auto& b = dst.bytes();
  return net::MacAddr({0x33, 0x33, b[12], b[13], b[14], b[15]});
}

std::vector<std::uint8_t> frame_bytes(const Wire& w) {
  std::vector<std::uint8_t> packet(wire::Ipv6View::kHeaderLen + w.message.len());
  wire::Ipv6Repr ip;
  ip.src = w.ip_src;
  ip.dst = w.ip_dst;
  ip.next_header = wire::Ipv6NextHeader::kIcmpv6;
  ip.hop_limit = w.hop_limit;
  ip.payload_len = static_cast<std::uint16_t>(w.message.len());
  ip.emit(packet);
  w.message.emit(net::MutableBytes(packet).subspan(wire::Ipv6View::kHeaderLen), w.ip_src, w.ip_dst);
  const net::MacAddr dst = w.eth_dst.is_zero() ? multicast_mac(w.ip_dst) : w.eth_dst;
  return wire::ethernet_frame({w.eth_src, dst, {}, false}, wire::EtherType::kIpv6, packet);
}

NdpFrame frame(const Wire& w, net::Time t, std::uint64_t number) {
  const auto bytes = frame_bytes(w);
  wire::DecodedPacket d;
  wire::decode_into(d, bytes, wire::LinkType::kEthernet, static_cast<std::uint32_t>(bytes.size()), {});
  EXPECT_FALSE(d.malformed());
  EXPECT_TRUE(d.ipv6 && d.ndp && d.ethernet);
  if (!d.ipv6 || !d.ndp || !d.ethernet) return {};
  EXPECT_EQ(d.transport_checksum, wire::ChecksumStatus::kGood);
  auto f = from_decoded(*d.ipv6, *d.ndp, d.ethernet->src(), d.ethernet->dst(), number, t);
  EXPECT_TRUE(f.has_value());
  return f.value_or(NdpFrame{});
}

NdpFrame dad_probe(std::uint8_t from, const net::Ipv6Addr& tentative, net::Time t) {
  return frame({mac(from), {}, net::Ipv6Addr(), tentative.solicited_node(), wire::neighbor_solicitation(tentative, std::nullopt)}, t);
}

NdpFrame solicitation(std::uint8_t from, const net::Ipv6Addr& src, const net::Ipv6Addr& target, net::Time t) {
  return frame({mac(from), {}, src, target.solicited_node(), wire::neighbor_solicitation(target, mac(from))}, t);
}

NdpFrame unicast_probe(std::uint8_t from, const net::Ipv6Addr& src, std::uint8_t to, const net::Ipv6Addr& target,
                       net::Time t) {
  return frame({mac(from), mac(to), src, target, wire::neighbor_solicitation(target, mac(from))}, t);
}

NdpFrame advertisement(std::uint8_t from, const net::Ipv6Addr& target, const net::Ipv6Addr& dst, bool solicited,
                       bool override_flag, net::Time t, std::optional<net::MacAddr> lladdr) {
  const net::MacAddr tlla = lladdr.value_or(mac(from));
  const net::MacAddr eth_dst = dst.is_multicast() ? multicast_mac(dst) : mac(dst.bytes()[15]);
  return frame({mac(from), eth_dst, target, dst,
                wire::neighbor_advertisement(target, false, solicited, override_flag, tlla)},
               t);
}

NdpFrame router_advertisement(std::uint8_t from, const wire::RouterAdvertisement& ra, net::Time t) {
  return frame({mac(from), {}, link_local(from), v6("ff02::1"), wire::router_advertisement(ra)}, t);
}

wire::RouterAdvertisement usual_ra(std::uint8_t from) {
  wire::RouterAdvertisement ra;
  ra.source_link_addr = mac(from);
  ra.mtu = 1500;
  ra.prefixes.push_back({v6("2001:db8::"), 64});
  return ra;
}

wire::Icmpv6Repr redirect_message(const net::Ipv6Addr& target, const net::Ipv6Addr& destination) {
  // After the 4 reserved bytes: target(16), destination(16).
  wire::Icmpv6Repr m;
  m.type = wire::Icmpv6Type::kRedirect;
  m.code = 0;
  m.data.assign(32, 0);
  std::copy(target.bytes().begin(), target.bytes().end(), m.data.begin());
  std::copy(destination.bytes().begin(), destination.bytes().end(), m.data.begin() + 16);
  return m;
}

NdpFrame redirect(std::uint8_t from, std::uint8_t to, const net::Ipv6Addr& target, const net::Ipv6Addr& destination,
                  net::Time t) {
  return frame({mac(from), mac(to), link_local(from), link_local(to), redirect_message(target, destination)}, t);
}

void write_pcap(const std::string& path, const std::vector<std::vector<std::uint8_t>>& frames) {
  std::ofstream out(path, std::ios::binary);
  // pcap(5), little-endian: magic, version 2.4, zone, sigfigs, snaplen, LINKTYPE_ETHERNET.
  auto le32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.put(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  for (std::uint32_t v : {0xa1b2c3d4U, 0x00040002U, 0U, 0U, 65535U, 1U}) le32(v);
  std::uint32_t second = 1700000000;
  for (const auto& f : frames) {
    for (std::uint32_t v : {second++, 0U, static_cast<std::uint32_t>(f.size()), static_cast<std::uint32_t>(f.size())}) {
      le32(v);
    }
    for (std::uint8_t b : f) out.put(static_cast<char>(b));
  }
}

}  // namespace wirestate::ndp::testing
