// A simulated host's link and network layers: frames in, IPv4 with fragmentation and
// reassembly, ICMP echo and port unreachable, UDP sockets, and the timers of it all.
#include "wirestate/sim/host.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "wirestate/wire/frame_builder.hpp"
#include "wirestate/wire/icmp.hpp"
#include "wirestate/wire/udp.hpp"

namespace wirestate::sim {

namespace {
constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
}  // namespace

Host::Host(HostConfig config, HostEnv& env, tcp::IsnSource isn)
    : cfg_(std::move(config)),
      env_(env),
      isn_(std::move(isn)),
      arp_(cfg_.arp, cfg_.mac, cfg_.ip),
      next_ephemeral_(cfg_.first_ephemeral_port) {}

void Host::start(net::Time now) {
  for (const auto& [ip, mac] : cfg_.static_arp) arp_.add_static(ip, mac, now, arp_out_);
  arp_.start(now, arp_out_);
  flush_arp_outputs(now);
}

void Host::report(trace::Event event) { env_.host_event(*this, std::move(event)); }

void Host::count_drop(const std::string& reason) { ++drops_[reason]; }

// --- Input ------------------------------------------------------------------------------

void Host::on_frame(const std::vector<std::uint8_t>& frame, net::Time now) {
  auto pkt = wire::decode(frame, wire::LinkType::kEthernet, static_cast<std::uint32_t>(frame.size()));
  if (!pkt.ethernet) return count_drop("bad_ethernet");
  // A NIC that is not promiscuous takes frames for its MAC, broadcast and multicast only.
  const net::MacAddr dst = pkt.ethernet->dst();
  if (dst != cfg_.mac && !dst.is_multicast()) return count_drop("not_for_our_mac");
  if (pkt.arp) return arp_input(pkt, now);
  if (pkt.ipv4) return ipv4_input(pkt, frame, now);
  count_drop("unsupported_ethertype");
}

void Host::ipv4_input(const wire::DecodedPacket& pkt, const std::vector<std::uint8_t>& frame,
                      net::Time now) {
  (void)frame;
  const wire::Ipv4View& ip = *pkt.ipv4;
  // RFC 1122 §3.2.1.2: a datagram whose header checksum fails is discarded silently.
  if (!ip.checksum_ok()) return count_drop("bad_ip_checksum");
  if (ip.is_cut()) return count_drop("ip_truncated");
  const net::Ipv4Addr dst = ip.dst();
  const bool for_us = dst == cfg_.ip || dst.is_broadcast() ||
                      (dst.same_subnet(cfg_.ip, cfg_.prefix_len) &&
                       (dst.value() | (cfg_.prefix_len >= 32 ? 0U : (0xffffffffU >> cfg_.prefix_len))) == dst.value());
  if (!for_us) return count_drop("not_our_ip");  // hosts do not forward (RFC 1122 §3.3.1)

  const wire::Ipv4Repr repr = wire::to_repr(ip);
  if (!ip.is_fragment()) return datagram_input(repr, ip.header(), ip.payload(), now);

  ip::Fragment frag{{ip.src(), ip.dst(), ip.protocol(), ip.id()}, ip.frag_offset_bytes(),
                      ip.more_fragments(), ip.payload(), ip.header(), 0};
  auto result = reassembler_.add(frag, now);
  for (const auto& e : result.events) {
    report({now, trace::AnomalyEvent{fmt::format("ip_reassembly_{}", ip::to_string(e.kind)), std::nullopt, "",
                                     fmt::format("{} > {} id {}", e.key.src.to_string(), e.key.dst.to_string(), e.key.id), 0}});
  }
  if (!result.datagram) return;
  const auto& d = *result.datagram;
  wire::Ipv4Repr whole = repr;
  whole.more_fragments = false;
  whole.frag_offset = 0;
  whole.payload_len = static_cast<std::uint16_t>(d.payload.size());
  report({now, trace::AppEvent{cfg_.name, "reassembled", std::nullopt,
                               fmt::format("{} bytes from {} fragments, id {}", d.payload.size(), d.fragments, d.key.id)}});
  datagram_input(whole, d.header, d.payload, now);
}

void Host::datagram_input(const wire::Ipv4Repr& ip, std::span<const std::uint8_t> header,
                          std::span<const std::uint8_t> payload, net::Time now) {
  switch (ip.protocol) {
    case kProtoTcp: return tcp_input(ip, payload, now);
    case kProtoUdp: return udp_input(ip, header, payload, now);
    case kProtoIcmp: return icmp_input(ip, payload, now);
    default: break;
  }
  // RFC 1122 §3.2.2.1: protocol unreachable (code 2).
  std::vector<std::uint8_t> quoted(header.begin(), header.end());
  quoted.insert(quoted.end(), payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(8, payload.size())));
  auto icmp = wire::IcmpRepr::dest_unreachable(2, std::move(quoted));
  std::vector<std::uint8_t> msg(icmp.len());
  icmp.emit(msg);
  ip_output(ip.src, kProtoIcmp, std::move(msg), false, now);
}

