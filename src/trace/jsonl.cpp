#include "wirestate/trace/jsonl.hpp"

namespace wirestate::trace {

namespace {

template <class T>
void put_optional(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = v->to_string();
  else j[key] = nullptr;
}

nlohmann::json body_json(const PacketEvent& e) {
  nlohmann::json j{{"number", e.number}, {"from", e.from},     {"to", e.to},
                   {"summary", e.summary}, {"length", e.length}, {"dropped", e.dropped}};
  if (e.dropped) j["drop_reason"] = e.drop_reason;
  if (e.malformed) j["malformed"] = true;
  return j;
}

nlohmann::json body_json(const TcpStateEvent& e) {
  return {{"conn", e.conn},   {"side", e.side},    {"host", e.host},
          {"from", std::string(tcp::to_string(e.from))}, {"to", std::string(tcp::to_string(e.to))},
          {"cause", e.cause}, {"origin", std::string(to_string(e.origin))}, {"packet", e.packet}};
}

nlohmann::json body_json(const ArpCacheEvent& e) {
  nlohmann::json j{{"host", e.host}, {"ip", e.ip.to_string()}, {"old_state", e.old_state},
                   {"new_state", e.new_state}, {"cause", e.cause}};
  put_optional(j, "old_mac", e.old_mac);
  put_optional(j, "new_mac", e.new_mac);
  return j;
}

nlohmann::json body_json(const AlertEvent& e) {
  nlohmann::json j{{"rule", e.rule}, {"severity", e.severity}, {"message", e.message}, {"packet", e.packet}};
  put_optional(j, "ip", e.ip);
  put_optional(j, "old_mac", e.old_mac);
  put_optional(j, "new_mac", e.new_mac);
  return j;
}

nlohmann::json body_json(const AnomalyEvent& e) {
  return {{"name", e.name}, {"conn", e.conn}, {"detail", e.detail}, {"packet", e.packet}};
}

nlohmann::json body_json(const AppEvent& e) {
  return {{"host", e.host}, {"action", e.action}, {"conn", e.conn}, {"detail", e.detail}};
}

nlohmann::json body_json(const VerdictEvent& e) {
  return {{"expectation", e.expectation}, {"pass", e.pass}, {"detail", e.detail}};
}

}  // namespace

nlohmann::json to_json(const Event& event) {
  nlohmann::json j = std::visit([](const auto& b) { return body_json(b); }, event.body);
  j["t"] = event.time.to_epoch_string();
  j["kind"] = std::string(kind_name(event));
  return j;
}

void JsonlWriter::write(const Event& event) { out_ << to_json(event).dump() << '\n'; }

}  // namespace wirestate::trace
