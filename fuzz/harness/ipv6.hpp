#pragma once
// Fuzz entry for the IPv6 layer on its own: the fixed header, the extension-header chain,
// ICMPv6 with its quoted packet and NDP with its options. The input is an IPv6 packet as it
// would follow a link header. Invariants: every view lies inside the packet, the chain never
// walks more than its bound nor past the payload, every option walk ends, and a builder's
// output parses back to what was built.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "input.hpp"
#include "wirestate/wire/icmpv6.hpp"
#include "wirestate/wire/ipv6.hpp"
#include "wirestate/wire/ndp.hpp"

namespace wirestate::fuzz {

inline void fuzz_ndp(const wire::Icmpv6View& icmp, std::uint32_t& sink) {
  auto ndp = wire::NdpView::parse(icmp);
  if (!ndp) return;
  sink += ndp->type() + ndp->code();
  sink += ndp->cur_hop_limit() + ndp->reachable_time() + ndp->retrans_timer() + ndp->router_lifetime();
  if (auto t = ndp->target()) sink += t->bytes()[15];
  if (auto d = ndp->destination()) sink += d->bytes()[0];
  WIRESTATE_FUZZ_CHECK(ndp->target().has_value() == (ndp->type() >= wire::Icmpv6Type::kNeighborSolicitation));
  auto walker = ndp->options();
  std::size_t count = 0;
  for (wire::NdpOption o; walker.next(o);) {
    WIRESTATE_FUZZ_CHECK(within(o.bytes, icmp.bytes()));
    WIRESTATE_FUZZ_CHECK(o.bytes.size() == std::size_t{o.length_units} * 8);
    WIRESTATE_FUZZ_CHECK(++count <= icmp.bytes().size() / 8);  // each option takes >= 8 bytes
    sink += touch(o.bytes);
    if (o.check()) continue;
    if (auto mac = o.link_addr()) sink += mac->octets()[5];
    if (o.type == wire::NdpOptionType::kPrefixInfo) sink += o.prefix_length() + o.prefix().bytes()[0] + o.valid_lifetime();
    if (o.type == wire::NdpOptionType::kMtu) sink += o.mtu();
    if (o.type == wire::NdpOptionType::kRdnss) {
      for (std::size_t i = 0; i < o.rdnss_count(); ++i) sink += o.rdnss_address(i).bytes()[15];
    }
  }
  if (ndp->source_link_addr()) ++sink;
}

// One IPv6 packet: header, chain, and what the chain ends at.
inline int fuzz_ipv6(const std::uint8_t* data, std::size_t size) {
  const net::Bytes packet(data, size);
  std::uint32_t sink = 0;
  auto ip = wire::Ipv6View::parse(packet);
  if (!ip) return 0;
  WIRESTATE_FUZZ_CHECK(within(ip->payload(), packet));
  sink += ip->traffic_class() + ip->flow_label() + ip->hop_limit() + touch(ip->payload());
  sink += static_cast<std::uint32_t>(ip->src().to_string().size() + ip->dst().to_string().size());

  wire::Ipv6ExtensionWalker chain(ip->next_header(), ip->payload());
  std::size_t headers = 0;
  for (wire::Ipv6Extension e; chain.next(e);) {
    WIRESTATE_FUZZ_CHECK(within(e.bytes, ip->payload()));
    WIRESTATE_FUZZ_CHECK(e.length >= 8);
    sink += touch(e.bytes);
    ++headers;
  }
  WIRESTATE_FUZZ_CHECK(headers == chain.header_count());
  WIRESTATE_FUZZ_CHECK(headers <= wire::Ipv6ExtensionWalker::kMaxHeaders);
  WIRESTATE_FUZZ_CHECK(chain.upper_offset() <= ip->payload().size());
  if (!chain.error() && !chain.stopped_at_fragment_data() && chain.upper_protocol() == wire::Ipv6NextHeader::kIcmpv6) {
    const net::Bytes message = ip->payload().subspan(chain.upper_offset());
    if (auto icmp = wire::Icmpv6View::parse(message)) {
      sink += static_cast<std::uint32_t>(icmp->verify_checksum(ip->src(), ip->dst(), message.size()));
      if (icmp->is_error()) {
        if (auto quoted = icmp->quoted_ipv6()) sink += touch(quoted->payload());
        if (auto ports = icmp->quoted_ports()) sink += ports->src_port;
      }
      if (icmp->is_ndp()) fuzz_ndp(*icmp, sink);
      // Build the same message again: it must parse to the same type, code and data.
      const auto repr = wire::to_repr(*icmp);
      std::vector<std::uint8_t> out(repr.len());
      repr.emit(out, ip->src(), ip->dst());
      const auto back = wire::Icmpv6View::parse(out);
      WIRESTATE_FUZZ_CHECK(back && wire::to_repr(*back) == repr);
      WIRESTATE_FUZZ_CHECK(back->verify_checksum(ip->src(), ip->dst(), out.size()) == wire::ChecksumStatus::kGood);
    }
  }
  // The fixed header rebuilt from its owned form is byte for byte the original.
  std::vector<std::uint8_t> header(wire::Ipv6View::kHeaderLen);
  wire::to_repr(*ip).emit(header);
  WIRESTATE_FUZZ_CHECK(std::equal(header.begin(), header.end(), packet.begin()));
  volatile std::uint32_t keep = sink;
  (void)keep;
  return 0;
}

}  // namespace wirestate::fuzz
