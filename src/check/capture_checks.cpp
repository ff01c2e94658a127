#include "wirestate/check/capture_checks.hpp"

#include <algorithm>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "wirestate/check/scenario_checks.hpp"
#include "wirestate/scenario/load.hpp"
#include "wirestate/scenario/strict_json.hpp"
#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/tcp/state.hpp"

namespace wirestate::check {

namespace {

// An alert of either detector, as the "alerts" expectation compares it.
struct SeenAlert {
  std::string rule;
  net::IpAddr ip;
  std::optional<net::MacAddr> old_mac;
  std::optional<net::MacAddr> new_mac;
  std::uint64_t packet = 0;
  std::string message;
};

// Appends the warnings and criticals of one detector (notices never count).
template <class DetectorAlert>
void add_seen(std::vector<SeenAlert>& out, const std::vector<DetectorAlert>& alerts) {
  for (const auto& a : alerts) {
    if (a.severity == trace::Severity::kInfo) continue;
    out.push_back({std::string(to_string(a.rule)), net::IpAddr(a.ip), a.old_mac, a.new_mac, a.packet, a.message});
  }
}

using json = nlohmann::ordered_json;

std::string conn_text(const tcp::ConnectionSummary& c) {
  return fmt::format("{}-{}", c.client, c.server);
}

bool is_final_ok(tcp::State s) { return s == tcp::State::kClosed || s == tcp::State::kTimeWait; }

std::optional<tcp::Anomaly> anomaly_named(const std::string& name) {
  for (std::size_t i = 0; i < tcp::kAnomalyCount; ++i) {
    const auto a = static_cast<tcp::Anomaly>(i);
    if (tcp::to_string(a) == name) return a;
  }
  return std::nullopt;
}

// Why a claim about every connection holds on nothing: none was seen, or none that the
// scope (--conn, -f) chose.
std::string nothing_seen(const Observation& seen) {
  return seen.scope.empty() ? std::string("no TCP connection was seen")
                            : fmt::format("no TCP connection was seen among those {} chooses", seen.scope);
}

// Finds the connection a selector names: an index or a ConnSelector (the first match).
const tcp::ConnectionSummary* select(const json& sel, const Observation& seen) {
  if (sel.is_number_unsigned()) {
    const auto i = sel.get<std::size_t>();
    return i < seen.connections.size() ? &seen.connections[i] : nullptr;
  }
  const auto parsed = ConnSelector::parse(sel.get<std::string>());
  if (!parsed) return nullptr;
  for (const auto& c : seen.connections) {
    if (parsed->matches(c)) return &c;
  }
  return nullptr;
}

// --- Validation -----------------------------------------------------------------------------

struct Problem {
  std::string pointer;
  std::string expected;
};

std::optional<Problem> check_item(const json& item, const std::string& at) {
  static const std::set<std::string> kKeys = {"description", "conn", "side", "states", "final", "conn_state",
                                              "history", "bytes", "anomalies", "alerts", "connections"};
  if (!item.is_object()) return Problem{at, "expected an object"};
  int kinds = 0;
  for (const auto& [k, v] : item.items()) {
    if (kKeys.count(k) == 0) return Problem{at + "/" + k, "expected one of conn, side, states, final, conn_state, history, bytes, anomalies, alerts, connections, description"};
    if (k != "conn" && k != "side" && k != "description") ++kinds;
  }
  if (kinds != 1) return Problem{at, "expected exactly one of states, final, conn_state, history, bytes, anomalies, alerts, connections"};
  if (item.contains("conn") && !(item["conn"].is_number_unsigned() || item["conn"].is_string())) {
    return Problem{at + "/conn", "expected a connection index (0, 1, ...) or \"ip:port\" or \"ip:port-ip:port\""};
  }
  if (item.contains("conn") && item["conn"].is_string()) {
    if (auto sel = ConnSelector::parse(item["conn"].get<std::string>()); !sel) return Problem{at + "/conn", sel.error()};
  }
  const bool needs_conn = item.contains("states") || item.contains("final") || item.contains("conn_state") ||
                          item.contains("history") || item.contains("bytes");
  if (needs_conn && !item.contains("conn")) return Problem{at, "expected a \"conn\" selecting the connection"};
  auto states_ok = [](const json& v) {
    if (!v.is_array()) return false;
    for (const auto& s : v) {
      if (!s.is_string() || !tcp::parse_state(s.get<std::string>())) return false;
    }
    return true;
  };
  if (item.contains("states")) {
    if (!item.contains("side") || !item["side"].is_string() ||
        (item["side"] != "client" && item["side"] != "server")) {
      return Problem{at + "/side", "expected \"client\" or \"server\""};
    }
    if (!states_ok(item["states"])) return Problem{at + "/states", "expected an array of TCP state names"};
  }
  if (item.contains("final")) {
    const auto& f = item["final"];
    if (!f.is_object() || f.empty()) return Problem{at + "/final", "expected {\"client\": STATE, \"server\": STATE}"};
    for (const auto& [k, v] : f.items()) {
      if ((k != "client" && k != "server") || !v.is_string() || !tcp::parse_state(v.get<std::string>())) {
        return Problem{at + "/final/" + k, "expected \"client\" or \"server\" mapped to a TCP state name"};
      }
    }
  }
  for (const char* key : {"conn_state", "history"}) {
    if (item.contains(key) && !item[key].is_string()) return Problem{at + "/" + key, "expected a string"};
  }
  if (item.contains("bytes")) {
    const auto& b = item["bytes"];
    if (!b.is_object()) return Problem{at + "/bytes", "expected {\"client\": N, \"server\": N}"};
    for (const auto& [k, v] : b.items()) {
      if ((k != "client" && k != "server") || !v.is_number_unsigned()) {
        return Problem{at + "/bytes/" + k, "expected \"client\" or \"server\" mapped to a byte count"};
      }
    }
  }
  if (item.contains("anomalies")) {
    const auto& a = item["anomalies"];
    if (!a.is_object()) return Problem{at + "/anomalies", "expected an object of anomaly name to count"};
    for (const auto& [k, v] : a.items()) {
      if (!anomaly_named(k)) return Problem{at + "/anomalies/" + k, "expected an anomaly name such as retransmission, duplicate_ack, zero_window"};
      if (!v.is_number_unsigned()) return Problem{at + "/anomalies/" + k, "expected a count"};
    }
  }
  if (item.contains("alerts")) {
    const auto& a = item["alerts"];
    if (!(a.is_array() || a == "none")) return Problem{at + "/alerts", "expected an array of {rule, ip?, mac?} or \"none\""};
    if (a.is_array()) {
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string p = fmt::format("{}/alerts/{}", at, i);
        if (!a[i].is_object() || !a[i].contains("rule") || !a[i]["rule"].is_string() ||
            (!arp::parse_rule(a[i]["rule"].get<std::string>()) && !ndp::parse_rule(a[i]["rule"].get<std::string>()))) {
          return Problem{p, "expected {\"rule\": an ARP or NDP alert rule name, \"ip\"?: IP, \"mac\"?: MAC}"};
        }
        for (const auto& [k, v] : a[i].items()) {
          if (k == "rule") continue;
          if (k == "ip" && v.is_string() && net::IpAddr::parse(v.get<std::string>())) continue;
          if (k == "mac" && v.is_string() && net::MacAddr::parse(v.get<std::string>())) continue;
          return Problem{p + "/" + k, "expected \"ip\" (an IPv4 or IPv6 address) or \"mac\" (a MAC address)"};
        }
      }
    }
  }
  if (item.contains("connections") && !item["connections"].is_number_unsigned()) {
    return Problem{at + "/connections", "expected a count"};
  }
  return std::nullopt;
}

std::string states_text(const std::vector<tcp::State>& s) { return to_string(s); }

std::vector<tcp::State> parse_states(const json& v) {
  std::vector<tcp::State> out;
  for (const auto& s : v) out.push_back(*tcp::parse_state(s.get<std::string>()));
  return out;
}

Verdict evaluate_item(const json& item, const Observation& seen) {
  Verdict v;
  const tcp::ConnectionSummary* c = item.contains("conn") ? select(item["conn"], seen) : nullptr;
  const std::string which = item.contains("conn") ? item["conn"].dump() : "all connections";
  if (item.contains("conn") && !c) {
    v.name = fmt::format("connection {}", which);
    v.detail = fmt::format("no such connection among the {} seen", seen.connections.size());
    return v;
  }
  if (item.contains("states")) {
    const bool client = item["side"] == "client";
    const auto want = parse_states(item["states"]);
    // As in scenarios, a path starts at the first state after CLOSED (the client's
    // SYN_SENT); the monitor records the CLOSED it was created in.
    auto got = client ? c->client_states : c->server_states;
    if (got.size() > 1 && got.front() == tcp::State::kClosed) got.erase(got.begin());
    v.name = fmt::format("{} {} states {}", conn_text(*c), client ? "client" : "server", states_text(want));
    v.pass = got == want;
    if (!v.pass) v.detail = fmt::format("got {} (packets {}..{})", states_text(got), c->first_packet, c->last_packet);
  } else if (item.contains("final")) {
    v.name = fmt::format("{} final states {}", conn_text(*c), item["final"].dump());
    v.pass = true;
    for (const auto& [side, state] : item["final"].items()) {
      const auto& path = side == "client" ? c->client_states : c->server_states;
      const auto got = path.empty() ? tcp::State::kClosed : path.back();
      if (got != *tcp::parse_state(state.get<std::string>())) {
        v.pass = false;
        v.detail += fmt::format("{} ended in {}; ", side, tcp::to_string(got));
      }
    }
    if (!v.pass) v.packet = c->last_packet;
  } else if (item.contains("conn_state")) {
    v.name = fmt::format("{} conn_state {}", conn_text(*c), item["conn_state"].get<std::string>());
    v.pass = c->conn_state == item["conn_state"].get<std::string>();
    if (!v.pass) v.detail = fmt::format("got {}", c->conn_state);
  } else if (item.contains("history")) {
    v.name = fmt::format("{} history {}", conn_text(*c), item["history"].get<std::string>());
    v.pass = c->history == item["history"].get<std::string>();
    if (!v.pass) v.detail = fmt::format("got {}", c->history);
  } else if (item.contains("bytes")) {
    v.name = fmt::format("{} bytes {}", conn_text(*c), item["bytes"].dump());
    v.pass = true;
    for (const auto& [side, n] : item["bytes"].items()) {
      const auto got = side == "client" ? c->client_to_server.bytes : c->server_to_client.bytes;
      if (got != n.get<std::uint64_t>()) {
        v.pass = false;
        v.detail += fmt::format("{} sent {} bytes; ", side, got);
      }
    }
  } else if (item.contains("anomalies")) {
    v.name = fmt::format("{} anomalies {}", c ? conn_text(*c) : which, item["anomalies"].dump());
    // Counts over all connections of a capture with none would hold on nothing.
    if (!c && seen.connections.empty()) {
      v.detail = nothing_seen(seen);
      return v;
    }
    v.pass = true;
    for (const auto& [name, n] : item["anomalies"].items()) {
      const auto a = *anomaly_named(name);
      std::uint64_t got = 0;
      if (c) got = c->count(a);
      else for (const auto& x : seen.connections) got += x.count(a);
      if (got != n.get<std::uint64_t>()) {
        v.pass = false;
        v.detail += fmt::format("{}: {}; ", name, got);
      }
    }
  } else if (item.contains("alerts")) {
    // Both detectors' warnings and criticals, by rule name (the names never overlap).
    std::vector<SeenAlert> actual;
    add_seen(actual, seen.alerts);
    add_seen(actual, seen.ndp_alerts);
    const json specs = item["alerts"].is_array() ? item["alerts"] : json::array();
    auto matches = [](const json& s, const SeenAlert& a) {
      if (s["rule"].get<std::string>() != a.rule) return false;
      if (s.contains("ip") && a.ip != *net::IpAddr::parse(s["ip"].get<std::string>())) return false;  // validated
      if (s.contains("mac")) {
        const auto m = *net::MacAddr::parse(s["mac"].get<std::string>());
        if (a.new_mac != m && a.old_mac != m) return false;
      }
      return true;
    };
    v.name = specs.empty() ? "no alerts" : fmt::format("alerts {}", specs.dump());
    std::vector<std::string> problems;
    if (seen.packets == 0) problems.emplace_back("no packet was seen");  // no alert on nothing proves nothing
    for (const auto& s : specs) {
      if (std::none_of(actual.begin(), actual.end(), [&](const SeenAlert& a) { return matches(s, a); })) {
        problems.push_back(fmt::format("missing {}", s["rule"].get<std::string>()));
      }
    }
    for (const auto& a : actual) {
      if (std::none_of(specs.begin(), specs.end(), [&](const json& s) { return matches(s, a); })) {
        problems.push_back(fmt::format("unexpected {} at packet {} ({})", a.rule, a.packet, a.message));
        if (v.packet == 0) v.packet = a.packet;
      }
    }
    v.pass = problems.empty();
    v.detail = fmt::format("{}", fmt::join(problems, "; "));
  } else if (item.contains("connections")) {
    v.name = fmt::format("{} connections", item["connections"].get<std::size_t>());
    v.pass = seen.connections.size() == item["connections"].get<std::size_t>();
    if (!v.pass) v.detail = fmt::format("saw {}", seen.connections.size());
  }
  if (item.contains("description")) v.name = item["description"].get<std::string>() + " (" + v.name + ")";
  return v;
}

// What a preset claims, as its verdict's name.
std::string preset_claim(const std::string& name) {
  if (name == "handshake") return "every connection completed the three-way handshake";
  if (name == "clean-close") return "every connection closed with FINs on both sides";
  if (name == "no-rst") return "no connection was reset";
  if (name == "no-retransmissions") return "no segment was retransmitted";
  if (name == "no-arp-alerts") return "no ARP alert (beyond new_station)";
  return name;
}

}  // namespace

