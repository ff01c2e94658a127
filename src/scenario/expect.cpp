// The "expect" section.
#include <fmt/format.h>

#include "parts.hpp"
#include "wirestate/scenario/load.hpp"

namespace wirestate::scenario::detail {

namespace {

constexpr std::string_view kKinds[] = {"states", "state", "delivered", "alerts", "arp_cache", "packets", "pattern"};

const ConnInfo* conn_of(Reader& r, const ObjectReader& o, const Scenario& sc, std::string_view key = "conn") {
  const Json* c = o.require(key);
  if (!c) return nullptr;
  const std::string name = r.string(*c, o.at(key), "a connection name");
  if (r.failed()) return nullptr;
  auto it = sc.conns.find(name);
  if (it == sc.conns.end()) {
    r.fail_value(o.at(key), "a connection defined by a step's \"as\"", *c);
    return nullptr;
  }
  return &it->second;
}

const ConnInfo* tcp_conn_of(Reader& r, const ObjectReader& o, const Scenario& sc) {
  const ConnInfo* c = conn_of(r, o, sc);
  if (c && c->kind != ConnKind::kTcp) {
    r.fail(o.at("conn"), "a TCP connection (defined by \"connect\")",
           fmt::format("UDP flow \"{}\" (defined at {})", c->name, c->defined_at));
    return nullptr;
  }
  return c;
}

Side side_of(Reader& r, const ObjectReader& o) {
  const Json* s = o.require("side");
  if (!s) return Side::kClient;
  if (s->is_string() && *s == "client") return Side::kClient;
  if (s->is_string() && *s == "server") return Side::kServer;
  r.fail_value(o.at("side"), "\"client\" or \"server\"", *s);
  return Side::kClient;
}

tcp::State state_of(Reader& r, const Json& j, const std::string& ptr) {
  if (j.is_string()) {
    if (auto s = tcp::parse_state(j.get_ref<const std::string&>())) return *s;
  }
  r.fail_value(ptr, "a TCP state name like \"ESTABLISHED\", \"SYN_SENT\" or \"TIME_WAIT\"", j);
  return tcp::State::kClosed;
}

// A pattern string whose host names must exist.
PacketPattern pattern_of(Reader& r, const Json& j, const std::string& ptr, const Scenario& sc) {
  if (!j.is_string()) {
    r.fail_value(ptr, "a pattern string like \"client > server S.\"", j);
    return {};
  }
  auto p = parse_pattern(j.get_ref<const std::string&>());
  if (!p) {
    r.fail(ptr, p.error().expected, p.error().got);
    return {};
  }
  for (const PatternEnd* end : {&p->src, &p->dst}) {
    if (end->host && !sc.find_host(*end->host)) {
      r.fail(ptr, fmt::format("host names from \"hosts\" in \"{}\"", p->text), fmt::format("\"{}\"", *end->host));
      return {};
    }
  }
  return *p;
}

ExpectKind read_kind(Reader& r, std::string_view kind, const ObjectReader& o, const Scenario& sc) {
  if (kind == "states") {
    ExpectStates e;
    if (const ConnInfo* c = tcp_conn_of(r, o, sc)) e.conn = c->name;
    e.side = side_of(r, o);
    const Json& list = *o.get("states");
    const std::string lptr = o.at("states");
    if (!r.failed() && r.is_array(list, lptr, "an array of TCP state names")) {
      if (list.empty()) r.fail(lptr, "at least one state", "[]");
      for (std::size_t i = 0; i < list.size() && !r.failed(); ++i) {
        e.states.push_back(state_of(r, list[i], pointer_join(lptr, std::to_string(i))));
      }
    }
    return e;
  }
  if (kind == "state") {
    ExpectStateAt e;
    if (const ConnInfo* c = tcp_conn_of(r, o, sc)) e.conn = c->name;
    e.side = side_of(r, o);
    if (const Json* at = o.require("at")) e.at = net::Time() + r.duration(*at, o.at("at"));
    e.state = state_of(r, *o.get("state"), o.at("state"));
    return e;
  }
  if (kind == "delivered") {
    ExpectDelivered e;
    ObjectReader d(r, *o.get("delivered"), o.at("delivered"), {"conn", "to", "text", "hex", "bytes", "intact"});
    if (!d.ok()) return e;
    const ConnInfo* c = conn_of(r, d, sc);
    if (!c) return e;
    e.conn = c->name;
    e.to = c->kind == ConnKind::kUdp ? Side::kServer : Side::kServer;
    if (const Json* to = d.get("to")) {
      const std::string s = r.string(*to, d.at("to"), "a host or side name");
      if (s == c->client_host) e.to = Side::kClient;
      else if (c->server_host && s == *c->server_host) e.to = Side::kServer;
      else if (s == "client") e.to = Side::kClient;
      else if (s == "server") e.to = Side::kServer;
      else if (!r.failed()) {
        r.fail_value(d.at("to"), fmt::format("\"client\", \"server\" or a host of connection \"{}\" (\"{}\"{})", c->name,
                                             c->client_host, c->server_host ? ", \"" + *c->server_host + "\"" : ""), *to);
      }
    }
    if (!r.failed()) e.data = read_payload(r, d, 1ULL << 34);
    if (const Json* in = d.get("intact")) e.intact = r.boolean(*in, d.at("intact"));
    return e;
  }
  if (kind == "alerts") {
    ExpectAlerts e;
    const Json& v = *o.get("alerts");
    const std::string aptr = o.at("alerts");
    if (v.is_string() && v == "none") return e;
    if (!r.is_array(v, aptr, "\"none\" or an array of {\"rule\", \"ip\"?, \"mac\"?}")) return e;
    for (std::size_t i = 0; i < v.size() && !r.failed(); ++i) {
      const std::string iptr = pointer_join(aptr, std::to_string(i));
      ObjectReader a(r, v[i], iptr, {"rule", "ip", "mac"});
      AlertSpec spec;
      if (const Json* rule = a.require("rule")) {
        const auto parsed = rule->is_string() ? trace::parse_alert_rule(rule->get_ref<const std::string&>()) : std::nullopt;
        if (parsed) spec.rule = *parsed;
        else r.fail_value(a.at("rule"), "an alert rule: one of " + trace::alert_rule_names(), *rule);
      }
      if (const Json* ip = a.get("ip")) spec.ip = r.ip(*ip, a.at("ip"));
      if (const Json* mac = a.get("mac")) spec.mac = r.mac(*mac, a.at("mac"));
      e.alerts.push_back(std::move(spec));
    }
    return e;
  }
  if (kind == "arp_cache") {
    ExpectArpCache e;
    ObjectReader a(r, *o.get("arp_cache"), o.at("arp_cache"), {"host", "entries"});
    if (const Json* h = a.require("host")) {
      e.host = r.string(*h, a.at("host"), "a host name");
      if (!r.failed() && !sc.find_host(e.host)) r.fail_value(a.at("host"), "the name of a host in \"hosts\"", *h);
    }
    if (const Json* entries = a.require("entries"); entries && !r.failed()) {
      const std::string eptr = a.at("entries");
      if (!r.is_object(*entries, eptr, "an object of IP -> MAC or null")) return e;
      for (const auto& [key, value] : entries->items()) {
        const std::string kptr = pointer_join(eptr, key);
        auto ip = net::Ipv4Addr::parse(key);
        if (!ip) {
          r.fail(kptr, "an IPv4 address as the key", fmt::format("\"{}\"", key));
          break;
        }
        std::optional<net::MacAddr> mac;
        if (!value.is_null()) mac = r.mac(value, kptr);
        if (r.failed()) break;
        e.entries.emplace_back(*ip, mac);
      }
    }
    return e;
  }
  if (kind == "packets") {
    ExpectPackets e;
    ObjectReader p(r, *o.get("packets"), o.at("packets"), {"count", "min", "max", "match"});
    if (!p.ok()) return e;
    if (const Json* v = p.get("count")) e.count = r.integer(*v, p.at("count"), 0, UINT32_MAX, "a packet count");
    if (const Json* v = p.get("min")) e.min = r.integer(*v, p.at("min"), 0, UINT32_MAX, "a packet count");
    if (const Json* v = p.get("max")) e.max = r.integer(*v, p.at("max"), 0, UINT32_MAX, "a packet count");
    if (const Json* v = p.get("match")) e.match = pattern_of(r, *v, p.at("match"), sc);
    if (r.failed()) return e;
    if (e.count && (e.min || e.max)) {
      r.fail(p.pointer(), "either \"count\" or \"min\"/\"max\"", "both");
    } else if (!e.count && !e.min && !e.max) {
      r.fail(p.pointer(), "one of \"count\", \"min\" or \"max\"", "none");
    } else if (e.min && e.max && *e.min > *e.max) {
      r.fail(p.at("min"), fmt::format("a minimum no larger than the maximum ({})", *e.max), std::to_string(*e.min));
    }
    return e;
  }
  // pattern
  ExpectPattern e;
  const Json& v = *o.get("pattern");
  const std::string pptr = o.at("pattern");
  if (!r.is_array(v, pptr, "an array of pattern strings like \"client > server S\"")) return e;
  if (v.empty()) r.fail(pptr, "at least one pattern line", "[]");
  for (std::size_t i = 0; i < v.size() && !r.failed(); ++i) {
    e.lines.push_back(pattern_of(r, v[i], pointer_join(pptr, std::to_string(i)), sc));
  }
  return e;
}

}  // namespace

void read_expect(Reader& r, const Json& j, const std::string& ptr, Scenario& sc) {
  if (!r.is_array(j, ptr, "an array of expectations")) return;
  for (std::size_t i = 0; i < j.size() && !r.failed(); ++i) {
    const std::string eptr = pointer_join(ptr, std::to_string(i));
    if (!r.is_object(j[i], eptr, "an expectation object")) return;
    std::vector<std::string_view> given;
    for (auto k : kKinds) {
      if (j[i].contains(std::string(k))) given.push_back(k);
    }
    if (given.size() != 1) {
      r.fail(eptr, "exactly one of \"states\", \"state\", \"delivered\", \"alerts\", \"arp_cache\", \"packets\", \"pattern\"",
             given.empty() ? "none" : fmt::format("\"{}\" and \"{}\"", given[0], given[1]));
      return;
    }
    const std::string_view kind = given[0];
    const bool flat = kind == "states" || kind == "state";
    const ObjectReader o = flat && kind == "states"
                               ? ObjectReader(r, j[i], eptr, {"states", "conn", "side", "description"})
                           : flat ? ObjectReader(r, j[i], eptr, {"state", "conn", "side", "at", "description"})
                                  : ObjectReader(r, j[i], eptr, {kind, "description"});
    if (!o.ok()) return;
    Expectation e;
    e.pointer = eptr;
    if (const Json* d = o.get("description")) e.description = r.string(*d, o.at("description"));
    e.what = read_kind(r, kind, o, sc);
    sc.expect.push_back(std::move(e));
  }
}

}  // namespace wirestate::scenario::detail
