#include "wirestate/sim/simulator.hpp"

#include <fmt/format.h>

#include "wirestate/net/endpoint.hpp"
#include "wirestate/print/summary.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::sim {

namespace {

// The ISN stream is derived from the seed but kept apart from the link's draws, so that
// changing loss settings does not change the ISNs.
constexpr std::uint64_t kIsnSalt = 0x9e3779b97f4a7c15ULL;
// Frames remembered for matching drops to their numbers (drops follow within one RTT).
constexpr std::size_t kRecentFrames = 8192;

// The summary without tcpdump's time column (the timeline prints its own).
std::string summarize(std::uint64_t number, net::Time at, const std::vector<std::uint8_t>& bytes) {
  const auto size = static_cast<std::uint32_t>(bytes.size());
  auto pkt = wire::decode(bytes, wire::LinkType::kEthernet, size);
  std::string s = print::summary(print::FrameInfo{number, at, size, size}, pkt);
  const auto space = s.find(' ');
  return space == std::string::npos ? s : s.substr(space + 1);
}

}  // namespace

Simulator::Simulator(std::uint64_t seed, LinkParams link)
    : rng_(seed), isn_(seed ^ kIsnSalt), segment_(queue_, rng_, link) {
  segment_.set_tap([this](net::Time at, PortId from, const FramePtr& frame) { on_wire(at, from, frame); });
  segment_.set_drop_handler([this](const Drop& d) { on_drop(d); });
}

Host& Simulator::add_host(HostConfig config) {
  const net::MacAddr mac = config.mac;
  const PortId port = segment_.attach(mac, [this](const Arrival& a) { on_arrival(a); });
  // Hosts are constructed at time zero; their start-up (RFC 5227 probes) runs from there.
  tcp::IsnSource isn = config.fixed_isn ? tcp::fixed_isn(net::SeqNum(*config.fixed_isn)) : isn_.source();
  hosts_.push_back(std::make_unique<Host>(std::move(config), *this, std::move(isn)));
  if (attached_.size() <= port) attached_.resize(port + 1);
  attached_[port] = Attached{hosts_.back().get(), port, kNoEvent, net::Time::max()};
  hosts_.back()->start(queue_.now());
  reschedule(attached_[port]);
  return *hosts_.back();
}

Host* Simulator::host(const std::string& name) {
  for (auto& h : hosts_) if (h->name() == name) return h.get();
  return nullptr;
}

Host* Simulator::host_by_ip(net::Ipv4Addr ip) {
  for (auto& h : hosts_) if (h->config().ip == ip) return h.get();
  return nullptr;
}

Simulator::Attached& Simulator::attached(const Host& host) {
  for (auto& a : attached_) if (a.host == &host) return a;
  return attached_.front();  // unreachable: every host is attached in add_host
}

void Simulator::set_link_direction(const Host& from, const Host* to, const LinkParams& params) {
  segment_.set_direction_params(attached(from).port, to ? attached(*to).port : kAnyPort, params);
}

const LinkParams& Simulator::link_params(const Host& from, const Host& to) {
  return segment_.params(attached(from).port, attached(to).port);
}

void Simulator::at(net::Time t, Action action) {
  queue_.schedule(t, [this, action = std::move(action)](net::Time now) {
    action(now);
    for (auto& a : attached_) reschedule(a);
  });
}

trace::ConnNameId Simulator::name_connection(const std::string& name, const Host& client, const net::FlowKey& key) {
  trace::ConnNames::Entry e;
  e.name = name;
  e.flow = key;
  e.client = key.low().addr == net::IpAddr(client.config().ip) ? key.low() : key.high();
  e.client_host = client.name();
  e.opened = queue_.now();
  const net::Endpoint server = key.peer_of(e.client);
  for (const auto& h : hosts_) {
    if (server.addr == net::IpAddr(h->config().ip)) e.server_host = h->name();
  }
  return names_.add(std::move(e));
}

const trace::ConnNames::Entry* Simulator::connection(const std::string& name) const {
  const auto id = names_.find(name);
  return id ? &names_.entry(*id) : nullptr;
}

std::vector<std::pair<trace::ConnRef, net::Side>> Simulator::named(const trace::ConnRef& conn, net::Side side) const {
  const net::Endpoint end = conn.endpoint(side);
  std::vector<std::pair<trace::ConnRef, net::Side>> out;
  for (const auto id : names_.current(conn.flow, queue_.now())) {
    const trace::ConnRef ref = names_.named(conn, id);
    out.emplace_back(ref, ref.side_of(end));
  }
  if (out.empty()) out.emplace_back(conn, side);
  return out;
}

void Simulator::run(net::Time end) {
  for (auto& a : attached_) reschedule(a);
  queue_.run_until(end);
}

void Simulator::record(trace::Event event) {
  events_.push_back(std::move(event));
  if (listener_) listener_(events_.back());
}

