// tcp::Observer: the connection table (bounded, with eviction), and the per-segment
// pipeline: Wireshark analysis -> RFC 9293 state inference -> Zeek history.
#include "wirestate/tcp/observer.hpp"

#include <algorithm>
#include <functional>

#include "conn_index.hpp"
#include "conn_record.hpp"
#include "slot_list.hpp"

namespace wirestate::tcp {

namespace {

// Both directions of a connection map to one key (net::FlowKey's canonical order).
net::FlowKey key_of(const ObservedSegment& seg) noexcept {
  return {net::Endpoint{seg.src, seg.tcp.src_port}, net::Endpoint{seg.dst, seg.tcp.dst_port}};
}

// Ports a client picks for itself: Linux's default ephemeral range (32768-60999) and
// IANA's dynamic range (49152-65535, RFC 6335 §6).
bool ephemeral_port(std::uint16_t port) { return port >= 32768; }

// Whether the sender of `seg`, the first segment seen of a connection, is its server. A
// SYN comes from the client, a SYN-ACK from the server. A segment from inside a
// connection (the capture started after the handshake) shows no roles, so they come from
// the ports, as Zeek's likely_server_ports and Wireshark's lower-port rule take them: a
// port below 1024 against one above is the server's; failing that, a port outside the
// ephemeral ranges against one inside. With no such evidence (and for a lone RST,
// backscatter with no connection behind it) the first sender is the client, as in Zeek.
bool first_sender_is_server(const ObservedSegment& seg) {
  const auto f = seg.tcp.flags;
  if (f.rst()) return false;
  if (f.syn()) return f.ack();
  const std::uint16_t sp = seg.tcp.src_port;
  const std::uint16_t dp = seg.tcp.dst_port;
  if ((sp < 1024) != (dp < 1024)) return sp < 1024;
  if (ephemeral_port(sp) != ephemeral_port(dp)) return !ephemeral_port(sp);
  return false;
}

}  // namespace

std::string_view to_string(Anomaly a) noexcept {
  switch (a) {
    case Anomaly::kRetransmission: return "retransmission";
    case Anomaly::kFastRetransmission: return "fast_retransmission";
    case Anomaly::kSpuriousRetransmission: return "spurious_retransmission";
    case Anomaly::kOutOfOrder: return "out_of_order";
    case Anomaly::kLostSegment: return "lost_segment";
    case Anomaly::kAckedUnseen: return "ack_lost_segment";
    case Anomaly::kDuplicateAck: return "duplicate_ack";
    case Anomaly::kZeroWindow: return "zero_window";
    case Anomaly::kZeroWindowProbe: return "zero_window_probe";
    case Anomaly::kWindowFull: return "window_full";
    case Anomaly::kWindowUpdate: return "window_update";
    case Anomaly::kKeepAlive: return "keep_alive";
    case Anomaly::kReusedPorts: return "reused_ports";
    case Anomaly::kBadChecksum: return "bad_checksum";
    case Anomaly::kRstOutOfWindow: return "rst_out_of_window";
    case Anomaly::kLoneRst: return "lone_rst";
    case Anomaly::kSynAckIsnChanged: return "synack_isn_changed";
    case Anomaly::kSynRetransmission: return "syn_retransmission";
    case Anomaly::kRstNotExact: return "rst_not_exact";
    case Anomaly::kRevived: return "close_withdrawn";
  }
  return "unknown";
}

std::string_view to_string(ObserverEventKind kind) noexcept {
  switch (kind) {
    case ObserverEventKind::kNewConnection: return "new_connection";
    case ObserverEventKind::kTransition: return "transition";
    case ObserverEventKind::kAnomaly: return "anomaly";
    case ObserverEventKind::kEvicted: return "evicted";
    case ObserverEventKind::kRetired: return "retired";
  }
  return "unknown";
}

struct Observer::Table {
  std::vector<ConnRecord> slots;
  std::vector<std::uint32_t> free;
  std::vector<bool> used;
  ConnIndex index;  // key -> slot
  SlotList<&ConnRecord::lru_prev, &ConnRecord::lru_next> lru;          // head: idle longest
  SlotList<&ConnRecord::closed_prev, &ConnRecord::closed_next> closed;  // head: closed first
  SlotList<&ConnRecord::tw_prev, &ConnRecord::tw_next> time_wait;       // head: expires first
  std::uint64_t next_id = 1;