tl::expected<ConnSelector, std::string> ConnSelector::parse(std::string_view text) {
  static constexpr const char* kExpected =
      "expected an address (10.0.0.1, 2001:db8::1), an endpoint (10.0.0.1:40000, [2001:db8::1]:40000) or "
      "client-server endpoints (10.0.0.1:40000-10.0.0.2:80)";
  ConnSelector s;
  // No address or endpoint text holds '-': it can only separate the two ends.
  if (const auto dash = text.find('-'); dash != std::string_view::npos) {
    auto a = net::Endpoint::parse(text.substr(0, dash));
    auto b = net::Endpoint::parse(text.substr(dash + 1));
    if (!a || !b) return tl::unexpected(fmt::format("\"{}\": {}", text, kExpected));
    s.kind = Kind::kPair;
    s.client = *a;
    s.server = *b;
    return s;
  }
  if (auto e = net::Endpoint::parse(text)) {
    s.kind = Kind::kEndpoint;
    s.client = *e;
    return s;
  }
  if (auto a = net::IpAddr::parse(text)) {
    s.kind = Kind::kAddress;
    s.addr = *a;
    return s;
  }
  return tl::unexpected(fmt::format("\"{}\": {}", text, kExpected));
}

bool ConnSelector::matches(const tcp::ConnectionSummary& c) const noexcept {
  switch (kind) {
    case Kind::kAddress: return c.client.addr == addr || c.server.addr == addr;
    case Kind::kEndpoint: return c.client == client || c.server == client;
    case Kind::kPair: return c.client == client && c.server == server;
  }
  return false;
}

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> kNames = {"handshake", "clean-close", "no-rst", "no-retransmissions",
                                                  "no-arp-alerts"};
  return kNames;
}

