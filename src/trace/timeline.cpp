#include "wirestate/trace/timeline.hpp"

#include <fmt/format.h>

namespace wirestate::trace {

namespace {

std::string mac_or_none(const std::optional<net::MacAddr>& m) { return m ? m->to_string() : "-"; }

// One line's body per typed event; connection names come from the table.
class BodyText {
 public:
  explicit BodyText(const ConnNames* names) : names_(names) {}

  std::string operator()(const PacketEvent& e) const {
    if (e.dropped) {
      return fmt::format("#{:<4} {} > {}  LOST ({})  {}", e.number, e.from, e.to.empty() ? "*" : e.to,
                         e.drop_reason, e.summary);
    }
    return fmt::format("#{:<4} {} > {}  {}{}", e.number, e.from, e.to, e.summary, e.malformed ? "  [malformed]" : "");
  }

  std::string operator()(const TcpStateEvent& e) const {
    return fmt::format("      {} {}[{}] {} -> {}  ({}){}", e.host.empty() ? e.endpoint().to_string() : e.host,
                       conn_text(e.conn, names_), net::to_string(e.side), tcp::to_string(e.from),
                       tcp::to_string(e.to), e.cause, e.origin == Origin::kObserver ? " [observer]" : "");
  }

  std::string operator()(const ArpCacheEvent& e) const {
    return fmt::format("      {} arp {} {} {} -> {} {}  ({})", e.host, e.ip.to_string(),
                       e.old_state ? arp::to_string(*e.old_state) : "(none)", mac_or_none(e.old_mac),
                       e.new_state ? arp::to_string(*e.new_state) : "(gone)", mac_or_none(e.new_mac),
                       arp::to_string(e.cause));
  }

  std::string operator()(const AlertEvent& e) const {
    return fmt::format("      ALERT {} [{}] {}{}", to_string(e.rule), to_string(e.severity), e.message,
                       e.packet ? fmt::format(" (packet {})", e.packet) : "");
  }

  std::string operator()(const AnomalyEvent& e) const {
    return fmt::format("      anomaly {} {} {}", e.name, e.conn ? conn_text(*e.conn, names_) : e.subject, e.detail);
  }

  std::string operator()(const AppEvent& e) const {
    return fmt::format("      {} {}{} {}", e.host, e.action, e.conn ? " " + conn_text(*e.conn, names_) : "", e.detail);
  }

  std::string operator()(const VerdictEvent& e) const {
    return fmt::format("      {} {}{}", e.pass ? "PASS" : "FAIL", e.expectation, e.detail.empty() ? "" : ": " + e.detail);
  }

 private:
  const ConnNames* names_;
};

}  // namespace

std::string relative_time(net::Time t, net::Time origin) {
  const std::int64_t ns = (t - origin).ns();
  const std::int64_t us = ns / 1000;
  return fmt::format("{:>4}.{:06d}", us / 1000000, us % 1000000);
}

std::string timeline_line(const Event& event, net::Time origin, const ConnNames* names) {
  return relative_time(event.time, origin) + "  " + std::visit(BodyText(names), event.body);
}

}  // namespace wirestate::trace