void Host::udp_input(const wire::Ipv4Repr& ip, std::span<const std::uint8_t> header,
                     std::span<const std::uint8_t> bytes, net::Time now) {
  auto view = wire::UdpView::parse(bytes);
  if (!view || view->is_cut()) return count_drop("bad_udp_header");
  if (view->verify_checksum(ip.src, ip.dst) == wire::ChecksumStatus::kBad) {
    return count_drop("bad_udp_checksum");
  }
  udp::Datagram d{ip.src, view->src_port(), {view->payload().begin(), view->payload().end()}, now};
  const std::uint16_t port = view->dst_port();
  const auto size = d.data.size();
  switch (udp_.deliver(port, d)) {
    case udp::Delivery::kQueued:
      udp_received_[port].push_back(std::move(d));
      (void)udp_.receive_all(port);  // the application reads at once; we keep the copy above
      report({now, trace::AppEvent{cfg_.name, "udp_received", std::nullopt,
                                   fmt::format("{} bytes from {}:{} on port {}", size, ip.src.to_string(), view->src_port(), port)}});
      return;
    case udp::Delivery::kQueueFull: return count_drop("udp_queue_full");
    case udp::Delivery::kPortUnreachable: break;
  }
  // RFC 1122 §4.1.3.1: port unreachable (code 3), quoting the header and 8 bytes.
  if (ip.dst.is_broadcast() || ip.dst.is_multicast()) return count_drop("udp_no_socket");
  count_drop("udp_port_unreachable");
  std::vector<std::uint8_t> quoted(header.begin(), header.end());
  quoted.insert(quoted.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(8, bytes.size())));
  auto icmp = wire::IcmpRepr::dest_unreachable(3, std::move(quoted));
  std::vector<std::uint8_t> msg(icmp.len());
  icmp.emit(msg);
  ip_output(ip.src, kProtoIcmp, std::move(msg), false, now);
}

void Host::icmp_input(const wire::Ipv4Repr& ip, std::span<const std::uint8_t> bytes, net::Time now) {
  auto view = wire::IcmpView::parse(bytes);
  if (!view) return count_drop("bad_icmp_header");
  if (view->verify_checksum() == wire::ChecksumStatus::kBad) return count_drop("bad_icmp_checksum");
  switch (view->type()) {
    case wire::IcmpType::kEchoRequest: {
      // RFC 1122 §3.2.2.6: the reply carries the request's identifier, sequence and data.
      auto reply = wire::IcmpRepr::echo_reply(view->echo_id(), view->echo_seq(),
                                              {view->data().begin(), view->data().end()});
      std::vector<std::uint8_t> msg(reply.len());
      reply.emit(msg);
      ip_output(ip.src, kProtoIcmp, std::move(msg), false, now);
      return;
    }
    case wire::IcmpType::kEchoReply: {
      auto& stats = pings_[view->echo_id()];
      ++stats.received;
      report({now, trace::AppEvent{cfg_.name, "ping_reply", std::nullopt,
                                   fmt::format("from {} id {} seq {}", ip.src.to_string(), view->echo_id(), view->echo_seq())}});
      return;
    }
    case wire::IcmpType::kDestUnreachable: {
      std::string what = fmt::format("destination unreachable code {} from {}", view->code(), ip.src.to_string());
      if (auto ports = view->quoted_ports()) {
        what += fmt::format(" (quoting ports {} > {})", ports->src_port, ports->dst_port);
      }
      report({now, trace::AppEvent{cfg_.name, "icmp_unreachable", std::nullopt, what}});
      return;
    }
    default:
      report({now, trace::AppEvent{cfg_.name, "icmp", std::nullopt,
                                   fmt::format("type {} code {} from {}", view->type(), view->code(), ip.src.to_string())}});
  }
}

