// Whole-packet and whole-frame builders on top of the per-header emitters.
#include "wirestate/wire/frame_builder.hpp"

#include <algorithm>

#include "wirestate/wire/arp.hpp"
#include "wirestate/wire/tcp.hpp"

namespace wirestate::wire {

namespace {

constexpr std::size_t kMinFrameLen = 60;  // IEEE 802.3 minimum without the FCS

void put_checksum(std::vector<std::uint8_t>& bytes, std::size_t at, std::optional<std::uint16_t> v) {
  if (v) net::store_be16(bytes.data() + at, *v);
}

}  // namespace

std::vector<std::uint8_t> ethernet_frame(const EthernetSpec& eth, std::uint16_t ethertype,
                                         net::Bytes payload) {
  const std::size_t head = EthernetView::kHeaderLen + VlanTagView::kTagLen * eth.vlans.size();
  std::vector<std::uint8_t> out(head + payload.size());
  const std::uint16_t first = eth.vlans.empty() ? ethertype : eth.vlans.front().tpid;
  emit_ethernet(eth.dst, eth.src, first, out);
  std::size_t pos = EthernetView::kHeaderLen;
  for (std::size_t i = 0; i < eth.vlans.size(); ++i) {
    const VlanSpec& v = eth.vlans[i];
    const std::uint16_t tci = static_cast<std::uint16_t>((v.pcp & 0x7) << 13 | (v.dei ? 0x1000 : 0) |
                                                         (v.vid & 0x0fff));
    net::store_be16(out.data() + pos, tci);
    const std::uint16_t next = i + 1 < eth.vlans.size() ? eth.vlans[i + 1].tpid : ethertype;
    net::store_be16(out.data() + pos + 2, next);
    pos += VlanTagView::kTagLen;
  }
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(pos));
  if (eth.pad_to_minimum && out.size() < kMinFrameLen) out.resize(kMinFrameLen, 0);
  return out;
}

std::vector<std::uint8_t> build_ipv4_packet(Ipv4Repr ip, net::Bytes payload,
                                            std::optional<std::uint16_t> ipv4_checksum) {
  ip.payload_len = static_cast<std::uint16_t>(payload.size());
  const std::size_t hl = ip.header_len();
  std::vector<std::uint8_t> out(hl + payload.size());
  ip.emit(out);
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(hl));
  put_checksum(out, 10, ipv4_checksum);
  return out;
}

std::vector<std::uint8_t> build_tcp_packet(Ipv4Repr ip, const TcpRepr& tcp, net::Bytes payload,
                                           const ChecksumOverrides& overrides) {
  ip.protocol = IpProtocol::kTcp;
  auto segment = build_tcp(tcp, payload, ip.src, ip.dst);
  put_checksum(segment, 16, overrides.transport);
  return build_ipv4_packet(std::move(ip), segment, overrides.ipv4);
}

std::vector<std::uint8_t> build_udp_packet(Ipv4Repr ip, const UdpRepr& udp, net::Bytes payload,
                                           const ChecksumOverrides& overrides) {
  ip.protocol = IpProtocol::kUdp;
  auto datagram = build_udp(udp, payload, ip.src, ip.dst);
  put_checksum(datagram, 6, overrides.transport);
  return build_ipv4_packet(std::move(ip), datagram, overrides.ipv4);
}

std::vector<std::uint8_t> build_icmp_packet(Ipv4Repr ip, const IcmpRepr& icmp,
                                            const ChecksumOverrides& overrides) {
  ip.protocol = IpProtocol::kIcmp;
  std::vector<std::uint8_t> message(icmp.len());
  icmp.emit(message);
  put_checksum(message, 2, overrides.transport);
  return build_ipv4_packet(std::move(ip), message, overrides.ipv4);
}

std::vector<std::uint8_t> build_tcp_frame(const EthernetSpec& eth, const Ipv4Repr& ip,
                                          const TcpRepr& tcp, net::Bytes payload,
                                          const ChecksumOverrides& overrides) {
  return ethernet_frame(eth, EtherType::kIpv4, build_tcp_packet(ip, tcp, payload, overrides));
}

std::vector<std::uint8_t> build_udp_frame(const EthernetSpec& eth, const Ipv4Repr& ip,
                                          const UdpRepr& udp, net::Bytes payload,
                                          const ChecksumOverrides& overrides) {
  return ethernet_frame(eth, EtherType::kIpv4, build_udp_packet(ip, udp, payload, overrides));
}

std::vector<std::uint8_t> build_icmp_frame(const EthernetSpec& eth, const Ipv4Repr& ip,
                                           const IcmpRepr& icmp, const ChecksumOverrides& overrides) {
  return ethernet_frame(eth, EtherType::kIpv4, build_icmp_packet(ip, icmp, overrides));
}

std::vector<std::uint8_t> build_arp_frame(const EthernetSpec& eth, const ArpRepr& arp) {
  std::uint8_t body[ArpView::kEthIpv4Len];
  emit_arp(arp, body);
  return ethernet_frame(eth, EtherType::kArp, body);
}

}  // namespace wirestate::wire
