#include "wirestate/check/scenario_checks.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "wirestate/check/pattern_match.hpp"

namespace wirestate::check {

namespace {

using scenario::Scenario;

std::string side_name(scenario::Side s) { return std::string(scenario::to_string(s)); }

std::string payload_text(const scenario::Payload& p) {
  switch (p.kind) {
    case scenario::Payload::Kind::kText: return fmt::format("\"{}\"", std::string(p.bytes.begin(), p.bytes.end()));
    case scenario::Payload::Kind::kHex: return fmt::format("{} hex bytes", p.bytes.size());
    case scenario::Payload::Kind::kCount: return fmt::format("{} bytes", p.count);
  }
  return "";
}

std::string preview(const std::vector<std::uint8_t>& data) {
  std::string s(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(data.size(), 40)));
  for (auto& c : s) if (static_cast<unsigned char>(c) < 0x20) c = '.';
  return fmt::format("\"{}\"{}", s, data.size() > 40 ? "..." : "");
}

// Everything one side of a connection sent with send steps, in order (what the peer
// must receive intact).
std::vector<std::uint8_t> sent_by(const Scenario& sc, const std::string& conn, const std::string& host) {
  std::vector<std::uint8_t> out;
  for (const auto& step : sc.steps) {
    if (step.host != host) continue;
    if (const auto* s = std::get_if<scenario::Send>(&step.action); s && s->conn == conn) {
      auto bytes = s->data.materialize();
      out.insert(out.end(), bytes.begin(), bytes.end());
    }
    if (const auto* u = std::get_if<scenario::UdpSend>(&step.action); u && u->as == conn) {
      auto bytes = u->data.materialize();
      out.insert(out.end(), bytes.begin(), bytes.end());
    }
  }
  return out;
}

class Evaluator {
 public:
  Evaluator(const Scenario& sc, const sim::RunResult& run) : sc_(sc), sim_(*run.sim) {}

  Verdict operator()(const scenario::ExpectStates& e) {
    Verdict v;
    v.name = fmt::format("{} {} states {}", e.conn, side_name(e.side), to_string(e.states));
    const auto path = state_path(sim_.events(), e.conn, side_name(e.side), trace::Origin::kEndpoint);
    v.pass = path.states == e.states;
    if (!v.pass) {
      std::size_t i = 0;
      while (i < path.states.size() && i < e.states.size() && path.states[i] == e.states[i]) ++i;
      v.detail = fmt::format("got {}; first difference at position {}", to_string(path.states), i + 1);
      if (i < path.packets.size() && path.packets[i] != 0) {
        v.packet = path.packets[i];
        v.detail += fmt::format(" (packet #{})", v.packet);
      }
    }
    return v;
  }

  Verdict operator()(const scenario::ExpectStateAt& e) {
    Verdict v;
    v.name = fmt::format("{} {} is {} at {}", e.conn, side_name(e.side), tcp::to_string(e.state),
                         e.at.since_epoch().to_string());
    std::optional<tcp::State> state;
    for (const auto& ev : sim_.events()) {
      const auto* s = std::get_if<trace::TcpStateEvent>(&ev.body);
      if (!s || s->conn != e.conn || s->side != side_name(e.side) || s->origin != trace::Origin::kEndpoint) continue;
      if (ev.time > e.at) {
        if (!state) state = s->from;  // before its first change, a side is in the from-state
        break;
      }
      state = s->to;
    }
    const tcp::State got = state.value_or(tcp::State::kClosed);
    v.pass = got == e.state;
    if (!v.pass) v.detail = fmt::format("it was {}", tcp::to_string(got));
    return v;
  }

  Verdict operator()(const scenario::ExpectDelivered& e) {
    Verdict v;
    v.name = fmt::format("{} delivered {} to the {}", e.conn, payload_text(e.data), side_name(e.to));
    const auto& info = sc_.conns.at(e.conn);
    const std::string receiver = e.to == scenario::Side::kClient ? info.client_host : info.server_host.value_or("");
    const std::string sender = e.to == scenario::Side::kClient ? info.server_host.value_or("") : info.client_host;
    const std::vector<std::uint8_t> got = received(info, e.to);
    if (e.data.kind == scenario::Payload::Kind::kCount) {
      v.pass = got.size() == e.data.count;
      if (v.pass && e.intact) {
        const auto sent = sent_by(sc_, e.conn, sender);
        v.pass = got == sent || (sent.size() < got.size() ? false : std::equal(got.begin(), got.end(), sent.begin()) && got.size() == sent.size());
        if (!v.pass) {
          const auto mismatch = std::mismatch(got.begin(), got.end(), sent.begin(), sent.end());
          v.detail = fmt::format("{} bytes arrived but differ from what was sent at byte {}", got.size(),
                                 mismatch.first - got.begin());
        }
      } else if (!v.pass) {
        v.detail = fmt::format("got {} bytes", got.size());
      }
    } else {
      v.pass = got == e.data.bytes;
      if (!v.pass) v.detail = fmt::format("got {} bytes: {}", got.size(), preview(got));
    }
    (void)receiver;
    return v;
  }

