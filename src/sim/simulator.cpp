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

std::string endpoint_text(net::Ipv4Addr ip, std::uint16_t port) { return net::Endpoint{ip, port}.to_string(); }

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

void Simulator::name_connection(const std::string& name, const Host& client, const ConnKey& key) {
  NamedConn c;
  c.name = name;
  c.client = client.name();
  c.client_key = key;
  c.server_key = ConnKey{key.remote_port, client.config().ip, key.local_port};
  c.opened = queue_.now();
  for (const auto& h : hosts_) {
    if (h->config().ip == key.remote_ip) c.server = h->name();
  }
  named_[name] = c;
}

const NamedConn* Simulator::connection(const std::string& name) const {
  auto it = named_.find(name);
  return it == named_.end() ? nullptr : &it->second;
}

std::vector<const NamedConn*> Simulator::current(const std::vector<const NamedConn*>& matching, net::Time t) const {
  std::optional<net::Time> latest;
  for (const auto* c : matching) {
    if (c->opened <= t && (!latest || c->opened > *latest)) latest = c->opened;
  }
  std::vector<const NamedConn*> out;
  for (const auto* c : matching) {
    if (latest && c->opened == *latest) out.push_back(c);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Simulator::names_of(const Host& host, const ConnKey& key) const {
  std::vector<const NamedConn*> matching;
  for (const auto& [name, c] : named_) {
    if ((c.client == host.name() && c.client_key == key) || (c.server == host.name() && c.server_key == key)) {
      matching.push_back(&c);
    }
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto* c : current(matching, queue_.now())) {
    out.emplace_back(c->name, c->client == host.name() && c->client_key == key ? "client" : "server");
  }
  if (out.empty()) {
    // Unnamed: "local-remote" as seen from this host; the side is unknown to the name.
    out.emplace_back(fmt::format("{}-{}", endpoint_text(host.config().ip, key.local_port),
                                 endpoint_text(key.remote_ip, key.remote_port)),
                     "");
  }
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

void Simulator::tcp_event(Host& host, const ConnKey& key, const tcp::Event& event) {
  const auto names = names_of(host, key);
  const std::string& conn = names.front().first;
  const std::string who = fmt::format("{} {}", host.name(), endpoint_text(host.config().ip, key.local_port));
  switch (event.kind) {
    case tcp::EventKind::kStateChange: {
      // The packet that caused it is the frame being delivered, if any.
      for (const auto& [name, side] : names) {
        record({event.time, trace::TcpStateEvent{name, side, host.name(), event.from, event.to, event.cause,
                                                 trace::Origin::kEndpoint, delivering_}});
      }
      return;
    }
    case tcp::EventKind::kError:
      record({event.time, trace::AppEvent{host.name(), "error", conn,
                                          fmt::format("{}: {} ({})", who, tcp::to_string(event.error), event.cause)}});
      return;
    case tcp::EventKind::kDataDelivered:
      record({event.time, trace::AppEvent{host.name(), "delivered", conn, fmt::format("{} bytes", event.bytes)}});
      return;
    case tcp::EventKind::kFinReceived:
      record({event.time, trace::AppEvent{host.name(), "eof", conn, "peer closed its side"}});
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
