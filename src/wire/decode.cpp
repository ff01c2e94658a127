// wire::decode: link layer -> Ethernet/VLAN/LLC -> ARP | IPv4 | IPv6 (+ extension headers)
// -> TCP | UDP | ICMP | ICMPv6 (+ NDP), keeping
// everything decoded before the first fatal error (gopacket's DecodingLayerParser style)
// and recording every malformation with its layer, field and frame offset.
#include "wirestate/wire/decode.hpp"

namespace wirestate::wire {

std::string_view to_string(NotDecoded n) noexcept {
  switch (n) {
    case NotDecoded::kNone: return "none";
    case NotDecoded::kOtherEthertype: return "other_ethertype";
    case NotDecoded::kOtherIpProtocol: return "other_ip_protocol";
    case NotDecoded::kFragment: return "fragment";
    case NotDecoded::kUnsupportedLinkType: return "unsupported_link_type";
  }
  return "unknown";
}

namespace {

// What the transport decoders need from the IP layer below them, either family.
struct IpLayer {
  const Ipv4View* v4 = nullptr;
  const Ipv6View* v6 = nullptr;
  net::Bytes payload;          // the transport bytes (cut at the capture)
  std::size_t declared = 0;    // the transport length the IP header declares
  bool first_fragment = false; // the rest of the datagram is in later fragments
  // RFC 8200 §8.1: with a Routing header not yet consumed, the pseudo-header's destination
  // is the final one (the routing header's last address), not the IPv6 Destination.
  std::optional<net::Ipv6Addr> final_dst;

  net::Ipv6Addr v6_dst() const noexcept { return final_dst ? *final_dst : v6->dst(); }
  // The transport checksum over this layer's pseudo-header.
  template <typename View>
  ChecksumStatus tcp_checksum(const View& t) const noexcept {
    return v4 != nullptr ? t.verify_checksum(v4->src(), v4->dst(), declared) : t.verify_checksum(v6->src(), v6_dst(), declared);
  }
  ChecksumStatus udp_checksum(const UdpView& u) const noexcept {
    return v4 != nullptr ? u.verify_checksum(v4->src(), v4->dst()) : u.verify_checksum(v6->src(), v6_dst());
  }
};

// Address families of the BSD loopback header (AF_INET everywhere; AF_INET6 differs).
constexpr std::uint32_t kAfInet = 2;
constexpr bool is_af_inet6(std::uint32_t f) noexcept {
  return f == 10 || f == 24 || f == 28 || f == 30;  // Linux, NetBSD/OpenBSD, FreeBSD, macOS
}

class Decoder {
 public:
  Decoder(DecodedPacket& out, net::Bytes frame, const DecodeOptions& options) noexcept
      : out_(out), frame_(frame), verify_(options.verify_checksums) {}

  void link(LinkType type) noexcept {
    switch (type) {
      case LinkType::kEthernet: ethernet(); return;
      case LinkType::kLinuxSll: sll_v1(); return;
      case LinkType::kLinuxSll2: sll_v2(); return;
      case LinkType::kRawLinux:
      case LinkType::kRawOpenBsd:
      case LinkType::kRaw: raw(); return;
      case LinkType::kIpv4: ipv4(frame_, 0); return;
      case LinkType::kIpv6: ipv6(frame_, 0); return;
      case LinkType::kNull: loopback(false); return;
      case LinkType::kLoop: loopback(true); return;
    }
    out_.not_decoded = NotDecoded::kUnsupportedLinkType;
    flag(Layer::kLink, "link_type", 0, Error::kUnsupportedLinkType);
  }

 private:
  void flag(Layer layer, const char* field, std::size_t offset, Error e) noexcept {
    out_.malformations.push(Malformation{layer, field, offset, e});
  }

  // IEEE 802.3 §3.2.6 / 802.1Q §9: MAC header, stacked tags, then type or length.
  void ethernet() noexcept {
    const auto eth = EthernetView::parse(frame_);
    if (!eth) return flag(Layer::kEthernet, "header", 0, eth.error());
    out_.ethernet = *eth;
    std::uint16_t type = eth->type_or_length();
    std::size_t off = EthernetView::kHeaderLen;
    while (is_vlan_tpid(type)) {
      if (out_.vlan_count == kMaxVlanTags) {
        return flag(Layer::kVlan, "tpid", off - 2, Error::kTooManyVlanTags);
      }
      const auto tag = VlanTagView::parse(frame_.subspan(off));
      if (!tag) return flag(Layer::kVlan, "tci", off, tag.error());
      out_.vlan[out_.vlan_count++] = VlanTag{type, tag->tci()};
      type = tag->inner_type();
      off += VlanTagView::kTagLen;
    }
    if (type <= EtherType::kMaxLength) return ieee8023(type, off);
    network(type, frame_.subspan(off), off);
  }

