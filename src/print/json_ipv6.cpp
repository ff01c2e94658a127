// The IPv6, extension-header, ICMPv6 and NDP parts of `decode --json`, named as Wireshark's
// fields are (ipv6.*, icmpv6.*): flattened with '.', they are tshark's -e names.
#include "json_parts.hpp"

namespace wirestate::print::detail {

namespace {

// Wireshark's abbreviation of an extension header ("hopopts", ...), or nullptr when it has
// no fields of its own that we print.
const char* extension_name(std::uint8_t type) {
  switch (type) {
    case wire::Ipv6NextHeader::kHopByHop: return "hopopts";
    case wire::Ipv6NextHeader::kRouting: return "routing";
    case wire::Ipv6NextHeader::kFragment: return "fraghdr";
    case wire::Ipv6NextHeader::kDestinationOptions: return "dstopts";
    default: return nullptr;
  }
}

json ndp_option_json(const wire::NdpOption& o) {
  json j;
  j["type"] = o.type;
  j["length"] = o.length_units;
  if (o.check()) return j;  // a known option with the wrong length: only its type and length
  switch (o.type) {
    case wire::NdpOptionType::kSourceLinkAddr:
    case wire::NdpOptionType::kTargetLinkAddr: {
      const std::string mac = o.link_addr()->to_string();
      j["linkaddr"] = mac;
      j[o.type == wire::NdpOptionType::kSourceLinkAddr ? "src_linkaddr" : "target_linkaddr"] = mac;
      break;
    }
    case wire::NdpOptionType::kPrefixInfo:
      j["prefix.length"] = o.prefix_length();
      j["prefix.flag.l"] = o.on_link();
      j["prefix.flag.a"] = o.autonomous();
      j["prefix.valid_lifetime"] = o.valid_lifetime();
      j["prefix.preferred_lifetime"] = o.preferred_lifetime();
      j["prefix"] = o.prefix().to_string();
      break;
    case wire::NdpOptionType::kMtu: j["mtu"] = o.mtu(); break;
    case wire::NdpOptionType::kRdnss: {
      j["rdnss.lifetime"] = o.rdnss_lifetime();
      json servers = json::array();
      for (std::size_t i = 0; i < o.rdnss_count(); ++i) servers.push_back(o.rdnss_address(i).to_string());
      j["rdnss"] = std::move(servers);
      break;
    }
    default: break;
  }
  return j;
}

json ndp_json(const wire::NdpView& n) {
  json j;
  switch (n.type()) {
    case wire::Icmpv6Type::kRouterAdvertisement:
      j["ra"] = {{"cur_hop_limit", n.cur_hop_limit()},
                 {"flag.m", n.managed()},
                 {"flag.o", n.other_config()},
                 {"flag.prf", n.preference()},
                 {"router_lifetime", n.router_lifetime()},
                 {"reachable_time", n.reachable_time()},
                 {"retrans_timer", n.retrans_timer()}};
      break;
    case wire::Icmpv6Type::kNeighborSolicitation: j["ns"] = {{"target_address", n.target()->to_string()}}; break;
    case wire::Icmpv6Type::kNeighborAdvertisement:
      j["na"] = {{"flag.r", n.router()},
                 {"flag.s", n.solicited()},
                 {"flag.o", n.override_flag()},
                 {"target_address", n.target()->to_string()}};
      break;
    case wire::Icmpv6Type::kRedirect:
      j["rd"] = {{"target_address", n.target()->to_string()}, {"destination_address", n.destination()->to_string()}};
      break;
    default: break;
  }
  return j;
}

}  // namespace

json ipv6_json(const wire::DecodedPacket& p) {
  const wire::Ipv6View& ip = *p.ipv6;
  json j;
  j["version"] = ip.version();
  j["tclass"] = fmt::format("0x{:08x}", ip.traffic_class());
  j["flow"] = fmt::format("0x{:06x}", ip.flow_label());
  j["plen"] = ip.payload_length();
  j["nxt"] = ip.next_header();
  j["hlim"] = ip.hop_limit();
  j["src"] = ip.src().to_string();
  j["dst"] = ip.dst().to_string();
  const wire::Ipv6Chain& chain = p.ipv6_chain;
  for (std::size_t i = 0; i < chain.count; ++i) {
    const char* name = extension_name(chain.types[i]);
    if (name == nullptr) continue;
    const std::uint8_t* h = p.ipv6->payload().data() + (chain.offsets[i] - p.network_offset - wire::Ipv6View::kHeaderLen);
    json ext;
    ext["nxt"] = h[0];
    if (chain.types[i] == wire::Ipv6NextHeader::kFragment) {
      const auto f = wire::Ipv6Fragment::from_bytes(h);
      ext["offset"] = f.offset_raw;
      ext["more"] = f.more;
      ext["ident"] = fmt::format("0x{:08x}", f.identification);
    } else {
      ext["len"] = h[1];
    }
    j[name].push_back(std::move(ext));
  }
  return j;
}

json icmpv6_json(const wire::DecodedPacket& p) {
  const wire::Icmpv6View& i = *p.icmpv6;
  json j;
  j["type"] = i.type();
  j["code"] = i.code();
  j["checksum"] = hex16(i.checksum());
  j["checksum.status"] = status_number(p.transport_checksum);
  if (i.is_echo()) {
    j["echo.identifier"] = fmt::format("0x{:04x}", i.echo_id());
    j["echo.sequence_number"] = i.echo_seq();
  }
  if (i.type() == wire::Icmpv6Type::kPacketTooBig) j["mtu"] = i.mtu();
  if (i.type() == wire::Icmpv6Type::kParameterProblem) j["pointer"] = i.pointer();
  if (p.ndp) {
    j["nd"] = ndp_json(*p.ndp);
    json options = json::array();
    auto walker = p.ndp->options();
    for (wire::NdpOption o; walker.next(o);) options.push_back(ndp_option_json(o));
    if (!options.empty()) j["opt"] = std::move(options);
  }
  return j;
}

void add_ipv6_protocols(const wire::DecodedPacket& p, std::string& protocols) {
  protocols += protocols.empty() ? "ipv6" : ":ipv6";
  for (std::size_t i = 0; i < p.ipv6_chain.count; ++i) {
    if (const char* name = extension_name(p.ipv6_chain.types[i])) {
      protocols += ":ipv6.";
      protocols += name;
    }
  }
}

}  // namespace wirestate::print::detail
