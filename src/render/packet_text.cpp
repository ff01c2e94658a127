#include "packet_text.hpp"

#include <fmt/format.h>

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/seq_num.hpp"

namespace wirestate::render::detail {

namespace {

std::string status_text(wire::ChecksumStatus s) {
  switch (s) {
    case wire::ChecksumStatus::kGood: return "good";
    case wire::ChecksumStatus::kBad: return "BAD";
    case wire::ChecksumStatus::kUnverified: break;
  }
  return "unverified";
}

std::string hex_bytes(net::Bytes b, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < b.size() && i < max; ++i) {
    if (i) out += (i % 16 == 0) ? "\n    " : " ";
    out += fmt::format("{:02x}", b[i]);
  }
  if (b.size() > max) out += " …";
  return out;
}

// Wireshark prints relative numbers when it knows the base, the raw one otherwise.
std::string rel(std::uint32_t value, const std::optional<std::uint32_t>& base) {
  return base ? std::to_string(value - *base) : std::to_string(value);
}

// tcpdump's option list: "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7".
std::string tcp_options_text(const wire::TcpView& tcp, const std::optional<std::uint32_t>& ack_base) {
  std::string out;
  wire::TcpOptionIterator it = tcp.option_iterator();
  wire::TcpOption o;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ",") + s; };
  while (it.next(o)) {
    const bool ok = !o.check().has_value();
    switch (o.kind) {
      case wire::TcpOptionKind::kEol: add("eol"); break;
      case wire::TcpOptionKind::kNop: add("nop"); break;
      case wire::TcpOptionKind::kMss: add(ok ? fmt::format("mss {}", o.mss()) : "mss [bad length]"); break;
      case wire::TcpOptionKind::kWindowScale:
        add(ok || o.data.size() == 1 ? fmt::format("wscale {}", o.data[0]) : "wscale [bad length]");
        break;
      case wire::TcpOptionKind::kSackPermitted: add("sackOK"); break;
      case wire::TcpOptionKind::kSack: {
        std::string s = "sack " + std::to_string(o.sack_count());
        for (std::size_t i = 0; i < o.sack_count(); ++i) {
          const auto b = o.sack_block(i);
          s += fmt::format(" {{{}:{}}}", rel(b.left.value(), ack_base), rel(b.right.value(), ack_base));
        }
        add(s);
        break;
      }
      case wire::TcpOptionKind::kTimestamps:
        if (ok) add(fmt::format("TS val {} ecr {}", o.timestamps().value, o.timestamps().echo_reply));
        else add("TS [bad length]");
        break;
      default: add(fmt::format("unknown-{}", o.kind)); break;
    }
  }
  if (it.error()) add("[bad opt]");
  return out;
}

std::string flag_names(wire::TcpFlags f) {
  static constexpr std::pair<std::uint16_t, const char*> kNames[] = {
      {wire::TcpFlags::kAe, "AE"},   {wire::TcpFlags::kCwr, "CWR"}, {wire::TcpFlags::kEce, "ECE"},
      {wire::TcpFlags::kUrg, "URG"}, {wire::TcpFlags::kAck, "ACK"}, {wire::TcpFlags::kPsh, "PSH"},
      {wire::TcpFlags::kRst, "RST"}, {wire::TcpFlags::kSyn, "SYN"}, {wire::TcpFlags::kFin, "FIN"}};
  std::string out;
  for (const auto& [bit, name] : kNames)
    if (f.bits & bit) out += (out.empty() ? "" : ", ") + std::string(name);
  return out.empty() ? "none" : out;
}