  Verdict operator()(const scenario::ExpectAlerts& e) {
    Verdict v;
    std::vector<const trace::AlertEvent*> actual;
    for (const auto& ev : sim_.events()) {
      // Informational alerts (new_station) are not alerts in this sense.
      if (const auto* a = std::get_if<trace::AlertEvent>(&ev.body); a && a->severity != "info") actual.push_back(a);
    }
    auto spec_matches = [](const scenario::AlertSpec& s, const trace::AlertEvent& a) {
      if (s.rule != a.rule) return false;
      if (s.ip && a.ip != s.ip) return false;
      if (s.mac && a.new_mac != s.mac && a.old_mac != s.mac) return false;
      return true;
    };
    std::vector<std::string> names;
    for (const auto& s : e.alerts) names.push_back(s.rule + (s.ip ? " " + s.ip->to_string() : ""));
    v.name = e.alerts.empty() ? "no alerts" : fmt::format("alerts [{}]", fmt::join(names, ", "));
    std::vector<std::string> problems;
    for (const auto& s : e.alerts) {
      if (std::none_of(actual.begin(), actual.end(), [&](const auto* a) { return spec_matches(s, *a); })) {
        problems.push_back(fmt::format("missing {}", s.rule));
      }
    }
    for (const auto* a : actual) {
      if (std::none_of(e.alerts.begin(), e.alerts.end(), [&](const auto& s) { return spec_matches(s, *a); })) {
        problems.push_back(fmt::format("unexpected {} ({}, packet #{})", a->rule, a->message, a->packet));
        if (v.packet == 0) v.packet = a->packet;
      }
    }
    v.pass = problems.empty();
    v.detail = fmt::format("{}", fmt::join(problems, "; "));
    return v;
  }

  Verdict operator()(const scenario::ExpectArpCache& e) {
    Verdict v;
    v.name = fmt::format("{} ARP cache at the end", e.host);
    const sim::Host* host = sim_.hosts().empty() ? nullptr : const_cast<sim::Simulator&>(sim_).host(e.host);
    std::vector<std::string> problems;
    for (const auto& [ip, mac] : e.entries) {
      auto entry = host ? host->arp_cache().lookup(ip) : std::nullopt;
      const std::optional<net::MacAddr> got = entry ? entry->mac : std::nullopt;
      if (got != mac) {
        problems.push_back(fmt::format("{}: expected {}, got {}", ip.to_string(), mac ? mac->to_string() : "no entry",
                                       got ? fmt::format("{} ({})", got->to_string(), arp::to_string(entry->state))
                                           : "no entry"));
      }
    }
    v.pass = problems.empty();
    v.detail = fmt::format("{}", fmt::join(problems, "; "));
    return v;
  }

  Verdict operator()(const scenario::ExpectPackets& e) {
    Verdict v;
    std::uint64_t n = 0;
    PatternMatcher m(named_hosts());
    for (const auto& f : sim_.frames()) {
      auto pkt = wire::decode(*f.bytes, wire::LinkType::kEthernet, static_cast<std::uint32_t>(f.bytes->size()));
      m.observe(pkt);
      if (!e.match || m.matches(*e.match, pkt)) ++n;
    }
    std::vector<std::string> bounds;
    if (e.count) bounds.push_back(fmt::format("exactly {}", *e.count));
    if (e.min) bounds.push_back(fmt::format("at least {}", *e.min));
    if (e.max) bounds.push_back(fmt::format("at most {}", *e.max));
    v.name = fmt::format("{} packets{}", fmt::join(bounds, ", "), e.match ? " matching \"" + e.match->text + "\"" : "");
    v.pass = (!e.count || n == *e.count) && (!e.min || n >= *e.min) && (!e.max || n <= *e.max);
    if (!v.pass) v.detail = fmt::format("got {}", n);
    return v;
  }