  // IEEE 802.3 length frame with 802.2 LLC; RFC 1042 SNAP with OUI 0 carries an EtherType.
  void ieee8023(std::size_t length, std::size_t off) noexcept {
    net::Bytes data = frame_.subspan(off);
    if (length > data.size()) {
      if (!out_.truncated) flag(Layer::kEthernet, "length", off - 2, Error::kBadLength);
    } else {
      data = data.first(length);  // drop the padding after the LLC frame
    }
    const auto llc = LlcView::parse(data);
    if (!llc) return flag(Layer::kLlc, "header", off, llc.error());
    out_.llc = *llc;
    if (!llc->carries_ethertype()) {
      out_.not_decoded = NotDecoded::kOtherEthertype;
      return;
    }
    network(llc->snap_type(), llc->payload(), off + LlcView::kSnapLen);
  }

  // pcap-linktype(7) LINKTYPE_LINUX_SLL: type, ARPHRD, addr len, addr[8], protocol.
  void sll_v1() noexcept {
    constexpr std::size_t kLen = 16;
    if (frame_.size() < kLen) return flag(Layer::kLink, "sll_header", 0, Error::kTruncated);
    const std::uint8_t* p = frame_.data();
    SllHeader h;
    h.packet_type = net::load_be16(p);
    h.arphrd_type = net::load_be16(p + 2);
    h.address = frame_.subspan(6, std::min<std::size_t>(net::load_be16(p + 4), 8));
    h.protocol = net::load_be16(p + 14);
    out_.sll = h;
    sll_payload(h.protocol, kLen);
  }

  // LINKTYPE_LINUX_SLL2: protocol, reserved, ifindex, ARPHRD, type, addr len, addr[8].
  void sll_v2() noexcept {
    constexpr std::size_t kLen = 20;
    if (frame_.size() < kLen) return flag(Layer::kLink, "sll2_header", 0, Error::kTruncated);
    const std::uint8_t* p = frame_.data();
    SllHeader h;
    h.protocol = net::load_be16(p);
    h.interface_index = net::load_be32(p + 4);
    h.arphrd_type = net::load_be16(p + 8);
    h.packet_type = p[10];
    h.address = frame_.subspan(12, std::min<std::size_t>(p[11], 8));
    out_.sll = h;
    sll_payload(h.protocol, kLen);
  }

  void sll_payload(std::uint16_t protocol, std::size_t off) noexcept {
    if (protocol <= EtherType::kMaxLength) {  // LINUX_SLL_P_802_2 etc.: not an EtherType
      out_.not_decoded = NotDecoded::kOtherEthertype;
      return;
    }
    network(protocol, frame_.subspan(off), off);
  }

  // DLT_RAW: the version nibble says IPv4 or IPv6.
  void raw() noexcept {
    if (!frame_.empty() && (frame_[0] >> 4) == 6) return ipv6(frame_, 0);
    ipv4(frame_, 0);
  }

  // DLT_NULL (host order family) and DLT_LOOP (network order).
  void loopback(bool network_order) noexcept {
    if (frame_.size() < 4) return flag(Layer::kLink, "family", 0, Error::kTruncated);
    std::uint32_t family = network_order ? net::load_be32(frame_.data()) : net::load_le32(frame_.data());
    // DLT_NULL is in the capturing host's order: a value above 0xffff was big-endian.
    if (!network_order && (family & 0xffff0000U) != 0) family = net::load_be32(frame_.data());
    out_.loopback_family = family;
    if (family == kAfInet) {
      out_.ethertype = EtherType::kIpv4;
      return ipv4(frame_.subspan(4), 4);
    }
    if (is_af_inet6(family)) {
      out_.ethertype = EtherType::kIpv6;
      return ipv6(frame_.subspan(4), 4);
    }
    out_.not_decoded = NotDecoded::kOtherEthertype;
  }

  void network(std::uint16_t type, net::Bytes bytes, std::size_t off) noexcept {
    out_.ethertype = type;
    switch (type) {
      case EtherType::kIpv4: return ipv4(bytes, off);
      case EtherType::kArp: return arp(bytes, off);
      case EtherType::kIpv6: return ipv6(bytes, off);
      default: out_.not_decoded = NotDecoded::kOtherEthertype; return;
    }
  }

