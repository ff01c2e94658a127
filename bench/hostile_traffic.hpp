#pragma once
// Hostile traffic with fixed packet counts, shared by bench/hostile_traffic_bench.cpp
// (full counts, figures as counters) and tests/robustness/hostile_traffic_test.cpp
// (reduced counts, asserted). Each flood carries a legitimate exchange in its middle that
// must still be tracked to the end; each reports the table sizes at the cap, what was
// dropped or evicted, and the bytes held.
//
//   syn_flood        N SYNs from distinct sources, as Ethernet frames through
//                    monitor::Monitor (decode -> tcp::Observer), plus one real connection
//   arp_flood        N forged ARP replies with distinct (IP, MAC) pairs through the
//                    Monitor's SpoofDetector, while one real host keeps talking; a spoof
//                    of that host at the end must still raise an alert
//   fragment_flood   N never-completed IPv4 fragment sets through the Monitor's
//                    Reassembler, with one real fragmented UDP datagram in the middle
//   ooo_flood        N 1-byte out-of-order segments into an ESTABLISHED tcp::Endpoint,
//                    with real in-order data arriving in the middle
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "wirestate/monitor/monitor.hpp"
#include "wirestate/tcp/endpoint.hpp"
#include "wirestate/wire/frame_builder.hpp"

