#include "wirestate/render/ladder.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "packet_text.hpp"
#include "wirestate/net/endpoint.hpp"
#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"

namespace wirestate::render {

namespace {

// Everything the trace and the frame say about one wire number.
struct PacketInfo {
  std::uint64_t number = 0;
  std::size_t first_event = 0;  // trace index of its first packet event
  net::Time sent;
  bool sent_seen = false;       // a non-dropped event exists
  std::string from, to, summary;
  std::uint32_t length = 0;
  bool lost = false;
  std::vector<std::string> lost_to;
  std::string drop_reason;
  bool malformed = false;
  detail::PacketText text;
  std::optional<net::IpAddr> src_ip;
  std::optional<std::uint32_t> arp_spa, arp_tpa;
  std::string src_mac;
};

struct Connection {
  std::string id;          // "a:p-b:q"
  std::string client_ip, server_ip;
  std::uint16_t client_port = 0, server_port = 0;
  std::vector<std::size_t> packets;  // indices into the packet list
  std::string name;        // a scenario's name for it ("c"), else ""
};

std::optional<net::IpAddr> parse_ip(std::string_view s) {
  auto ip = net::IpAddr::parse(s);
  if (!ip) return std::nullopt;
  return *ip;
}

// "10.0.0.1:32768" -> ("10.0.0.1", 32768), "[2001:db8::1]:80" -> ("2001:db8::1", 80);
// anything else -> (s, 0).
std::pair<std::string, std::uint16_t> split_endpoint(const std::string& s) {
  const auto e = net::Endpoint::parse(s);
  if (!e) return {s, 0};
  return {e->addr.to_string(), e->port};
}

// The selector grammar of LadderOptions::select.
bool matches(const std::string& sel, std::size_t index, const Connection& c) {
  if (sel.empty()) return false;
  if (sel.find_first_not_of("0123456789") == std::string::npos) return sel.size() < 10 && std::stoul(sel) == index + 1;
  if (sel == c.id || (!c.name.empty() && sel == c.name)) return true;
  if (sel[0] == ':') {
    const auto [ip, port] = split_endpoint("0.0.0.0" + sel);
    return port != 0 && (port == c.client_port || port == c.server_port);
  }
  const auto [ip, port] = split_endpoint(sel);
  if (port != 0) return (ip == c.client_ip && port == c.client_port) || (ip == c.server_ip && port == c.server_port);
  return parse_ip(sel) && (sel == c.client_ip || sel == c.server_ip);
}

class Builder {
 public:
  Builder(const std::vector<trace::Event>& events, const std::vector<FrameBytes>& frames, const LadderOptions& options)
      : events_(events), options_(options) {
    for (const auto& e : events) origin_ = std::min(origin_, e.time);
    if (events.empty()) origin_ = net::Time();
    for (const auto& f : frames) frames_.emplace(f.number, &f);
    collect_packets();
    describe_packets();
    collect_connections();
  }

  Ladder build() {
    Ladder ladder;
    ladder.title = options_.title;
    std::vector<std::size_t> chosen;
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      bool take = options_.select.empty();
      for (const auto& s : options_.select) take = take || matches(s, i, conns_[i]);
      if (take) chosen.push_back(i);
    }
    for (const auto& s : options_.select) {
      bool any = false;
      for (std::size_t i = 0; i < conns_.size(); ++i) any = any || matches(s, i, conns_[i]);
      if (!any) ladder.unmatched.push_back(s);
    }
    if (options_.per_connection && !conns_.empty()) {
      for (std::size_t i : chosen) {
        if (ladder.sections.size() == options_.max_sections) { ++ladder.omitted_sections; continue; }
        ladder.sections.push_back(section_for({i}, fmt_title(i)));
      }
    } else if (options_.select.empty()) {
      std::vector<std::size_t> all;
      for (std::size_t i = 0; i < packets_.size(); ++i)
        if (options_.arp || packets_[i].text.kind != ArrowKind::kArp) all.push_back(i);
      ladder.sections.push_back(make_section(all, nullptr, ""));
    } else {
      ladder.sections.push_back(section_for(chosen, ""));
    }
    return ladder;
  }

 private:
  std::string fmt_title(std::size_t i) const {
    const auto& c = conns_[i];
    return "connection " + std::to_string(i + 1) + ": " + c.id + (c.name.empty() ? "" : " (" + c.name + ")");
  }

