// The monitor's translation of what its parts report (observer events, ARP alerts,
// reassembly drops, malformations) into the one trace::Event vocabulary.
#include <fmt/format.h>

#include "wirestate/monitor/monitor.hpp"

namespace wirestate::monitor {

namespace {

std::string fragment_name(const ip::FragmentKey& k) {
  return fmt::format("{} > {} id 0x{:04x} proto {}", k.src.to_string(), k.dst.to_string(), k.id, k.protocol);
}

// The trace event of a spoof detector's alert (arp::Alert or ndp::Alert: the same fields).
template <class DetectorAlert>
trace::Event alert_event(const DetectorAlert& a) {
  trace::AlertEvent e;
  e.rule = a.rule;
  e.severity = a.severity;
  e.ip = net::IpAddr(a.ip);
  e.old_mac = a.old_mac;
  e.new_mac = a.new_mac;
  e.message = a.message;
  e.packet = a.packet;
  return {a.time, std::move(e)};
}

}  // namespace

void Monitor::on_observer_events(const tcp::ObservedSegment* seg, std::vector<trace::Event>& out) {
  // A new connection's client: the observer says which side sent its first packet.
  if (seg != nullptr) {
    for (const auto& ev : obs_events_) {
      if (ev.kind != tcp::ObserverEventKind::kNewConnection) continue;
      const net::Endpoint src{seg->src, seg->tcp.src_port};
      const net::Endpoint dst{seg->dst, seg->tcp.dst_port};
      conns_[ev.connection] =
          trace::ConnRef{net::FlowKey(src, dst), ev.side == net::Side::kClient ? src : dst, trace::kUnnamed};
    }
  }
  for (const auto& ev : obs_events_) {
    const auto it = conns_.find(ev.connection);
    // Every connection the observer reports on was announced first; an unknown one is
    // reported without a connection rather than under a made-up one.
    const std::optional<trace::ConnRef> conn =
        it != conns_.end() ? std::optional<trace::ConnRef>(it->second) : std::nullopt;
    switch (ev.kind) {
      case tcp::ObserverEventKind::kTransition: {
        if (!conn) break;
        trace::TcpStateEvent e;
        e.conn = *conn;
        e.side = ev.side;
        e.from = ev.from;
        e.to = ev.to;
        e.cause = std::string(ev.cause);
        e.origin = trace::Origin::kObserver;
        e.packet = ev.packet;
        out.push_back({ev.time, std::move(e)});
        break;
      }
      case tcp::ObserverEventKind::kAnomaly: {
        trace::AnomalyEvent e;
        e.name = std::string(tcp::to_string(ev.anomaly));
        e.conn = conn;
        e.detail = fmt::format("sent by the {}", net::to_string(ev.side));
        e.packet = ev.packet;
        out.push_back({ev.time, std::move(e)});
        break;
      }
      case tcp::ObserverEventKind::kEvicted: {
        trace::AnomalyEvent e;
        e.name = "connection_evicted";
        e.conn = conn;
        e.detail = std::string(ev.cause);
        e.packet = ev.packet;
        out.push_back({ev.time, std::move(e)});
        if (it != conns_.end()) conns_.erase(it);
        break;
      }
      case tcp::ObserverEventKind::kRetired:
        // Port reuse: the reused_ports anomaly of the new connection reports it.
        if (it != conns_.end()) conns_.erase(it);
        break;
      case tcp::ObserverEventKind::kNewConnection:
        break;
    }
  }
  obs_events_.clear();
}

void Monitor::on_arp(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  const auto repr = d.arp->to_repr();
  if (!repr) return;  // not Ethernet/IPv4: counted as malformed by decode
  arp::ArpFrame f;
  f.arp = *repr;
  f.number = frame.number;
  f.time = frame.time;
  if (d.ethernet) {
    f.eth_src = d.ethernet->src();
    f.eth_dst = d.ethernet->dst();
  } else {
    // Linux cooked captures record only the source address and a packet type
    // (pcap-linktype(7)): infer the destination from the type and the ARP body.
    f.eth_src = (d.sll && d.sll->address.size() == 6) ? net::MacAddr::from_bytes(d.sll->address.data())
                                                       : repr->sender_mac;
    const bool broadcast = d.sll && d.sll->packet_type == 1;
    const bool unicast = d.sll && (d.sll->packet_type == 0 || d.sll->packet_type == 3);
    const bool target_known = repr->target_mac != net::MacAddr{} && repr->target_mac != net::MacAddr::broadcast();
    f.eth_dst = !broadcast && target_known && (unicast || repr->op == wire::ArpOp::kReply)
                    ? repr->target_mac
                    : net::MacAddr::broadcast();
  }
  alert_scratch_.clear();
  detector_.observe(f, alert_scratch_);
  for (auto& a : alert_scratch_) {
    out.push_back(alert_event(a));
    if (arp_alerts_.size() < config_.max_kept_arp_alerts) arp_alerts_.push_back(std::move(a));
    else ++counters_.arp_alerts_not_kept;
  }
}

void Monitor::on_ndp(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  // RFC 6980 §5: an NDP message in fragments is dropped by every host, so only whole
  // packets of the frame itself (never a reassembled datagram) reach the detector; and a
  // bad ICMPv6 checksum is dropped too (RFC 4861 §6.1.2, §7.1).
  if (d.transport_checksum == wire::ChecksumStatus::kBad || !d.ipv6 || d.ipv6_chain.fragment) return;
  net::MacAddr eth_src;
  net::MacAddr eth_dst = net::MacAddr::broadcast();
  if (d.ethernet) {
    eth_src = d.ethernet->src();
    eth_dst = d.ethernet->dst();
  } else if (d.sll && d.sll->address.size() == 6) {
    // A Linux cooked capture records only the source (pcap-linktype(7)).
    eth_src = net::MacAddr::from_bytes(d.sll->address.data());
  } else {
    return;
  }
  const auto f = ndp::from_decoded(*d.ipv6, *d.ndp, eth_src, eth_dst, frame.number, frame.time);
  if (!f) return;
  ++counters_.ndp;
  ndp_scratch_.clear();
  ndp_detector_.observe(*f, ndp_scratch_);
  for (auto& a : ndp_scratch_) {
    out.push_back(alert_event(a));
    if (ndp_alerts_.size() < config_.max_kept_ndp_alerts) ndp_alerts_.push_back(std::move(a));
    else ++counters_.ndp_alerts_not_kept;
  }
}

void Monitor::on_reassembly_events(const std::vector<ip::ReassemblyEvent>& events,
                                   std::vector<trace::Event>& out) {
  for (const auto& ev : events) {
    if (ev.kind == ip::ReassemblyEventKind::kOverlap) {
      // RFC 5722 §4 (and Linux for IPv4): overlapping fragments are an evasion or an
      // attack (teardrop); the whole datagram is dropped and we raise an alert.
      trace::AlertEvent e;
      e.rule = trace::IpRule::kFragmentOverlap;
      e.severity = trace::Severity::kWarning;
      e.ip = ev.key.src;
      e.message = fmt::format("overlapping {} fragments ({}): datagram dropped", ev.key.is_v6() ? "IPv6" : "IPv4",
                              fragment_name(ev.key));
      e.packet = ev.packet;
      out.push_back({ev.at, std::move(e)});
      ++ip_alerts_;
      continue;
    }
    trace::AnomalyEvent e;
    e.name = fmt::format("ip_fragment_{}", ip::to_string(ev.kind));
    e.subject = fragment_name(ev.key);
    e.detail = fmt::format("{} fragment(s), {} bytes held{}", ev.fragments, ev.bytes,
                           ev.datagram_dropped ? ", datagram dropped" : "");
    e.packet = ev.packet;
    out.push_back({ev.at, std::move(e)});
  }
}

void Monitor::count_malformed(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  ++counters_.malformed;
  for (const auto& m : d.malformations) {
    std::string key{wire::to_string(m.layer)};
    key += '.';
    key += wire::to_string(m.error);
    ++counters_.malformed_by_kind[key];
  }
  trace::AnomalyEvent e;
  e.name = "malformed";
  if (!d.malformations.empty()) {
    const auto& m = d.malformations[0];
    e.detail = fmt::format("{} {} {} at byte {}", wire::to_string(m.layer), m.field, wire::to_string(m.error), m.offset);
    if (d.malformations.total() > 1) e.detail += fmt::format(" (+{} more)", d.malformations.total() - 1);
  }
  e.packet = frame.number;
  out.push_back({frame.time, std::move(e)});
}

void Monitor::packet_event(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out) {
  trace::PacketEvent e;
  e.number = frame.number;
  if (d.ipv4) {
    e.from = d.ipv4->src().to_string();
    e.to = d.ipv4->dst().to_string();
  } else if (d.ipv6) {
    e.from = d.ipv6->src().to_string();
    e.to = d.ipv6->dst().to_string();
  } else if (d.ethernet) {
    e.from = d.ethernet->src().to_string();
    e.to = d.ethernet->dst() == net::MacAddr::broadcast() ? "*" : d.ethernet->dst().to_string();
  }
  if (config_.summarize) e.summary = config_.summarize(frame, d);
  e.length = d.wire_len;
  e.malformed = d.malformed();
  out.push_back({frame.time, std::move(e)});
}

}  // namespace wirestate::monitor