  // RFC 826.
  void arp(net::Bytes bytes, std::size_t off) noexcept {
    out_.network_offset = off;
    const auto a = ArpView::parse(bytes);
    if (!a) return flag(Layer::kArp, "header", off, a.error());
    out_.arp = *a;
    if (const auto e = a->check()) {
      const char* field = "addresses";
      switch (*e) {
        case Error::kUnsupportedHardware: field = "htype"; break;
        case Error::kUnsupportedProtocol: field = "ptype"; break;
        case Error::kBadHardwareLength: field = "hlen"; break;
        case Error::kBadProtocolLength: field = "plen"; break;
        default: break;
      }
      flag(Layer::kArp, field, off + ArpView::field_offset(*e), *e);
    }
  }

  // RFC 791 §3.1.
  void ipv4(net::Bytes bytes, std::size_t off) noexcept {
    out_.network_offset = off;
    if (out_.ethertype == 0) out_.ethertype = EtherType::kIpv4;
    const auto parsed = Ipv4View::parse(bytes);
    if (!parsed) {
      return flag(Layer::kIpv4, Ipv4View::field_name(parsed.error()),
                  off + Ipv4View::field_offset(parsed.error()), parsed.error());
    }
    const Ipv4View& ip = *parsed;
    out_.ipv4 = ip;
    if (verify_) {
      out_.ipv4_checksum = ip.checksum_status();
      if (out_.ipv4_checksum == ChecksumStatus::kBad) flag(Layer::kIpv4, "checksum", off + 10, Error::kBadChecksum);
    }
    if (ip.is_tso()) {
      flag(Layer::kIpv4, "total_length", off + 2, Error::kTotalLengthZero);
    } else if (ip.is_cut() && !out_.truncated) {
      flag(Layer::kIpv4, "total_length", off + 2, Error::kBadTotalLength);
    }
    if (ip.header_len() > Ipv4View::kMinHeaderLen) ipv4_options(ip, off);
    if (ip.frag_offset_raw() != 0) {  // RFC 791: only the first fragment has the header
      out_.not_decoded = NotDecoded::kFragment;
      return;
    }
    const std::size_t toff = off + ip.header_len();
    const IpLayer l3{.v4 = &ip,
                     .payload = ip.payload(),
                     .declared = ip.is_tso() ? ip.payload().size() : ip.declared_payload_len(),
                     .first_fragment = ip.more_fragments()};
    switch (ip.protocol()) {
      case IpProtocol::kTcp: return tcp(l3, toff);
      case IpProtocol::kUdp: return udp(l3, toff);
      case IpProtocol::kIcmp: return icmp(l3, toff);
      default: out_.not_decoded = NotDecoded::kOtherIpProtocol; return;
    }
  }

  // RFC 8200 §3-4: the fixed header, then the extension-header chain to the upper layer.
  void ipv6(net::Bytes bytes, std::size_t off) noexcept {
    out_.network_offset = off;
    if (out_.ethertype == 0) out_.ethertype = EtherType::kIpv6;
    const auto parsed = Ipv6View::parse(bytes);
    if (!parsed) {
      return flag(Layer::kIpv6, Ipv6View::field_name(parsed.error()), off + Ipv6View::field_offset(parsed.error()),
                  parsed.error());
    }
    const Ipv6View& ip = *parsed;
    out_.ipv6 = ip;
    if (ip.is_jumbo()) {
      flag(Layer::kIpv6, "payload_length", off + 4, Error::kTotalLengthZero);
    } else if (ip.is_cut() && !out_.truncated) {
      flag(Layer::kIpv6, "payload_length", off + 4, Error::kBadPayloadLength);
    }
    const std::size_t poff = off + Ipv6View::kHeaderLen;
    Ipv6Chain& chain = out_.ipv6_chain;
    Ipv6ExtensionWalker walker(ip.next_header(), ip.payload());
    std::optional<net::Ipv6Addr> final_dst;
    for (Ipv6Extension e; walker.next(e);) {
      // RFC 8200 §4.4 (type 0, RFC 5095; type 2, RFC 6275 §6.4): addresses from byte 8,
      // the last one the final destination while Segments Left > 0. RFC 8754 §2 (type 4):
      // Segment List[0], at byte 8, is the final segment.
      if (e.type == Ipv6NextHeader::kRouting && e.bytes.size() >= 24 && e.bytes[3] != 0) {
        const std::uint8_t type = e.bytes[2];
        if (type == 0 || type == 2) final_dst = net::Ipv6Addr::from_bytes(e.bytes.data() + e.bytes.size() - 16);
        else if (type == 4) final_dst = net::Ipv6Addr::from_bytes(e.bytes.data() + 8);
      }
      chain.types[chain.count] = e.type;
      chain.offsets[chain.count] = static_cast<std::uint16_t>(poff + e.offset);
      ++chain.count;
    }
    chain.upper_protocol = walker.upper_protocol();
    chain.fragment = walker.fragment();
    if (walker.error()) return flag(Layer::kIpv6Extension, "header", poff + walker.upper_offset(), *walker.error());
    if (walker.bound_hit()) {
      return flag(Layer::kIpv6Extension, "next_header", poff + walker.upper_offset(), Error::kTooManyExtensionHeaders);
    }
    if (walker.stopped_at_fragment_data()) {  // RFC 8200 §4.5: only the first fragment has the header
      out_.not_decoded = NotDecoded::kFragment;
      return;
    }
    const std::size_t upper = walker.upper_offset();
    const std::size_t toff = poff + upper;
    // The transport length: the payload length less the extension headers (the captured
    // size for a jumbogram).
    const std::size_t declared = ip.is_jumbo() ? ip.payload().size() - upper
                                               : (ip.payload_length() > upper ? ip.payload_length() - upper : 0);
    const IpLayer l3{.v6 = &ip,
                     .payload = ip.payload().subspan(upper),
                     .declared = declared,
                     .first_fragment = chain.fragment.has_value() && chain.fragment->more,
                     .final_dst = final_dst};
    switch (chain.upper_protocol) {
      case Ipv6NextHeader::kTcp: return tcp(l3, toff);
      case Ipv6NextHeader::kUdp: return udp(l3, toff);
      case Ipv6NextHeader::kIcmpv6: return icmpv6(ip, l3, toff);
      default: out_.not_decoded = NotDecoded::kOtherIpProtocol; return;
    }
  }