  void collect_packets() {
    std::unordered_map<std::uint64_t, std::size_t> index;
    for (std::size_t i = 0; i < events_.size(); ++i) {
      const auto* p = std::get_if<trace::PacketEvent>(&events_[i].body);
      if (!p) continue;
      auto [it, fresh] = index.emplace(p->number, packets_.size());
      if (fresh) {
        PacketInfo info;
        info.number = p->number;
        info.first_event = i;
        info.sent = events_[i].time;
        info.from = p->from;
        info.to = p->to;
        info.summary = p->summary;
        info.length = p->length;
        packets_.push_back(std::move(info));
      }
      PacketInfo& info = packets_[it->second];
      info.malformed = info.malformed || p->malformed;
      if (p->dropped) {
        info.lost = true;
        info.lost_to.push_back(p->to);
        if (info.drop_reason.empty()) info.drop_reason = p->drop_reason;
      } else if (!info.sent_seen) {
        info.sent_seen = true;
        info.sent = events_[i].time;
        info.to = p->to;
      }
    }
    std::stable_sort(packets_.begin(), packets_.end(),
                     [](const PacketInfo& a, const PacketInfo& b) { return a.number < b.number; });
    for (std::size_t i = 0; i < packets_.size(); ++i) by_number_[packets_[i].number] = i;
  }

  void describe_packets() {
    detail::TcpTracker tracker;
    detail::ConnNames names;
    for (auto& info : packets_) {
      auto f = frames_.find(info.number);
      if (f == frames_.end()) {
        info.text.label = info.summary;
        info.text.kind = info.summary.rfind("ARP", 0) == 0 ? ArrowKind::kArp : ArrowKind::kOther;
        info.text.detail = "Frame " + std::to_string(info.number) + " (bytes not available)\n" + info.summary + "\n";
        continue;
      }
      const FrameBytes& frame = *f->second;
      const auto decoded = wire::decode(net::Bytes(frame.bytes.data(), frame.bytes.size()), frame.link,
                                        static_cast<std::uint32_t>(frame.bytes.size()));
      info.text = detail::describe(frame, decoded, tracker, names, origin_);
      if (info.text.label.empty()) info.text.label = info.summary;
      if (decoded.ipv4) info.src_ip = net::IpAddr(decoded.ipv4->src());
      else if (decoded.ipv6) info.src_ip = net::IpAddr(decoded.ipv6->src());
      if (decoded.ethernet) info.src_mac = decoded.ethernet->src().to_string();
      if (decoded.arp && decoded.arp->is_ethernet_ipv4() && decoded.arp->addresses_present()) {
        info.arp_spa = net::Ipv4Addr::from_bytes(decoded.arp->sender_proto().data()).value();
        info.arp_tpa = net::Ipv4Addr::from_bytes(decoded.arp->target_proto().data()).value();
      }
      if (decoded.malformed()) info.malformed = true;
      // Captures name a frame's ends by MAC for ARP and by IPv4 address for IP: a MAC
      // that sent IPv4 is drawn on that address's lifeline.
      if (info.src_ip && !info.src_mac.empty()) mac_ip_.emplace(info.src_mac, info.src_ip->to_string());
    }
  }

  void collect_connections() {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < packets_.size(); ++i) {
      const std::string& id = packets_[i].text.conn;
      if (id.empty()) continue;
      auto [it, fresh] = index.emplace(id, conns_.size());
      if (fresh) {
        Connection c;
        c.id = id;
        const auto dash = id.find('-');
        std::tie(c.client_ip, c.client_port) = split_endpoint(id.substr(0, dash));
        std::tie(c.server_ip, c.server_port) = split_endpoint(id.substr(dash + 1));
        conns_.push_back(std::move(c));
      }
      conns_[it->second].packets.push_back(i);
    }
    // Every flow's latest connection id, for events that name no drawn packet.
    for (const auto& p : packets_) {
      if (p.text.flow && !p.text.conn.empty()) flow_ids_[*p.text.flow] = p.text.conn;
    }
    // A scenario's name for a connection comes with its state events.
    if (options_.names == nullptr) return;
    for (const auto& e : events_) {
      const auto* s = std::get_if<trace::TcpStateEvent>(&e.body);
      if (!s || s->conn.name == trace::kUnnamed) continue;
      const auto ci = index.find(conn_id(s->conn, s->packet));
      if (ci != index.end() && conns_[ci->second].name.empty()) conns_[ci->second].name = options_.names->text(s->conn);
    }
  }

  // The drawn connection an event belongs to: that of the packet it names, else the
  // latest one of its flow, else its own endpoints (a connection no drawn packet has).
  std::string conn_id(const trace::ConnRef& conn, std::uint64_t packet) const {
    if (auto p = by_number_.find(packet); packet != 0 && p != by_number_.end() && !packets_[p->second].text.conn.empty() &&
                                          packets_[p->second].text.flow == conn.flow) {
      return packets_[p->second].text.conn;
    }
    if (auto f = flow_ids_.find(conn.flow); f != flow_ids_.end()) return f->second;
    return conn.endpoints_text();
  }

