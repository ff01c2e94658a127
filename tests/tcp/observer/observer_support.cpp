#include "tcp/observer/observer_support.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace wirestate::tcp::testing {

namespace {

// "10.0.0.1:80" or "[2001:db8::1]:80".
net::Endpoint endpoint(std::string_view text) {
  auto e = net::Endpoint::parse(text);
  EXPECT_TRUE(e.has_value()) << text;
  return e.value_or(net::Endpoint{});
}

wire::TcpFlags parse_flags(std::string_view s) {
  wire::TcpFlags f;
  for (char ch : s) {
    switch (ch) {
      case 'S': f.bits |= wire::TcpFlags::kSyn; break;
      case 'F': f.bits |= wire::TcpFlags::kFin; break;
      case 'R': f.bits |= wire::TcpFlags::kRst; break;
      case 'P': f.bits |= wire::TcpFlags::kPsh; break;
      case '.': f.bits |= wire::TcpFlags::kAck; break;
      case 'U': f.bits |= wire::TcpFlags::kUrg; break;
      default: ADD_FAILURE() << "bad flag letter " << ch;
    }
  }
  return f;
}

std::string first(const nlohmann::json& j, const char* field) {
  if (!j.contains(field) || j[field].empty()) return {};
  return j[field][0].get<std::string>();
}

}  // namespace

ObservedSegment segment(std::string_view from, std::string_view to, std::string_view flags, std::uint32_t seq,
                        std::uint32_t ack, std::uint32_t len, std::uint16_t window, double ms) {
  ObservedSegment s;
  const auto a = endpoint(from);
  const auto b = endpoint(to);
  s.src = a.addr;
  s.dst = b.addr;
  s.tcp.src_port = a.port;
  s.tcp.dst_port = b.port;
  s.tcp.flags = parse_flags(flags);
  s.tcp.seq = net::SeqNum(seq);
  s.tcp.ack = net::SeqNum(ack);
  s.tcp.window = window;
  s.payload_len = len;
  s.time = net::Time::from_ns(static_cast<std::int64_t>(ms * 1e6));
  return s;
}

Harness::Harness(ObserverConfig config) : observer(config) {}

void Harness::feed(ObservedSegment seg) {
  ++packets;
  if (seg.packet == 0) seg.packet = packets;
  observer.observe(seg, events);
}

std::vector<State> Harness::path(std::uint64_t id, ConnSide side) const {
  const auto s = observer.find(id);
  EXPECT_TRUE(s.has_value()) << "connection " << id << " not in the table";
  if (!s) return {};
  return side == ConnSide::kClient ? s->client_states : s->server_states;
}

ConnectionSummary Harness::summary(std::uint64_t id) const {
  const auto s = observer.find(id);
  EXPECT_TRUE(s.has_value()) << "connection " << id << " not in the table";
  return s.value_or(ConnectionSummary{});
}

std::vector<Anomaly> Harness::anomalies_of(std::uint64_t packet) const {
  std::vector<Anomaly> out;
  for (const auto& e : events) {
    if (e.kind == ObserverEventKind::kAnomaly && e.packet == packet) out.push_back(e.anomaly);
  }
  return out;
}

std::vector<ObserverEvent> Harness::transitions(std::uint64_t id, ConnSide side) const {
  std::vector<ObserverEvent> out;
  for (const auto& e : events) {
    if (e.kind == ObserverEventKind::kTransition && e.connection == id && e.side == side) out.push_back(e);
  }
  return out;
}

std::vector<State> states(std::initializer_list<std::string_view> names) {
  std::vector<State> out;
  for (auto n : names) {
    auto s = parse_state(n);
    EXPECT_TRUE(s.has_value()) << n;
    out.push_back(s.value_or(State::kClosed));
  }
  return out;
}

