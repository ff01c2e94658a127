#include "wirestate/trace/jsonl.hpp"

namespace wirestate::trace {

namespace {

template <class T>
void put_optional(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = v->to_string();
  else j[key] = nullptr;
}

std::string state_text(const std::optional<arp::EntryState>& s) { return s ? std::string(arp::to_string(*s)) : ""; }

// Turns each typed body into its JSON object; connection names come from the table.
class BodyJson {
 public:
  explicit BodyJson(const ConnNames* names) : names_(names) {}

  nlohmann::json operator()(const PacketEvent& e) const {
    nlohmann::json j{{"number", e.number}, {"from", e.from},     {"to", e.to},
                     {"summary", e.summary}, {"length", e.length}, {"dropped", e.dropped}};
    if (e.dropped) j["drop_reason"] = e.drop_reason;
    if (e.malformed) j["malformed"] = true;
    return j;
  }

  nlohmann::json operator()(const TcpStateEvent& e) const {
    return {{"conn", conn_text(e.conn, names_)},
            {"side", std::string(net::to_string(e.side))},
            {"host", e.host.empty() ? e.endpoint().to_string() : e.host},
            {"client", e.conn.client.to_string()},
            {"server", e.conn.endpoint(net::Side::kServer).to_string()},
            {"from", std::string(tcp::to_string(e.from))},
            {"to", std::string(tcp::to_string(e.to))},
            {"cause", e.cause},
            {"origin", std::string(to_string(e.origin))},
            {"packet", e.packet}};
  }

  nlohmann::json operator()(const ArpCacheEvent& e) const {
    nlohmann::json j{{"host", e.host}, {"ip", e.ip.to_string()}, {"old_state", state_text(e.old_state)},
                     {"new_state", state_text(e.new_state)}, {"cause", std::string(arp::to_string(e.cause))}};
    put_optional(j, "old_mac", e.old_mac);
    put_optional(j, "new_mac", e.new_mac);
    return j;
  }

  nlohmann::json operator()(const AlertEvent& e) const {
    nlohmann::json j{{"rule", std::string(to_string(e.rule))},
                     {"severity", std::string(to_string(e.severity))},
                     {"message", e.message},
                     {"packet", e.packet}};
    put_optional(j, "ip", e.ip);
    put_optional(j, "old_mac", e.old_mac);
    put_optional(j, "new_mac", e.new_mac);
    return j;
  }

  nlohmann::json operator()(const AnomalyEvent& e) const {
    return {{"name", e.name}, {"conn", e.conn ? conn_text(*e.conn, names_) : e.subject}, {"detail", e.detail},
            {"packet", e.packet}};
  }

  nlohmann::json operator()(const AppEvent& e) const {
    return {{"host", e.host}, {"action", e.action}, {"conn", e.conn ? conn_text(*e.conn, names_) : ""},
            {"detail", e.detail}};
  }

  nlohmann::json operator()(const VerdictEvent& e) const {
    return {{"expectation", e.expectation}, {"pass", e.pass}, {"detail", e.detail}};
  }

 private:
  const ConnNames* names_;
};

}  // namespace

nlohmann::json to_json(const Event& event, const ConnNames* names) {
  nlohmann::json j = std::visit(BodyJson(names), event.body);
  j["t"] = event.time.to_epoch_string();
  j["kind"] = std::string(kind_name(event));
  return j;
}

void JsonlWriter::write(const Event& event) { out_ << to_json(event, names_).dump() << '\n'; }

}  // namespace wirestate::trace