// --- HostEnv ------------------------------------------------------------------------------

void Simulator::transmit(Host& host, std::vector<std::uint8_t> frame, net::Time now) {
  const TransmitResult r = segment_.transmit(attached(host).port, std::move(frame), now);
  (void)r;  // drops before the wire are reported through on_drop
}

void Simulator::tcp_event(Host& host, const trace::ConnRef& conn, net::Side side, const tcp::Event& event) {
  const auto refs = named(conn, side);
  const trace::ConnRef& first = refs.front().first;
  switch (event.kind) {
    case tcp::EventKind::kStateChange: {
      // The packet that caused it is the frame being delivered, if any.
      for (const auto& [ref, ref_side] : refs) {
        record({event.time, trace::TcpStateEvent{ref, ref_side, host.name(), event.from, event.to, event.cause,
                                                 trace::Origin::kEndpoint, delivering_}});
      }
      return;
    }
    case tcp::EventKind::kError:
      record({event.time, trace::AppEvent{host.name(), "error", first,
                                          fmt::format("{} {}: {} ({})", host.name(), conn.endpoint(side),
                                                      tcp::to_string(event.error), event.cause)}});
      return;
    case tcp::EventKind::kDataDelivered:
      record({event.time, trace::AppEvent{host.name(), "delivered", first, fmt::format("{} bytes", event.bytes)}});
      return;
    case tcp::EventKind::kFinReceived:
      record({event.time, trace::AppEvent{host.name(), "eof", first, "peer closed its side"}});
      return;
  }
}

void Simulator::host_event(Host& host, trace::Event event) {
  (void)host;
  record(std::move(event));
}

// --- The wire -------------------------------------------------------------------------------

void Simulator::on_wire(net::Time at, PortId from, const FramePtr& frame) {
  WireFrame wf{frames_.size() + 1, at, attached_.at(from).host->name(), frame, false};
  recent_frames_.push_back(frame);
  recent_numbers_[frame.get()] = wf.number;
  if (recent_frames_.size() > kRecentFrames) {
    recent_numbers_.erase(recent_frames_.front().get());
    recent_frames_.pop_front();
  }

  // The receiver's name: the host owning the destination MAC, or "*" for group frames.
  std::string to = "*";
  if (frame->size() >= 6) {
    const auto dst = net::MacAddr::from_bytes(frame->data());
    if (!dst.is_multicast()) {
      to = "?";
      for (const auto& h : hosts_) if (h->config().mac == dst) to = h->name();
    }
  }
  trace::PacketEvent pe;
  pe.number = wf.number;
  pe.from = wf.from;
  pe.to = to;
  pe.summary = summarize(wf.number, at, *frame);
  pe.length = static_cast<std::uint32_t>(frame->size());
  frames_.push_back(wf);
  record({at, std::move(pe)});
  if (frame_listener_) frame_listener_(frames_.back());
}

std::uint64_t Simulator::frame_number(const FramePtr& frame) const {
  auto it = recent_numbers_.find(frame.get());
  return it == recent_numbers_.end() ? 0 : it->second;
}

void Simulator::on_drop(const Drop& drop) {
  const std::uint64_t number = frame_number(drop.frame);
  if (number != 0) frames_[number - 1].lost = true;
  trace::PacketEvent pe;
  pe.number = number;
  pe.from = attached_.at(drop.from).host->name();
  pe.to = drop.to ? attached_.at(*drop.to).host->name() : "";
  pe.summary = drop.frame ? summarize(number, drop.at, *drop.frame) : "";
  pe.length = drop.frame ? static_cast<std::uint32_t>(drop.frame->size()) : 0;
  pe.dropped = true;
  pe.drop_reason = std::string(to_string(drop.reason));
  record({drop.at, std::move(pe)});
}

void Simulator::on_arrival(const Arrival& arrival) {
  Attached& a = attached_.at(arrival.to);
  delivering_ = frame_number(arrival.frame);
  a.host->on_frame(*arrival.frame, arrival.at);
  delivering_ = 0;
  for (auto& other : attached_) reschedule(other);
}

void Simulator::reschedule(Attached& a) {
  const net::Time next = a.host->next_deadline();
  if (next == a.wakeup_at && a.wakeup != kNoEvent) return;
  if (a.wakeup != kNoEvent) queue_.cancel(a.wakeup);
  a.wakeup = kNoEvent;
  a.wakeup_at = next;
  if (next == net::Time::max()) return;
  const PortId port = a.port;
  a.wakeup = queue_.schedule(next, [this, port](net::Time now) {
    Attached& me = attached_[port];
    me.wakeup = kNoEvent;
    me.wakeup_at = net::Time::max();
    me.host->on_timer(now);
    for (auto& other : attached_) reschedule(other);
  });
}

}  // namespace wirestate::sim