  Section section_for(const std::vector<std::size_t>& chosen, const std::string& title) {
    std::set<std::size_t> take;
    std::set<net::IpAddr> ips;
    std::set<std::string> ids;
    for (std::size_t ci : chosen) {
      const auto& c = conns_[ci];
      take.insert(c.packets.begin(), c.packets.end());
      if (auto ip = parse_ip(c.client_ip)) ips.insert(*ip);
      if (auto ip = parse_ip(c.server_ip)) ips.insert(*ip);
      ids.insert(c.id);
    }
    if (options_.arp)
      for (std::size_t i = 0; i < packets_.size(); ++i) {
        const auto& p = packets_[i];
        if ((p.arp_spa && ips.count(net::Ipv4Addr(*p.arp_spa))) || (p.arp_tpa && ips.count(net::Ipv4Addr(*p.arp_tpa))))
          take.insert(i);
      }
    std::vector<std::string> first;
    if (chosen.size() == 1) first = {conns_[chosen[0]].client_ip, conns_[chosen[0]].server_ip};
    return make_section({take.begin(), take.end()}, &ids, title, first);
  }

  // The lifeline name of an address or host as events give it.
  std::string canonical(const std::string& name) const {
    if (auto it = mac_ip_.find(name); it != mac_ip_.end()) return it->second;
    return split_endpoint(name).first;
  }

  bool state_in(const trace::TcpStateEvent& s, const std::set<std::string>* ids) const {
    return !ids || ids->count(conn_id(s.conn, s.packet)) != 0;
  }

  Section make_section(const std::vector<std::size_t>& packet_indices, const std::set<std::string>* ids,
                       const std::string& title, const std::vector<std::string>& first_lifelines = {}) {
    Section sec;
    sec.title = title;
    sec.origin = origin_;
    std::map<std::string, std::size_t> lifeline;
    auto line = [&](const std::string& raw) {
      const std::string name = canonical(raw);
      auto [it, fresh] = lifeline.emplace(name, sec.lifelines.size());
      if (fresh) sec.lifelines.push_back(Lifeline{name, "", ""});
      return it->second;
    };
    for (const auto& n : first_lifelines) line(n);

    std::unordered_map<std::uint64_t, std::size_t> arrow_of;
    std::vector<std::size_t> arrow_event;  // trace index per arrow
    for (std::size_t pi : packet_indices) {
      const PacketInfo& p = packets_[pi];
      if (sec.arrows.size() == options_.max_arrows) { ++sec.omitted; continue; }
      Arrow a;
      a.number = p.number;
      a.from = line(p.from);
      if (p.to != "*") a.to = line(p.to);
      a.sent = p.sent;
      a.kind = p.text.kind;
      a.label = p.text.label;
      a.preview = p.text.preview;
      a.options = p.text.options;
      a.summary = p.summary;
      a.detail = p.text.detail;
      a.length = p.length;
      a.lost = p.lost;
      for (const auto& t : p.lost_to)
        if (t != "*") a.lost_to.push_back(line(t));
      a.drop_reason = p.drop_reason;
      a.retransmission = p.text.retransmission;
      a.malformed = p.malformed;
      a.conn = p.text.conn;
      Lifeline& sender = sec.lifelines[a.from];
      if (sender.ip.empty() && p.src_ip) sender.ip = p.src_ip->to_string();
      if (sender.mac.empty() && !p.src_mac.empty())
        sender.mac = p.src_mac;
      arrow_of[p.number] = sec.arrows.size();
      arrow_event.push_back(p.first_event);
      sec.arrows.push_back(std::move(a));
    }

    struct Pending { Row row; std::size_t event; };
    std::vector<Pending> rows;
    for (std::size_t i = 0; i < sec.arrows.size(); ++i)
      rows.push_back({Row{Row::Kind::kArrow, i, sec.arrows[i].sent, {}}, 2 * arrow_event[i]});

    for (std::size_t ei = 0; ei < events_.size(); ++ei) {
      const auto& e = events_[ei];
      if (const auto* s = std::get_if<trace::TcpStateEvent>(&e.body)) {
        if (!state_in(*s, ids)) continue;
        StateMark m;
        m.lifeline = line(s->host.empty() ? s->endpoint().to_string() : s->host);
        m.from = s->from;
        m.to = s->to;
        m.conn = conn_id(s->conn, s->packet);
        m.cause = s->cause;
        m.time = e.time;
        m.origin = s->origin;
        anchor(m, s->packet, sec, arrow_of);
        // Observer events come when inferred, not when the state changed: they sort
        // against their frame. The endpoint's own events sort by their time.
        Pending row{Row{Row::Kind::kState, sec.states.size(), e.time, {}}, 2 * ei};
        if (m.origin == trace::Origin::kObserver && m.anchor != Anchor::kOwnRow) {
          row.row.time = sec.arrows[m.arrow].sent;
          row.event = 2 * arrow_event[m.arrow] + (m.anchor == Anchor::kArrowEnd ? 1 : 0) - (m.anchor == Anchor::kArrowStart ? 1 : 0);
        }
        rows.push_back(row);
        sec.states.push_back(std::move(m));
      } else if (const auto* al = std::get_if<trace::AlertEvent>(&e.body)) {
        const std::string text =
            fmt::format("{} {}: {}", trace::to_string(al->severity), trace::to_string(al->rule), al->message);
        const bool alarm = al->severity != trace::Severity::kInfo;
        if (auto a = arrow_of.find(al->packet); al->packet != 0 && a != arrow_of.end()) {
          sec.arrows[a->second].alerts.push_back(text);
          sec.arrows[a->second].alert = sec.arrows[a->second].alert || alarm;
        } else if (!ids && alarm) {
          rows.push_back({Row{Row::Kind::kNote, sec.notes.size(), e.time, {}}, 2 * ei});
          sec.notes.push_back(Note{e.time, text, true});
        }
      } else if (const auto* an = std::get_if<trace::AnomalyEvent>(&e.body)) {
        const std::string text = an->name + (an->detail.empty() ? "" : ": " + an->detail);
        if (auto a = arrow_of.find(an->packet); an->packet != 0 && a != arrow_of.end()) {
          sec.arrows[a->second].anomalies.push_back(text);
          if (an->name.find("retransmission") != std::string::npos) sec.arrows[a->second].retransmission = true;
        } else if (!ids || (an->conn && ids->count(conn_id(*an->conn, an->packet)))) {
          rows.push_back({Row{Row::Kind::kNote, sec.notes.size(), e.time, {}}, 2 * ei});
          sec.notes.push_back(Note{e.time, text, false});
        }
      }
    }

    std::stable_sort(rows.begin(), rows.end(), [](const Pending& a, const Pending& b) {
      if (a.row.time != b.row.time) return a.row.time < b.row.time;
      return a.event < b.event;
    });
    insert_gaps(rows, sec);
    return sec;
  }

