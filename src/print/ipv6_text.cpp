// The tcpdump -nn line of an IPv6 packet, laid out as tcpdump 4.99's print-ip6.c,
// print-ip6opts.c, print-rt6.c, print-frag6.c and print-icmp6.c print it: with no extension
// header the ports follow the addresses ("IP6 a.p > b.q: ..."); with extension headers the
// addresses stand alone and each header is named before the upper layer ("IP6 a > b: HBH
// DSTOPT frag (0|24) p > q: ...").
#include <iterator>

#include <fmt/format.h>

#include "summary_parts.hpp"
#include "text_helpers.hpp"

namespace wirestate::print {

namespace {

using Out = std::back_insert_iterator<std::string>;

// tcpdump's routing header text: "RT6 (len=2, type=0 [Deprecated], segleft=1, [0]a, [1]b) ".
void append_routing(std::string& s, const std::uint8_t* h) {
  Out out(s);
  const std::size_t len = h[1];
  const std::uint8_t type = h[2];
  fmt::format_to(out, "RT6 (len={}, type={}{}, segleft={}", len, type, type == 0 ? " [Deprecated]" : "", h[3]);
  if (type == 0 || type == 2) {
    const std::size_t addresses = len / 2;
    for (std::size_t k = 0; k < addresses; ++k) {
      fmt::format_to(out, ", [{}]{}", k, net::Ipv6Addr::from_bytes(h + 8 + 16 * k).to_string());
    }
  }
  s += ") ";
}

// Extension headers in order, each as tcpdump names it; the fragment's "(offset|length)".
void append_extensions(std::string& s, const wire::DecodedPacket& p) {
  Out out(s);
  for (std::size_t i = 0; i < p.ipv6_chain.count; ++i) {
    const std::uint8_t* h = ipv6_extension(p, i);
    switch (p.ipv6_chain.types[i]) {
      case wire::Ipv6NextHeader::kHopByHop: s += "HBH "; break;
      case wire::Ipv6NextHeader::kDestinationOptions: s += "DSTOPT "; break;
      case wire::Ipv6NextHeader::kRouting: append_routing(s, h); break;
      case wire::Ipv6NextHeader::kFragment: {
        const auto f = wire::Ipv6Fragment::from_bytes(h);
        // The bytes this fragment carries after its header: the payload length less the
        // headers up to and including the fragment header.
        const std::size_t after = p.ipv6_chain.offsets[i] + wire::Ipv6FragmentRepr::kLen - p.network_offset -
                                  wire::Ipv6View::kHeaderLen;
        const std::size_t carried = p.ipv6->payload_length() > after ? p.ipv6->payload_length() - after : 0;
        fmt::format_to(out, "frag ({}|{}) ", f.offset_bytes(), carried);
        break;
      }
      case wire::Ipv6NextHeader::kAh: s += "AH "; break;
      default: fmt::format_to(out, "ip-proto-{} ", p.ipv6_chain.types[i]); break;
    }
  }
}

// RFC 4443 §3.1 codes, as tcpdump words them.
void append_unreachable(std::string& s, const wire::Icmpv6View& icmp) {
  Out out(s);
  const auto quoted = icmp.quoted_ipv6();
  const std::string dst = quoted ? quoted->dst().to_string() : std::string("?");
  switch (icmp.code()) {
    case 0: fmt::format_to(out, "unreachable route {}", dst); break;
    case 1: fmt::format_to(out, " unreachable prohibited {}", dst); break;  // tcpdump's double space
    case 2:
      fmt::format_to(out, "beyond scope {}, source address {}", dst, quoted ? quoted->src().to_string() : "?");
      break;
    case 3: fmt::format_to(out, "unreachable address {}", dst); break;
    case 4: {
      s += "unreachable port";
      const auto ports = icmp.quoted_ports();
      if (!quoted || !ports) return;
      wire::Ipv6ExtensionWalker chain(quoted->next_header(), quoted->payload());
      chain.run();
      const char* proto = chain.upper_protocol() == wire::Ipv6NextHeader::kTcp ? "tcp" : "udp";
      fmt::format_to(out, ", {} {} port {}", dst, proto, ports->dst_port);
      break;
    }
    default: fmt::format_to(out, "unreachable code #{}", icmp.code()); break;
  }
}

// MLDv1 (RFC 2710) as tcpdump prints it, with no separator before "max resp delay", and the
// MLDv2 query (RFC 3810 §5.1, 28 bytes and more): "multicast listener query v2 [gaddr X]".
void append_mld(std::string& s, const wire::Icmpv6View& icmp) {
  Out out(s);
  const net::Bytes m = icmp.bytes();
  static constexpr const char* kNames[] = {"query", "report", "done"};
  fmt::format_to(out, "multicast listener {}", kNames[icmp.type() - wire::Icmpv6Type::kMldQuery]);
  if (m.size() < 24) return;
  const std::string group = net::Ipv6Addr::from_bytes(m.data() + 8).to_string();
  if (icmp.type() == wire::Icmpv6Type::kMldQuery && m.size() >= 28) {
    const unsigned sources = net::load_be16(m.data() + 26);
    fmt::format_to(out, " v2 [gaddr {}", group);
    if (sources != 0) fmt::format_to(out, ", {} source(s)", sources);
    s += "]";
    return;
  }
  fmt::format_to(out, "max resp delay: {} addr: {}", net::load_be16(m.data() + 4), group);
}

// "ICMP6, neighbor solicitation, who has fe80::2, length 32" (print-icmp6.c).
void append_icmpv6(std::string& s, const wire::DecodedPacket& p) {
  Out out(s);
  const auto& icmp = *p.icmpv6;
  s += "ICMP6, ";
  switch (icmp.type()) {
    case wire::Icmpv6Type::kDestUnreachable:
      s += "destination unreachable, ";
      append_unreachable(s, icmp);
      break;
    case wire::Icmpv6Type::kPacketTooBig: fmt::format_to(out, "packet too big, mtu {}", icmp.mtu()); break;
    case wire::Icmpv6Type::kTimeExceeded:
      if (icmp.code() == 0) {
        const auto quoted = icmp.quoted_ipv6();
        fmt::format_to(out, "time exceeded in-transit for {}", quoted ? quoted->dst().to_string() : "?");
      } else if (icmp.code() == 1) {
        s += "time exceeded in-transit (reassembly)";
      } else {
        fmt::format_to(out, "time exceeded code-#{}", icmp.code());
      }
      break;
    case wire::Icmpv6Type::kParameterProblem: {
      static constexpr const char* kWhat[] = {"erroneous", "next header", "option"};
      if (icmp.code() < 3) {
        fmt::format_to(out, "parameter problem, {} - octet {}", kWhat[icmp.code()], icmp.pointer());
      } else {
        fmt::format_to(out, "parameter problem, code-#{}", icmp.code());
      }
      break;
    }
    case wire::Icmpv6Type::kEchoRequest:
    case wire::Icmpv6Type::kEchoReply:
      fmt::format_to(out, "echo {}, id {}, seq {}", icmp.type() == wire::Icmpv6Type::kEchoRequest ? "request" : "reply",
                     icmp.echo_id(), icmp.echo_seq());
      break;
    case wire::Icmpv6Type::kRouterSolicitation: s += "router solicitation"; break;
    case wire::Icmpv6Type::kRouterAdvertisement: s += "router advertisement"; break;
    case wire::Icmpv6Type::kNeighborSolicitation:
      s += "neighbor solicitation";
      if (p.ndp) fmt::format_to(out, ", who has {}", p.ndp->target()->to_string());
      break;
    case wire::Icmpv6Type::kNeighborAdvertisement:
      s += "neighbor advertisement";
      if (p.ndp) fmt::format_to(out, ", tgt is {}", p.ndp->target()->to_string());
      break;
    case wire::Icmpv6Type::kRedirect:
      s += "redirect";
      if (p.ndp) fmt::format_to(out, ", {} to {}", p.ndp->destination()->to_string(), p.ndp->target()->to_string());
      break;
    case wire::Icmpv6Type::kMldQuery:
    case wire::Icmpv6Type::kMldReport:
    case wire::Icmpv6Type::kMldDone: append_mld(s, icmp); break;
    case wire::Icmpv6Type::kMldv2Report: {
      // RFC 3810 §5.2: reserved (2 bytes), number of group records (2 bytes) after the header.
      const unsigned records = net::load_be16(icmp.bytes().data() + 6);
      fmt::format_to(out, "multicast listener report v2, {} group record(s)", records);
      break;
    }
    default: fmt::format_to(out, "type-#{}", icmp.type()); break;
  }
  fmt::format_to(out, ", length {}", ipv6_transport_length(p));
}

}  // namespace

void append_ipv6_line(std::string& s, const wire::DecodedPacket& p) {
  Out out(s);
  const auto& ip = *p.ipv6;
  const bool has_ports = (p.tcp || p.udp) && p.ipv6_chain.count == 0;
  s += "IP6 ";
  s += ip.src().to_string();
  if (has_ports) fmt::format_to(out, ".{}", p.tcp ? p.tcp->src_port() : p.udp->src_port());
  s += " > ";
  s += ip.dst().to_string();
  if (has_ports) fmt::format_to(out, ".{}", p.tcp ? p.tcp->dst_port() : p.udp->dst_port());
  s += ": ";
  append_extensions(s, p);
  if (!has_ports && (p.tcp || p.udp)) {
    fmt::format_to(out, "{} > {}: ", p.tcp ? p.tcp->src_port() : p.udp->src_port(),
                   p.tcp ? p.tcp->dst_port() : p.udp->dst_port());
  }
  if (p.tcp) return append_tcp_body(s, p);
  if (p.udp) {
    const std::uint16_t len = p.udp->length();
    fmt::format_to(out, "UDP, length {}", len >= 8 ? len - 8 : 0);
    return;
  }
  if (p.icmpv6) return append_icmpv6(s, p);
  if (p.not_decoded == wire::NotDecoded::kFragment) {
    if (!s.empty() && s.back() == ' ') s.pop_back();  // "frag (24|8)" ends the line
    return;
  }
  switch (p.ipv6_chain.upper_protocol) {
    case wire::Ipv6NextHeader::kNoNextHeader: s += "no next header"; return;
    case wire::Ipv6NextHeader::kEsp: s += "ESP"; return;
    default: fmt::format_to(out, "ip-proto-{} {}", p.ipv6_chain.upper_protocol, ipv6_transport_length(p)); return;
  }
}

}  // namespace wirestate::print