// --- Output -----------------------------------------------------------------------------

void Host::ip_output(net::Ipv4Addr dst, std::uint8_t protocol, std::vector<std::uint8_t> payload,
                     bool dont_fragment, net::Time now) {
  wire::Ipv4Repr ip;
  ip.src = cfg_.ip;
  ip.dst = dst;
  ip.protocol = protocol;
  ip.ttl = cfg_.ttl;
  ip.id = next_ip_id_++;
  ip.dont_fragment = dont_fragment;
  const std::size_t max_payload = cfg_.mtu - 20;
  if (payload.size() <= max_payload) {
    link_output(dst, wire::build_ipv4_packet(ip, payload), now);
    return;
  }
  if (dont_fragment) {
    // Path MTU discovery would shrink the segment; our TCP never exceeds its MSS, so
    // this is a crafted or misconfigured send: drop it as the kernel would (EMSGSIZE).
    count_drop("fragmentation_needed_df");
    return;
  }
  // RFC 791 §3.2: every fragment but the last carries a multiple of 8 bytes.
  const std::size_t chunk = max_payload & ~std::size_t{7};
  for (std::size_t off = 0; off < payload.size(); off += chunk) {
    const std::size_t n = std::min(chunk, payload.size() - off);
    wire::Ipv4Repr frag = ip;
    frag.frag_offset = static_cast<std::uint16_t>(off / 8);
    frag.more_fragments = off + n < payload.size();
    link_output(dst, wire::build_ipv4_packet(frag, std::span(payload).subspan(off, n)), now);
  }
}

void Host::udp_send(std::uint16_t src_port, net::Ipv4Addr dst, std::uint16_t dst_port,
                    std::vector<std::uint8_t> data, net::Time now) {
  report({now, trace::AppEvent{cfg_.name, "udp_send", std::nullopt,
                               fmt::format("{} bytes {}:{} -> {}:{}", data.size(), cfg_.ip.to_string(), src_port, dst.to_string(), dst_port)}});
  auto bytes = wire::build_udp(wire::UdpRepr{src_port, dst_port}, data, cfg_.ip, dst);
  ip_output(dst, kProtoUdp, std::move(bytes), false, now);
}

tl::expected<void, std::string> Host::udp_bind(std::uint16_t port) {
  if (!udp_.bind(port)) return tl::unexpected(fmt::format("UDP port {} is already bound", port));
  udp_received_.try_emplace(port);
  return {};
}

const std::vector<udp::Datagram>& Host::udp_received(std::uint16_t port) const {
  static const std::vector<udp::Datagram> kNothing;
  auto it = udp_received_.find(port);
  return it == udp_received_.end() ? kNothing : it->second;
}

void Host::ping(net::Ipv4Addr dst, std::uint16_t id, std::uint16_t seq, std::size_t size, net::Time now) {
  std::vector<std::uint8_t> data(size);
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::uint8_t>(i);
  auto req = wire::IcmpRepr::echo_request(id, seq, std::move(data));
  std::vector<std::uint8_t> msg(req.len());
  req.emit(msg);
  ++pings_[id].sent;
  report({now, trace::AppEvent{cfg_.name, "ping", std::nullopt, fmt::format("to {} id {} seq {} size {}", dst.to_string(), id, seq, size)}});
  ip_output(dst, kProtoIcmp, std::move(msg), false, now);
}

const PingStats& Host::ping_stats(std::uint16_t id) const {
  static const PingStats kNone;
  auto it = pings_.find(id);
  return it == pings_.end() ? kNone : it->second;
}

void Host::inject(std::vector<std::uint8_t> frame, net::Time now) {
  report({now, trace::AppEvent{cfg_.name, "inject", std::nullopt, fmt::format("{} bytes", frame.size())}});
  env_.transmit(*this, std::move(frame), now);
}

// --- Timers -----------------------------------------------------------------------------

