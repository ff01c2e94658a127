#include "wirestate/monitor/report.hpp"

#include <fmt/format.h>

namespace wirestate::monitor {

namespace {

using Json = nlohmann::ordered_json;

Json states_json(const std::vector<tcp::State>& path) {
  Json j = Json::array();
  for (auto s : path) j.push_back(std::string(tcp::to_string(s)));
  return j;
}

Json side_json(const net::Endpoint& e, const std::vector<tcp::State>& path, const tcp::DirectionStats& sent) {
  Json j;
  j["ip"] = e.addr.to_string();
  j["port"] = e.port;
  j["states"] = states_json(path);
  j["final"] = path.empty() ? Json(nullptr) : Json(std::string(tcp::to_string(path.back())));
  j["packets"] = sent.packets;
  j["bytes"] = sent.bytes;
  return j;
}

// Seconds with nanosecond precision as a JSON number.
double seconds(net::Duration d) { return d.seconds_f(); }

Json mac_or_null(const std::optional<net::MacAddr>& m) { return m ? Json(m->to_string()) : Json(nullptr); }

}  // namespace

Json to_json(const tcp::ConnectionSummary& c) {
  Json j;
  j["id"] = c.id;
  j["name"] = trace::endpoints_text(c.client, c.server);
  j["client"] = side_json(c.client, c.client_states, c.client_to_server);
  j["server"] = side_json(c.server, c.server_states, c.server_to_client);
  j["partial"] = c.partial;
  // The side none of whose segments the capture holds (one-direction tap, asymmetric routing).
  const auto unseen = c.unseen();
  j["unseen"] = unseen ? Json(std::string(net::to_string(*unseen))) : Json(nullptr);
  j["conn_state"] = c.conn_state;
  j["history"] = c.history;
  j["packets"] = c.client_to_server.packets + c.server_to_client.packets;
  j["bytes"] = c.client_to_server.bytes + c.server_to_client.bytes;
  j["first_packet"] = c.first_packet;
  j["last_packet"] = c.last_packet;
  j["start"] = c.first_seen.to_epoch_string();
  j["duration"] = seconds(c.duration());
  j["handshake_rtt"] = c.handshake_rtt ? Json(seconds(*c.handshake_rtt)) : Json(nullptr);
  Json anomalies = Json::object();
  for (std::size_t a = 0; a < tcp::kAnomalyCount; ++a) {
    if (c.anomalies[a] != 0) anomalies[std::string(tcp::to_string(static_cast<tcp::Anomaly>(a)))] = c.anomalies[a];
  }
  j["anomalies"] = std::move(anomalies);
  return j;
}

Json to_json(const UdpFlow& f) {
  Json j;
  j["id"] = f.id;
  j["client"] = {{"ip", f.client.addr.to_string()}, {"port", f.client.port},
                 {"packets", f.client_to_server.packets}, {"bytes", f.client_to_server.bytes}};
  j["server"] = {{"ip", f.server.addr.to_string()}, {"port", f.server.port},
                 {"packets", f.server_to_client.packets}, {"bytes", f.server_to_client.bytes}};
  j["packets"] = f.client_to_server.packets + f.server_to_client.packets;
  j["bytes"] = f.client_to_server.bytes + f.server_to_client.bytes;
  j["icmp_unreachable"] = f.icmp_unreachable;
  j["first_packet"] = f.first_packet;
  j["last_packet"] = f.last_packet;
  j["start"] = f.first_seen.to_epoch_string();
  j["duration"] = seconds(f.last_seen - f.first_seen);
  return j;
}

namespace {

// One spoof-detector alert (arp::Alert or ndp::Alert: the same fields).
template <class DetectorAlert>
Json alert_json(const DetectorAlert& a) {
  Json j;
  j["rule"] = std::string(to_string(a.rule));
  j["severity"] = std::string(trace::to_string(a.severity));
  j["ip"] = a.ip.to_string();
  j["old_mac"] = mac_or_null(a.old_mac);
  j["new_mac"] = mac_or_null(a.new_mac);
  j["packet"] = a.packet;
  j["time"] = a.time.to_epoch_string();
  j["message"] = a.message;
  return j;
}

// Alerts of one detector split into warnings/criticals and informational notices.
template <class DetectorAlert>
void put_alerts(Json& j, const std::string& family, const std::vector<DetectorAlert>& all, std::uint64_t not_kept) {
  Json alerts = Json::array();
  Json notices = Json::array();
  for (const auto& a : all) (a.severity == trace::Severity::kInfo ? notices : alerts).push_back(alert_json(a));
  j[family + "_alerts"] = std::move(alerts);
  j[family + "_notices"] = std::move(notices);
  j[family + "_alerts_not_listed"] = not_kept;
}

}  // namespace

Json to_json(const arp::Alert& a) { return alert_json(a); }
Json to_json(const ndp::Alert& a) { return alert_json(a); }

Json report_json(const Monitor& monitor, const ReportSource& source) {
  const auto& c = monitor.counters();
  Json j;
  j["file"] = source.file;
  j["filter"] = source.filter;
  j["complete"] = !source.problem.has_value();
  j["problem"] = source.problem ? Json(*source.problem) : Json(nullptr);
  j["packets"] = c.frames;
  j["bytes"] = c.bytes;
  j["malformed"] = c.malformed;
  Json kinds = Json::object();
  for (const auto& [k, n] : c.malformed_by_kind) kinds[k] = n;
  j["malformed_by_kind"] = std::move(kinds);
  j["protocols"] = {{"arp", c.arp}, {"ipv4", c.ipv4}, {"tcp", c.tcp}, {"udp", c.udp},
                    {"icmp", c.icmp}, {"ipv6", c.ipv6}, {"icmpv6", c.icmpv6}, {"ndp", c.ndp},
                    {"other", c.other}};

  Json conns = Json::array();
  for (const auto& s : monitor.connections()) conns.push_back(to_json(s));
  j["connections"] = std::move(conns);
  const auto& oc = monitor.observer().counters();
  j["tcp_table"] = {{"connections", oc.connections},
                    {"cap", monitor.observer().config().max_connections},
                    {"peak", oc.peak_connections},
                    {"evicted_closed", oc.evicted_closed},
                    {"evicted_idle", oc.evicted_idle},
                    {"retired_reused", oc.retired_reused},
                    {"not_listed", c.connections_not_kept}};

  put_alerts(j, "arp", monitor.arp_alerts(), c.arp_alerts_not_kept);
  put_alerts(j, "ndp", monitor.ndp_alerts(), c.ndp_alerts_not_kept);

  Json flows = Json::array();
  for (const auto& f : monitor.udp_flows()) flows.push_back(to_json(f));
  j["udp_flows"] = std::move(flows);
  j["udp_table"] = {{"flows", monitor.udp_table().created()},
                    {"evicted", monitor.udp_table().evictions()},
                    {"not_listed", c.udp_flows_not_kept}};

  const auto& icmp = monitor.icmp();
  j["icmp"] = {{"echo_request", icmp.echo_request}, {"echo_reply", icmp.echo_reply},
               {"dest_unreachable", icmp.dest_unreachable}, {"time_exceeded", icmp.time_exceeded},
               {"other", icmp.other}, {"bad_checksum", icmp.bad_checksum}};

  const auto& rc = monitor.reassembler().counters();
  j["ipv4_fragments"] = {{"fragments", rc.fragments}, {"reassembled", rc.completed},
                         {"timeouts", rc.timeouts}, {"overlaps", rc.overlaps},
                         {"duplicates", rc.duplicates}, {"evictions", rc.evictions},
                         {"other_drops", rc.other_drops}};
  return j;
}

}  // namespace wirestate::monitor
