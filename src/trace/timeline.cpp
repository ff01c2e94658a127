#include "wirestate/trace/timeline.hpp"

#include <fmt/format.h>

namespace wirestate::trace {

namespace {

std::string mac_or_none(const std::optional<net::MacAddr>& m) { return m ? m->to_string() : "-"; }

std::string body_text(const PacketEvent& e) {
  if (e.dropped) {
    return fmt::format("#{:<4} {} > {}  LOST ({})  {}", e.number, e.from, e.to.empty() ? "*" : e.to,
                       e.drop_reason, e.summary);
  }
  return fmt::format("#{:<4} {} > {}  {}{}", e.number, e.from, e.to, e.summary, e.malformed ? "  [malformed]" : "");
}

std::string body_text(const TcpStateEvent& e) {
  const std::string who = e.side.empty() ? e.conn : fmt::format("{}[{}]", e.conn, e.side);
  return fmt::format("      {} {} {} -> {}  ({}){}", e.host, who, tcp::to_string(e.from), tcp::to_string(e.to),
                     e.cause, e.origin == Origin::kObserver ? " [observer]" : "");
}

std::string body_text(const ArpCacheEvent& e) {
  return fmt::format("      {} arp {} {} {} -> {} {}  ({})", e.host, e.ip.to_string(),
                     e.old_state.empty() ? "(none)" : e.old_state, mac_or_none(e.old_mac),
                     e.new_state.empty() ? "(gone)" : e.new_state, mac_or_none(e.new_mac), e.cause);
}

std::string body_text(const AlertEvent& e) {
  return fmt::format("      ALERT {} [{}] {}{}", e.rule, e.severity, e.message,
                     e.packet ? fmt::format(" (packet {})", e.packet) : "");
}

std::string body_text(const AnomalyEvent& e) {
  return fmt::format("      anomaly {} {} {}", e.name, e.conn, e.detail);
}

std::string body_text(const AppEvent& e) {
  return fmt::format("      {} {}{} {}", e.host, e.action, e.conn.empty() ? "" : " " + e.conn, e.detail);
}

std::string body_text(const VerdictEvent& e) {
  return fmt::format("      {} {}{}", e.pass ? "PASS" : "FAIL", e.expectation, e.detail.empty() ? "" : ": " + e.detail);
}

}  // namespace

std::string relative_time(net::Time t, net::Time origin) {
  const std::int64_t ns = (t - origin).ns();
  const std::int64_t us = ns / 1000;
  return fmt::format("{:>4}.{:06d}", us / 1000000, us % 1000000);
}

std::string timeline_line(const Event& event, net::Time origin) {
  return relative_time(event.time, origin) + "  " +
         std::visit([](const auto& b) { return body_text(b); }, event.body);
}

}  // namespace wirestate::trace
