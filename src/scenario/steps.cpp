// The "steps" section: times, hosts and one action each.
#include <map>

#include <fmt/format.h>

#include "parts.hpp"
#include "wirestate/net/payload_stream.hpp"
#include "wirestate/scenario/load.hpp"

namespace wirestate::scenario::detail {

namespace {

constexpr std::uint64_t kMaxPayloadBytes = 1ULL << 30;
constexpr std::string_view kActions[] = {"listen", "connect", "send", "shutdown", "close", "abort",
                                         "udp_bind", "udp_send", "ping", "gratuitous_arp", "link", "inject"};

std::string action_list() {
  std::string out;
  for (auto a : kActions) out += fmt::format("{}{}", out.empty() ? "" : ", ", a);
  return out;
}

// The step's "at": "15ms" (absolute) or "+5ms" (after the previous step).
net::Time read_at(Reader& r, const Json& j, const std::string& ptr, net::Time previous) {
  const std::string expected = "a duration like \"15ms\" or \"+5ms\"";
  if (!j.is_string()) {
    r.fail_value(ptr, expected, j);
    return previous;
  }
  std::string text = j.get<std::string>();
  const bool relative = !text.empty() && text[0] == '+';
  if (relative) text.erase(0, 1);
  Reader inner;
  const net::Duration d = inner.duration(Json(text), ptr);
  if (inner.failed()) {
    r.fail(ptr, inner.failure()->expected.find("at most") != std::string::npos ? inner.failure()->expected : expected,
           render(j));
    return previous;
  }
  const net::Time t = relative ? previous + d : net::Time() + d;
  if (t.since_epoch() > kMaxTime) {
    r.fail_value(ptr, fmt::format("a time of at most {}", kMaxTime.to_string()), j);
    return previous;
  }
  if (t < previous) {
    r.fail_value(ptr, fmt::format("a time not before the previous step's ({})", previous.since_epoch().to_string()), j);
    return previous;
  }
  return t;
}

std::uint16_t read_port(Reader& r, const Json& j, const std::string& ptr) {
  return static_cast<std::uint16_t>(r.integer(j, ptr, 1, 65535, "a port"));
}

// A connection name used by a step of `host`: defined earlier, of this kind, with host at one end.
std::string conn_ref(Reader& r, const Json& j, const std::string& ptr, const Scenario& sc,
                     const std::string& host, ConnKind kind) {
  const std::string name = r.string(j, ptr, "a connection name");
  if (r.failed()) return name;
  auto it = sc.conns.find(name);
  if (it == sc.conns.end()) {
    r.fail_value(ptr, "a connection defined by an earlier step's \"as\"", j);
  } else if (it->second.kind != kind) {
    r.fail_value(ptr, fmt::format("a {} connection (\"{}\" is {}, defined at {})", kind == ConnKind::kTcp ? "TCP" : "UDP",
                                  name, it->second.kind == ConnKind::kTcp ? "TCP" : "UDP", it->second.defined_at), j);
  } else if (host != it->second.client_host && (!it->second.server_host || host != *it->second.server_host)) {
    r.fail(ptr, fmt::format("a connection with the step's host \"{}\" at one end", host),
           fmt::format("\"{}\" (between \"{}\" and \"{}\")", name, it->second.client_host,
                       it->second.server_host.value_or(it->second.target.ip.to_string())));
  }
  return name;
}

void define_conn(Reader& r, const Json& j, const std::string& ptr, Scenario& sc, ConnInfo info) {
  info.name = r.name(j, ptr, "a connection name");
  if (r.failed()) return;
  auto it = sc.conns.find(info.name);
  if (it != sc.conns.end()) {
    const ConnInfo& old = it->second;
    const bool same_udp_flow = info.kind == ConnKind::kUdp && old.kind == ConnKind::kUdp &&
                               old.client_host == info.client_host && old.target.ip == info.target.ip &&
                               old.target.port == info.target.port;
    if (!same_udp_flow) {
      r.fail_value(ptr, fmt::format("a connection name not defined before (\"{}\" is defined at {})", info.name,
                                    old.defined_at), j);
    }
    return;
  }
  sc.conns.emplace(info.name, std::move(info));
}

Action read_action(Reader& r, std::string_view kind, const ObjectReader& o, const std::string& host,
                   Scenario& sc, const std::string& sptr) {
  const Json& v = *o.get(kind);
  const std::string vptr = o.at(kind);
  if (kind == "listen") return Listen{read_port(r, v, vptr)};
  if (kind == "udp_bind") return UdpBind{read_port(r, v, vptr)};
  if (kind == "connect") {
    Connect c;
    c.to = read_target(r, v, vptr, sc, true);
    if (!r.failed() && c.to.host && *c.to.host == host) {
      r.fail_value(vptr, "a target on another host (loopback is not simulated)", v);
    }
    if (const Json* lp = o.get("local_port")) c.local_port = read_port(r, *lp, o.at("local_port"));
    if (const Json* as = o.require("as"); as && !r.failed()) {
      define_conn(r, *as, o.at("as"), sc, ConnInfo{"", ConnKind::kTcp, host, c.to.host, c.to, sptr});
      c.conn = r.failed() ? "" : as->get<std::string>();
    }
    return c;
  }
  if (kind == "send") {
    Send s;
    ObjectReader so(r, v, vptr, {"conn", "text", "hex", "bytes"});
    if (const Json* c = so.require("conn")) s.conn = conn_ref(r, *c, so.at("conn"), sc, host, ConnKind::kTcp);
    if (!r.failed()) s.data = read_payload(r, so, kMaxPayloadBytes);
    return s;
  }
  if (kind == "shutdown") return Shutdown{conn_ref(r, v, vptr, sc, host, ConnKind::kTcp)};
  if (kind == "close") return Close{conn_ref(r, v, vptr, sc, host, ConnKind::kTcp)};
  if (kind == "abort") return Abort{conn_ref(r, v, vptr, sc, host, ConnKind::kTcp)};
  if (kind == "udp_send") {
    UdpSend u;
    ObjectReader uo(r, v, vptr, {"from_port", "to", "text", "hex", "bytes", "as"});
    if (const Json* p = uo.require("from_port")) u.from_port = read_port(r, *p, uo.at("from_port"));
    if (const Json* t = uo.require("to"); t && !r.failed()) u.to = read_target(r, *t, uo.at("to"), sc, true);
    if (!r.failed()) u.data = read_payload(r, uo, 65507);  // RFC 768 over IPv4: 65535 - 8 - 20
    if (const Json* as = uo.get("as"); as && !r.failed()) {
      define_conn(r, *as, uo.at("as"), sc, ConnInfo{"", ConnKind::kUdp, host, u.to.host, u.to, sptr});
      if (!r.failed()) u.as = as->get<std::string>();
    }
    return u;
  }
  if (kind == "ping") {
    Ping p;
    ObjectReader po(r, v, vptr, {"to", "count", "size", "interval"});
    if (const Json* t = po.require("to"); t && !r.failed()) p.to = read_target(r, *t, po.at("to"), sc, false);
    if (const Json* c = po.get("count")) p.count = static_cast<std::uint32_t>(r.integer(*c, po.at("count"), 1, 1'000'000));
    if (const Json* s = po.get("size")) p.size = static_cast<std::uint32_t>(r.integer(*s, po.at("size"), 0, 65507, "a size in bytes"));
    if (const Json* i = po.get("interval")) p.interval = r.duration(*i, po.at("interval"));
    return p;
  }
  if (kind == "gratuitous_arp") {
    GratuitousArp g;
    ObjectReader go(r, v, vptr, {"op", "ip", "mac"});
    if (const Json* op = go.get("op")) {
      const std::string s = r.string(*op, go.at("op"));
      if (s == "request") g.op = wire::ArpOp::kRequest;
      else if (s == "reply") g.op = wire::ArpOp::kReply;
      else if (!r.failed()) r.fail_value(go.at("op"), "\"request\" or \"reply\"", *op);
    }
    if (const Json* ip = go.get("ip")) g.ip = r.ip(*ip, go.at("ip"));
    if (const Json* mac = go.get("mac")) g.mac = r.mac(*mac, go.at("mac"));
    return g;
  }
  if (kind == "link") return LinkChange{read_link(r, v, vptr, sc)};
  // inject
  const Host* h = sc.find_host(host);
  return Inject{read_inject(r, v, vptr, *h)};
}

// Cuts a sent byte count from its direction's generated stream: the stream is keyed by
// the scenario seed and the direction (a connection's side, or a UDP flow), and the
// payload starts where that direction's earlier sends ended, so the bytes a direction
// sends never repeat and differ from the other direction's (steps run in file order:
// their times never go back).
void place_in_stream(const Scenario& sc, const std::string& host, std::map<std::string, std::uint64_t>& sent_so_far,
                     Action& action) {
  std::string direction;
  Payload* data = nullptr;
  if (auto* s = std::get_if<Send>(&action)) {
    const ConnInfo& info = sc.conns.at(s->conn);
    direction = fmt::format("tcp {} {}", s->conn, host == info.client_host ? "client" : "server");
    data = &s->data;
  } else if (auto* u = std::get_if<UdpSend>(&action)) {
    direction = fmt::format("udp {}:{} > {}:{}", host, u->from_port, u->to.ip.to_string(), u->to.port);
    data = &u->data;
  } else {
    return;
  }
  std::uint64_t& offset = sent_so_far[direction];
  data->stream_key = net::stream_key(sc.seed, direction);
  data->stream_offset = offset;
  offset += data->size();
}

}  // namespace

void read_steps(Reader& r, const Json& j, const std::string& ptr, Scenario& sc) {
  if (!r.is_array(j, ptr, "an array of steps")) return;
  if (j.size() > kMaxSteps) {
    r.fail(ptr, fmt::format("at most {} steps", kMaxSteps), std::to_string(j.size()));
    return;
  }
  net::Time previous;
  std::map<std::string, std::uint64_t> sent_so_far;  // bytes sent per direction, for place_in_stream
  for (std::size_t i = 0; i < j.size() && !r.failed(); ++i) {
    const std::string sptr = pointer_join(ptr, std::to_string(i));
    ObjectReader o(r, j[i], sptr,
                   {"at", "host", "description", "as", "local_port", "listen", "connect", "send", "shutdown",
                    "close", "abort", "udp_bind", "udp_send", "ping", "gratuitous_arp", "link", "inject"});
    if (!o.ok()) return;
    Step step;
    step.pointer = sptr;
    if (const Json* at = o.require("at")) step.at = read_at(r, *at, o.at("at"), previous);
    if (r.failed()) return;
    std::vector<std::string_view> given;
    for (auto a : kActions) {
      if (o.has(a)) given.push_back(a);
    }
    if (given.size() != 1) {
      r.fail(sptr, fmt::format("exactly one action ({})", action_list()),
             given.empty() ? "none" : fmt::format("\"{}\" and \"{}\"", given[0], given[1]));
      return;
    }
    const std::string_view kind = given[0];
    if (kind != "connect") {
      for (auto only : {"as", "local_port"}) {
        if (o.has(only)) {
          r.fail(o.at(only), fmt::format("\"{}\" only next to \"connect\"", only), fmt::format("it next to \"{}\"", kind));
          return;
        }
      }
    }
    if (kind == "link") {
      if (o.has("host")) {
        r.fail(o.at("host"), "no \"host\" in a link change (it applies to the whole link)", render(*o.get("host")));
        return;
      }
    } else if (const Json* h = o.require("host")) {
      step.host = r.string(*h, o.at("host"), "a host name");
      if (!r.failed() && !sc.find_host(step.host)) r.fail_value(o.at("host"), "the name of a host in \"hosts\"", *h);
    }
    if (r.failed()) return;
    step.action = read_action(r, kind, o, step.host, sc, sptr);
    if (r.failed()) return;
    place_in_stream(sc, step.host, sent_so_far, step.action);
    previous = step.at;
    sc.steps.push_back(std::move(step));
  }
}

}  // namespace wirestate::scenario::detail
