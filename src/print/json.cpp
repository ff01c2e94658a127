// The JSON form of a decoded packet. Key names follow Wireshark's display-filter fields
// (https://www.wireshark.org/docs/dfref/): flatten the nesting with '.' to get them.
#include "wirestate/print/json.hpp"

#include <fmt/format.h>

#include "json_parts.hpp"
#include "text_helpers.hpp"

namespace wirestate::print {

namespace {

using detail::hex16;
using detail::json;
using detail::mac_text;
using detail::status_number;

json arp_json(const wire::ArpView& arp) {
  json j;
  j["hw.type"] = arp.htype();
  j["proto.type"] = hex16(arp.ptype());
  j["hw.size"] = arp.hlen();
  j["proto.size"] = arp.plen();
  j["opcode"] = arp.op();
  if (arp.is_ethernet_ipv4()) {
    j["src.hw_mac"] = mac_text(arp.sender_hw());
    j["src.proto_ipv4"] = net::Ipv4Addr::from_bytes(arp.sender_proto().data()).to_string();
    j["dst.hw_mac"] = mac_text(arp.target_hw());
    j["dst.proto_ipv4"] = net::Ipv4Addr::from_bytes(arp.target_proto().data()).to_string();
    // Wireshark marks requests and replies whose sender and target IP are equal.
    auto repr = arp.to_repr();
    if (repr && (arp.op() == 1 || arp.op() == 2) && repr->is_gratuitous()) j["isgratuitous"] = true;
  }
  return j;
}

json ipv4_option_json(const wire::Ipv4Option& opt) {
  json j;
  j["type"] = opt.type;
  j["len"] = opt.length;
  if (auto e = opt.check()) j["error"] = wire::to_string(*e);
  return j;
}

// length: tshark's ip.len (the total-length field, or the frame's length for TSO).
json ipv4_json(const wire::Ipv4View& ip, std::size_t length, wire::ChecksumStatus status) {
  json j;
  j["version"] = ip.version();
  j["hdr_len"] = ip.header_len();
  j["dsfield"] = fmt::format("0x{:02x}", ip.tos());
  j["len"] = length;
  if (ip.is_tso()) j["total_length_zero"] = true;
  j["id"] = hex16(ip.id());
  j["flags"] = {{"rb", ip.reserved_flag()}, {"df", ip.dont_fragment()}, {"mf", ip.more_fragments()}};
  j["frag_offset"] = ip.frag_offset_raw();
  j["ttl"] = ip.ttl();
  j["proto"] = ip.protocol();
  j["checksum"] = hex16(ip.checksum());
  j["checksum.status"] = status_number(status);
  j["src"] = ip.src().to_string();
  j["dst"] = ip.dst().to_string();
  if (!ip.options().empty()) {
    json opts = json::array();
    auto it = ip.option_iterator();
    wire::Ipv4Option opt;
    while (it.next(opt)) opts.push_back(ipv4_option_json(opt));
    j["opt"] = std::move(opts);
  }
  return j;
}

json tcp_options_json(const wire::TcpView& tcp) {
  json j = json::object();
  auto it = tcp.option_iterator();
  wire::TcpOption opt;
  while (it.next(opt)) {
    const auto problem = opt.check();
    const bool valid = !problem || *problem == wire::Error::kWindowScaleTooLarge;
    switch (opt.kind) {
      case wire::TcpOptionKind::kEol:
      case wire::TcpOptionKind::kNop:
        break;
      case wire::TcpOptionKind::kMss:
        if (valid) j["mss_val"] = opt.mss();
        break;
      case wire::TcpOptionKind::kWindowScale:
        if (valid) j["wscale.shift"] = opt.window_scale();
        break;
      case wire::TcpOptionKind::kSackPermitted:
        if (valid) j["sack_perm"] = true;
        break;
      case wire::TcpOptionKind::kSack:
        for (std::size_t i = 0; i < opt.sack_count(); ++i) {
          const auto b = opt.sack_block(i);
          j["sack_le"].push_back(b.left.value());
          j["sack_re"].push_back(b.right.value());
        }
        break;
      case wire::TcpOptionKind::kTimestamps:
        if (valid) {
          j["timestamp.tsval"] = opt.timestamps().value;
          j["timestamp.tsecr"] = opt.timestamps().echo_reply;
        }
        break;
      default: {
        std::string data;
        for (auto b : opt.data) fmt::format_to(std::back_inserter(data), "{:02x}", b);
        j["unknown"].push_back({{"kind", opt.kind}, {"len", opt.length}, {"data", data}});
        break;
      }
    }
  }
  return j;
}

json tcp_json(const wire::TcpView& tcp, wire::ChecksumStatus status) {
  json j;
  j["srcport"] = tcp.src_port();
  j["dstport"] = tcp.dst_port();
  j["seq_raw"] = tcp.seq().value();
  j["ack_raw"] = tcp.ack().value();
  j["hdr_len"] = tcp.header_len();
  const std::uint16_t flags12 = static_cast<std::uint16_t>((tcp.reserved() << 9) | tcp.flags().bits);
  j["flags"] = hex16(flags12);
  j["flags.str"] = tcp_flags_str(flags12);
  j["window_size_value"] = tcp.window();
  j["checksum"] = hex16(tcp.checksum());
  j["checksum.status"] = status_number(status);
  j["urgent_pointer"] = tcp.urgent();
  if (!tcp.options().empty()) j["options"] = tcp_options_json(tcp);
  return j;
}

// RFC 768: a zero checksum means none was sent; tshark's status 3 ("not present").
json udp_json(const wire::UdpView& udp, wire::ChecksumStatus status) {
  return {{"srcport", udp.src_port()},
          {"dstport", udp.dst_port()},
          {"length", udp.length()},
          {"checksum", hex16(udp.checksum())},
          {"checksum.status", udp.checksum() == 0 ? 3 : status_number(status)}};
}

// The headers an ICMP error quotes (RFC 792): tshark's second ip.* / udp.* / tcp.*.
json quoted_json(const wire::IcmpView& icmp) {
  json j = json::object();
  auto ip = icmp.quoted_ipv4();
  if (!ip) return j;
  j["ip"] = ipv4_json(*ip, ip->total_length(), ip->checksum_status());
  if (ip->frag_offset_raw() != 0) return j;
  const auto payload = ip->payload();
  if (ip->protocol() == wire::IpProtocol::kUdp) {
    if (auto udp = wire::UdpView::parse(payload)) {
      j["udp"] = udp_json(*udp, udp->verify_checksum(ip->src(), ip->dst()));
    }
  } else if (ip->protocol() == wire::IpProtocol::kTcp && payload.size() >= 8) {
    j["tcp"] = {{"srcport", net::load_be16(payload.data())},
                {"dstport", net::load_be16(payload.data() + 2)},
                {"seq_raw", net::load_be32(payload.data() + 4)}};
  }
  return j;
}

json icmp_json(const wire::IcmpView& icmp, wire::ChecksumStatus status) {
  json j;
  j["type"] = icmp.type();
  j["code"] = icmp.code();
  j["checksum"] = hex16(icmp.checksum());
  j["checksum.status"] = status_number(status);
  if (icmp.is_echo()) {
    j["ident"] = icmp.echo_id();
    j["seq"] = icmp.echo_seq();
  }
  if (icmp.is_error()) j["quoted"] = quoted_json(icmp);
  return j;
}

}  // namespace

std::string tcp_flags_str(std::uint16_t flags12) {
  static constexpr char kLetters[] = "RRRACEUAPRSF";
  std::string s;
  for (int i = 0; i < 12; ++i) {
    if ((flags12 >> (11 - i)) & 1) s += kLetters[i]; else s += "\u00b7";
  }
  return s;
}

std::string protocols(const wire::DecodedPacket& p) {
  std::string s;
  auto add = [&s](const char* name) {
    if (!s.empty()) s += ':';
    s += name;
  };
  if (p.sll) {
    add("sll");
    add("ethertype");
  } else if (p.ethernet) {
    add("eth");
    if (p.llc) add("llc"); else if (p.ethertype != 0 || p.vlan_count != 0) add("ethertype");
    for (std::size_t i = 0; i < p.vlan_count; ++i) {
      add(p.vlan[i].tpid == wire::EtherType::kQinQ ? "ieee8021ad" : "vlan");
      add("ethertype");
    }
  } else if (p.loopback_family) {
    add("null");
  } else if (p.link == wire::LinkType::kRawLinux || p.link == wire::LinkType::kRaw ||
             p.link == wire::LinkType::kRawOpenBsd) {
    add("raw");
  }
  if (p.arp) add("arp");
  if (p.ipv4) add("ip");
  if (p.ipv6) detail::add_ipv6_protocols(p, s);
  if (p.tcp) add("tcp");
  if (p.udp) add("udp");
  if (p.icmpv6) add("icmpv6");
  if (p.icmp) {
    add("icmp");
    if (p.icmp->is_error()) {
      if (auto q = p.icmp->quoted_ipv4()) {
        add("ip");
        if (q->frag_offset_raw() == 0 && q->protocol() == wire::IpProtocol::kUdp &&
            wire::UdpView::parse(q->payload())) {
          add("udp");
        } else if (q->frag_offset_raw() == 0 && q->protocol() == wire::IpProtocol::kTcp) {
          add("tcp");
        }
      }
    }
  }
  return s;
}

nlohmann::ordered_json to_json(const FrameInfo& frame, const wire::DecodedPacket& p) {
  json j;
  j["frame"] = {{"number", frame.number},
                {"time_epoch", frame.time.to_epoch_string()},
                {"len", frame.len},
                {"cap_len", frame.cap_len},
                {"protocols", protocols(p)}};
  if (p.sll) {
    j["sll"] = {{"pkttype", p.sll->packet_type}, {"hatype", p.sll->arphrd_type},
                {"etype", hex16(p.sll->protocol)}};
    if (p.link == wire::LinkType::kLinuxSll2) j["sll"]["ifindex"] = p.sll->interface_index;
  }
  if (p.loopback_family) j["null"] = {{"family", *p.loopback_family}};
  if (p.ethernet) {
    j["eth"] = {{"src", p.ethernet->src().to_string()}, {"dst", p.ethernet->dst().to_string()}};
    if (!p.ethernet->is_8023_length()) j["eth"]["type"] = hex16(p.ethernet->type_or_length());
    else j["eth"]["len"] = p.ethernet->type_or_length();
  }
  if (p.vlan_count != 0) {
    // Wireshark names 802.1Q (and 0x9100) tags "vlan" and 802.1ad S-tags "ieee8021ad".
    json tags = json::array();
    json stags = json::array();
    for (std::size_t i = 0; i < p.vlan_count; ++i) {
      const auto& t = p.vlan[i];
      // The next type: the TPID of the next tag, or the network type after the last.
      const std::uint16_t etype = i + 1 < p.vlan_count ? p.vlan[i + 1].tpid : p.ethertype;
      json tag = {{"id", t.vid()}, {"priority", t.pcp()}, {"dei", t.dei()}};
      if (t.tpid == wire::EtherType::kQinQ) {
        stags.push_back(std::move(tag));
        continue;
      }
      if (etype != 0) tag["etype"] = hex16(etype);
      tags.push_back(std::move(tag));
    }
    if (!stags.empty()) j["ieee8021ad"] = std::move(stags);
    if (!tags.empty()) j["vlan"] = std::move(tags);
  }
  if (p.llc) {
    j["llc"] = {{"dsap", fmt::format("0x{:02x}", p.llc->dsap())},
                {"ssap", fmt::format("0x{:02x}", p.llc->ssap())},
                {"control", fmt::format("0x{:02x}", p.llc->control())}};
    if (p.llc->is_snap()) {
      j["llc"]["oui"] = fmt::format("0x{:06x}", p.llc->oui());
      j["llc"]["pid"] = hex16(p.llc->snap_type());
    }
  }
  if (p.arp) j["arp"] = arp_json(*p.arp);
  if (p.ipv4) j["ip"] = ipv4_json(*p.ipv4, ip_length(p), p.ipv4_checksum);
  if (p.ipv6) j["ipv6"] = detail::ipv6_json(p);
  if (p.tcp) {
    j["tcp"] = tcp_json(*p.tcp, p.transport_checksum);
    // A first fragment holds only part of the segment: like tshark, no tcp.len.
    if (!is_first_fragment(p)) j["tcp"]["len"] = tcp_payload_length(p);
  }
  if (p.udp) j["udp"] = udp_json(*p.udp, p.transport_checksum);
  if (p.icmp) j["icmp"] = icmp_json(*p.icmp, p.transport_checksum);
  if (p.icmpv6) j["icmpv6"] = detail::icmpv6_json(p);
  if (p.not_decoded != wire::NotDecoded::kNone) j["not_decoded"] = wire::to_string(p.not_decoded);
  if (p.malformed()) {
    json list = json::array();
    for (const auto& m : p.malformations) {
      list.push_back({{"layer", wire::to_string(m.layer)},
                      {"field", m.field},
                      {"offset", m.offset},
                      {"error", wire::to_string(m.error)}});
    }
    j["malformed"] = std::move(list);
    if (p.malformations.overflow() != 0) j["malformed_more"] = p.malformations.overflow();
  }
  return j;
}

}  // namespace wirestate::print
