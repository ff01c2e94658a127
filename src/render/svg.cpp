#include "svg_draw.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "text.hpp"
#include "wirestate/render/svg.hpp"

namespace wirestate::render {

namespace detail {

namespace {

constexpr double kLeft = 210;      // time column and the first lifeline's state names
constexpr double kRight = 210;     // the last lifeline's state names
constexpr double kHeader = 96;     // title and lifeline boxes
constexpr double kArrowPitch = 52;
constexpr double kSlant = 16;      // how far an arrow drops from sender to receiver
constexpr double kSmallPitch = 26; // own-row states and notes
constexpr double kMaxStretch = 60; // at most this much extra space for elapsed time
constexpr double kStateChar = 6.7; // monospace 11px bold

constexpr const char* kCss = R"(
text{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;font-size:12px;fill:#1b1b1b}
.title{font-size:16px;font-weight:bold}
.section-title{font-size:13px;font-weight:bold;fill:#333}
.host{fill:#eef2f7;stroke:#5c6b80;stroke-width:1.2}
.host-name{font-size:14px;font-weight:bold;text-anchor:middle}
.host-addr{font-size:10px;fill:#555;text-anchor:middle}
.lifeline{stroke:#8a94a6;stroke-width:1.5}
.time{font-family:'DejaVu Sans Mono',monospace;font-size:11px;fill:#777}
.arrow{color:#1d3557}
.arrow.arp{color:#2a7f75}
.arrow.retrans{color:#d9480f}
.arrow.lost{color:#c92a2a}
.arrow.alert{color:#b00020}
.body{stroke:currentColor;stroke-width:1.6;fill:none}
.arrow.arp .body{stroke-dasharray:6 3}
.arrow.bcast .body{stroke-dasharray:2 3}
.arrow.retrans .body,.arrow.alert .body{stroke-width:2.4}
.head{fill:currentColor}
.cross{stroke:#c92a2a;stroke-width:2.6}
.hit{stroke:transparent;stroke-width:14;fill:none}
.label{text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
.num{fill:#888;font-weight:bold}
.preview{fill:#0b7a3b;font-weight:bold}
.tag{fill:currentColor;font-weight:bold}
.options{font-size:10px;fill:#777;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:3px}
.band-retrans{fill:#fff1e6}
.band-alert{fill:#ffe3e3}
.band-lost{fill:#fff0f0}
.state rect{fill:#fff7d6;stroke:#c9a227;stroke-width:1}
.state text{font-family:'DejaVu Sans Mono',monospace;font-size:11px;font-weight:bold;fill:#5c4400}
.gap rect{fill:#fff}
.gap text{font-style:italic;fill:#666;text-anchor:middle}
.gap path{stroke:#8a94a6;stroke-width:1.5;fill:none}
.note{fill:#b00020;font-weight:bold}
.note.info{fill:#555;font-weight:normal}
.legend{font-size:10px;fill:#666}
)";

std::string num(double v) { return fmt::format("{:.1f}", v); }

// Vertical positions of one section, computed once and used by every drawing pass.
struct Layout {
  std::vector<double> x;          // per lifeline
  std::vector<double> y0, y1;     // per arrow: start (sender) and end (receiver)
  std::vector<double> state_y;    // per state
  std::vector<double> row_y;      // per row
  double height = 0;
};

Layout layout(const Section& sec, double spacing) {
  Layout l;
  for (std::size_t i = 0; i < sec.lifelines.size(); ++i) l.x.push_back(kLeft + static_cast<double>(i) * spacing);
  l.y0.assign(sec.arrows.size(), 0);
  l.y1.assign(sec.arrows.size(), 0);
  l.state_y.assign(sec.states.size(), 0);
  // Elapsed time is drawn to scale: the median step between rows gets 14 px.
  std::vector<double> steps;
  for (std::size_t i = 1; i < sec.rows.size(); ++i) {
    const double ms = (sec.rows[i].time - sec.rows[i - 1].time).milliseconds_f();
    if (ms > 0 && sec.rows[i].kind != Row::Kind::kGap && sec.rows[i - 1].kind != Row::Kind::kGap) steps.push_back(ms);
  }
  double px_per_ms = 14;
  if (!steps.empty()) {
    std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
    px_per_ms = 14 / steps[steps.size() / 2];
  }
  double y = kHeader + 20;
  double last_arrow_y0 = 0;
  std::optional<net::Time> prev;
  for (const Row& row : sec.rows) {
    if (row.kind == Row::Kind::kGap) {
      l.row_y.push_back(y);
      y += 40;
      prev = row.time + row.skipped;
      continue;
    }
    if (row.kind == Row::Kind::kState && sec.states[row.index].anchor != Anchor::kOwnRow) {
      // At its frame's start or end, but never above a frame that left before it happened.
      // (The arrow may come later in row order: the final place is set below.)
      l.state_y[row.index] = last_arrow_y0;
      l.row_y.push_back(last_arrow_y0);
      continue;
    }
    if (prev) y += std::min(kMaxStretch, std::max(0.0, (row.time - *prev).milliseconds_f() * px_per_ms));
    prev = row.time;
    l.row_y.push_back(y);
    if (row.kind == Row::Kind::kArrow) {
      l.y0[row.index] = y + 10;
      l.y1[row.index] = y + 10 + kSlant;
      last_arrow_y0 = l.y0[row.index];
      y += kArrowPitch;
    } else {
      if (row.kind == Row::Kind::kState) l.state_y[row.index] = y + 8;
      y += kSmallPitch;
    }
  }
  for (std::size_t i = 0; i < sec.states.size(); ++i) {
    const StateMark& s = sec.states[i];
    if (s.anchor == Anchor::kArrowStart) l.state_y[i] = std::max(l.state_y[i], l.y0[s.arrow]);
    if (s.anchor == Anchor::kArrowEnd) l.state_y[i] = std::max(l.state_y[i], l.y1[s.arrow]);
  }
  // Several states close together on one lifeline stack downwards, in row order.
  std::map<std::size_t, double> last;
  std::vector<std::size_t> order;
  for (const Row& row : sec.rows)
    if (row.kind == Row::Kind::kState) order.push_back(row.index);
  for (std::size_t i : order) {
    auto it = last.find(sec.states[i].lifeline);
    if (it != last.end() && l.state_y[i] < it->second + 18) l.state_y[i] = it->second + 18;
    last[sec.states[i].lifeline] = l.state_y[i];
    y = std::max(y, l.state_y[i] + 16);
  }
  l.height = y + 30;
  return l;
}

std::string arrow_classes(const Arrow& a) {
  std::string c = "arrow";
  switch (a.kind) {
    case ArrowKind::kTcp: c += " tcp"; break;
    case ArrowKind::kArp: c += " arp"; break;
    case ArrowKind::kUdp: c += " udp"; break;
    case ArrowKind::kIcmp: c += " icmp"; break;
    case ArrowKind::kOther: c += " other"; break;
  }
  if (!a.to) c += " bcast";
  if (a.lost) c += " lost";
  if (a.retransmission) c += " retrans";
  if (a.alert) c += " alert";
  if (a.malformed) c += " malformed";
  return c;
}

std::string head(double x0, double y0, double x1, double y1) {
  const double dx = x1 - x0, dy = y1 - y0;
  const double len = std::max(1e-6, std::hypot(dx, dy));
  const double ux = dx / len, uy = dy / len;
  const double bx = x1 - 11 * ux, by = y1 - 11 * uy;
  return fmt::format("<polygon class=\"head\" points=\"{},{} {},{} {},{}\"/>", num(x1), num(y1), num(bx - 4.5 * uy),
                     num(by + 4.5 * ux), num(bx + 4.5 * uy), num(by - 4.5 * ux));
}

class SectionDrawer {
 public:
  SectionDrawer(const Section& sec, std::size_t index, double spacing)
      : sec_(sec), index_(index), spacing_(spacing), l_(layout(sec, spacing)) {}

  double height() const { return l_.height; }

  std::string draw(double width, std::map<std::string, std::string>& details) {
    std::string out;
    if (!sec_.title.empty()) out += fmt::format("<text class=\"section-title\" x=\"16\" y=\"20\">{}</text>\n", xml_escape(sec_.title));
    bands(out, width);
    lifelines(out);
    for (std::size_t r = 0; r < sec_.rows.size(); ++r) {
      const Row& row = sec_.rows[r];
      if (row.kind == Row::Kind::kGap) gap(out, l_.row_y[r], row.skipped, width);
      if (row.kind == Row::Kind::kNote) note(out, l_.row_y[r], sec_.notes[row.index]);
    }
    for (std::size_t i = 0; i < sec_.arrows.size(); ++i) arrow(out, i, details);
    for (const Row& row : sec_.rows)  // in row order: top to bottom on each lifeline
      if (row.kind == Row::Kind::kState) state(out, row.index, details);
    if (sec_.omitted)
      out += fmt::format("<text class=\"note info\" x=\"16\" y=\"{}\">… {} more frames not drawn</text>\n", num(l_.height - 10),
                         sec_.omitted);
    return out;
  }

 private:
  std::string key(char kind, std::size_t i) const { return fmt::format("s{}{}{}", index_, kind, i); }
  std::string host(std::size_t i) const { return xml_escape(sec_.lifelines[i].name); }

  void bands(std::string& out, double width) {
    for (std::size_t i = 0; i < sec_.arrows.size(); ++i) {
      const Arrow& a = sec_.arrows[i];
      const char* cls = a.alert ? "band-alert" : a.retransmission ? "band-retrans" : a.lost ? "band-lost" : nullptr;
      if (cls)
        out += fmt::format("<rect class=\"{}\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n", cls, num(l_.y0[i] - 24),
                           num(width), num(kArrowPitch - 4));
    }
  }

  void lifelines(std::string& out) {
    for (std::size_t i = 0; i < sec_.lifelines.size(); ++i) {
      const Lifeline& h = sec_.lifelines[i];
      const double x = l_.x[i];
      out += fmt::format("<line class=\"lifeline\" data-host=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", host(i), num(x),
                         num(kHeader - 10), num(x), num(l_.height - 16));
      std::string addr = h.ip != h.name ? h.ip : "";
      if (!h.mac.empty()) addr += (addr.empty() ? "" : "  ") + h.mac;
      out += fmt::format("<rect class=\"host\" x=\"{}\" y=\"34\" width=\"170\" height=\"{}\" rx=\"6\"/>\n", num(x - 85),
                         addr.empty() ? 34 : 50);
      out += fmt::format("<text class=\"host-name\" x=\"{}\" y=\"56\">{}</text>\n", num(x), xml_escape(h.name));
      if (!addr.empty()) out += fmt::format("<text class=\"host-addr\" x=\"{}\" y=\"74\">{}</text>\n", num(x), xml_escape(addr));
    }
  }

  void gap(std::string& out, double y, net::Duration skipped, double width) {
    out += "<g class=\"gap\">";
    for (double x : l_.x) {
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"16\"/>", num(x - 6), num(y + 8));
      out += fmt::format("<path d=\"M{} {} l12 -5 M{} {} l12 -5\"/>", num(x - 6), num(y + 12), num(x - 6), num(y + 26));
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\">≈ {} later</text></g>\n", num(width / 2), num(y + 22),
                       xml_escape(gap_text(skipped.ns())));
  }

  void note(std::string& out, double y, const Note& n) {
    out += fmt::format("<text class=\"note{}\" x=\"{}\" y=\"{}\">{} {}</text>\n", n.alert ? "" : " info", num(kLeft - 40),
                       num(y + 12), n.alert ? "⚠" : "•", xml_escape(n.text));
  }

  void arrow(std::string& out, std::size_t i, std::map<std::string, std::string>& details) {
    const Arrow& a = sec_.arrows[i];
    const double x0 = l_.x[a.from], y0 = l_.y0[i], y1 = l_.y1[i];
    const std::string k = key('a', i);
    out += fmt::format("<g class=\"{}\" data-number=\"{}\" data-from=\"{}\" data-to=\"{}\" data-key=\"{}\">", arrow_classes(a),
                       a.number, host(a.from), a.to ? host(*a.to) : "*", k);
    out += fmt::format("<title>#{} {}</title>", a.number, xml_escape(a.summary.empty() ? a.label : a.summary));
    out += fmt::format("<text class=\"time\" x=\"12\" y=\"{}\">{}</text>", num(y0 + 4), seconds_text((a.sent - sec_.origin).ns()));
    double lx0 = x0, lx1 = x0, ly = (y0 + y1) / 2;
    if (a.to) {
      const double x1 = l_.x[*a.to];
      double ex = x1, ey = y1;
      if (a.lost) {
        ex = x0 + 0.6 * (x1 - x0);
        ey = y0 + 0.6 * (y1 - y0);
      }
      out += fmt::format("<line class=\"hit\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", num(x0), num(y0), num(ex), num(ey));
      out += fmt::format("<line class=\"body\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", num(x0), num(y0), num(ex), num(ey));
      if (a.lost) {
        out += fmt::format("<path class=\"cross\" d=\"M{} {} l12 12 M{} {} l-12 12\"/>", num(ex - 6), num(ey - 6), num(ex + 6),
                           num(ey - 6));
      } else {
        out += head(x0, y0, x1, y1);
      }
      lx1 = x1;
    } else {
      bool any = false;
      for (std::size_t j = 0; j < sec_.lifelines.size(); ++j) {
        if (j == a.from) continue;
        any = true;
        const double x1 = l_.x[j];
        out += fmt::format("<line class=\"hit\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", num(x0), num(y0), num(x1), num(y1));
        out += fmt::format("<line class=\"body\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", num(x0), num(y0), num(x1), num(y1));
        out += head(x0, y0, x1, y1);
        if (std::abs(x1 - x0) > std::abs(lx1 - x0)) lx1 = x1;
      }
      if (!any) {
        lx1 = x0 + 120;
        out += fmt::format("<line class=\"body\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", num(x0), num(y0), num(lx1), num(y1));
        out += head(x0, y0, lx1, y1) + fmt::format("<text class=\"tag\" x=\"{}\" y=\"{}\">*</text>", num(lx1 + 6), num(y1 + 4));
      }
      out += fmt::format("<circle class=\"head\" cx=\"{}\" cy=\"{}\" r=\"3.5\"/>", num(x0), num(y0));
    }
    const double mx = (lx0 + lx1) / 2;
    std::string tags;
    if (!a.to) tags += " (broadcast)";
    if (a.lost) tags += " ✕ lost" + (a.drop_reason.empty() ? "" : " (" + a.drop_reason + ")");
    if (a.retransmission) tags += " ↻ retransmission";
    for (const auto& al : a.alerts)
      if (al.rfind("info ", 0) != 0) tags += " ⚠ " + al.substr(al.find(' ') + 1, al.find(':') - al.find(' ') - 1);
    out += fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\"><tspan class=\"num\">#{}</tspan> {}", num(mx), num(ly - 7),
                       a.number, xml_escape(a.label));
    if (!a.preview.empty()) out += " <tspan class=\"preview\">" + xml_escape(a.preview) + "</tspan>";
    if (!tags.empty()) out += "<tspan class=\"tag\">" + xml_escape(tags) + "</tspan>";
    out += "</text>";
    if (!a.options.empty())
      out += fmt::format("<text class=\"options\" x=\"{}\" y=\"{}\">{}</text>", num(mx), num(ly + 16), xml_escape("<" + a.options + ">"));
    out += "</g>\n";

    std::string d = "#" + std::to_string(a.number) + "  " + (a.summary.empty() ? a.label : a.summary) + "\n";
    if (a.lost) d += "LOST on the link" + (a.drop_reason.empty() ? "" : " (" + a.drop_reason + ")") + "\n";
    if (a.retransmission) d += "RETRANSMISSION\n";
    for (const auto& al : a.alerts) d += "ALERT " + al + "\n";
    for (const auto& an : a.anomalies) d += "ANOMALY " + an + "\n";
    for (const auto& s : sec_.states)
      if (s.anchor != Anchor::kOwnRow && s.arrow == i)
        d += fmt::format("STATE {}: {} → {} ({})\n", sec_.lifelines[s.lifeline].name, tcp::to_string(s.from),
                         tcp::to_string(s.to), s.cause);
    details[k] = d + "\n" + a.detail;
  }

  void state(std::string& out, std::size_t i, std::map<std::string, std::string>& details) {
    const StateMark& s = sec_.states[i];
    const std::string name(tcp::to_string(s.to));
    const double w = static_cast<double>(name.size()) * kStateChar + 12;
    const bool left = s.lifeline == 0 && sec_.lifelines.size() > 1;
    const double x = left ? l_.x[s.lifeline] - 10 - w : l_.x[s.lifeline] + 10;
    const double y = l_.state_y[i];
    const std::string k = key('s', i);
    out += fmt::format("<g class=\"state\" data-host=\"{}\" data-state=\"{}\" data-key=\"{}\">", host(s.lifeline), name, k);
    out += fmt::format("<title>{}: {} → {} ({})</title>", xml_escape(sec_.lifelines[s.lifeline].name), tcp::to_string(s.from), name,
                       xml_escape(s.cause));
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" rx=\"8\"/>", num(x), num(y - 8), num(w));
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text></g>\n", num(x + 6), num(y + 4), name);
    details[k] = fmt::format("{} at {} s\n{} → {}\ncause: {}\nconnection: {}\nreported by: {}\n", sec_.lifelines[s.lifeline].name,
                             seconds_text((s.time - sec_.origin).ns()), tcp::to_string(s.from), name, s.cause, s.conn,
                             trace::to_string(s.origin));
  }

  const Section& sec_;
  std::size_t index_;
  double spacing_;
  Layout l_;
};

double spacing_for(const Section& s) {
  if (s.lifelines.size() <= 1) return 0;
  return s.lifelines.size() == 2 ? 580 : 420;
}

}  // namespace

SvgDrawing draw_svg(const Ladder& ladder) {
  SvgDrawing out;
  double width = 640;
  std::vector<SectionDrawer> drawers;
  for (std::size_t i = 0; i < ladder.sections.size(); ++i) {
    const auto& s = ladder.sections[i];
    drawers.emplace_back(s, i, spacing_for(s));
    width = std::max(width, kLeft + kRight + spacing_for(s) * static_cast<double>(s.lifelines.size() - (s.lifelines.empty() ? 0 : 1)));
  }
  const double top = ladder.title.empty() ? 0 : 30;
  double y = top;
  std::string body;
  if (!ladder.title.empty()) body += fmt::format("<text class=\"title\" x=\"16\" y=\"22\">{}</text>\n", xml_escape(ladder.title));
  for (std::size_t i = 0; i < drawers.size(); ++i) {
    body += fmt::format("<g class=\"section\" data-index=\"{}\" transform=\"translate(0,{})\">\n", i, num(y));
    body += drawers[i].draw(width, out.details);
    body += "</g>\n";
    y += drawers[i].height();
  }
  std::string foot;
  if (ladder.omitted_sections) foot += fmt::format("… {} more connections not drawn. ", ladder.omitted_sections);
  for (const auto& s : ladder.unmatched) foot += "No connection matches '" + s + "'. ";
  if (!foot.empty()) {
    body += fmt::format("<text class=\"note info\" x=\"16\" y=\"{}\">{}</text>\n", num(y + 12), xml_escape(foot));
    y += 24;
  }
  body += fmt::format(
      "<text class=\"legend\" x=\"16\" y=\"{}\">solid: TCP · dashed: ARP · dotted: broadcast · ✕ lost on the link · "
      "orange: retransmission · red: alert · yellow: TCP state entered · ≈: time left out</text>\n",
      num(y + 14));
  y += 26;
  out.width = width;
  out.height = y;
  out.svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n"
      "<style>{2}</style>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n{3}</svg>\n",
      num(width), num(y), kCss, body);
  return out;
}

}  // namespace detail

std::string to_svg(const Ladder& ladder) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" + detail::draw_svg(ladder).svg;
}

}  // namespace wirestate::render
