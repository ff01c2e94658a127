#include "wirestate/sim/runner.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "wirestate/monitor/monitor.hpp"
#include "wirestate/wire/frame_builder.hpp"

namespace wirestate::sim {

namespace {

// The connection a step's host means by a name: the named connection's key, on the host
// at the end the step runs on.
struct StepConn {
  Host* host = nullptr;
  net::FlowKey key;
};

// A fixed ping identifier per (host, step), like ping(8) uses its pid.
constexpr std::uint16_t kPingIdBase = 0x1000;

std::vector<std::uint8_t> inject_bytes(const scenario::InjectFrame& f) {
  if (f.arp) return wire::build_arp_frame(f.eth, *f.arp);
  if (f.ip && f.tcp) return wire::build_tcp_frame(f.eth, *f.ip, *f.tcp, f.payload, f.checksums);
  if (f.ip && f.udp) return wire::build_udp_frame(f.eth, *f.ip, *f.udp, f.payload, f.checksums);
  if (f.ip) {
    return wire::ethernet_frame(f.eth, f.ethertype ? f.ethertype : wire::EtherType::kIpv4,
                                wire::build_ipv4_packet(*f.ip, f.payload, f.checksums.ipv4));
  }
  return wire::ethernet_frame(f.eth, f.ethertype, f.payload);
}

class StepRunner {
 public:
  StepRunner(const scenario::Scenario& sc, Simulator& sim, std::vector<StepFailure>& failures)
      : sc_(sc), sim_(sim), failures_(failures) {}

  void schedule(const scenario::Step& step, std::size_t index) {
    sim_.at(step.at, [this, &step, index](net::Time now) { perform(step, index, now); });
  }

 private:
  void fail(const scenario::Step& step, std::string message) {
    sim_.note({sim_.now(), trace::AppEvent{step.host, "step_failed", std::nullopt, fmt::format("{}: {}", step.pointer, message)}});
    failures_.push_back({step.pointer, std::move(message)});
  }

  std::optional<StepConn> conn(const scenario::Step& step, const std::string& name) {
    const trace::ConnNames::Entry* c = sim_.connection(name);
    if (!c) {
      fail(step, fmt::format("connection \"{}\" was never opened", name));
      return std::nullopt;
    }
    if (step.host == c->client_host || step.host == c->server_host) return StepConn{sim_.host(step.host), c->flow};
    fail(step, fmt::format("host \"{}\" is neither end of connection \"{}\"", step.host, name));
    return std::nullopt;
  }

  void check(const scenario::Step& step, const tl::expected<void, std::string>& r) {
    if (!r) fail(step, r.error());
  }

  void perform(const scenario::Step& step, std::size_t index, net::Time now) {
    Host* host = step.host.empty() ? nullptr : sim_.host(step.host);
    std::visit([&](const auto& a) { act(step, index, host, a, now); }, step.action);
  }

  void act(const scenario::Step& step, std::size_t, Host* h, const scenario::Listen& a, net::Time now) {
    check(step, h->listen(a.port, now));
  }
  void act(const scenario::Step& step, std::size_t, Host* h, const scenario::Connect& a, net::Time now) {
    // Named before the SYN goes out, so that the first state change carries the name.
    const std::uint16_t local = a.local_port.value_or(h->pick_ephemeral_port(a.to.ip, a.to.port));
    sim_.name_connection(a.conn, *h, net::FlowKey({h->config().ip, local}, {a.to.ip, a.to.port}));
    auto key = h->connect(a.to.ip, a.to.port, local, now);
    if (!key) return fail(step, key.error());
  }
  void act(const scenario::Step& step, std::size_t, Host*, const scenario::Send& a, net::Time now) {
    if (auto c = conn(step, a.conn)) check(step, c->host->send(c->key, a.data.materialize(), now));
  }
  void act(const scenario::Step& step, std::size_t, Host*, const scenario::Shutdown& a, net::Time now) {
    if (auto c = conn(step, a.conn)) check(step, c->host->close(c->key, now));
  }
  void act(const scenario::Step& step, std::size_t, Host*, const scenario::Close& a, net::Time now) {
    if (auto c = conn(step, a.conn)) check(step, c->host->close(c->key, now));
  }
  void act(const scenario::Step& step, std::size_t, Host*, const scenario::Abort& a, net::Time now) {
    if (auto c = conn(step, a.conn)) check(step, c->host->abort(c->key, now));
  }
  void act(const scenario::Step& step, std::size_t, Host* h, const scenario::UdpBind& a, net::Time) {
    check(step, h->udp_bind(a.port));
  }
  void act(const scenario::Step&, std::size_t, Host* h, const scenario::UdpSend& a, net::Time now) {
    h->udp_send(a.from_port, a.to.ip, a.to.port, a.data.materialize(), now);
  }
  void act(const scenario::Step&, std::size_t index, Host* h, const scenario::Ping& a, net::Time now) {
    const auto id = static_cast<std::uint16_t>(kPingIdBase + index);
    for (std::uint32_t i = 0; i < a.count; ++i) {
      const auto seq = static_cast<std::uint16_t>(i + 1);
      if (i == 0) {
        h->ping(a.to.ip, id, seq, a.size, now);
      } else {
        sim_.at(now + a.interval * i, [h, a, id, seq](net::Time t) { h->ping(a.to.ip, id, seq, a.size, t); });
      }
    }
  }
  void act(const scenario::Step&, std::size_t, Host* h, const scenario::GratuitousArp& a, net::Time now) {
    if (!a.ip && !a.mac && a.op == wire::ArpOp::kRequest) return h->gratuitous_arp(now);
    // A claim for another address (or with another MAC): the spoofing form.
    const net::MacAddr mac = a.mac.value_or(h->config().mac);
    const net::Ipv4Addr ip = a.ip.value_or(h->config().ip);
    const wire::ArpRepr arp{a.op, mac, ip, a.op == wire::ArpOp::kReply ? net::MacAddr::broadcast() : net::MacAddr(), ip};
    h->inject(wire::build_arp_frame(wire::EthernetSpec{mac, net::MacAddr::broadcast(), {}, true}, arp), now);
  }
  void act(const scenario::Step&, std::size_t, Host*, const scenario::LinkChange& a, net::Time now) {
    apply_link(sc_, sim_, a.link, now);
  }
  void act(const scenario::Step&, std::size_t, Host* h, const scenario::Inject& a, net::Time now) {
    h->inject(inject_bytes(a.frame), now);
  }

