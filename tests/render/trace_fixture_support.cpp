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

trace::Event event_from(const nlohmann::json& j) {
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
    s.conn = j.at("conn").get<std::string>();
    s.side = j.at("side").get<std::string>();
    s.host = j.at("host").get<std::string>();
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
    a.old_state = j.at("old_state").get<std::string>();
    a.new_state = j.at("new_state").get<std::string>();
    a.cause = j.at("cause").get<std::string>();
    e.body = a;
  } else if (kind == "alert") {
    trace::AlertEvent a;
    a.rule = j.at("rule").get<std::string>();
    a.severity = j.at("severity").get<std::string>();
    a.ip = opt<net::Ipv4Addr>(j, "ip");
    a.old_mac = opt<net::MacAddr>(j, "old_mac");
    a.new_mac = opt<net::MacAddr>(j, "new_mac");
    a.message = j.at("message").get<std::string>();
    a.packet = j.at("packet").get<std::uint64_t>();
    e.body = a;
  } else if (kind == "anomaly") {
    e.body = trace::AnomalyEvent{j.at("name").get<std::string>(), j.at("conn").get<std::string>(),
                                 j.at("detail").get<std::string>(), j.at("packet").get<std::uint64_t>()};
  } else if (kind == "app") {
    e.body = trace::AppEvent{j.at("host").get<std::string>(), j.at("action").get<std::string>(),
                             j.at("conn").get<std::string>(), j.at("detail").get<std::string>()};
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
  for (const auto& e : j.at("events")) f.events.push_back(event_from(e));
  for (const auto& fr : j.at("frames"))
    f.frames.push_back(FrameBytes{fr.at("number").get<std::uint64_t>(), parse_time(fr.at("t").get<std::string>()),
                                  unhex(fr.at("hex").get<std::string>())});
  return f;
}

}  // namespace wirestate::render::testing