namespace wirestate::hostile {

inline const net::MacAddr kGatewayMac({0x02, 0xaa, 0, 0, 0, 1});
inline const net::MacAddr kServerMac({0x02, 0xaa, 0, 0, 0, 2});
inline const net::Ipv4Addr kServerIp(10, 20, 0, 2);

// An Ethernet + IPv4 + TCP frame.
inline std::vector<std::uint8_t> tcp_frame(net::Ipv4Addr src, net::Ipv4Addr dst, std::uint16_t sport,
                                           std::uint16_t dport, std::uint32_t seq, std::uint32_t ack,
                                           std::uint16_t flags, std::size_t payload_len,
                                           bool to_server) {
  wire::EthernetSpec eth{to_server ? kGatewayMac : kServerMac, to_server ? kServerMac : kGatewayMac, {}, false};
  wire::Ipv4Repr ip;
  ip.src = src;
  ip.dst = dst;
  wire::TcpRepr t;
  t.src_port = sport;
  t.dst_port = dport;
  t.seq = net::SeqNum(seq);
  t.ack = net::SeqNum(ack);
  t.flags.bits = flags;
  t.window = 64240;
  const std::vector<std::uint8_t> payload(payload_len, 0x61);
  return wire::build_tcp_frame(eth, ip, t, payload);
}

// Feeds one frame to the monitor.
inline void feed(monitor::Monitor& m, const std::vector<std::uint8_t>& frame, std::uint64_t number,
                 net::Time time, std::vector<trace::Event>& events) {
  monitor::FrameIn f;
  f.data = frame;
  f.number = number;
  f.time = time;
  events.clear();
  m.on_frame(f, events);
}

// ---------------------------------------------------------------------------------------
// SYN flood

struct SynFloodResult {
  std::size_t table_size = 0;        // connections tracked at the end
  std::size_t peak_table_size = 0;   // the observer's peak
  std::uint64_t evicted = 0;         // idle + closed evictions
  std::uint64_t connections_not_kept = 0;  // finished summaries beyond max_kept_connections
  std::size_t record_bytes = 0;      // bytes of one table slot
  bool legit_established = false;    // the real connection reached ESTABLISHED on both sides
  bool legit_closed = false;         // ... then the client TIME_WAIT, the server CLOSED
  std::size_t legit_transitions = 0; // tcp_state events the monitor emitted for it
  bool legit_summary_kept = false;   // its final summary is among connections()
};

// Appends the states of `conn` that tcp_state events in `events` report, per side.
inline void collect_states(const std::vector<trace::Event>& events, const std::string& conn,
                           std::vector<tcp::State>& client, std::vector<tcp::State>& server) {
  for (const auto& e : events) {
    const auto* s = std::get_if<trace::TcpStateEvent>(&e.body);
    if (s == nullptr || s->conn.endpoints_text() != conn) continue;
    (s->side == net::Side::kClient ? client : server).push_back(s->to);
  }
}

// True when v holds s.
inline bool contains(const std::vector<tcp::State>& v, tcp::State s) {
  for (auto x : v) if (x == s) return true;
  return false;
}

// `syns` SYNs from distinct sources (10.128.0.0 + i, 1 µs apart); a real connection
// (10.20.0.1:50000 -> server:80) opens at syns/2, sends 10 x 100 bytes spread over the
// next part of the flood, and closes.
inline SynFloodResult syn_flood(std::uint32_t syns, const monitor::MonitorConfig& config) {
  using F = wire::TcpFlags;
  monitor::Monitor m(config);
  std::vector<trace::Event> events;
  const net::Ipv4Addr client(10, 20, 0, 1);
  const std::uint32_t ci = 7000, si = 9000;
  // The real connection's packets and the flood index each goes after.
  struct Legit {
    std::uint32_t after;
    std::vector<std::uint8_t> frame;
  };
  std::vector<Legit> legit;
  const std::uint32_t start = syns / 2, gap = 50;
  std::uint32_t at = start;
  legit.push_back({at, tcp_frame(client, kServerIp, 50000, 80, ci, 0, F::kSyn, 0, true)});
  legit.push_back({at += gap, tcp_frame(kServerIp, client, 80, 50000, si, ci + 1, F::kSyn | F::kAck, 0, false)});
  legit.push_back({at += gap, tcp_frame(client, kServerIp, 50000, 80, ci + 1, si + 1, F::kAck, 0, true)});
  for (std::uint32_t k = 0; k < 10; ++k) {
    legit.push_back({at += gap, tcp_frame(client, kServerIp, 50000, 80, ci + 1 + k * 100, si + 1,
                                          F::kAck | F::kPsh, 100, true)});
    legit.push_back({at += gap, tcp_frame(kServerIp, client, 80, 50000, si + 1, ci + 1 + (k + 1) * 100,
                                          F::kAck, 0, false)});
  }
  const std::uint32_t fin = ci + 1001;
  legit.push_back({at += gap, tcp_frame(client, kServerIp, 50000, 80, fin, si + 1, F::kFin | F::kAck, 0, true)});
  legit.push_back({at += gap, tcp_frame(kServerIp, client, 80, 50000, si + 1, fin + 1, F::kFin | F::kAck, 0, false)});
  legit.push_back({at += gap, tcp_frame(client, kServerIp, 50000, 80, fin + 1, si + 2, F::kAck, 0, true)});

  const std::string name = trace::endpoints_text({client, 50000}, {kServerIp, 80});
  std::vector<tcp::State> client_states, server_states;
  std::uint64_t number = 0;
  std::size_t next_legit = 0;
  std::vector<std::uint8_t> syn;
  for (std::uint32_t i = 0; i < syns; ++i) {
    const net::Time t = net::Time::from_ns(1'000'000'000LL + std::int64_t{i} * 1000);
    while (next_legit < legit.size() && legit[next_legit].after == i) {
      feed(m, legit[next_legit++].frame, ++number, t, events);
      collect_states(events, name, client_states, server_states);
    }
    syn = tcp_frame(net::Ipv4Addr(0x0a800000U + i), kServerIp, static_cast<std::uint16_t>(1024 + i % 60000),
                    80, i * 2654435761U, 0, F::kSyn, 0, true);
    feed(m, syn, ++number, t, events);
  }
  SynFloodResult r;
  const auto& oc = m.observer().counters();
  r.table_size = m.observer().size();
  r.peak_table_size = oc.peak_connections;
  r.evicted = oc.evicted_idle + oc.evicted_closed;
  r.connections_not_kept = m.counters().connections_not_kept;
  r.record_bytes = tcp::Observer::connection_record_size();
  r.legit_established = contains(client_states, tcp::State::kEstablished) &&
                        contains(server_states, tcp::State::kEstablished);
  r.legit_closed = !client_states.empty() && client_states.back() == tcp::State::kTimeWait &&
                   !server_states.empty() && server_states.back() == tcp::State::kClosed;
  r.legit_transitions = client_states.size() + server_states.size();
  for (const auto& c : m.connections()) {
    if (c.client.addr == net::IpAddr(client) && c.client.port == 50000) r.legit_summary_kept = true;
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// ARP flood

struct ArpFloodResult {
  std::size_t ip_table = 0;
  std::size_t mac_table = 0;
  std::uint64_t ip_evictions = 0;
  std::uint64_t mac_evictions = 0;
  std::uint64_t dedup_evictions = 0;
  std::uint64_t alerts = 0;               // emitted by the detector
  std::uint64_t alerts_not_kept = 0;      // beyond max_kept_arp_alerts
  std::size_t alerts_kept = 0;
  bool legit_binding_tracked = false;     // the real host's binding was still in the table
  bool legit_spoof_alerted = false;       // the spoof of the real host raised an alert
};

// An Ethernet + ARP frame.
inline std::vector<std::uint8_t> arp_frame(wire::ArpOp op, net::MacAddr smac, net::Ipv4Addr sip,
                                           net::MacAddr tmac, net::Ipv4Addr tip, net::MacAddr eth_dst) {
  wire::EthernetSpec eth{smac, eth_dst, {}, true};
  return wire::build_arp_frame(eth, wire::ArpRepr{op, smac, sip, tmac, tip});
}

// `replies` forged replies with distinct (IP, MAC) pairs (10.64.0.0 + i, 02:66:i); the
// real host 10.20.0.7 (02:aa:00:00:00:07) answers a request from the gateway every
// min(500, max_ips / 4) frames from the start (a real host talks more often than an LRU
// of max_ips entries turns over); at the end a forged reply claims 10.20.0.7 for another MAC.
inline ArpFloodResult arp_flood(std::uint32_t replies, const monitor::MonitorConfig& config) {
  monitor::Monitor m(config);
  std::vector<trace::Event> events;
  const net::MacAddr host_mac({0x02, 0xaa, 0, 0, 0, 7});
  const net::Ipv4Addr host_ip(10, 20, 0, 7), gw_ip(10, 20, 0, 254);
  const net::MacAddr victim({0x02, 0xaa, 0, 0, 0, 9});
  std::uint64_t number = 0;
  net::Time t = net::Time::from_ns(1'000'000'000);
  const std::uint32_t every =
      static_cast<std::uint32_t>(std::max<std::size_t>(1, std::min<std::size_t>(500, config.arp.max_ips / 4)));
  for (std::uint32_t i = 0; i < replies; ++i) {
    t += net::Duration::microseconds(1);
    if (i % every == 0) {
      feed(m, arp_frame(wire::ArpOp::kRequest, kGatewayMac, gw_ip, net::MacAddr(), host_ip, net::MacAddr::broadcast()),
           ++number, t, events);
      feed(m, arp_frame(wire::ArpOp::kReply, host_mac, host_ip, kGatewayMac, gw_ip, kGatewayMac), ++number, t, events);
    }
    const auto b = [&](int shift) { return static_cast<std::uint8_t>(i >> shift); };
    const net::MacAddr forged({0x02, 0x66, 0, b(16), b(8), b(0)});
    feed(m, arp_frame(wire::ArpOp::kReply, forged, net::Ipv4Addr(0x0a400000U + i), victim,
                      net::Ipv4Addr(10, 20, 0, 9), victim),
         ++number, t, events);
  }
  ArpFloodResult r;
  const auto& d = m.arp_detector();
  r.legit_binding_tracked = d.binding(host_ip).has_value() && d.binding(host_ip)->mac == host_mac;
  // The spoof: 10.20.0.7 is-at an attacker MAC.
  const std::uint64_t before = d.counters().alerts;
  t += net::Duration::microseconds(1);
  feed(m, arp_frame(wire::ArpOp::kReply, net::MacAddr({0x02, 0x66, 0xee, 0, 0, 1}), host_ip, kGatewayMac, gw_ip,
                    kGatewayMac),
       ++number, t, events);
  r.legit_spoof_alerted = d.counters().alerts > before;
  const auto& c = d.counters();
  r.ip_table = d.ip_table_size();
  r.mac_table = d.mac_table_size();
  r.ip_evictions = c.ip_evictions;
  r.mac_evictions = c.mac_evictions;
  r.dedup_evictions = c.dedup_evictions;
  r.alerts = c.alerts;
  r.alerts_not_kept = m.counters().arp_alerts_not_kept;
  r.alerts_kept = m.arp_alerts().size();
  return r;
}

// ---------------------------------------------------------------------------------------
// Fragment flood

struct FragmentFloodResult {
  std::size_t pending = 0;          // partial datagrams held at the end
  std::size_t peak_pending = 0;
  std::size_t bytes_held = 0;       // payload bytes held at the end
  std::size_t peak_bytes_held = 0;
  std::uint64_t evictions = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t reassembled = 0;    // datagrams rebuilt (the real one)
  bool legit_flow_seen = false;     // the real datagram's UDP flow is known with its bytes
};

// An Ethernet + IPv4 fragment carrying `payload` at byte offset `offset`.
inline std::vector<std::uint8_t> fragment_frame(net::Ipv4Addr src, std::uint16_t id, std::uint32_t offset,
                                                bool more, const std::vector<std::uint8_t>& payload) {
  wire::EthernetSpec eth{kGatewayMac, kServerMac, {}, true};
  wire::Ipv4Repr ip;
  ip.src = src;
  ip.dst = kServerIp;
  ip.protocol = 17;
  ip.id = id;
  ip.more_fragments = more;
  ip.frag_offset = static_cast<std::uint16_t>(offset / 8);
  ip.payload_len = static_cast<std::uint16_t>(payload.size());
  const auto packet = wire::build_ipv4_packet(ip, payload);
  return wire::ethernet_frame(eth, wire::EtherType::kIpv4, packet);
}

// `sets` fragment sets that never complete (a first fragment of 1480 bytes, MF set, from
// distinct (source, id) pairs), 1 µs apart; in the middle a real 2-fragment UDP
// datagram (10.20.0.1:5353 -> server:53, 2000 bytes of payload) whose halves arrive
// 100 flood fragments apart.
inline FragmentFloodResult fragment_flood(std::uint32_t sets, const monitor::MonitorConfig& config) {
  monitor::Monitor m(config);
  std::vector<trace::Event> events;
  const std::vector<std::uint8_t> chunk(1480, 0x42);
  // The real datagram: UDP header + 2000 bytes, split at 1480.
  const net::Ipv4Addr client(10, 20, 0, 1);
  wire::UdpRepr udp;
  udp.src_port = 5353;
  udp.dst_port = 53;
  std::vector<std::uint8_t> data(2000, 0x33);
  const auto whole = wire::build_udp(udp, data, client, kServerIp);
  const std::vector<std::uint8_t> first(whole.begin(), whole.begin() + 1480);
  const std::vector<std::uint8_t> second(whole.begin() + 1480, whole.end());
  FragmentFloodResult r;
  std::uint64_t number = 0;
  for (std::uint32_t i = 0; i < sets; ++i) {
    const net::Time t = net::Time::from_ns(1'000'000'000LL + std::int64_t{i} * 1000);
    if (i == sets / 2) feed(m, fragment_frame(client, 4242, 0, true, first), ++number, t, events);
    if (i == sets / 2 + 100) feed(m, fragment_frame(client, 4242, 1480, false, second), ++number, t, events);
    feed(m, fragment_frame(net::Ipv4Addr(0x0a800000U + (i >> 16)), static_cast<std::uint16_t>(i), 0, true, chunk),
         ++number, t, events);
    r.peak_pending = std::max(r.peak_pending, m.reassembler().pending());
    r.peak_bytes_held = std::max(r.peak_bytes_held, m.reassembler().bytes_held());
  }
  const auto& c = m.reassembler().counters();
  r.pending = m.reassembler().pending();
  r.bytes_held = m.reassembler().bytes_held();
  r.evictions = c.evictions;
  r.timeouts = c.timeouts;
  r.reassembled = m.counters().reassembled;
  for (const auto& f : m.udp_flows()) {
    if (f.client.addr == net::IpAddr(client) && f.client.port == 5353 && f.client_to_server.bytes == data.size()) {
      r.legit_flow_seen = true;
    }
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// Out-of-order flood into one connection

struct OooFloodResult {
  std::size_t ooo_segments_max = 0;    // the most out-of-order bytes held at once (1 per segment)
  std::size_t heap_bytes_max = 0;      // Endpoint::heap_bytes() peak
  std::uint64_t dropped_full = 0;      // drops: out-of-order queue full
  std::uint64_t legit_delivered = 0;   // in-order bytes the application read
  bool still_established = false;
};

// An ESTABLISHED passive endpoint (default Config: 64 out-of-order segments) receives
// `segments` 1-byte segments at distinct odd offsets ahead of RCV.NXT; every 1000 of
// them, 100 real in-order bytes arrive and the application reads them.
inline OooFloodResult ooo_flood(std::uint32_t segments) {
  using F = wire::TcpFlags;
  tcp::Config cfg;
  cfg.delayed_ack = false;
  auto ep = tcp::Endpoint::listening(cfg, 80, tcp::fixed_isn(net::SeqNum(1000)), net::Time::from_ns(0));
  const auto seg = [](std::uint32_t seq, std::uint32_t ack, std::uint16_t flags, std::size_t len) {
    tcp::Segment s;
    s.header.src_port = 40000;
    s.header.dst_port = 80;
    s.header.seq = net::SeqNum(seq);
    s.header.ack = net::SeqNum(ack);
    s.header.flags.bits = flags;
    s.header.window = 65535;
    s.payload.assign(len, 0x61);
    return s;
  };
  net::Time t = net::Time::from_ns(1'000'000);
  ep.on_segment(seg(5000, 0, F::kSyn, 0), t);
  ep.on_segment(seg(5001, 1001, F::kAck, 0), t);
  std::uint32_t rcv_nxt = 5001;
  OooFloodResult r;
  for (std::uint32_t i = 0; i < segments; ++i) {
    t += net::Duration::microseconds(1);
    if (i % 1000 == 500) {
      ep.on_segment(seg(rcv_nxt, 1001, F::kAck | F::kPsh, 100), t);
      rcv_nxt += 100;
      r.legit_delivered += ep.receive(1 << 20, t).size();
    }
    // Odd offsets 3, 5, 7 ... ahead of RCV.NXT, wrapping inside 60000 bytes of window.
    ep.on_segment(seg(rcv_nxt + 3 + 2 * (i % 30000), 1001, F::kAck, 1), t);
    ep.take_outgoing();
    ep.take_events();
    r.ooo_segments_max = std::max(r.ooo_segments_max, ep.status().out_of_order_bytes);
    r.heap_bytes_max = std::max(r.heap_bytes_max, ep.heap_bytes());
  }
  r.dropped_full = ep.stats().drop_count(tcp::DropReason::kOutOfOrderFull);
  r.still_established = ep.state() == tcp::State::kEstablished;
  return r;
}

}  // namespace wirestate::hostile