std::vector<OraclePacket> load_oracle(const std::string& jsonl_path) {
  std::vector<OraclePacket> out;
  std::ifstream in(jsonl_path);
  EXPECT_TRUE(in.good()) << "cannot read " << jsonl_path;
  std::string line;
  static const std::pair<const char*, Anomaly> kFlags[] = {
      {"tcp.analysis.retransmission", Anomaly::kRetransmission},
      {"tcp.analysis.fast_retransmission", Anomaly::kFastRetransmission},
      {"tcp.analysis.spurious_retransmission", Anomaly::kSpuriousRetransmission},
      {"tcp.analysis.out_of_order", Anomaly::kOutOfOrder},
      {"tcp.analysis.lost_segment", Anomaly::kLostSegment},
      {"tcp.analysis.ack_lost_segment", Anomaly::kAckedUnseen},
      {"tcp.analysis.duplicate_ack_num", Anomaly::kDuplicateAck},
      {"tcp.analysis.zero_window", Anomaly::kZeroWindow},
      {"tcp.analysis.window_full", Anomaly::kWindowFull},
      {"tcp.analysis.keep_alive", Anomaly::kKeepAlive},
      {"tcp.analysis.reused_ports", Anomaly::kReusedPorts},
      {"tcp.analysis.window_update", Anomaly::kWindowUpdate},
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("tcp.srcport") || !j.contains("ip.src")) continue;
    OraclePacket p;
    ObservedSegment& s = p.seg;
    s.src = net::Ipv4Addr::parse(first(j, "ip.src")).value_or(net::Ipv4Addr());
    s.dst = net::Ipv4Addr::parse(first(j, "ip.dst")).value_or(net::Ipv4Addr());
    s.tcp.src_port = static_cast<std::uint16_t>(std::stoul(first(j, "tcp.srcport")));
    s.tcp.dst_port = static_cast<std::uint16_t>(std::stoul(first(j, "tcp.dstport")));
    s.tcp.seq = net::SeqNum(static_cast<std::uint32_t>(std::stoul(first(j, "tcp.seq_raw"))));
    s.tcp.ack = net::SeqNum(static_cast<std::uint32_t>(std::stoul(first(j, "tcp.ack_raw"))));
    s.tcp.flags.bits = static_cast<std::uint16_t>(std::stoul(first(j, "tcp.flags"), nullptr, 16) & 0x1ff);
    s.tcp.window = static_cast<std::uint16_t>(std::stoul(first(j, "tcp.window_size_value")));
    if (auto v = first(j, "tcp.options.mss_val"); !v.empty()) s.tcp.options.mss = static_cast<std::uint16_t>(std::stoul(v));
    if (auto v = first(j, "tcp.options.wscale.shift"); !v.empty()) {
      s.tcp.options.window_scale = static_cast<std::uint8_t>(std::stoul(v));
    }
    s.tcp.options.sack_permitted = j.contains("tcp.options.sack_perm");
    if (auto v = first(j, "tcp.options.timestamp.tsval"); !v.empty()) {
      s.tcp.options.timestamps = wire::TcpTimestamps{static_cast<std::uint32_t>(std::stoul(v)),
                                                     static_cast<std::uint32_t>(std::stoul(first(j, "tcp.options.timestamp.tsecr")))};
    }
    s.payload_len = static_cast<std::uint32_t>(std::stoul(first(j, "tcp.len")));
    s.checksum_bad = first(j, "tcp.checksum.status") == "0";
    s.packet = std::stoull(first(j, "frame.number"));
    const std::string epoch = first(j, "frame.time_epoch");
    const auto dot = epoch.find('.');
    std::int64_t ns = std::stoll(epoch.substr(0, dot)) * 1'000'000'000;
    if (dot != std::string::npos) {
      std::string frac = epoch.substr(dot + 1);
      frac.resize(9, '0');
      ns += std::stoll(frac);
    }
    s.time = net::Time::from_ns(ns);
    for (const auto& [field, anomaly] : kFlags) {
      if (j.contains(field)) p.tshark_flags.push_back(anomaly);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace wirestate::tcp::testing