  // Where a state change is drawn: at the end of the arrow that caused it when it
  // arrived on this lifeline, at its start when this lifeline sent it, at the start of
  // the next frame this lifeline sends at the same instant (a close that sends a FIN),
  // else on a row of its own.
  static void anchor(StateMark& m, std::uint64_t packet, const Section& sec,
                     const std::unordered_map<std::uint64_t, std::size_t>& arrow_of) {
    if (packet != 0) {
      if (auto a = arrow_of.find(packet); a != arrow_of.end()) {
        const Arrow& arrow = sec.arrows[a->second];
        m.arrow = a->second;
        if (arrow.from == m.lifeline) m.anchor = Anchor::kArrowStart;
        else if (!arrow.to || *arrow.to == m.lifeline) m.anchor = Anchor::kArrowEnd;
        if (m.anchor != Anchor::kOwnRow) return;
      }
    }
    for (std::size_t i = 0; i < sec.arrows.size(); ++i) {
      const Arrow& arrow = sec.arrows[i];
      if (arrow.sent == m.time && arrow.from == m.lifeline) {
        m.anchor = Anchor::kArrowStart;
        m.arrow = i;
        return;
      }
      if (arrow.sent > m.time) break;
    }
  }

  template <class Pending>
  static void insert_gaps(const std::vector<Pending>& rows, Section& sec) {
    std::vector<std::int64_t> steps;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const auto d = (rows[i].row.time - rows[i - 1].row.time).ns();
      if (d > 0) steps.push_back(d);
    }
    std::int64_t threshold = net::Duration::milliseconds(50).ns();
    if (!steps.empty()) {
      std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
      threshold = std::max(threshold, 10 * steps[steps.size() / 2]);
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i > 0) {
        const auto d = rows[i].row.time - rows[i - 1].row.time;
        if (d.ns() >= threshold) sec.rows.push_back(Row{Row::Kind::kGap, 0, rows[i - 1].row.time, d});
      }
      sec.rows.push_back(rows[i].row);
    }
  }

  const std::vector<trace::Event>& events_;
  const LadderOptions& options_;
  net::Time origin_ = net::Time::max();
  std::unordered_map<std::uint64_t, const FrameBytes*> frames_;
  std::vector<PacketInfo> packets_;
  std::unordered_map<std::uint64_t, std::size_t> by_number_;
  std::map<std::string, std::string> mac_ip_;
  std::vector<Connection> conns_;
  std::map<net::FlowKey, std::string> flow_ids_;  // a flow's latest connection id
};

}  // namespace

Ladder build_ladder(const std::vector<trace::Event>& events, const std::vector<FrameBytes>& frames,
                    const LadderOptions& options) {
  return Builder(events, frames, options).build();
}

}  // namespace wirestate::render
