#pragma once
// Crafting whole packets and frames from owned headers: Ethernet (+ VLAN tags) around
// IPv4 around TCP/UDP/ICMP, and Ethernet + ARP. All lengths and checksums are computed
// unless a checksum override asks for a specific (e.g. wrong) value.
#include <cstdint>
#include <optional>
#include <vector>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/wire/arp_repr.hpp"
#include "wirestate/wire/ethernet.hpp"
#include "wirestate/wire/icmp.hpp"
#include "wirestate/wire/ipv4.hpp"
#include "wirestate/wire/tcp_repr.hpp"
#include "wirestate/wire/udp.hpp"

namespace wirestate::wire {

// One VLAN tag to emit.
struct VlanSpec {
  std::uint16_t tpid = EtherType::kVlan;
  std::uint16_t vid = 0;
  std::uint8_t pcp = 0;
  bool dei = false;
};

// The Ethernet header (and tags, outermost first) to put around a packet.
struct EthernetSpec {
  net::MacAddr src;
  net::MacAddr dst;
  std::vector<VlanSpec> vlans;
  bool pad_to_minimum = false;  // pad the frame with zeros to 60 bytes (IEEE 802.3 minimum, no FCS)
};

// Checksum fields to force instead of computing them (for crafting bad packets).
struct ChecksumOverrides {
  std::optional<std::uint16_t> ipv4;
  std::optional<std::uint16_t> transport;
};

// Ethernet header + tags + payload with the given EtherType.
std::vector<std::uint8_t> ethernet_frame(const EthernetSpec& eth, std::uint16_t ethertype,
                                         net::Bytes payload);

// An IPv4 packet around payload: ip.payload_len is set from payload.size().
std::vector<std::uint8_t> build_ipv4_packet(Ipv4Repr ip, net::Bytes payload,
                                            std::optional<std::uint16_t> ipv4_checksum = {});
// IPv4 + TCP: ip.protocol is set to 6; the TCP checksum uses ip.src/ip.dst.
std::vector<std::uint8_t> build_tcp_packet(Ipv4Repr ip, const TcpRepr& tcp, net::Bytes payload,
                                           const ChecksumOverrides& overrides = {});
// IPv4 + UDP: ip.protocol is set to 17.
std::vector<std::uint8_t> build_udp_packet(Ipv4Repr ip, const UdpRepr& udp, net::Bytes payload,
                                           const ChecksumOverrides& overrides = {});
// IPv4 + ICMP: ip.protocol is set to 1.
std::vector<std::uint8_t> build_icmp_packet(Ipv4Repr ip, const IcmpRepr& icmp,
                                            const ChecksumOverrides& overrides = {});

// The same wrapped in Ethernet (EtherType 0x0800).
std::vector<std::uint8_t> build_tcp_frame(const EthernetSpec& eth, const Ipv4Repr& ip,
                                          const TcpRepr& tcp, net::Bytes payload,
                                          const ChecksumOverrides& overrides = {});
std::vector<std::uint8_t> build_udp_frame(const EthernetSpec& eth, const Ipv4Repr& ip,
                                          const UdpRepr& udp, net::Bytes payload,
                                          const ChecksumOverrides& overrides = {});
std::vector<std::uint8_t> build_icmp_frame(const EthernetSpec& eth, const Ipv4Repr& ip,
                                           const IcmpRepr& icmp,
                                           const ChecksumOverrides& overrides = {});
// Ethernet + 28-byte ARP (EtherType 0x0806).
std::vector<std::uint8_t> build_arp_frame(const EthernetSpec& eth, const ArpRepr& arp);

}  // namespace wirestate::wire
