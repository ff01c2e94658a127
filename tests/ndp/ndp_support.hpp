#pragma once
// NDP messages for the NDP detector's tests, built as real frames with the wire builders
// (Ethernet + IPv6 + ICMPv6, checksums computed) and read back through wire::decode and
// ndp::from_decoded, the path the monitor takes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wirestate/ndp/frame.hpp"
#include "wirestate/net/ipv6_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/wire/icmpv6.hpp"
#include "wirestate/wire/ndp.hpp"

namespace wirestate::ndp::testing {

net::MacAddr mac(std::uint8_t last);
// fe80::N, the link-local address of host N.
net::Ipv6Addr link_local(std::uint8_t last);
// 2001:db8::N, its global address.
net::Ipv6Addr global(std::uint8_t last);
net::Ipv6Addr v6(const char* text);
net::Time at_ms(std::int64_t ms);
// 33:33 + the low 32 bits of dst (RFC 2464 §7), or the given unicast MAC.
net::MacAddr multicast_mac(const net::Ipv6Addr& dst);

// One message on the wire: who sends it, to whom, and the ICMPv6 body.
struct Wire {
  net::MacAddr eth_src;
  net::MacAddr eth_dst;  // zero: derived from ip_dst (multicast) -- set it for unicast
  net::Ipv6Addr ip_src;
  net::Ipv6Addr ip_dst;
  wire::Icmpv6Repr message;
  std::uint8_t hop_limit = 255;
};

// The frame's bytes.
std::vector<std::uint8_t> frame_bytes(const Wire& w);
// The frame decoded and turned into an NdpFrame (fails the test if it does not decode).
NdpFrame frame(const Wire& w, net::Time t, std::uint64_t number = 0);

// Messages as Linux sends them.
// DAD probe for `tentative` from host `from` (src ::, to its solicited-node group, no SLLA).
NdpFrame dad_probe(std::uint8_t from, const net::Ipv6Addr& tentative, net::Time t);
// Multicast address resolution: host `from` (address src) asks for target.
NdpFrame solicitation(std::uint8_t from, const net::Ipv6Addr& src, const net::Ipv6Addr& target, net::Time t);
// Linux NUD probe: unicast NS to the cached MAC of `to`.
NdpFrame unicast_probe(std::uint8_t from, const net::Ipv6Addr& src, std::uint8_t to, const net::Ipv6Addr& target,
                       net::Time t);
// NA for target, from host `from` (Ethernet source, TLLA = its MAC unless lladdr is given).
NdpFrame advertisement(std::uint8_t from, const net::Ipv6Addr& target, const net::Ipv6Addr& dst, bool solicited,
                       bool override_flag, net::Time t, std::optional<net::MacAddr> lladdr = std::nullopt);
// RA from host `from`'s link-local address.
NdpFrame router_advertisement(std::uint8_t from, const wire::RouterAdvertisement& ra, net::Time t);
// The RA a router sends periodically in these tests: prefix 2001:db8::/64, MTU 1500.
wire::RouterAdvertisement usual_ra(std::uint8_t from);
// The redirect message (RFC 4861 §4.5): packets for destination should go to target.
wire::Icmpv6Repr redirect_message(const net::Ipv6Addr& target, const net::Ipv6Addr& destination);
// Redirect from host `from`: packets for destination should go to target.
NdpFrame redirect(std::uint8_t from, std::uint8_t to, const net::Ipv6Addr& target, const net::Ipv6Addr& destination,
                  net::Time t);

// Writes frames as a classic pcap (Ethernet, microsecond times 1 s apart) for tshark.
void write_pcap(const std::string& path, const std::vector<std::vector<std::uint8_t>>& frames);

}  // namespace wirestate::ndp::testing
