#include "wirestate/check/pattern_match.hpp"

#include <fmt/format.h>

#include "wirestate/wire/tcp_repr.hpp"

namespace wirestate::check {

namespace {

constexpr std::uint8_t kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmpUnreachable = 3;
constexpr std::uint8_t kIcmpEchoRequest = 8;

bool options_match(const scenario::PatternTcpOptions& want, const wire::TcpOptions& got) {
  if (want.mss && got.mss != want.mss) return false;
  if (want.wscale && got.window_scale != want.wscale) return false;
  if (want.sack_ok && !got.sack_permitted) return false;
  if (want.ts && !got.timestamps) return false;
  if (want.ts_values && got.timestamps != want.ts_values) return false;
  if (!want.sack.empty() && got.sack != want.sack) return false;
  if (want.exact) {
    // A <...> list names every option the segment carries.
    if (got.mss && !want.mss) return false;
    if (got.window_scale && !want.wscale) return false;
    if (got.sack_permitted && !want.sack_ok) return false;
    if (got.timestamps && !want.ts && !want.ts_values) return false;
    if (!got.sack.empty() && want.sack.empty()) return false;
  }
  return true;
}

}  // namespace

std::optional<std::uint32_t> PatternMatcher::isn(const Flow& flow) const {
  auto it = isns_.find(flow);
  if (it == isns_.end()) return std::nullopt;
  return it->second;
}

void PatternMatcher::observe(const wire::DecodedPacket& pkt) {
  if (!pkt.ipv4 || !pkt.tcp || !pkt.tcp->flags().syn()) return;
  const Flow flow{{pkt.ipv4->src(), pkt.tcp->src_port()}, {pkt.ipv4->dst(), pkt.tcp->dst_port()}};
  // The first SYN of a flow fixes its ISN (a retransmitted SYN carries the same one);
  // a later SYN with another number is a new incarnation and replaces it.
  isns_[flow] = pkt.tcp->seq().value();
}

bool PatternMatcher::end_matches(const scenario::PatternEnd& end, std::optional<net::Ipv4Addr> ip,
                                 std::optional<net::MacAddr> mac, std::optional<std::uint16_t> port) const {
  if (end.port && port != end.port) return false;
  if (end.any()) return true;
  if (end.ip) return ip == end.ip;
  for (const auto& h : hosts_) {
    if (h.name != *end.host) continue;
    // IP packets are named by address; ARP (no IP header) by the Ethernet address.
    if (ip) return *ip == h.ip;
    return mac && *mac == h.mac;
  }
  return false;
}

std::string PatternMatcher::name_of(net::Ipv4Addr ip) const {
  for (const auto& h : hosts_) if (h.ip == ip) return h.name;
  return ip.to_string();
}

bool PatternMatcher::matches(const scenario::PacketPattern& p, const wire::DecodedPacket& pkt) const {
  using Kind = scenario::PacketPattern::Kind;
  std::optional<net::Ipv4Addr> src_ip, dst_ip;
  std::optional<net::MacAddr> src_mac, dst_mac;
  std::optional<std::uint16_t> src_port, dst_port;
  if (pkt.ethernet) {
    src_mac = pkt.ethernet->src();
    dst_mac = pkt.ethernet->dst();
  }
  if (pkt.ipv4) {
    src_ip = pkt.ipv4->src();
    dst_ip = pkt.ipv4->dst();
  }
  if (pkt.tcp) {
    src_port = pkt.tcp->src_port();
    dst_port = pkt.tcp->dst_port();
  } else if (pkt.udp) {
    src_port = pkt.udp->src_port();
    dst_port = pkt.udp->dst_port();
  }
  // "* " as destination also matches broadcast frames; a named destination of an ARP
  // request matches its target (the broadcast has no receiver address otherwise).
  if (!end_matches(p.src, src_ip, src_mac, src_port)) return false;
  if (!p.dst.any()) {
    std::optional<net::MacAddr> dmac = dst_mac;
    if (pkt.arp && dst_mac && dst_mac->is_broadcast()) dmac.reset();
    if (!end_matches(p.dst, dst_ip, dmac, dst_port)) {
      if (!(pkt.arp && pkt.arp->to_repr() && !dst_ip)) return false;
      // ARP: a named destination is the host whose IP is the target.
      const auto arp = *pkt.arp->to_repr();
      if (!end_matches(p.dst, arp.target_ip, std::nullopt, std::nullopt)) return false;
    }
  }

  switch (p.kind) {
    case Kind::kTcp: {
      if (!pkt.tcp) return false;
      const auto& t = *pkt.tcp;
      if (t.flags().bits != p.flags.bits) return false;
      const Flow fwd{{*src_ip, t.src_port()}, {*dst_ip, t.dst_port()}};
      const Flow rev{{*dst_ip, t.dst_port()}, {*src_ip, t.src_port()}};
      const auto my_isn = isn(fwd);
      const auto peer_isn = isn(rev);
      const std::uint32_t rel_seq = t.seq().value() - my_isn.value_or(0);
      const std::uint32_t rel_ack = t.ack().value() - peer_isn.value_or(0);
      const auto len = static_cast<std::uint32_t>(pkt.payload.size());
      if (p.seq && rel_seq != *p.seq) return false;
      if (p.seq_end && rel_seq + len != *p.seq_end) return false;
      if (p.ack && rel_ack != *p.ack) return false;
      if (p.win && t.window() != *p.win) return false;
      if (p.length && len != *p.length) return false;
      if (p.options && !options_match(*p.options, t.to_repr().options)) return false;
      return true;
    }
    case Kind::kUdp:
      if (!pkt.udp) return false;
      // The datagram's own length (a first fragment carries only part of the payload).
      return !p.length || pkt.udp->length() - wire::UdpView::kHeaderLen == *p.length;
    case Kind::kArp: {
      if (!pkt.arp) return false;
      auto arp = pkt.arp->to_repr();
      if (!arp) return false;
      using A = scenario::PacketPattern::ArpKind;
      if (p.arp == A::kWhoHas && arp->op != wire::ArpOp::kRequest) return false;
      if (p.arp == A::kReply && arp->op != wire::ArpOp::kReply) return false;
      if (p.arp_ip) {
        const net::Ipv4Addr subject = arp->op == wire::ArpOp::kRequest ? arp->target_ip : arp->sender_ip;
        if (subject != *p.arp_ip) return false;
      }
      if (p.arp_tell && arp->sender_ip != *p.arp_tell) return false;
      if (p.arp_mac && arp->sender_mac != *p.arp_mac) return false;
      return true;
    }
    case Kind::kIcmp: {
      if (!pkt.icmp) return false;
      using I = scenario::PacketPattern::IcmpKind;
      const auto type = pkt.icmp->type();
      switch (p.icmp) {
        case I::kAny: return true;
        case I::kEchoRequest: return type == kIcmpEchoRequest;
        case I::kEchoReply: return type == kIcmpEchoReply;
        case I::kPortUnreachable: return type == kIcmpUnreachable && pkt.icmp->code() == 3;
        case I::kUnreachable: return type == kIcmpUnreachable;
      }
      return false;
    }
  }
  return false;
}

std::string PatternMatcher::describe(const wire::DecodedPacket& pkt) const {
  if (pkt.arp) {
    auto arp = pkt.arp->to_repr();
    if (!arp) return "arp (unsupported)";
    if (arp->op == wire::ArpOp::kRequest) {
      return fmt::format("{} > * arp who-has {} tell {}", name_of(arp->sender_ip), arp->target_ip.to_string(),
                         arp->sender_ip.to_string());
    }
    return fmt::format("{} > {} arp reply {} is-at {}", name_of(arp->sender_ip), name_of(arp->target_ip),
                       arp->sender_ip.to_string(), arp->sender_mac.to_string());
  }
  if (!pkt.ipv4) return "non-IP frame";
  const std::string src = name_of(pkt.ipv4->src());
  const std::string dst = name_of(pkt.ipv4->dst());
  if (pkt.tcp) {
    const auto& t = *pkt.tcp;
    const Flow fwd{{pkt.ipv4->src(), t.src_port()}, {pkt.ipv4->dst(), t.dst_port()}};
    const Flow rev{{pkt.ipv4->dst(), t.dst_port()}, {pkt.ipv4->src(), t.src_port()}};
    return fmt::format("{}:{} > {}:{} {} seq {} ack {} win {} length {}", src, t.src_port(), dst, t.dst_port(),
                       wire::tcpdump_flags(t.flags()), t.seq().value() - isn(fwd).value_or(0),
                       t.ack().value() - isn(rev).value_or(0), t.window(), pkt.payload.size());
  }
  if (pkt.udp) return fmt::format("{} > {} udp length {}", src, dst, pkt.udp->length() - wire::UdpView::kHeaderLen);
  if (pkt.icmp) return fmt::format("{} > {} icmp type {} code {}", src, dst, pkt.icmp->type(), pkt.icmp->code());
  return fmt::format("{} > {} ip proto {}", src, dst, pkt.ipv4->protocol());
}

}  // namespace wirestate::check
