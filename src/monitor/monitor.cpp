// The monitor's packet path: decode, dispatch by protocol, IPv4 reassembly, bookkeeping
// of finished connections. The mapping to trace::Events is in monitor_events.cpp.
#include "wirestate/monitor/monitor.hpp"

#include <algorithm>

#include "finished.hpp"
#include "wirestate/net/checksum.hpp"

namespace wirestate::monitor {

Monitor::Monitor(MonitorConfig config)
    : config_(std::move(config)),
      observer_(config_.observer),
      detector_(config_.arp),
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

std::string Monitor::connection_name(const net::Endpoint& client, const net::Endpoint& server) {
  std::string s = client.to_string();
  s += '-';
  s += server.to_string();
  return s;
}

void Monitor::on_frame(const FrameIn& frame, std::vector<trace::Event>& out) {
  const std::uint32_t wire_len = frame.wire_len != 0 ? frame.wire_len : static_cast<std::uint32_t>(frame.data.size());
  ++counters_.frames;
  counters_.bytes += wire_len;
  last_time_ = frame.time;

  // TIME_WAIT expiries due now come before what this frame causes.
  observer_.advance(frame.time, obs_events_);
  if (!obs_events_.empty()) on_observer_events(nullptr, out);

  wire::DecodedPacket& d = *decoded_;
  wire::decode_into(d, frame.data, frame.link, wire_len, {.verify_checksums = config_.verify_checksums});
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
  if (!d.ipv4) {
    if (d.ipv6) ++counters_.ipv6;  // decoded, not analyzed yet
    else if (!d.malformed()) ++counters_.other;
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
  else if (d.not_decoded == wire::NotDecoded::kOtherIpProtocol) ++counters_.other;
}

void Monitor::on_tcp(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  const wire::Ipv4View& ip = *d.ipv4;
  const wire::TcpView& t = *d.tcp;
  ++counters_.tcp;
  tcp::ObservedSegment seg;
  seg.src = ip.src();
  seg.dst = ip.dst();
  seg.tcp = t.to_repr();
  // The payload length comes from the IP total length (the capture may be cut short);
  // with total length 0 (TSO) only the captured bytes are known.
  if (ip.is_tso()) {
    seg.payload_len = static_cast<std::uint32_t>(t.payload().size());
  } else {
    const std::size_t declared = ip.declared_payload_len();
    seg.payload_len = declared > t.header_len() ? static_cast<std::uint32_t>(declared - t.header_len()) : 0;
  }
  // A receiver drops a segment whose TCP (or IP header) checksum fails: no state moves.
  seg.checksum_bad = d.transport_checksum == wire::ChecksumStatus::kBad ||
                     d.ipv4_checksum == wire::ChecksumStatus::kBad;
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
  udp_.add({d.ipv4->src(), u.src_port()}, {d.ipv4->dst(), u.dst_port()}, payload, frame.number, frame.time);
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
  const ip::Datagram& dg = *result.datagram;
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
                    {.verify_checksums = config_.verify_checksums});
  if (inner_->ipv4) on_transport(frame, *inner_, out);
}

void Monitor::finish(net::Time now, std::vector<trace::Event>& out) {
  on_reassembly_events(reassembler_.expire(now), out);
  observer_.advance(now, obs_events_);
  if (!obs_events_.empty()) on_observer_events(nullptr, out);
  observer_.finish();
  udp_.finish();
  names_.clear();
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