  Verdict operator()(const scenario::ExpectPattern& e) {
    Verdict v;
    v.name = fmt::format("packets in order: {}", e.lines.empty() ? "" : e.lines.front().text + (e.lines.size() > 1 ? " ..." : ""));
    PatternMatcher m(named_hosts());
    std::size_t next = 0;
    std::string last_seen;
    for (const auto& f : sim_.frames()) {
      if (next == e.lines.size()) break;
      auto pkt = wire::decode(*f.bytes, wire::LinkType::kEthernet, static_cast<std::uint32_t>(f.bytes->size()));
      m.observe(pkt);
      if (m.matches(e.lines[next], pkt)) {
        ++next;
        last_seen = fmt::format("#{} {}", f.number, m.describe(pkt));
      }
    }
    v.pass = next == e.lines.size();
    if (!v.pass) {
      v.detail = fmt::format("line {} \"{}\" never matched{}", next + 1, e.lines[next].text,
                             last_seen.empty() ? "" : fmt::format(" after {}", last_seen));
    }
    return v;
  }

 private:
  std::vector<NamedHost> named_hosts() const {
    std::vector<NamedHost> out;
    for (const auto& h : sc_.hosts) out.push_back({h.name, h.ip, h.mac});
    return out;
  }

  std::vector<std::uint8_t> received(const scenario::ConnInfo& info, scenario::Side to) const {
    auto& sim = const_cast<sim::Simulator&>(sim_);
    if (info.kind == scenario::ConnKind::kUdp) {
      // The flow's receiver is the target (datagrams from the client's port).
      std::vector<std::uint8_t> out;
      const sim::Host* client = sim.host(info.client_host);
      const sim::Host* server = info.server_host ? sim.host(*info.server_host) : sim.host_by_ip(info.target.ip);
      if (!client || !server || to != scenario::Side::kServer) return out;
      std::uint16_t from_port = 0;
      for (const auto& step : sc_.steps) {
        if (const auto* u = std::get_if<scenario::UdpSend>(&step.action); u && u->as == info.name) from_port = u->from_port;
      }
      for (const auto& d : server->udp_received(info.target.port)) {
        if (d.src == client->config().ip && d.src_port == from_port) out.insert(out.end(), d.data.begin(), d.data.end());
      }
      return out;
    }
    const sim::NamedConn* c = sim.connection(info.name);
    if (!c) return {};
    const sim::Host* host = sim.host(to == scenario::Side::kClient ? c->client : c->server);
    if (!host) return {};
    return host->received(to == scenario::Side::kClient ? c->client_key : c->server_key);
  }

  const Scenario& sc_;
  const sim::Simulator& sim_;
};

}  // namespace

std::string to_string(const std::vector<tcp::State>& states) {
  std::vector<std::string_view> names;
  for (auto s : states) names.push_back(tcp::to_string(s));
  return fmt::format("[{}]", fmt::join(names, ", "));
}

StatePath state_path(const std::vector<trace::Event>& events, const std::string& conn, const std::string& side,
                     trace::Origin origin) {
  StatePath p;
  for (const auto& ev : events) {
    const auto* s = std::get_if<trace::TcpStateEvent>(&ev.body);
    if (!s || s->conn != conn || s->side != side || s->origin != origin) continue;
    if (p.states.empty() && s->from != tcp::State::kClosed) {
      p.states.push_back(s->from);
      p.packets.push_back(0);
    }
    if (!p.states.empty() && p.states.back() == s->to) continue;
    p.states.push_back(s->to);
    p.packets.push_back(s->packet);
  }
  return p;
}

std::vector<Verdict> evaluate(const scenario::Scenario& sc, const sim::RunResult& run) {
  std::vector<Verdict> out;
  Evaluator eval(sc, run);
  for (const auto& e : sc.expect) {
    Verdict v = std::visit(eval, e.what);
    v.pointer = e.pointer;
    if (!e.description.empty()) v.name = e.description + " (" + v.name + ")";
    out.push_back(std::move(v));
  }
  // The passive observer must infer what the endpoints went through (DESIGN.md: two
  // views of each connection, and they agree).
  for (const auto& [name, info] : sc.conns) {
    if (info.kind != scenario::ConnKind::kTcp) continue;
    for (const char* side : {"client", "server"}) {
      const auto own = state_path(run.sim->events(), name, side, trace::Origin::kEndpoint);
      const auto seen = state_path(run.sim->events(), name, side, trace::Origin::kObserver);
      // Nothing to compare when the connection never reached the wire (ARP failed).
      if (own.states.empty() || seen.states.empty()) continue;
      Verdict v{fmt::format("/observer/{}/{}", name, side),
                fmt::format("observer agrees with the {} of {}", side, name), own.states == seen.states, "", 0};
      if (!v.pass) v.detail = fmt::format("endpoint {}, observer {}", to_string(own.states), to_string(seen.states));
      out.push_back(std::move(v));
    }
  }
  // A step that could not be performed is a failure of the run itself.
  for (const auto& f : run.failures) {
    out.push_back(Verdict{f.pointer, "step performed", false, f.message, 0});
  }
  return out;
}

}  // namespace wirestate::check
