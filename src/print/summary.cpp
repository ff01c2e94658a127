// tcpdump -nn -S style one-liners. The layout of each protocol's line follows what
// tcpdump 4.99 prints (print-arp.c, print-ip.c, print-tcp.c, print-udp.c, print-icmp.c).
#include "wirestate/print/summary.hpp"

#include <iterator>

#include <fmt/format.h>

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

// ARP (RFC 826), as tcpdump's print-arp.c words it.
void append_arp(std::string& s, const wire::DecodedPacket& p) {
  Out out(s);
  const auto& arp = *p.arp;
  const std::size_t length = arp.bytes().size();
  if (!arp.is_ethernet_ipv4()) {
    fmt::format_to(out, "ARP, hardware {} protocol 0x{:04x} op {}, length {}", arp.htype(),
                   arp.ptype(), arp.op(), length);
    if (!arp.addresses_present()) s += " [|arp]";
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
    default:
      fmt::format_to(out, "ARP, op {} ", arp.op());
      append_ip(out, spa);
      s += " > ";
      append_ip(out, tpa);
      break;
  }
  fmt::format_to(out, ", length {}", length);
}

// TCP options as tcpdump prints them: "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7".
void append_tcp_options(std::string& s, const wire::TcpView& tcp) {
  if (tcp.options().empty()) return;
  Out out(s);
  s += ", options [";
  auto it = tcp.option_iterator();
  wire::TcpOption opt;
  bool first = true;
  while (it.next(opt)) {
    if (!first) s += ',';
    first = false;
    const bool valid = !opt.check().has_value() || opt.check() == wire::Error::kWindowScaleTooLarge;
    switch (opt.kind) {
      case wire::TcpOptionKind::kEol: s += "eol"; break;
      case wire::TcpOptionKind::kNop: s += "nop"; break;
      case wire::TcpOptionKind::kMss:
        if (valid) fmt::format_to(out, "mss {}", opt.mss()); else fmt::format_to(out, "mss len {}", opt.length);
        break;
      case wire::TcpOptionKind::kWindowScale:
        if (valid) fmt::format_to(out, "wscale {}", opt.window_scale());
        else fmt::format_to(out, "wscale len {}", opt.length);
        break;
      case wire::TcpOptionKind::kSackPermitted: s += "sackOK"; break;
      case wire::TcpOptionKind::kSack:
        fmt::format_to(out, "sack {} ", opt.sack_count());
        for (std::size_t i = 0; i < opt.sack_count(); ++i) {
          const auto b = opt.sack_block(i);
          fmt::format_to(out, "{{{}:{}}}", b.left.value(), b.right.value());
        }
        break;
      case wire::TcpOptionKind::kTimestamps:
        if (valid) {
          const auto ts = opt.timestamps();
          fmt::format_to(out, "TS val {} ecr {}", ts.value, ts.echo_reply);
        } else {
          fmt::format_to(out, "TS len {}", opt.length);
        }
        break;
      default:
        fmt::format_to(out, "opt-{}:", opt.kind);
        for (auto b : opt.data) fmt::format_to(out, "{:02x}", b);
        break;
    }
  }
  if (it.error()) s += first ? "bad opts" : ",bad opts";
  s += ']';
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

// RFC 9293 §3.1 header; tcpdump prints seq for SYN/FIN/RST or data, ack when ACK is set.
void append_tcp(std::string& s, const wire::DecodedPacket& p) {
  Out out(s);
  const auto& tcp = *p.tcp;
  const std::uint16_t sport = tcp.src_port();
  const std::uint16_t dport = tcp.dst_port();
  append_endpoints(s, *p.ipv4, &sport, &dport);
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

// RFC 792 messages, worded as tcpdump's print-icmp.c.
void append_icmp(std::string& s, const wire::DecodedPacket& p) {
  Out out(s);
  const auto& icmp = *p.icmp;
  append_endpoints(s, *p.ipv4, nullptr, nullptr);
  s += "ICMP ";
  switch (icmp.type()) {
    case wire::IcmpType::kEchoRequest:
    case wire::IcmpType::kEchoReply:
      fmt::format_to(out, "echo {}, id {}, seq {}",
                     icmp.type() == wire::IcmpType::kEchoRequest ? "request" : "reply",
                     icmp.echo_id(), icmp.echo_seq());
      break;
    case wire::IcmpType::kDestUnreachable: {
      auto quoted = icmp.quoted_ipv4();
      auto ports = icmp.quoted_ports();
      if (quoted && icmp.code() == 3 && ports &&
          (quoted->protocol() == wire::IpProtocol::kUdp || quoted->protocol() == wire::IpProtocol::kTcp)) {
        append_ip(out, quoted->dst());
        fmt::format_to(out, " {} port {} unreachable",
                       quoted->protocol() == wire::IpProtocol::kUdp ? "udp" : "tcp", ports->dst_port);
      } else if (quoted && icmp.code() == 2) {
        append_ip(out, quoted->dst());
        fmt::format_to(out, " protocol {} unreachable", quoted->protocol());
      } else if (quoted && icmp.code() <= 1) {
        append_ip(out, quoted->dst());
        s += icmp.code() == 0 ? " net unreachable" : " unreachable";
      } else {
        fmt::format_to(out, "unreachable code {}", icmp.code());
      }
      break;
    }
    case wire::IcmpType::kTimeExceeded:
      s += icmp.code() == 0 ? "time exceeded in-transit" : "ip reassembly time exceeded";
      break;
    default:
      fmt::format_to(out, "type {}, code {}", icmp.type(), icmp.code());
      break;
  }
  fmt::format_to(out, ", length {}", ip_payload_length(p));
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
  if (name != nullptr) {
    fmt::format_to(out, "{} [|{}]", name, name);  // the transport header did not fit
  } else {
    fmt::format_to(out, "ip-proto-{} {}", proto, ip_payload_length(p));
  }
}

}  // namespace

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
    append_arp(s, p);
  } else if (p.ipv4) {
    append_ipv4(s, p);
  } else if (p.ipv6) {  // the IPv6 line comes with the IPv6 printer
    fmt::format_to(out, "IP6 (not decoded), length {}", frame.len);
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