void Host::on_timer(net::Time now) {
  std::vector<net::FlowKey> due;
  for (auto it = timers_.begin(); it != timers_.end() && it->first <= now; ++it) due.push_back(it->second);
  for (const auto& key : due) {
    auto it = conns_.find(key);
    if (it == conns_.end()) continue;
    it->second.endpoint.on_timer(now);
    service(key, now);
  }
  arp_.on_timer(now, arp_out_);
  flush_arp_outputs(now);
  for (const auto& e : reassembler_.expire(now)) {
    report({now, trace::AnomalyEvent{fmt::format("ip_reassembly_{}", ip::to_string(e.kind)), std::nullopt, "",
                                     fmt::format("{} > {} id {}", e.key.src.to_string(), e.key.dst.to_string(), e.key.id), 0}});
  }
}

net::Time Host::next_deadline() const {
  net::Time t = std::min(arp_.next_deadline(), reassembler_.next_deadline());
  if (!timers_.empty()) t = std::min(t, timers_.begin()->first);
  return t;
}

// --- ARP ----------------------------------------------------------------------------------

void Host::arp_input(const wire::DecodedPacket& pkt, net::Time now) {
  auto repr = pkt.arp->to_repr();
  if (!repr) return count_drop("unsupported_arp");
  arp_.on_arp(arp::ArpFrame{*repr, pkt.ethernet->src(), pkt.ethernet->dst(), 0, now}, now, arp_out_);
  flush_arp_outputs(now);
}

void Host::link_output(net::Ipv4Addr next_hop, std::vector<std::uint8_t> packet, net::Time now) {
  if (next_hop.is_broadcast() || next_hop.is_multicast()) {
    wire::EthernetSpec eth{cfg_.mac, net::MacAddr::broadcast(), {}, true};
    env_.transmit(*this, wire::ethernet_frame(eth, wire::EtherType::kIpv4, packet), now);
    return;
  }
  const std::uint64_t id = next_item_id_++;
  if (sending_for_) items_for_conn_[id] = *sending_for_;
  arp_.submit(next_hop, arp::QueuedItem{id, std::move(packet)}, now, arp_out_);
  flush_arp_outputs(now);
}

void Host::gratuitous_arp(net::Time now) {
  // RFC 5227 §3: an announcement is a request with sender and target IP both ours.
  wire::ArpRepr garp{wire::ArpOp::kRequest, cfg_.mac, cfg_.ip, net::MacAddr(), cfg_.ip};
  report({now, trace::AppEvent{cfg_.name, "gratuitous_arp", std::nullopt, cfg_.ip.to_string()}});
  env_.transmit(*this, wire::build_arp_frame(wire::EthernetSpec{cfg_.mac, net::MacAddr::broadcast(), {}, true}, garp), now);
}

void Host::flush_arp_outputs(net::Time now) {
  // Take everything first: sending may re-enter the cache through the simulator.
  arp::CacheOutput out = std::move(arp_out_);
  arp_out_.clear();
  for (const auto& e : out.events) {
    trace::ArpCacheEvent ev;
    ev.host = cfg_.name;
    ev.ip = e.ip;
    ev.old_mac = e.old_mac;
    ev.new_mac = e.new_mac;
    ev.old_state = e.old_state;
    ev.new_state = e.new_state;
    ev.cause = e.cause;
    report({e.time, std::move(ev)});
  }
  for (const auto& f : out.send) {
    env_.transmit(*this, wire::build_arp_frame(wire::EthernetSpec{f.eth_src, f.eth_dst, {}, true}, f.arp), now);
  }
  for (auto& r : out.released) {
    items_for_conn_.erase(r.item.id);
    wire::EthernetSpec eth{cfg_.mac, r.mac, {}, true};
    env_.transmit(*this, wire::ethernet_frame(eth, wire::EtherType::kIpv4, r.item.bytes), now);
  }
  for (auto& f : out.failed) {
    report({now, trace::AppEvent{cfg_.name, "error", std::nullopt,
                                 fmt::format("{}: {}", f.ip.to_string(), arp::to_string(f.reason))}});
    auto it = items_for_conn_.find(f.item.id);
    if (it == items_for_conn_.end()) continue;
    const net::FlowKey key = it->second;
    items_for_conn_.erase(it);
    // Linux fails connect() with EHOSTUNREACH when the next hop does not resolve.
    if (f.reason == arp::FailReason::kHostUnreachable && conns_.count(key) != 0) {
      Connection& conn = conns_.at(key);
      conn.endpoint.abort(now);
      report({now, trace::AppEvent{cfg_.name, "connect_failed", conn.ref(),
                                   fmt::format("{}: host unreachable", conn.remote)}});
      service(key, now);
    }
  }
}

}  // namespace wirestate::sim