 public:
  // Applies a link spec: symmetric settings over the current defaults, then directions.
  static void apply_link(const scenario::Scenario&, Simulator& sim, const scenario::LinkSpec& spec, net::Time now) {
    (void)now;
    const auto& hosts = sim.hosts();
    // The symmetric part starts from what the first direction has now.
    LinkParams base = hosts.size() >= 2 ? sim.link_params(*hosts[0], *hosts[1]) : LinkParams{};
    sim.set_link(apply(spec.settings, base));
    for (const auto& d : spec.directions) {
      Host* from = sim.host(d.from);
      Host* to = d.to ? sim.host(*d.to) : nullptr;
      if (!from) continue;
      const Host& peer = to ? *to : *(hosts[0].get() == from ? hosts[1] : hosts[0]);
      sim.set_link_direction(*from, to, apply(d.settings, sim.link_params(*from, peer)));
    }
  }

 private:
  const scenario::Scenario& sc_;
  Simulator& sim_;
  std::vector<StepFailure>& failures_;
};

}  // namespace

LinkParams apply(const scenario::LinkSettings& s, LinkParams p) {
  if (s.latency) p.latency = *s.latency;
  if (s.jitter) p.jitter = *s.jitter;
  if (s.loss) p.loss = *s.loss;
  if (s.duplicate) p.duplicate = *s.duplicate;
  if (s.reorder) p.reorder = *s.reorder;
  if (s.reorder_delay) p.reorder_delay = *s.reorder_delay;
  if (s.bandwidth_bps) p.bandwidth_bps = *s.bandwidth_bps;
  if (s.mtu) p.mtu = *s.mtu;
  if (s.queue) p.tx_queue_frames = *s.queue;
  return p;
}

HostConfig host_config(const scenario::Host& h, std::uint64_t seed, std::size_t index) {
  HostConfig c;
  c.name = h.name;
  c.mac = h.mac;
  c.ip = h.ip;
  c.prefix_len = h.prefix_len;
  const auto& t = h.tcp;
  if (t.window) c.tcp.receive_buffer = *t.window;
  if (t.send_buffer) c.tcp.send_buffer = *t.send_buffer;
  if (t.mss) c.tcp.mss = *t.mss;
  if (t.wscale) c.tcp.window_scale = *t.wscale;
  if (t.window_scaling) c.tcp.window_scaling = *t.window_scaling;
  if (t.sack) c.tcp.sack = *t.sack;
  if (t.timestamps) c.tcp.timestamps = *t.timestamps;
  if (t.msl) c.tcp.msl = *t.msl;
  if (t.rto_initial) c.tcp.rto_initial = *t.rto_initial;
  if (t.rto_min) c.tcp.rto_min = *t.rto_min;
  if (t.rto_max) c.tcp.rto_max = *t.rto_max;
  if (t.syn_retries) c.tcp.syn_retries = *t.syn_retries;
  if (t.synack_retries) c.tcp.synack_retries = *t.synack_retries;
  if (t.retries) c.tcp.data_retries = *t.retries;
  if (t.delayed_ack) c.tcp.delayed_ack = *t.delayed_ack;
  if (t.delayed_ack_timeout) c.tcp.delayed_ack_timeout = *t.delayed_ack_timeout;
  if (t.initial_cwnd) c.tcp.initial_cwnd_segments = *t.initial_cwnd;
  if (t.max_connections) c.max_connections = *t.max_connections;
  c.fixed_isn = t.isn;
  const auto& a = h.arp;
  if (a.reachable_time) c.arp.reachable_time = *a.reachable_time;
  if (a.retry_interval) c.arp.retrans_time = *a.retry_interval;
  if (a.retries) c.arp.mcast_solicit = static_cast<int>(*a.retries);
  if (a.max_entries) c.arp.max_entries = *a.max_entries;
  c.arp.claim.startup = a.probe ? arp::Startup::kProbeAndAnnounce
                                : (a.announce ? arp::Startup::kAnnounce : arp::Startup::kNone);
  // RFC 5227's random delays come from the run's seed, so runs stay reproducible.
  c.arp.claim.seed = seed * 1000003ULL + index;
  c.static_arp = a.static_entries;
  return c;
}

net::Time run_end(const scenario::Scenario& sc) {
  net::Time last;
  for (const auto& s : sc.steps) last = std::max(last, s.at);
  net::Duration msl = net::Duration::seconds(30);
  for (const auto& h : sc.hosts) msl = std::max(msl, h.tcp.msl.value_or(tcp::Config{}.msl));
  const net::Time natural = last + msl * 2 + net::Duration::seconds(10);
  return sc.duration > net::Duration() ? net::Time() + sc.duration : natural;
}

namespace {

// The passive observer's view of a run: every frame on the wire goes through the same
// Monitor that analyzes captures; its events join the trace under the scenario's names.
class ObserverTap {
 public:
  ObserverTap(const scenario::Scenario& sc, Simulator& sim) : sim_(sim), monitor_(config(sc)) {}

