// The monitor's packet path: decode, dispatch by protocol, IPv4/IPv6 reassembly, bookkeeping
// of finished connections. The mapping to trace::Events is in monitor_events.cpp.
#include "wirestate/monitor/monitor.hpp"

#include <algorithm>

#include "finished.hpp"
#include "wirestate/net/checksum.hpp"
#include "wirestate/wire/lengths.hpp"

namespace wirestate::monitor {

namespace {

// The upper-layer protocol of a quoted IPv6 packet, past its extension headers.
std::uint8_t quoted_upper_protocol(const wire::Ipv6View& quoted) noexcept {
  wire::Ipv6ExtensionWalker walker(quoted.next_header(), quoted.payload());
  walker.run();
  return walker.upper_protocol();
}

}  // namespace

Monitor::Monitor(MonitorConfig config)
    : config_(std::move(config)),
      observer_(config_.observer),
      detector_(config_.arp),
      ndp_detector_(config_.ndp),
      reassembler_(config_.reassembly),
      udp_(config_.max_udp_flows),
      finished_(std::make_unique<Finished>()),
      decoded_(std::make_unique<wire::DecodedPacket>()),
      inner_(std::make_unique<wire::DecodedPacket>()) {
  finished_->max_connections = config_.max_kept_connections;
  finished_->max_flows = config_.max_kept_udp_flows;
  Finished* f = finished_.get();
  observer_.set_retire_sink([f](tcp::ConnectionSummary&& s) { f->add(std::move(s)); });
  udp_.set_retire_sink([f](UdpFlow&& flow) { f->add(std::move(flow)); });
}

Monitor::~Monitor() = default;
Monitor::Monitor(Monitor&&) noexcept = default;
Monitor& Monitor::operator=(Monitor&&) noexcept = default;

void Monitor::on_frame(const FrameIn& frame, std::vector<trace::Event>& out) {
  const std::uint32_t wire_len = frame.wire_len != 0 ? frame.wire_len : static_cast<std::uint32_t>(frame.data.size());
  ++counters_.frames;
  counters_.bytes += wire_len;
  last_time_ = frame.time;

  // TIME_WAIT expiries due now come before what this frame causes.
  observer_.advance(frame.time, obs_events_);
  if (!obs_events_.empty()) on_observer_events(nullptr, out);

  wire::DecodedPacket& d = *decoded_;
  wire::decode_into(d, frame.data, frame.link, wire_len,
                    {.verify_checksums = config_.checksums != ChecksumPolicy::kSkip});
  if (config_.packet_events) packet_event(frame, d, out);
  if (d.malformed()) count_malformed(frame, d, out);
  on_decoded(frame, d, out);
  sync_counters();
}

void Monitor::on_decoded(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  if (d.arp) {
    ++counters_.arp;
    on_arp(frame, d, out);
    return;
  }
  if (d.ipv6) {
    ++counters_.ipv6;
    // RFC 6946 §4: an atomic fragment (offset 0, M clear) is a whole packet.
    if (d.ipv6_chain.fragment && !d.ipv6_chain.fragment->is_atomic()) {
      on_fragment6(frame, d, out);
      return;
    }
    on_transport(frame, d, out);
    return;
  }
  if (!d.ipv4) {
    if (!d.malformed()) ++counters_.other;
    return;
  }
  ++counters_.ipv4;
  if (d.ipv4->is_fragment()) {
    on_fragment(frame, d, out);
    return;
  }
  on_transport(frame, d, out);
}

void Monitor::on_transport(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  if (d.tcp) on_tcp(frame, d, out);
  else if (d.udp) on_udp(frame, d);
  else if (d.icmp) on_icmp(d);
  else if (d.icmpv6) on_icmpv6(frame, d, out);
  else if (d.not_decoded == wire::NotDecoded::kOtherIpProtocol) ++counters_.other;
}

void Monitor::on_tcp(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  const wire::TcpView& t = *d.tcp;
  ++counters_.tcp;
  tcp::ObservedSegment seg;
  seg.tcp = t.to_repr();
  seg.src = d.ipv4 ? net::IpAddr(d.ipv4->src()) : net::IpAddr(d.ipv6->src());
  seg.dst = d.ipv4 ? net::IpAddr(d.ipv4->dst()) : net::IpAddr(d.ipv6->dst());
  // tshark's tcp.len: from the IP length fields (a snapshot-length cut does not shorten
  // the segment), never more than the frame held on the wire (a total length claiming more
  // is clamped, as decode prints it).
  seg.payload_len = static_cast<std::uint32_t>(wire::tcp_payload_length(d));
  // A receiver drops a segment whose TCP (or IPv4 header) checksum fails; a capture taken
  // on the sender sees its segments before offload fills the checksum in. So by default a
  // bad checksum is flagged and the segment kept (Wireshark, tcpdump); enforced, it moves
  // no state. Over IPv6 the TCP checksum covers the IPv6 pseudo-header (RFC 8200 §8.1).
  const bool bad = d.transport_checksum == wire::ChecksumStatus::kBad || d.ipv4_checksum == wire::ChecksumStatus::kBad;
  if (config_.checksums != ChecksumPolicy::kSkip) checksum_senders_.add(seg.src, bad);
  seg.checksum_bad = bad && config_.checksums == ChecksumPolicy::kEnforce;
  seg.checksum_flagged = bad && config_.checksums == ChecksumPolicy::kFlag;
  seg.packet = frame.number;
  seg.time = frame.time;
  observer_.observe(seg, obs_events_);
  on_observer_events(&seg, out);
}

void Monitor::on_udp(const FrameIn& frame, const wire::DecodedPacket& d) {
  ++counters_.udp;
  const wire::UdpView& u = *d.udp;
  const std::uint64_t payload = u.length() >= wire::UdpView::kHeaderLen
                                    ? u.length() - wire::UdpView::kHeaderLen
                                    : u.payload().size();
  const net::IpAddr src = d.ipv4 ? net::IpAddr(d.ipv4->src()) : net::IpAddr(d.ipv6->src());
  const net::IpAddr dst = d.ipv4 ? net::IpAddr(d.ipv4->dst()) : net::IpAddr(d.ipv6->dst());
  udp_.add({src, u.src_port()}, {dst, u.dst_port()}, payload, frame.number, frame.time);
}

void Monitor::on_icmp(const wire::DecodedPacket& d) {
  ++counters_.icmp;
  const wire::IcmpView& m = *d.icmp;
  if (d.transport_checksum == wire::ChecksumStatus::kBad) ++icmp_.bad_checksum;
  switch (m.type()) {
    case wire::IcmpType::kEchoRequest: ++icmp_.echo_request; break;
    case wire::IcmpType::kEchoReply: ++icmp_.echo_reply; break;
    case wire::IcmpType::kTimeExceeded: ++icmp_.time_exceeded; break;
    case wire::IcmpType::kDestUnreachable: {
      ++icmp_.dest_unreachable;
      // RFC 792: the error quotes the offending header; a UDP one names its flow.
      const auto quoted = m.quoted_ipv4();
      const auto ports = m.quoted_ports();
      if (quoted && ports && quoted->protocol() == wire::IpProtocol::kUdp) {
        udp_.add_unreachable({quoted->src(), ports->src_port}, {quoted->dst(), ports->dst_port});
      }
      break;
    }
    default: ++icmp_.other; break;
  }
}

void Monitor::on_icmpv6(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  ++counters_.icmpv6;
  const wire::Icmpv6View& m = *d.icmpv6;
  if (d.ndp) on_ndp(frame, d, out);
  if (d.transport_checksum == wire::ChecksumStatus::kBad) ++icmp_.bad_checksum;
  switch (m.type()) {
    case wire::Icmpv6Type::kEchoRequest: ++icmp_.echo_request; break;
    case wire::Icmpv6Type::kEchoReply: ++icmp_.echo_reply; break;
    case wire::Icmpv6Type::kTimeExceeded: ++icmp_.time_exceeded; break;
    case wire::Icmpv6Type::kDestUnreachable: {
      ++icmp_.dest_unreachable;
      // RFC 4443 §3.1: the error quotes the invoking packet; a UDP one names its flow
      // (the ports are found past the quoted extension headers).
      const auto quoted = m.quoted_ipv6();
      const auto ports = m.quoted_ports();
      if (quoted && ports && quoted_upper_protocol(*quoted) == wire::Ipv6NextHeader::kUdp) {
        udp_.add_unreachable({quoted->src(), ports->src_port}, {quoted->dst(), ports->dst_port});
      }
      break;
    }
    default: ++icmp_.other; break;
  }
}

void Monitor::on_fragment(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  const wire::Ipv4View& ip = *d.ipv4;
  // A fragment cut by the snaplen or with a bad header checksum cannot be used.
  if (ip.is_cut() || ip.is_tso() || d.ipv4_checksum == wire::ChecksumStatus::kBad) return;
  ++counters_.fragments;
  ip::Fragment f;
  f.key = {ip.src(), ip.dst(), ip.protocol(), ip.id()};
  f.offset = ip.frag_offset_bytes();
  f.more_fragments = ip.more_fragments();
  f.payload = ip.payload();
  f.header = ip.header();
  f.packet = frame.number;
  auto result = reassembler_.add(f, frame.time);
  on_reassembly_events(result.events, out);
  if (!result.datagram) return;
  ++counters_.reassembled;
  on_reassembled(frame, *result.datagram, out);
}

void Monitor::on_fragment6(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  const wire::Ipv6View& ip = *d.ipv6;
  const wire::Ipv6Chain& chain = d.ipv6_chain;
  if (ip.is_cut() || ip.is_jumbo()) return;  // RFC 8200 §4.5: a jumbogram is never fragmented
  // The fragment header's place in the chain, and the Next Header field that names it.
  std::size_t at = chain.count;
  for (std::size_t i = 0; i < chain.count; ++i) {
    if (chain.types[i] == wire::Ipv6NextHeader::kFragment) {
      at = i;
      break;
    }
  }
  if (at == chain.count) return;
  const std::size_t base = d.network_offset;
  const std::size_t frag_off = chain.offsets[at];
  const std::size_t end = base + wire::Ipv6View::kHeaderLen + ip.payload_length();
  if (frag_off < base + wire::Ipv6View::kHeaderLen || frag_off + 8 > end || end > frame.data.size()) return;
  ++counters_.fragments;
  // The unfragmentable part (RFC 8200 §4.5), with the Next Header that pointed at the
  // fragment header set to the fragment header's Next Header.
  frag_header_.assign(frame.data.begin() + static_cast<std::ptrdiff_t>(base),
                      frame.data.begin() + static_cast<std::ptrdiff_t>(frag_off));
  const std::size_t pointer = at == 0 ? 6 : chain.offsets[at - 1] - base;
  frag_header_[pointer] = chain.fragment->next_header;
  ip::Fragment f;
  f.key = {ip.src(), ip.dst(), 0, chain.fragment->identification};
  f.offset = chain.fragment->offset_bytes();
  f.more_fragments = chain.fragment->more;
  f.payload = std::span(frame.data.data() + frag_off + 8, end - frag_off - 8);
  f.header = frag_header_;
  f.packet = frame.number;
  auto result = reassembler_.add(f, frame.time);
  on_reassembly_events(result.events, out);
  if (!result.datagram) return;
  ++counters_.reassembled;
  on_reassembled(frame, *result.datagram, out);
}

void Monitor::on_reassembled(const FrameIn& frame, const ip::Datagram& dg, std::vector<trace::Event>& out) {
  if (dg.key.is_v6()) {
    // RFC 8200 §4.5: the unfragmentable part (Next Header already fixed), the payload
    // length of the whole, the fragment header gone.
    const std::size_t total = dg.header.size() + dg.payload.size();
    if (dg.header.size() < wire::Ipv6View::kHeaderLen || total - wire::Ipv6View::kHeaderLen > 0xffff) return;
    datagram_.assign(dg.header.begin(), dg.header.end());
    datagram_.insert(datagram_.end(), dg.payload.begin(), dg.payload.end());
    net::store_be16(datagram_.data() + 4, static_cast<std::uint16_t>(total - wire::Ipv6View::kHeaderLen));
    wire::decode_into(*inner_, datagram_, wire::LinkType::kIpv6, static_cast<std::uint32_t>(total),
                      {.verify_checksums = config_.checksums != ChecksumPolicy::kSkip});
    if (inner_->ipv6 && !inner_->ipv6_chain.fragment) on_transport(frame, *inner_, out);
    return;
  }
  // Rebuild one unfragmented packet (RFC 791 §3.2: the first fragment's header, total
  // length of the whole, MF and offset cleared) and decode its transport layer.
  const std::size_t total = dg.header.size() + dg.payload.size();
  if (dg.header.size() < wire::Ipv4View::kMinHeaderLen || total > 0xffff) return;
  datagram_.assign(dg.header.begin(), dg.header.end());
  datagram_.insert(datagram_.end(), dg.payload.begin(), dg.payload.end());
  net::store_be16(datagram_.data() + 2, static_cast<std::uint16_t>(total));
  net::store_be16(datagram_.data() + 6, static_cast<std::uint16_t>(net::load_be16(datagram_.data() + 6) & 0x4000));
  net::store_be16(datagram_.data() + 10, 0);
  net::store_be16(datagram_.data() + 10, net::internet_checksum(std::span(datagram_.data(), dg.header.size())));
  wire::decode_into(*inner_, datagram_, wire::LinkType::kIpv4, static_cast<std::uint32_t>(total),
                    {.verify_checksums = config_.checksums != ChecksumPolicy::kSkip});
  if (inner_->ipv4) on_transport(frame, *inner_, out);
}

void Monitor::finish(net::Time now, std::vector<trace::Event>& out) {
  on_reassembly_events(reassembler_.expire(now), out);
  observer_.advance(now, obs_events_);
  if (!obs_events_.empty()) on_observer_events(nullptr, out);
  observer_.finish();
  udp_.finish();
  conns_.clear();
  sync_counters();
}

std::vector<tcp::ConnectionSummary> Monitor::connections() const {
  std::vector<tcp::ConnectionSummary> all = finished_->connections;
  auto live = observer_.connections();
  all.insert(all.end(), std::make_move_iterator(live.begin()), std::make_move_iterator(live.end()));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return all;
}

std::vector<UdpFlow> Monitor::udp_flows() const {
  std::vector<UdpFlow> all = finished_->flows;
  auto live = udp_.flows();
  all.insert(all.end(), live.begin(), live.end());
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return all;
}

void Monitor::sync_counters() noexcept {
  counters_.connections_not_kept = finished_->connections_not_kept;
  counters_.udp_flows_not_kept = finished_->flows_not_kept;
}

}  // namespace wirestate::monitor