  void ipv4_options(const Ipv4View& ip, std::size_t off) noexcept {
    auto it = ip.option_iterator();
    Ipv4Option o;
    while (it.next(o)) {
      if (const auto e = o.check()) flag(Layer::kIpv4Option, "option", off + o.offset, *e);
    }
    if (const auto e = it.error()) flag(Layer::kIpv4Option, "option_length", off + it.error_offset(), *e);
  }

  // RFC 9293 §3.1.
  void tcp(const IpLayer& ip, std::size_t off) noexcept {
    out_.transport_offset = off;
    const net::Bytes seg = ip.payload;
    const auto parsed = TcpView::parse(seg);
    if (!parsed) {
      Error e = parsed.error();
      // A sane data offset that only the capture cut short is truncation, not a bad offset.
      if (e == Error::kBadDataOffset) {
        const std::size_t hl = static_cast<std::size_t>(seg[12] >> 4) * 4;
        if (hl >= TcpView::kMinHeaderLen && hl <= ip.declared) e = Error::kTruncated;
      }
      return flag(Layer::kTcp, e == Error::kBadDataOffset ? "data_offset" : "header",
                  e == Error::kBadDataOffset ? off + 12 : off, e);
    }
    const TcpView& t = *parsed;
    out_.tcp = t;
    out_.payload = t.payload();
    if (verify_ && !ip.first_fragment) {
      out_.transport_checksum = ip.tcp_checksum(t);
      if (out_.transport_checksum == ChecksumStatus::kBad) flag(Layer::kTcp, "checksum", off + 16, Error::kBadChecksum);
    }
    if (t.header_len() > TcpView::kMinHeaderLen) {
      auto it = t.option_iterator();
      TcpOption o;
      while (it.next(o)) {
        if (const auto e = o.check()) flag(Layer::kTcpOption, "option", off + o.offset, *e);
      }
      if (const auto e = it.error()) flag(Layer::kTcpOption, "option_length", off + it.error_offset(), *e);
    }
  }

  // RFC 768.
  void udp(const IpLayer& ip, std::size_t off) noexcept {
    out_.transport_offset = off;
    const auto parsed = UdpView::parse(ip.payload);
    if (!parsed) {
      return flag(Layer::kUdp, parsed.error() == Error::kBadUdpLength ? "length" : "header",
                  parsed.error() == Error::kBadUdpLength ? off + UdpView::kLengthOffset : off,
                  parsed.error());
    }
    const UdpView& u = *parsed;
    out_.udp = u;
    out_.payload = u.payload();
    if (ip.first_fragment) return;  // the rest of the datagram is in later fragments
    if (u.length() > ip.declared || (u.is_cut() && !out_.truncated)) {
      flag(Layer::kUdp, "length", off + UdpView::kLengthOffset, Error::kBadUdpLength);
    }
    if (verify_) {
      out_.transport_checksum = ip.udp_checksum(u);
      if (out_.transport_checksum == ChecksumStatus::kBad) flag(Layer::kUdp, "checksum", off + 6, Error::kBadChecksum);
    }
  }