bool is_preset(const std::string& name) {
  const auto& n = preset_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

Verdict evaluate_preset(const std::string& name, const Observation& seen) {
  Verdict v{"preset " + name, preset_claim(name), true, "", 0};
  std::vector<std::string> problems;
  auto fail = [&](const tcp::ConnectionSummary& c, std::string why, std::uint64_t packet) {
    problems.push_back(fmt::format("{} {}", conn_text(c), why));
    if (v.packet == 0) v.packet = packet;
  };
  // A claim about every connection needs one: on a capture without TCP it would hold
  // on nothing (a wrong file, a filter that dropped everything).
  if (name != "no-arp-alerts" && seen.connections.empty()) problems.push_back(nothing_seen(seen));
  if (name == "no-arp-alerts" && seen.packets == 0) problems.push_back("no packet was seen");
  for (const auto& c : seen.connections) {
    auto has = [](const std::vector<tcp::State>& p, tcp::State s) { return std::find(p.begin(), p.end(), s) != p.end(); };
    if (name == "handshake") {
      if (c.partial || !has(c.client_states, tcp::State::kEstablished) || !has(c.server_states, tcp::State::kEstablished)) {
        fail(c, fmt::format("client {}, server {}", states_text(c.client_states), states_text(c.server_states)), c.first_packet);
      }
    } else if (name == "clean-close") {
      const auto cl = c.client_states.empty() ? tcp::State::kClosed : c.client_states.back();
      const auto sv = c.server_states.empty() ? tcp::State::kClosed : c.server_states.back();
      if (c.conn_state != "SF" || !is_final_ok(cl) || !is_final_ok(sv)) {
        fail(c, fmt::format("conn_state {}, client ended {}, server ended {}", c.conn_state, tcp::to_string(cl),
                            tcp::to_string(sv)),
             c.last_packet);
      }
    } else if (name == "no-rst") {
      if (c.history.find_first_of("Rr") != std::string::npos || c.count(tcp::Anomaly::kLoneRst) != 0) {
        fail(c, fmt::format("history {}", c.history), c.last_packet);
      }
    } else if (name == "no-retransmissions") {
      const auto n = c.count(tcp::Anomaly::kRetransmission) + c.count(tcp::Anomaly::kFastRetransmission) +
                     c.count(tcp::Anomaly::kSpuriousRetransmission) + c.count(tcp::Anomaly::kSynRetransmission);
      if (n != 0) fail(c, fmt::format("{} retransmissions", n), c.first_packet);
    }
  }
  if (name == "no-arp-alerts") {
    for (const auto& a : seen.alerts) {
      if (a.severity == arp::Severity::kInfo) continue;
      problems.push_back(fmt::format("{} at packet {}: {}", arp::to_string(a.rule), a.packet, a.message));
      if (v.packet == 0) v.packet = a.packet;
    }
  }
  v.pass = problems.empty();
  v.detail = fmt::format("{}", fmt::join(problems, "; "));
  return v;
}

tl::expected<CaptureExpectations, std::string> load_capture_expectations(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected(fmt::format("{}: cannot read the expectation file", path));
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  // The scenario loader's parser: duplicate keys, invalid UTF-8, deep nesting and 1e400
  // are errors with a place, not silently accepted.
  auto parsed = scenario::detail::parse_strict_json(text, scenario::kMaxDepth, scenario::kMaxKeysPerObject);
  if (!parsed) {
    return tl::unexpected(fmt::format("{}: {}: {}{}", path, parsed.error().location, parsed.error().expected,
                                      parsed.error().got.empty() ? "" : ", got " + parsed.error().got));
  }
  const json doc = std::move(*parsed);
  if (!doc.is_object() || !doc.contains("expect") || !doc["expect"].is_array() || doc.size() != 1) {
    return tl::unexpected(fmt::format("{}: /: expected {{\"expect\": [ ... ]}}", path));
  }
  CaptureExpectations out;
  for (std::size_t i = 0; i < doc["expect"].size(); ++i) {
    const std::string at = fmt::format("/expect/{}", i);
    if (auto p = check_item(doc["expect"][i], at)) {
      return tl::unexpected(fmt::format("{}: {}: {}", path, p->pointer, p->expected));
    }
    out.items.push_back({at, doc["expect"][i]});
  }
  return out;
}

std::vector<Verdict> evaluate(const CaptureExpectations& expectations, const Observation& seen) {
  std::vector<Verdict> out;
  for (const auto& item : expectations.items) {
    Verdict v = evaluate_item(item.spec, seen);
    v.pointer = item.pointer;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace wirestate::check