  void on_frame(const WireFrame& f) {
    std::vector<trace::Event> out;
    monitor_.on_frame(monitor::FrameIn{*f.bytes, wire::LinkType::kEthernet,
                                       static_cast<std::uint32_t>(f.bytes->size()), f.number, f.time},
                      out);
    forward(out);
  }

  void finish(net::Time end) {
    std::vector<trace::Event> out;
    monitor_.finish(end, out);
    forward(out);
  }

 private:
  static monitor::MonitorConfig config(const scenario::Scenario& sc) {
    monitor::MonitorConfig c;
    // The observer's TIME_WAIT lasts as long as the longest of the hosts' own.
    net::Duration msl;
    for (const auto& h : sc.hosts) msl = std::max(msl, h.tcp.msl.value_or(tcp::Config{}.msl));
    if (!sc.hosts.empty()) c.observer.msl = msl;
    return c;
  }

  // The monitor's events under the scenario's names: a connection with names now gets one
  // copy per name (a simultaneous open is named from both ends), with sides as that name's
  // client sees them; the others pass as they are.
  void forward(std::vector<trace::Event>& events) {
    const trace::ConnNames& names = sim_.names();
    for (auto& e : events) {
      const trace::ConnRef* conn = nullptr;
      if (const auto* s = std::get_if<trace::TcpStateEvent>(&e.body)) conn = &s->conn;
      if (const auto* a = std::get_if<trace::AnomalyEvent>(&e.body); a && a->conn) conn = &*a->conn;
      const auto ids = conn ? names.current(conn->flow, e.time) : std::vector<trace::ConnNameId>{};
      if (ids.empty()) {
        sim_.note(std::move(e));
        continue;
      }
      for (const auto id : ids) {
        trace::Event copy = e;
        if (auto* s = std::get_if<trace::TcpStateEvent>(&copy.body)) {
          const net::Endpoint end = s->endpoint();
          s->conn = names.named(s->conn, id);
          s->side = s->conn.side_of(end);
        }
        if (auto* a = std::get_if<trace::AnomalyEvent>(&copy.body)) a->conn = names.named(*a->conn, id);
        sim_.note(std::move(copy));
      }
    }
  }

  Simulator& sim_;
  monitor::Monitor monitor_;
};

}  // namespace

RunResult run(const scenario::Scenario& sc, const RunOptions& options) {
  RunResult result;
  result.seed = options.seed.value_or(sc.seed);
  result.sim = std::make_unique<Simulator>(result.seed, apply(sc.link.settings, LinkParams{}));
  Simulator& sim = *result.sim;
  if (options.on_event) sim.set_listener(options.on_event);
  ObserverTap observer(sc, sim);
  sim.set_frame_listener([&observer, &options](const WireFrame& f) {
    observer.on_frame(f);
    if (options.on_frame) options.on_frame(f);
  });
  for (std::size_t i = 0; i < sc.hosts.size(); ++i) sim.add_host(host_config(sc.hosts[i], result.seed, i));
  if (!sc.link.directions.empty()) StepRunner::apply_link(sc, sim, sc.link, net::Time());

  StepRunner steps(sc, sim, result.failures);
  for (std::size_t i = 0; i < sc.steps.size(); ++i) steps.schedule(sc.steps[i], i);
  result.end = run_end(sc);
  sim.run(result.end);
  observer.finish(result.end);
  sim.set_frame_listener(nullptr);
  return result;
}

}  // namespace wirestate::sim