  // RFC 792.
  void icmp(const IpLayer& ip, std::size_t off) noexcept {
    out_.transport_offset = off;
    const auto parsed = IcmpView::parse(ip.payload);
    if (!parsed) return flag(Layer::kIcmp, "header", off, parsed.error());
    const IcmpView& i = *parsed;
    out_.icmp = i;
    out_.payload = i.data();
    if (verify_ && !ip.first_fragment) {
      out_.transport_checksum = i.verify_checksum(ip.declared);
      if (out_.transport_checksum == ChecksumStatus::kBad) flag(Layer::kIcmp, "checksum", off + 2, Error::kBadChecksum);
    }
    if (i.is_error() && !i.quoted_ipv4() && !out_.truncated) {
      flag(Layer::kIcmp, "quoted_ipv4", off + IcmpView::kHeaderLen, Error::kBadIcmpQuote);
    }
  }

  // RFC 4443, and RFC 4861 for the NDP messages in it.
  void icmpv6(const Ipv6View& ip6, const IpLayer& ip, std::size_t off) noexcept {
    out_.transport_offset = off;
    const auto parsed = Icmpv6View::parse(ip.payload);
    if (!parsed) return flag(Layer::kIcmpv6, "header", off, parsed.error());
    const Icmpv6View& i = *parsed;
    out_.icmpv6 = i;
    out_.payload = i.data();
    if (verify_ && !ip.first_fragment) {
      out_.transport_checksum = i.verify_checksum(ip6.src(), ip.v6_dst(), ip.declared);
      if (out_.transport_checksum == ChecksumStatus::kBad) flag(Layer::kIcmpv6, "checksum", off + 2, Error::kBadChecksum);
    }
    if (i.is_error() && !i.quoted_ipv6() && !out_.truncated) {
      flag(Layer::kIcmpv6, "quoted_ipv6", off + Icmpv6View::kHeaderLen, Error::kBadIcmpQuote);
    }
    if (i.is_ndp()) ndp(i, off);
  }

  void ndp(const Icmpv6View& i, std::size_t off) noexcept {
    const auto parsed = NdpView::parse(i);
    if (!parsed) return flag(Layer::kNdp, "header", off, parsed.error());
    out_.ndp = *parsed;
    auto walker = parsed->options();
    for (NdpOption o; walker.next(o);) {
      if (const auto e = o.check()) flag(Layer::kNdpOption, "option", off + o.offset, *e);
    }
    if (const auto e = walker.error()) flag(Layer::kNdpOption, "option_length", off + walker.error_offset(), *e);
  }

  DecodedPacket& out_;
  net::Bytes frame_;
  bool verify_;
};

}  // namespace

void decode_into(DecodedPacket& out, net::Bytes frame, LinkType link, std::uint32_t wire_len,
                 const DecodeOptions& options) noexcept {
  // Field by field rather than `out = DecodedPacket{}`: the malformation storage (most of
  // the struct) needs no clearing, which keeps a hot decode loop from rewriting 600 bytes.
  out.sll.reset();
  out.loopback_family.reset();
  out.ethernet.reset();
  out.vlan_count = 0;
  out.llc.reset();
  out.ethertype = 0;
  out.arp.reset();
  out.ipv4.reset();
  out.ipv6.reset();
  out.ipv6_chain.count = 0;
  out.ipv6_chain.upper_protocol = 0;
  out.ipv6_chain.fragment.reset();
  out.tcp.reset();
  out.udp.reset();
  out.icmp.reset();
  out.icmpv6.reset();
  out.ndp.reset();
  out.payload = {};
  out.network_offset = 0;
  out.transport_offset = 0;
  out.ipv4_checksum = ChecksumStatus::kUnverified;
  out.transport_checksum = ChecksumStatus::kUnverified;
  out.not_decoded = NotDecoded::kNone;
  out.malformations.clear();
  out.link = link;
  out.caplen = static_cast<std::uint32_t>(frame.size());
  out.wire_len = wire_len;
  out.truncated = out.caplen < wire_len;
  Decoder(out, frame, options).link(link);
}

DecodedPacket decode(net::Bytes frame, LinkType link, std::uint32_t wire_len,
                     const DecodeOptions& options) noexcept {
  DecodedPacket out;
  decode_into(out, frame, link, wire_len, options);
  return out;
}

}  // namespace wirestate::wire