// Decodes one UTF-8 code point at s[i]; returns its length, 0 when invalid.
std::size_t utf8_at(net::Bytes s, std::size_t i, std::uint32_t& cp) {
  const std::uint8_t c = s[i];
  std::size_t n = 0;
  if (c < 0x80) { cp = c; return 1; }
  if ((c & 0xe0) == 0xc0) { n = 2; cp = c & 0x1f; }
  else if ((c & 0xf0) == 0xe0) { n = 3; cp = c & 0x0f; }
  else if ((c & 0xf8) == 0xf0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((s[i + k] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i + k] & 0x3f);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

void describe_tcp(const FrameBytes& frame, const wire::DecodedPacket& p, TcpTracker& tracker,
                  ConnNames& conns, PacketText& out) {
  const auto& tcp = *p.tcp;
  const net::IpAddr src = p.ipv4 ? net::IpAddr(p.ipv4->src()) : net::IpAddr(p.ipv6->src());
  const net::IpAddr dst = p.ipv4 ? net::IpAddr(p.ipv4->dst()) : net::IpAddr(p.ipv6->dst());
  const Flow flow = Flow::of({src, tcp.src_port()}, {dst, tcp.dst_port()});
  const auto flags = tcp.flags();
  const auto seen = tracker.observe(flow, tcp, p.payload.size());
  out.kind = ArrowKind::kTcp;
  out.conn = conns.name(flow, flags.syn() && !flags.ack());
  out.flow = flow.key;
  out.retransmission = seen.retransmission;

  const std::uint32_t seq = tcp.seq().value();
  std::string label = fmt::format("[{}]", tcp_flags_text(flags));
  const std::size_t len = p.payload.size();
  if (len > 0) label += fmt::format(" seq {}:{}", rel(seq, seen.seq_base), rel(seq + static_cast<std::uint32_t>(len), seen.seq_base));
  else if (flags.syn() || flags.fin() || flags.rst() || !flags.ack()) label += " seq " + rel(seq, seen.seq_base);
  if (flags.ack()) label += " ack " + rel(tcp.ack().value(), seen.ack_base);
  label += fmt::format(" win {} len {}", tcp.window(), len);
  out.label = std::move(label);

  const std::string options = tcp_options_text(tcp, seen.ack_base);
  out.preview = payload_preview(p.payload, 24);
  out.options = options;

  std::string& d = out.detail;
  d += fmt::format("Transmission Control Protocol, Src Port: {}, Dst Port: {}, Len: {}\n", tcp.src_port(), tcp.dst_port(), len);
  d += fmt::format("    Sequence number: {} (relative), raw {}\n", rel(seq, seen.seq_base), seq);
  if (flags.ack())
    d += fmt::format("    Acknowledgment number: {} (relative), raw {}\n", rel(tcp.ack().value(), seen.ack_base), tcp.ack().value());
  d += fmt::format("    Header length: {} bytes, Flags: 0x{:03x} [{}] ({})\n", tcp.header_len(), flags.bits,
                   tcp_flags_text(flags), flag_names(flags));
  d += fmt::format("    Window: {}, Checksum: 0x{:04x} [{}], Urgent pointer: {}\n", tcp.window(), tcp.checksum(),
                   status_text(p.transport_checksum), tcp.urgent());
  if (!options.empty()) d += "    Options: " + options + "\n";
  d += "    Connection: " + out.conn + "\n";
  if (seen.retransmission) d += "    [This frame is a retransmission: its sequence space was sent before]\n";
  (void)frame;
}

void describe_arp(const wire::DecodedPacket& p, PacketText& out) {
  const auto& arp = *p.arp;
  out.kind = ArrowKind::kArp;
  if (!arp.is_ethernet_ipv4() || !arp.addresses_present()) {
    out.label = fmt::format("ARP op {} (not Ethernet/IPv4)", arp.op());
    out.detail = "Address Resolution Protocol, op " + std::to_string(arp.op()) + "\n";
    return;
  }
  const std::string sha = net::MacAddr::from_bytes(arp.sender_hw().data()).to_string();
  const std::string spa = net::Ipv4Addr::from_bytes(arp.sender_proto().data()).to_string();
  const std::string tha = net::MacAddr::from_bytes(arp.target_hw().data()).to_string();
  const std::string tpa = net::Ipv4Addr::from_bytes(arp.target_proto().data()).to_string();
  const bool gratuitous = spa == tpa;
  // RFC 826 opcodes: 1 request, 2 reply; RFC 5227 §3 gratuitous forms have SPA == TPA.
  if (arp.op() == 1) out.label = gratuitous ? "ARP announce " + spa : "ARP who-has " + tpa + " tell " + spa;
  else if (arp.op() == 2) out.label = std::string(gratuitous ? "ARP gratuitous " : "ARP ") + spa + " is-at " + sha;
  else out.label = fmt::format("ARP op {} {}", arp.op(), spa);
  out.detail = fmt::format(
      "Address Resolution Protocol ({})\n    Opcode: {}\n    Sender MAC: {}, Sender IP: {}\n"
      "    Target MAC: {}, Target IP: {}\n",
      arp.op() == 1 ? "request" : arp.op() == 2 ? "reply" : "other", arp.op(), sha, spa, tha, tpa);
}

}  // namespace

std::string tcp_flags_text(wire::TcpFlags f) {
  std::string s;
  if (f.fin()) s += 'F';
  if (f.syn()) s += 'S';
  if (f.rst()) s += 'R';
  if (f.psh()) s += 'P';
  if (f.ack()) s += '.';
  if (f.urg()) s += 'U';
  if (f.ece()) s += 'E';
  if (f.cwr()) s += 'W';
  if (f.ae()) s += 'e';
  return s.empty() ? "none" : s;
}

TcpTracker::Seen TcpTracker::observe(const Flow& flow, const wire::TcpView& tcp, std::size_t payload_len) {
  const auto flags = tcp.flags();
  const std::uint32_t seg_len = static_cast<std::uint32_t>(payload_len) + (flags.syn() ? 1 : 0) + (flags.fin() ? 1 : 0);
  const net::SeqNum seq = tcp.seq();
  Seen seen;
  auto it = flows_.find(flow);
  if (it == flows_.end() || (flags.syn() && !flags.ack() && it->second.base != seq.value())) {
    // A new direction, or a new SYN reusing the ports: the base starts over.
    if (it == flows_.end() && flows_.size() >= kMaxFlows) return seen;
    it = flows_.insert_or_assign(flow, Direction{seq.value(), (seq + seg_len).value()}).first;
  } else if (seg_len > 0 && le(seq + seg_len, net::SeqNum(it->second.end))) {
    seen.retransmission = true;  // every byte (and SYN/FIN) of it was sent before
  }
  it->second.end = seq_max(net::SeqNum(it->second.end), seq + seg_len).value();
  seen.seq_base = it->second.base;
  if (auto back = flows_.find(flow.reversed()); back != flows_.end()) seen.ack_base = back->second.base;
  return seen;
}

std::string ConnNames::name(const Flow& flow, bool pure_syn) {
  if (auto it = names_.find(flow.key); it != names_.end() && !pure_syn) return it->second;
  std::string n = fmt::format("{}-{}", flow.src(), flow.dst());
  if (auto it = names_.find(flow.key); it != names_.end() && it->second == n) return n;
  if (names_.size() + 1 > TcpTracker::kMaxFlows) return n;
  names_[flow.key] = n;
  return n;
}

std::string payload_preview(net::Bytes payload, std::size_t max_chars) {
  if (payload.empty()) return "";
  std::string out = "\"";
  std::size_t chars = 0;
  for (std::size_t i = 0; i < payload.size();) {
    std::uint32_t cp = 0;
    const std::size_t n = utf8_at(payload, i, cp);
    if (n == 0 || (cp < 0x20 && cp != '\n' && cp != '\r' && cp != '\t') || cp == 0x7f) return "";
    if (chars == max_chars) { out += "…"; break; }
    if (cp == '\n') out += "\\n";
    else if (cp == '\r') out += "\\r";
    else if (cp == '\t') out += "\\t";
    else if (cp == '"') out += "\\\"";
    else out.append(reinterpret_cast<const char*>(payload.data() + i), n);
    ++chars;
    i += n;
  }
  return out + "\"";
}

PacketText describe(const FrameBytes& frame, const wire::DecodedPacket& p, TcpTracker& tcp, ConnNames& conns,
                    net::Time origin) {
  PacketText out;
  std::string head = fmt::format("Frame {}: {} bytes on the wire, {} captured, at {:.6f} s\n", frame.number, p.wire_len,
                                 p.caplen, (frame.time - origin).seconds_f());
  if (p.ethernet)
    head += fmt::format("Ethernet II, Src: {}, Dst: {}, Type: 0x{:04x}\n", p.ethernet->src().to_string(),
                        p.ethernet->dst().to_string(), p.ethertype);
  if (p.ipv4) {
    const auto& ip = *p.ipv4;
    head += fmt::format("Internet Protocol Version 4, Src: {}, Dst: {}\n", ip.src().to_string(), ip.dst().to_string());
    head += fmt::format("    Header length: {} bytes, Total length: {}, ID: 0x{:04x}, Flags:{}{}, Fragment offset: {}\n",
                        ip.header_len(), ip.total_length(), ip.id(), ip.dont_fragment() ? " DF" : "",
                        ip.more_fragments() ? " MF" : "", ip.frag_offset_bytes());
    head += fmt::format("    TTL: {}, Protocol: {}, Checksum: 0x{:04x} [{}]\n", ip.ttl(), ip.protocol(), ip.checksum(),
                        status_text(p.ipv4_checksum));
  }
  if (p.ipv6) {
    const auto& ip = *p.ipv6;
    head += fmt::format("Internet Protocol Version 6, Src: {}, Dst: {}\n", ip.src().to_string(), ip.dst().to_string());
    head += fmt::format("    Payload length: {}, Next header: {}, Hop limit: {}, Flow label: 0x{:05x}\n",
                        ip.payload_length(), ip.next_header(), ip.hop_limit(), ip.flow_label());
    if (p.ipv6_chain.fragment)
      head += fmt::format("    Fragment: offset {}, More: {}, ID: 0x{:08x}\n", p.ipv6_chain.fragment->offset_bytes(),
                          p.ipv6_chain.fragment->more ? "yes" : "no", p.ipv6_chain.fragment->identification);
  }
  const bool ip_layer = p.ipv4 || p.ipv6;
  if (p.tcp && ip_layer) {
    describe_tcp(frame, p, tcp, conns, out);
  } else if (p.arp) {
    describe_arp(p, out);
  } else if (p.udp && ip_layer) {
    out.kind = ArrowKind::kUdp;
    out.label = fmt::format("UDP {} > {} len {}", p.udp->src_port(), p.udp->dst_port(), p.payload.size());
    out.preview = payload_preview(p.payload, 24);
    out.detail = fmt::format("User Datagram Protocol, Src Port: {}, Dst Port: {}, Length: {}, Checksum: 0x{:04x} [{}]\n",
                             p.udp->src_port(), p.udp->dst_port(), p.udp->length(), p.udp->checksum(),
                             status_text(p.transport_checksum));
  } else if (p.icmp && p.ipv4) {
    out.kind = ArrowKind::kIcmp;
    const auto& icmp = *p.icmp;
    if (icmp.is_echo())
      out.label = fmt::format("ICMP echo {} id {} seq {}", icmp.type() == 8 ? "request" : "reply", icmp.echo_id(),
                              icmp.echo_seq());
    else
      out.label = fmt::format("ICMP type {} code {}", icmp.type(), icmp.code());
    out.detail = fmt::format("Internet Control Message Protocol, Type: {}, Code: {}, Checksum: 0x{:04x} [{}]\n",
                             icmp.type(), icmp.code(), icmp.checksum(), status_text(p.transport_checksum));
  } else if (p.icmpv6 && p.ipv6) {
    out.kind = ArrowKind::kIcmp;
    const auto& m = *p.icmpv6;
    if (m.is_echo())
      out.label = fmt::format("ICMPv6 echo {} id {} seq {}", m.type() == wire::Icmpv6Type::kEchoRequest ? "request" : "reply",
                              m.echo_id(), m.echo_seq());
    else
      out.label = fmt::format("ICMPv6 {} code {}", wire::icmpv6_type_name(m.type()), m.code());
    out.detail = fmt::format("Internet Control Message Protocol v6, Type: {} ({}), Code: {}, Checksum: 0x{:04x} [{}]\n",
                             m.type(), wire::icmpv6_type_name(m.type()), m.code(), m.checksum(),
                             status_text(p.transport_checksum));
  }
  std::string tail;
  if (!p.payload.empty()) {
    tail += fmt::format("Data ({} bytes): {}\n", p.payload.size(), hex_bytes(p.payload, 64));
    const std::string text = payload_preview(p.payload, 64);
    if (!text.empty()) tail += "    Text: " + text + "\n";
  }
  if (p.not_decoded != wire::NotDecoded::kNone) tail += fmt::format("[Not decoded: {}]\n", wire::to_string(p.not_decoded));
  for (const auto& m : p.malformations)
    tail += fmt::format("[Malformed: {} {} {} @{}]\n", wire::to_string(m.layer), m.field, wire::to_string(m.error), m.offset);
  if (p.truncated) tail += "[Truncated by the capture]\n";
  out.detail = head + out.detail + tail;
  return out;
}

}  // namespace wirestate::render::detail