  static net::FlowKey key_of_record(const ConnRecord& c) noexcept { return {c.client, c.server}; }
  static std::uint64_t hash_of(const net::FlowKey& key) noexcept { return std::hash<net::FlowKey>{}(key); }
  // The slot of the connection with `key` (whose hash is `hash`), or ConnIndex::kNone.
  std::uint32_t find(const net::FlowKey& key, std::uint64_t hash) const {
    return index.find(hash, [&](std::uint32_t i) { return key_of_record(slots[i]) == key; });
  }
};

namespace {

ConnectionSummary summarize(const ConnRecord& c) {
  ConnectionSummary s;
  s.id = c.id;
  s.client = c.client;
  s.server = c.server;
  s.partial = c.partial;
  s.client_states.assign(c.side[0].path.begin(), c.side[0].path.begin() + c.side[0].path_len);
  s.server_states.assign(c.side[1].path.begin(), c.side[1].path.begin() + c.side[1].path_len);
  s.client_to_server = c.side[0].stats;
  s.server_to_client = c.side[1].stats;
  if (c.handshake_rtt_ns >= 0) s.handshake_rtt = net::Duration::nanoseconds(c.handshake_rtt_ns);
  s.first_seen = c.first_seen;
  s.last_seen = c.last_seen;
  s.first_packet = c.first_packet;
  s.last_packet = c.last_packet;
  s.anomalies = c.anomalies;
  s.conn_state = zeek_conn_state(c);
  s.history = c.history;
  return s;
}

}  // namespace

Observer::Observer(ObserverConfig config) : config_(config), table_(std::make_unique<Table>()) {
  if (config_.max_connections == 0) config_.max_connections = 1;
  table_->index.reserve(std::min<std::size_t>(config_.max_connections, 1 << 16));
}

Observer::~Observer() = default;
Observer::Observer(Observer&&) noexcept = default;
Observer& Observer::operator=(Observer&&) noexcept = default;

std::size_t Observer::connection_record_size() noexcept { return sizeof(ConnRecord); }

std::size_t Observer::size() const noexcept { return table_->index.size(); }

void Observer::set_retire_sink(std::function<void(ConnectionSummary&&)> sink) { retire_sink_ = std::move(sink); }

void Observer::advance(net::Time now, std::vector<ObserverEvent>& out) {
  Table& t = *table_;
  while (t.time_wait.head != kNoSlot && t.slots[t.time_wait.head].tw_deadline <= now) {
    const std::uint32_t i = t.time_wait.head;
    ConnRecord& c = t.slots[i];
    t.time_wait.erase(t.slots, i);
    c.in_tw = false;
    expire_time_wait(c, now, config_.msl * 2, out);
  }
}

void Observer::observe(const ObservedSegment& seg, std::vector<ObserverEvent>& out) {
  Table& t = *table_;
  ++counters_.segments;
  advance(seg.time, out);

  const auto f = seg.tcp.flags;
  const net::FlowKey key = key_of(seg);
  const std::uint64_t hash = Table::hash_of(key);
  std::uint32_t found = t.find(key, hash);
  AnomalySet extra;

  auto retire = [&](std::uint32_t i, ObserverEventKind kind, std::string_view cause) {
    ConnRecord& c = t.slots[i];
    ObserverEvent ev;
    ev.kind = kind;
    ev.connection = c.id;
    ev.packet = seg.packet;
    ev.time = seg.time;
    ev.cause = cause;
    out.push_back(ev);
    t.index.erase(Table::hash_of(Table::key_of_record(c)), i);
    t.lru.erase(t.slots, i);
    if (c.in_closed) t.closed.erase(t.slots, i);
    if (c.in_tw) t.time_wait.erase(t.slots, i);
    if (retire_sink_) retire_sink_(summarize(c));
    c = ConnRecord{};
    t.used[i] = false;
    t.free.push_back(i);
  };

  if (found != ConnIndex::kNone && !seg.checksum_bad && f.syn() && !f.ack() && !f.rst()) {
    const ConnRecord& c = t.slots[found];
    const bool from_client = seg.src == c.client.addr && seg.tcp.src_port == c.client.port;
    if (starts_new_connection(c, from_client ? 0 : 1, seg)) {
      // A new SYN on a finished 4-tuple (e.g. after TIME_WAIT, RFC 6191): a new connection.
      if (c.side[0].syn_seen || c.side[1].syn_seen) extra.set(static_cast<std::size_t>(Anomaly::kReusedPorts));
      ++counters_.retired_reused;
      retire(found, ObserverEventKind::kRetired, "ports reused by a new SYN");
      found = ConnIndex::kNone;
    }
  }

  std::uint32_t idx;
  int sender;
  if (found == ConnIndex::kNone) {
    if (t.index.size() >= config_.max_connections) {
      if (t.closed.head != kNoSlot) {
        ++counters_.evicted_closed;
        retire(t.closed.head, ObserverEventKind::kEvicted, "table full: closed connection evicted");
      } else {
        ++counters_.evicted_idle;
        retire(t.lru.head, ObserverEventKind::kEvicted, "table full: idle connection evicted");
      }
    }
    if (!t.free.empty()) {
      idx = t.free.back();
      t.free.pop_back();
    } else {
      idx = static_cast<std::uint32_t>(t.slots.size());
      t.slots.emplace_back();
      t.used.push_back(false);
    }
    t.used[idx] = true;
    ConnRecord& c = t.slots[idx];
    c.id = t.next_id++;
    const bool from_server = first_sender_is_server(seg);
    const net::Endpoint src{seg.src, seg.tcp.src_port};
    const net::Endpoint dst{seg.dst, seg.tcp.dst_port};
    c.client = from_server ? dst : src;
    c.server = from_server ? src : dst;
    sender = from_server ? 1 : 0;
    // Zeek's '^': the roles were flipped from the first packet's direction.
    if (from_server) c.history.push_back('^');
    c.first_seen = seg.time;
    c.first_packet = seg.packet;
    init_states(c, sender, seg, out);
    if (f.rst()) extra.set(static_cast<std::size_t>(Anomaly::kLoneRst));
    t.index.insert(hash, idx);
    t.lru.push_back(t.slots, idx);
    ++counters_.connections;
    counters_.peak_connections = std::max(counters_.peak_connections, t.index.size());
    ObserverEvent ev;
    ev.kind = ObserverEventKind::kNewConnection;
    ev.connection = c.id;
    ev.side = side_of(sender);
    ev.packet = seg.packet;
    ev.time = seg.time;
    ev.cause = c.partial ? "first packet seen mid-connection" : "SYN seen";
    out.push_back(ev);
  } else {
    idx = found;
    const ConnRecord& c = t.slots[idx];
    sender = (seg.src == c.client.addr && seg.tcp.src_port == c.client.port) ? 0 : 1;
    t.lru.erase(t.slots, idx);
    t.lru.push_back(t.slots, idx);
  }

  ConnRecord& c = t.slots[idx];
  SideRecord& me = c.side[sender];
  ++me.stats.packets;
  me.stats.bytes += seg.payload_len;
  c.last_seen = seg.time;
  c.last_packet = seg.packet;

  AnomalySet flags = extra;
  if (seg.checksum_bad) {
    // A corrupted segment is dropped by the receiver: it moves no state.
    ++counters_.bad_checksum;
    flags.set(static_cast<std::size_t>(Anomaly::kBadChecksum));
  } else {
    if (seg.checksum_flagged) {
      ++counters_.bad_checksum;
      flags.set(static_cast<std::size_t>(Anomaly::kBadChecksum));
    }
    withdraw_reset_close(c, sender, seg, flags, out);
    analyze_sequence(c, sender, seg, config_, flags);
    infer_states(c, sender, seg, flags, out);
  }
  zeek_update(c, sender, seg, flags);

  for (std::size_t a = 0; a < kAnomalyCount; ++a) {
    if (!flags.test(a)) continue;
    ++c.anomalies[a];
    ObserverEvent ev;
    ev.kind = ObserverEventKind::kAnomaly;
    ev.connection = c.id;
    ev.side = side_of(sender);
    ev.anomaly = static_cast<Anomaly>(a);
    ev.packet = seg.packet;
    ev.time = seg.time;
    ev.cause = to_string(ev.anomaly);
    out.push_back(ev);
  }

  // Keep the closed and TIME_WAIT lists in step with the states.
  const bool closed = both_closed(c);
  if (closed && !c.in_closed) {
    t.closed.push_back(t.slots, idx);
    c.in_closed = true;
  } else if (!closed && c.in_closed) {
    t.closed.erase(t.slots, idx);
    c.in_closed = false;
  }
  net::Time tw_since = net::Time::from_ns(INT64_MIN);
  for (const auto& s : c.side) {
    if (s.state == State::kTimeWait) tw_since = std::max(tw_since, s.time_wait_since);
  }
  if (tw_since != net::Time::from_ns(INT64_MIN)) {
    const net::Time deadline = tw_since + config_.msl * 2;
    if (!c.in_tw || c.tw_deadline != deadline) {
      if (c.in_tw) t.time_wait.erase(t.slots, idx);
      c.tw_deadline = deadline;
      c.in_tw = true;
      t.time_wait.push_back(t.slots, idx);
    }
  } else if (c.in_tw) {
    t.time_wait.erase(t.slots, idx);
    c.in_tw = false;
  }
}

void Observer::finish() {
  Table& t = *table_;
  std::vector<std::uint32_t> live;
  for (std::uint32_t i = 0; i < t.slots.size(); ++i) {
    if (t.used[i]) live.push_back(i);
  }
  std::sort(live.begin(), live.end(), [&](std::uint32_t a, std::uint32_t b) { return t.slots[a].id < t.slots[b].id; });
  if (retire_sink_) {
    for (auto i : live) retire_sink_(summarize(t.slots[i]));
  }
  const std::uint64_t next = t.next_id;
  *table_ = Table{};
  table_->next_id = next;
}

std::vector<ConnectionSummary> Observer::connections() const {
  const Table& t = *table_;
  std::vector<ConnectionSummary> out;
  out.reserve(t.index.size());
  for (std::uint32_t i = 0; i < t.slots.size(); ++i) {
    if (t.used[i]) out.push_back(summarize(t.slots[i]));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

std::optional<ConnectionSummary> Observer::find(std::uint64_t id) const {
  const Table& t = *table_;
  for (std::uint32_t i = 0; i < t.slots.size(); ++i) {
    if (t.used[i] && t.slots[i].id == id) return summarize(t.slots[i]);
  }
  return std::nullopt;
}

}  // namespace wirestate::tcp
