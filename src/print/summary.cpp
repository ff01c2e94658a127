// tcpdump -nn -S style one-liners. The layout of each protocol's line follows what
// tcpdump 4.99 prints (print-arp.c, print-ip.c, print-tcp.c, print-udp.c, print-icmp.c);
// ICMP messages and TCP options are worded in icmp_text.cpp and tcp_options_text.cpp.
#include "wirestate/print/summary.hpp"

#include <iterator>

#include <fmt/format.h>

#include "summary_parts.hpp"
#include "text_helpers.hpp"

namespace wirestate::print {

namespace {

using Out = std::back_insert_iterator<std::string>;

void append_ip(Out out, net::Ipv4Addr a) {
  const std::uint32_t v = a.value();
  fmt::format_to(out, "{}.{}.{}.{}", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

void append_mac(Out out, net::Bytes m) {
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (i != 0) *out++ = ':';
    fmt::format_to(out, "{:02x}", m[i]);
  }
}

// The names tcpdump gives ARP hardware types (print-arp.c); others are "Unknown Hardware (N)".
const char* arp_hardware_name(std::uint16_t htype) {
  switch (htype) {
    case 1: return "Ethernet";
    case 6: return "TokenRing";
    case 7: return "ArcNet";
    case 15: return "FrameRelay";
    case 23: return "Strip";
    case 24: return "IEEE 1394";
    case 32: return "InfiniBand";
    default: return nullptr;
  }
}

// The names tcpdump gives the protocol types met in ARP headers here; tcpdump knows more
// EtherTypes than these, so an ARP header for another named one prints "Unknown Protocol".
const char* arp_protocol_name(std::uint16_t ptype) {
  switch (ptype) {
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x8035: return "Reverse ARP";
    case 0x8100: return "802.1Q";
    case 0x86dd: return "IPv6";
    case 0x88a8: return "802.1Q-QinQ";
    case 0x9100: return "802.1Q-9100";
    case 0x9200: return "802.1Q-9200";
    default: return nullptr;
  }
}

// ARP (RFC 826), as tcpdump's print-arp.c words it. Like tcpdump, the operation is printed
// for IPv4 over any hardware type and hardware address length; other protocol types, or a
// hardware length of 0, get their types and lengths only. ATM ARP (RFC 2225, hardware 19)
// has a layout of its own that wirestate does not decode.
void append_arp(std::string& s, const FrameInfo& frame, const wire::DecodedPacket& p) {
  Out out(s);
  const auto& arp = *p.arp;
  // As tcpdump: the message's length on the wire, what the snapshot length cut included.
  const std::size_t cut = frame.len > frame.cap_len ? frame.len - frame.cap_len : 0;
  const std::size_t length = arp.bytes().size() + cut;
  constexpr std::uint16_t kAtm = 19;
  constexpr std::uint16_t kTrailer = 0x1000;  // RFC 893 trailer encapsulation of IPv4
  if (arp.htype() == kAtm) {
    fmt::format_to(out, "ARP, hardware {} protocol 0x{:04x} op {}, length {}", arp.htype(), arp.ptype(), arp.op(),
                   length);
    return;
  }
  if (!arp.addresses_present()) {
    s += " [|arp]";  // tcpdump then dumps the message in hex on lines of their own
    return;
  }
  if ((arp.ptype() != 0x0800 && arp.ptype() != kTrailer) || arp.plen() != 4 || arp.hlen() == 0) {
    const char* hardware = arp_hardware_name(arp.htype());
    const char* protocol = arp_protocol_name(arp.ptype());
    s += "ARP, ";
    if (hardware != nullptr) s += hardware; else fmt::format_to(out, "Unknown Hardware ({})", arp.htype());
    fmt::format_to(out, " (len {}), ", arp.hlen());
    if (protocol != nullptr) s += protocol; else fmt::format_to(out, "Unknown Protocol (0x{:04x})", arp.ptype());
    fmt::format_to(out, " (len {}), length {}", arp.plen(), length);
    return;
  }
  const auto spa = net::Ipv4Addr::from_bytes(arp.sender_proto().data());
  const auto tpa = net::Ipv4Addr::from_bytes(arp.target_proto().data());
  switch (arp.op()) {
    case 1: {
      s += "ARP, Request who-has ";
      append_ip(out, tpa);
      const auto tha = arp.target_hw();
      bool zero = true;
      for (auto b : tha) zero = zero && b == 0;
      if (!zero) {
        s += " (";
        append_mac(out, tha);
        s += ')';
      }
      s += " tell ";
      append_ip(out, spa);
      break;
    }
    case 2:
      s += "ARP, Reply ";
      append_ip(out, spa);
      s += " is-at ";
      append_mac(out, arp.sender_hw());
      break;
    case 3:  // RFC 903 RARP: the addresses asked about are hardware addresses
    case 8:  // RFC 2390 InARP
      s += arp.op() == 3 ? "ARP, Reverse Request who-is " : "ARP, Inverse Request who-is ";
      append_mac(out, arp.target_hw());
      s += " tell ";
      append_mac(out, arp.sender_hw());
      break;
    case 4:
      s += "ARP, Reverse Reply ";
      append_mac(out, arp.target_hw());
      s += " at ";
      append_ip(out, tpa);
      break;
    case 9:
      s += "ARP, Inverse Reply ";
      append_mac(out, arp.sender_hw());
      s += " at ";
      append_ip(out, spa);
      break;
    default:
      // tcpdump names the operation and hex-dumps the message on lines of their own,
      // without a length: this first line is all of it that wirestate prints.
      if (arp.op() == 10) {
        s += "ARP, NACK Reply ";  // RFC 2225 (ATMARP)
      } else {
        fmt::format_to(out, "ARP, Unknown ({}) ", arp.op());
      }
      return;
  }
  fmt::format_to(out, ", length {}", length);
}

void append_endpoints(std::string& s, const wire::Ipv4View& ip, const std::uint16_t* sport,
                      const std::uint16_t* dport) {
  Out out(s);
  s += "IP ";
  append_ip(out, ip.src());
  if (sport != nullptr) fmt::format_to(out, ".{}", *sport);
  s += " > ";
  append_ip(out, ip.dst());
  if (dport != nullptr) fmt::format_to(out, ".{}", *dport);
  s += ": ";
}

void append_tcp(std::string& s, const wire::DecodedPacket& p) {
  const std::uint16_t sport = p.tcp->src_port();
  const std::uint16_t dport = p.tcp->dst_port();
  append_endpoints(s, *p.ipv4, &sport, &dport);
  append_tcp_body(s, p);
}

// RFC 792 messages, worded as tcpdump's print-icmp.c (icmp_text.cpp).
void append_icmp(std::string& s, const wire::DecodedPacket& p) {
  append_endpoints(s, *p.ipv4, nullptr, nullptr);
  append_icmp_text(s, *p.icmp, ip_payload_length(p));
}

void append_ipv4(std::string& s, const wire::DecodedPacket& p) {
  Out out(s);
  const auto& ip = *p.ipv4;
  if (p.tcp) return append_tcp(s, p);
  if (p.udp) {
    const std::uint16_t sport = p.udp->src_port();
    const std::uint16_t dport = p.udp->dst_port();
    append_endpoints(s, ip, &sport, &dport);
    const std::uint16_t len = p.udp->length();
    fmt::format_to(out, "UDP, length {}", len >= 8 ? len - 8 : 0);
    return;
  }
  if (p.icmp) return append_icmp(s, p);
  append_endpoints(s, ip, nullptr, nullptr);
  const std::uint8_t proto = ip.protocol();
  if (ip.frag_offset_raw() != 0) {
    fmt::format_to(out, "ip-proto-{}", proto);  // a later fragment: no transport header
    return;
  }
  const char* name = proto == wire::IpProtocol::kTcp   ? "tcp"
                     : proto == wire::IpProtocol::kUdp ? "udp"
                     : proto == wire::IpProtocol::kIcmp ? "icmp"
                                                        : nullptr;
  if (proto == wire::IpProtocol::kIcmp) {
    s += " [|icmp]";  // no ICMP header: tcpdump's words, as for a message cut short
  } else if (name != nullptr) {
    fmt::format_to(out, "{} [|{}]", name, name);  // the transport header did not fit
  } else {
    // tcpdump's ip_demux_print puts a space of its own before an unknown protocol.
    fmt::format_to(out, " ip-proto-{} {}", proto, ip_payload_length(p));
  }
}

}  // namespace

// RFC 9293 §3.1 header; tcpdump prints seq for SYN/FIN/RST or data, ack when ACK is set.
void append_tcp_body(std::string& s, const wire::DecodedPacket& p) {
  Out out(s);
  const auto& tcp = *p.tcp;
  const auto flags = tcp.flags();
  fmt::format_to(out, "Flags [{}]", wire::tcpdump_flags(flags));
  const std::size_t length = tcp_payload_length(p);
  const std::uint32_t seq = tcp.seq().value();
  if (length > 0) {
    fmt::format_to(out, ", seq {}:{}", seq, static_cast<std::uint32_t>(seq + length));
  } else if (flags.syn() || flags.fin() || flags.rst()) {
    fmt::format_to(out, ", seq {}", seq);
  }
  if (flags.ack()) fmt::format_to(out, ", ack {}", tcp.ack().value());
  fmt::format_to(out, ", win {}", tcp.window());
  if (flags.urg()) fmt::format_to(out, ", urg {}", tcp.urgent());
  append_tcp_options(s, tcp);
  fmt::format_to(out, ", length {}", length);
}

std::string time_of_day(net::Time t, TimeFormat time_format) {
  std::int64_t ns = t.ns();
  std::int64_t sec = ns / 1'000'000'000;
  std::int64_t frac = ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --sec;
  }
  std::int64_t sod = sec % 86400;
  if (sod < 0) sod += 86400;
  if (time_format == TimeFormat::kNano) {
    return fmt::format("{:02}:{:02}:{:02}.{:09}", sod / 3600, (sod / 60) % 60, sod % 60, frac);
  }
  return fmt::format("{:02}:{:02}:{:02}.{:06}", sod / 3600, (sod / 60) % 60, sod % 60, frac / 1000);
}

void append_summary(std::string& s, const FrameInfo& frame, const wire::DecodedPacket& p,
                    TimeFormat time_format) {
  Out out(s);
  s += time_of_day(frame.time, time_format);
  s += ' ';
  for (std::size_t i = 0; i < p.vlan_count; ++i) fmt::format_to(out, "vlan {}, ", p.vlan[i].vid());
  if (p.arp) {
    append_arp(s, frame, p);
  } else if (p.ipv4) {
    append_ipv4(s, p);
  } else if (p.ipv6) {
    append_ipv6_line(s, p);
  } else if (p.not_decoded == wire::NotDecoded::kUnsupportedLinkType) {
    fmt::format_to(out, "link type {} (not decoded), length {}", static_cast<int>(p.link),
                   frame.len);
  } else if (p.llc && !p.llc->carries_ethertype()) {
    fmt::format_to(out, "LLC dsap 0x{:02x} ssap 0x{:02x}, length {}", p.llc->dsap(),
                   p.llc->ssap(), frame.len);
  } else if (p.ethertype != 0) {
    fmt::format_to(out, "ethertype 0x{:04x}, length {}", p.ethertype, frame.len);
  } else if (p.ethernet || p.sll) {
    fmt::format_to(out, "[|ether], length {}", frame.len);
  } else {
    fmt::format_to(out, "[|{}], length {}", wire::to_string(p.link), frame.len);
  }
  for (const auto& m : p.malformations) {
    fmt::format_to(out, " [malformed: {} {} {} @{}]", wire::to_string(m.layer), m.field,
                   wire::to_string(m.error), m.offset);
  }
  if (p.malformations.overflow() != 0) {
    fmt::format_to(out, " [malformed: {} more]", p.malformations.overflow());
  }
}

std::string summary(const FrameInfo& frame, const wire::DecodedPacket& packet,
                    TimeFormat time_format) {
  std::string s;
  append_summary(s, frame, packet, time_format);
  return s;
}

}  // namespace wirestate::print
