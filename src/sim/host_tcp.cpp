// The TCP half of a simulated host: demultiplexing arriving segments to endpoints (a
// listening port spawns one endpoint per SYN), draining each endpoint's outputs, the
// application's pending writes and reads, and the reply to segments for no connection.
#include <algorithm>

#include <fmt/format.h>

#include "wirestate/sim/host.hpp"
#include "wirestate/wire/tcp.hpp"

namespace wirestate::sim {

void Host::tcp_input(const wire::Ipv4Repr& ip, std::span<const std::uint8_t> bytes, net::Time now) {
  auto view = wire::TcpView::parse(bytes);
  if (!view) return count_drop("bad_tcp_header");
  // RFC 9293 §3.1: a segment whose checksum fails is discarded silently.
  if (view->verify_checksum(ip.src, ip.dst) == wire::ChecksumStatus::kBad) {
    return count_drop("bad_tcp_checksum");
  }
  tcp::Segment seg{view->to_repr(), std::vector<std::uint8_t>(view->payload().begin(), view->payload().end())};
  const net::FlowKey key = key_of(seg.header.dst_port, ip.src, seg.header.src_port);

  auto it = conns_.find(key);
  if (it == conns_.end()) {
    // A SYN (and nothing else) for a listening port spawns a fresh endpoint in LISTEN.
    const bool syn_only = seg.syn() && !seg.has_ack() && !seg.rst();
    if (syn_only && listening_.count(seg.header.dst_port) != 0 && conns_.size() >= cfg_.max_connections) {
      return count_drop("connection_table_full");  // like a full SYN backlog: no reply
    }
    if (syn_only && listening_.count(seg.header.dst_port) != 0) {
      auto endpoint = tcp::Endpoint::listening(cfg_.tcp, seg.header.dst_port, isn_, now);
      Connection conn{std::move(endpoint), {}, false, false, net::Time::max(), {cfg_.ip, seg.header.dst_port},
                      {ip.src, seg.header.src_port}, net::Side::kServer};
      it = conns_.emplace(key, std::move(conn)).first;
      received_.try_emplace(key);
    } else {
      // RFC 9293 §3.10.7.1: no connection, so the reply is a RST (none for a RST).
      count_drop("no_connection");
      if (auto rst = tcp::Endpoint::reset_for(seg)) send_tcp(key, *rst, now);
      return;
    }
  }
  it->second.endpoint.on_segment(seg, now);
  service(key, now);
}

void Host::service(const net::FlowKey& key, net::Time now) {
  auto it = conns_.find(key);
  if (it == conns_.end()) return;
  Connection& conn = it->second;
  tcp::Endpoint& ep = conn.endpoint;

  // The application writes what it still holds as the send buffer frees up.
  while (!conn.app_pending.empty()) {
    const std::size_t chunk = std::min<std::size_t>(conn.app_pending.size(), 65536);
    std::vector<std::uint8_t> data(conn.app_pending.begin(), conn.app_pending.begin() + static_cast<std::ptrdiff_t>(chunk));
    auto accepted = ep.send(data, now);
    if (!accepted || *accepted == 0) break;
    conn.app_pending.erase(conn.app_pending.begin(), conn.app_pending.begin() + static_cast<std::ptrdiff_t>(*accepted));
  }
  if (conn.close_requested && !conn.close_done && conn.app_pending.empty()) {
    conn.close_done = true;
    (void)ep.close(now);
  }
  // The application reads everything that arrives, at once.
  auto& sink = received_[key];
  for (;;) {
    auto data = ep.receive(1 << 20, now);
    if (data.empty()) break;
    sink.insert(sink.end(), data.begin(), data.end());
  }
  for (const auto& seg : ep.take_outgoing()) send_tcp(key, seg, now);
  for (const auto& event : ep.take_events()) env_.tcp_event(*this, conn.ref(), conn.side, event);
  // A connection is forgotten once CLOSED, or back in LISTEN (the listener stays).
  if (ep.state() == tcp::State::kClosed || ep.state() == tcp::State::kListen) {
    timers_.erase({conn.deadline, key});
    conns_.erase(it);
    return;
  }
  file_timer(key, conn);
}

void Host::file_timer(const net::FlowKey& key, Connection& conn) {
  const net::Time next = conn.endpoint.next_deadline();
  if (next == conn.deadline) return;
  if (conn.deadline != net::Time::max()) timers_.erase({conn.deadline, key});
  conn.deadline = next;
  if (next != net::Time::max()) timers_.insert({next, key});
}

void Host::send_tcp(const net::FlowKey& key, const tcp::Segment& seg, net::Time now) {
  // The remote end is the key's other endpoint (a reply for no connection has a key too).
  const net::Ipv4Addr remote = key.peer_of({cfg_.ip, seg.header.src_port}).addr.v4();
  auto bytes = wire::build_tcp(seg.header, seg.payload, cfg_.ip, remote);
  // Linux sets DF on TCP (path MTU discovery, RFC 1191).
  sending_for_ = key;
  ip_output(remote, 6, std::move(bytes), true, now);
  sending_for_.reset();
}

tl::expected<void, std::string> Host::listen(std::uint16_t port, net::Time now) {
  if (!listening_.insert(port).second) return tl::unexpected(fmt::format("port {} is already listening", port));
  report({now, trace::AppEvent{cfg_.name, "listen", std::nullopt, fmt::format("port {}", port)}});
  return {};
}

std::uint16_t Host::pick_ephemeral_port(net::Ipv4Addr remote, std::uint16_t port) {
  // The next port of the range that no connection to this remote uses (Linux walks
  // ip_local_port_range, 32768..60999, the same way).
  for (int tries = 0; tries < 60999 - 32768 + 1; ++tries) {
    const std::uint16_t candidate = next_ephemeral_;
    next_ephemeral_ = next_ephemeral_ >= 60999 ? cfg_.first_ephemeral_port
                                               : static_cast<std::uint16_t>(next_ephemeral_ + 1);
    if (conns_.count(key_of(candidate, remote, port)) == 0) return candidate;
  }
  return 0;
}

tl::expected<net::FlowKey, std::string> Host::connect(net::Ipv4Addr remote, std::uint16_t port,
                                                 std::uint16_t local_port, net::Time now) {
  if (local_port == 0) local_port = pick_ephemeral_port(remote, port);
  if (local_port == 0) return tl::unexpected(std::string("no ephemeral port left"));
  const net::FlowKey key = key_of(local_port, remote, port);
  if (conns_.size() >= cfg_.max_connections) return tl::unexpected(std::string("connection table full"));
  if (conns_.count(key) != 0) {
    return tl::unexpected(fmt::format("connection {}:{} -> {}:{} already exists", cfg_.ip.to_string(),
                                      local_port, remote.to_string(), port));
  }
  auto [it, inserted] = conns_.emplace(key, Connection{tcp::Endpoint(cfg_.tcp), {}, false, false, net::Time::max(),
                                                       {cfg_.ip, local_port}, {remote, port}, net::Side::kClient});
  received_[key].clear();
  auto opened = it->second.endpoint.open_active(local_port, port, isn_, now);
  if (!opened) return tl::unexpected(std::string(tcp::to_string(opened.error())));
  report({now, trace::AppEvent{cfg_.name, "connect", it->second.ref(),
                               fmt::format("{}:{} -> {}:{}", cfg_.ip.to_string(), local_port, remote.to_string(), port)}});
  service(key, now);
  return key;
}

tl::expected<void, std::string> Host::send(const net::FlowKey& key, std::vector<std::uint8_t> data,
                                           net::Time now) {
  auto it = conns_.find(key);
  if (it == conns_.end()) return tl::unexpected(std::string("connection does not exist"));
  if (it->second.close_requested) return tl::unexpected(std::string("connection closing"));
  it->second.app_pending.insert(it->second.app_pending.end(), data.begin(), data.end());
  service(key, now);
  return {};
}

tl::expected<void, std::string> Host::close(const net::FlowKey& key, net::Time now) {
  auto it = conns_.find(key);
  if (it == conns_.end()) return tl::unexpected(std::string("connection does not exist"));
  it->second.close_requested = true;
  service(key, now);
  return {};
}

tl::expected<void, std::string> Host::abort(const net::FlowKey& key, net::Time now) {
  auto it = conns_.find(key);
  if (it == conns_.end()) return tl::unexpected(std::string("connection does not exist"));
  it->second.app_pending.clear();
  it->second.endpoint.abort(now);
  service(key, now);
  return {};
}

const tcp::Endpoint* Host::endpoint(const net::FlowKey& key) const {
  auto it = conns_.find(key);
  return it == conns_.end() ? nullptr : &it->second.endpoint;
}

net::FlowKey Host::key_of(std::uint16_t local_port, net::Ipv4Addr remote, std::uint16_t remote_port) const {
  return net::FlowKey({cfg_.ip, local_port}, {remote, remote_port});
}

trace::ConnRef Host::Connection::ref() const {
  return trace::ConnRef{net::FlowKey(local, remote), side == net::Side::kClient ? local : remote, trace::kUnnamed};
}

const std::vector<std::uint8_t>& Host::received(const net::FlowKey& key) const {
  static const std::vector<std::uint8_t> kNothing;
  auto it = received_.find(key);
  return it == received_.end() ? kNothing : it->second;
}

}  // namespace wirestate::sim
