#include "trace_fixture.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace wirestate::render::testing {

namespace {

net::Time parse_time(const std::string& s) {
  const auto dot = s.find('.');
  const std::int64_t sec = std::stoll(s.substr(0, dot));
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  frac.resize(9, '0');
  return net::Time::from_ns(sec * 1000000000LL + std::stoll(frac));
}

template <class T>
std::optional<T> opt(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  auto v = T::parse(j[key].get<std::string>());
  return v ? std::optional<T>(*v) : std::nullopt;
}

tcp::State state(const nlohmann::json& j) {
  auto s = tcp::parse_state(j.get<std::string>());
  EXPECT_TRUE(s.has_value()) << j;
  return s ? *s : tcp::State::kClosed;
}

net::Endpoint endpoint(const nlohmann::json& j, const char* key) {
  auto e = net::Endpoint::parse(j.at(key).get<std::string>());
  EXPECT_TRUE(e.has_value()) << j;
  return e ? *e : net::Endpoint{};
}

// A connection as the JSONL writer printed it: its client and server, and the name (if
// the table has the printed one).
trace::ConnRef conn_from(const nlohmann::json& j, const trace::ConnNames& names) {
  const net::Endpoint client = endpoint(j, "client");
  trace::ConnRef ref{net::FlowKey(client, endpoint(j, "server")), client, trace::kUnnamed};
  if (const auto id = names.find(j.at("conn").get<std::string>()); id && names.entry(*id).flow == ref.flow) {
    ref = names.named(ref, *id);
  }
  return ref;
}

template <class Enum>
Enum enum_named(const nlohmann::json& j, std::optional<Enum> (*parse)(std::string_view) noexcept) {
  const auto v = parse(j.get<std::string>());
  EXPECT_TRUE(v.has_value()) << j;
  return v.value_or(Enum{});
}

trace::Event event_from(const nlohmann::json& j, const trace::ConnNames& names) {
  trace::Event e;
  e.time = parse_time(j.at("t").get<std::string>());
  const std::string kind = j.at("kind").get<std::string>();
  if (kind == "packet") {
    trace::PacketEvent p;
    p.number = j.at("number").get<std::uint64_t>();
    p.from = j.at("from").get<std::string>();
    p.to = j.at("to").get<std::string>();
    p.summary = j.at("summary").get<std::string>();
    p.length = j.at("length").get<std::uint32_t>();
    p.dropped = j.at("dropped").get<bool>();
    p.drop_reason = j.value("drop_reason", "");
    p.malformed = j.value("malformed", false);
    e.body = p;
  } else if (kind == "tcp_state") {
    trace::TcpStateEvent s;
    s.conn = conn_from(j, names);
    s.side = j.at("side").get<std::string>() == "server" ? net::Side::kServer : net::Side::kClient;
    // The writer prints the side's endpoint where there is no host name.
    s.host = j.at("host").get<std::string>();
    if (s.host == s.endpoint().to_string()) s.host.clear();
    s.from = state(j.at("from"));
    s.to = state(j.at("to"));
    s.cause = j.at("cause").get<std::string>();
    s.origin = j.at("origin").get<std::string>() == "observer" ? trace::Origin::kObserver : trace::Origin::kEndpoint;
    s.packet = j.at("packet").get<std::uint64_t>();
    e.body = s;
  } else if (kind == "arp_cache") {
    trace::ArpCacheEvent a;
    a.host = j.at("host").get<std::string>();
    a.ip = *net::Ipv4Addr::parse(j.at("ip").get<std::string>());
    a.old_mac = opt<net::MacAddr>(j, "old_mac");
    a.new_mac = opt<net::MacAddr>(j, "new_mac");
    for (auto [key, state] : {std::pair{"old_state", &a.old_state}, std::pair{"new_state", &a.new_state}}) {
      if (j.at(key) != "") *state = enum_named<arp::EntryState>(j.at(key), arp::parse_entry_state);
    }
    a.cause = enum_named<arp::Cause>(j.at("cause"), arp::parse_cause);
    e.body = a;
  } else if (kind == "alert") {
    trace::AlertEvent a;
    a.rule = enum_named<trace::AlertRule>(j.at("rule"), trace::parse_alert_rule);
    const std::string severity = j.at("severity").get<std::string>();
    a.severity = severity == "critical" ? trace::Severity::kCritical
                 : severity == "warning" ? trace::Severity::kWarning
                                         : trace::Severity::kInfo;
    a.ip = opt<net::IpAddr>(j, "ip");
    a.old_mac = opt<net::MacAddr>(j, "old_mac");
    a.new_mac = opt<net::MacAddr>(j, "new_mac");
    a.message = j.at("message").get<std::string>();
    a.packet = j.at("packet").get<std::uint64_t>();
    e.body = a;
  } else if (kind == "anomaly") {
    trace::AnomalyEvent a;
    a.name = j.at("name").get<std::string>();
    if (j.contains("client")) a.conn = conn_from(j, names);
    else a.subject = j.at("conn").get<std::string>();
    a.detail = j.at("detail").get<std::string>();
    a.packet = j.at("packet").get<std::uint64_t>();
    e.body = a;
  } else if (kind == "app") {
    // The ladder does not draw application events' connections.
    e.body = trace::AppEvent{j.at("host").get<std::string>(), j.at("action").get<std::string>(), std::nullopt,
                             j.at("detail").get<std::string>()};
  } else {
    e.body = trace::VerdictEvent{j.value("expectation", ""), j.value("pass", false), j.value("detail", "")};
  }
  return e;
}

std::vector<std::uint8_t> unhex(const std::string& s) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

std::string golden_path(const std::string& file) {
  return std::string(WIRESTATE_SOURCE_DIR) + "/tests/render/golden/" + file;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Fixture load_fixture(const std::string& name) {
  Fixture f;
  f.name = name;
  const std::string text = read_file(golden_path(name + ".trace.json"));
  EXPECT_FALSE(text.empty()) << "missing fixture " << golden_path(name + ".trace.json");
  if (text.empty()) return f;
  const auto j = nlohmann::json::parse(text);
  for (const auto& n : j.at("names")) {
    const net::Endpoint client = endpoint(n, "client");
    f.names.add({n.at("name").get<std::string>(), net::FlowKey(client, endpoint(n, "server")), client,
                 n.at("client_host").get<std::string>(), n.at("server_host").get<std::string>(),
                 parse_time(n.at("opened").get<std::string>())});
  }
  for (const auto& e : j.at("events")) f.events.push_back(event_from(e, f.names));
  for (const auto& fr : j.at("frames"))
    f.frames.push_back(FrameBytes{fr.at("number").get<std::uint64_t>(), parse_time(fr.at("t").get<std::string>()),
                                  unhex(fr.at("hex").get<std::string>())});
  return f;
}

}  // namespace wirestate::render::testing
