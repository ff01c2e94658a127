#include "wirestate/render/terminal.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "text.hpp"

namespace wirestate::render {

namespace {

using detail::display_width;
using detail::fit;

enum class Color { kNone, kHeader, kState, kLost, kRetrans, kAlert, kArp, kDim };

const char* ansi(Color c) {
  switch (c) {
    case Color::kNone: return "\x1b[0m";
    case Color::kHeader: return "\x1b[1m";
    case Color::kState: return "\x1b[1;32m";
    case Color::kLost: return "\x1b[31m";
    case Color::kRetrans: return "\x1b[33m";
    case Color::kAlert: return "\x1b[1;35m";
    case Color::kArp: return "\x1b[34m";
    case Color::kDim: return "\x1b[2m";
  }
  return "";
}

// One line of the drawing area: a cell per column; a wide glyph's second cell is "".
class Line {
 public:
  explicit Line(int width) : cells_(static_cast<std::size_t>(width), " "), colors_(cells_.size(), Color::kNone) {}

  int width() const { return static_cast<int>(cells_.size()); }

  // Writes text from column x (clipped at both ends).
  void put(int x, std::string_view text, Color color = Color::kNone) {
    for (const auto& g : detail::glyphs(text)) {
      if (x >= 0 && x + g.width <= width()) {
        cells_[static_cast<std::size_t>(x)] = std::string(g.bytes);
        colors_[static_cast<std::size_t>(x)] = color;
        if (g.width == 2) {
          cells_[static_cast<std::size_t>(x + 1)] = "";
          colors_[static_cast<std::size_t>(x + 1)] = color;
        }
      }
      x += g.width;
    }
  }

  std::string str(bool color) const {
    std::string out;
    Color current = Color::kNone;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      if (color && colors_[i] != current && cells_[i] != " ") {
        out += ansi(Color::kNone);
        if (colors_[i] != Color::kNone) out += ansi(colors_[i]);
        current = colors_[i];
      }
      out += cells_[i];
    }
    if (color && current != Color::kNone) out += ansi(Color::kNone);
    return out;
  }

 private:
  std::vector<std::string> cells_;
  std::vector<Color> colors_;
};

std::string rtrim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

class Drawer {
 public:
  Drawer(const Section& sec, const TerminalOptions& options) : sec_(sec), options_(options) {
    const int n = static_cast<int>(sec.lifelines.size());
    const int room = static_cast<int>(options.width) - kPrefix - 2 * kMargin;
    spacing_ = n > 1 ? std::max(24, room / (n - 1)) : 0;
    area_ = 2 * kMargin + (n > 1 ? (n - 1) * spacing_ : 0) + 1;
  }

  std::string draw() {
    if (!sec_.title.empty()) emit("", "", title_line(), "");
    header();
    std::vector<std::size_t> pending;  // states waiting for the next other row
    std::string pending_time;
    auto flush = [&] {
      if (!pending.empty()) state_lines(group_of(pending), pending_time);
      pending.clear();
      pending_time.clear();
    };
    for (const Row& row : sec_.rows) {
      if (row.kind == Row::Kind::kState) {
        // Changes at different times get lines of their own.
        if (!pending.empty() && sec_.states[pending.front()].time != sec_.states[row.index].time) flush();
        // Only a change no frame explains gets a time of its own (the others sit by their frame).
        if (pending.empty() && sec_.states[row.index].anchor == Anchor::kOwnRow) pending_time = time(row.time);
        pending.push_back(row.index);
        continue;
      }
      flush();
      switch (row.kind) {
        case Row::Kind::kArrow: arrow_line(sec_.arrows[row.index]); break;
        case Row::Kind::kState: break;
        case Row::Kind::kNote: note(sec_.notes[row.index], row.time); break;
        case Row::Kind::kGap: gap(row.skipped); break;
      }
    }
    flush();
    if (sec_.omitted) emit("", "", base(), fmt::format("… {} more frames not drawn", sec_.omitted));
    return out_;
  }

 private:
  static constexpr int kPrefix = 16;  // "  0.005000 #14  "
  static constexpr int kMargin = 14;  // beside the outer lifelines, for state names

  int x_of(std::size_t lifeline) const { return kMargin + static_cast<int>(lifeline) * spacing_; }
  std::string time(net::Time t) const { return detail::seconds_text((t - sec_.origin).ns()); }

  // The drawing area plus room on the right for the last lifeline's state names.
  Line base(const char* glyph = "│") const {
    Line l(area_ + 2 * kMargin);
    for (std::size_t i = 0; i < sec_.lifelines.size(); ++i) l.put(x_of(i), glyph, Color::kDim);
    return l;
  }

  // The title may use the state-name margin on the right too (IPv6 connection ids are long).
  Line title_line() const {
    Line l(area_ + 2 * kMargin);
    l.put(0, fit("── " + sec_.title + " ──", l.width()), Color::kHeader);
    return l;
  }

  // x where text of width w centred on lifeline i starts, kept inside a line of `width`
  // (a 39-character IPv6 address is wider than the margin beside the first lifeline).
  int centred(std::size_t i, int w, int width) const {
    return std::clamp(x_of(i) - w / 2, 0, std::max(0, width - w));
  }

  void emit(const std::string& t, const std::string& number, const Line& line, const std::string& notes) {
    std::string s = fmt::format("{:>10} {:<5}", t, number) + line.str(options_.color);
    if (!notes.empty()) s = rtrim(std::move(s)) + "  " + notes;
    out_ += rtrim(std::move(s)) + "\n";
  }

  void header() {
    Line names(area_ + 2 * kMargin), ips(area_ + 2 * kMargin);
    bool any_ip = false;
    const int most = spacing_ ? spacing_ - 2 : 2 * kMargin + 12;  // 40: an IPv6 address whole
    for (std::size_t i = 0; i < sec_.lifelines.size(); ++i) {
      const auto& l = sec_.lifelines[i];
      const std::string name = fit(l.name, most);
      names.put(centred(i, display_width(name), names.width()), name, Color::kHeader);
      if (!l.ip.empty() && l.ip != l.name) {
        any_ip = true;
        const std::string ip = fit(l.ip, most);
        ips.put(centred(i, display_width(ip), ips.width()), ip, Color::kDim);
      }
    }
    emit("", "", names, "");
    if (any_ip) emit("", "", ips, "");
  }

  // Consecutive states of one lifeline at one anchor read as one chain: "LISTEN → SYN_RECEIVED".
  using Group = std::vector<std::pair<std::size_t, std::string>>;

  // Consecutive states between two other rows, one chain per lifeline.
  Group group_of(const std::vector<std::size_t>& states) const {
    Group g;
    for (std::size_t i : states) {
      const auto& s = sec_.states[i];
      const std::string name(tcp::to_string(s.to));
      auto it = std::find_if(g.begin(), g.end(), [&](const auto& e) { return e.first == s.lifeline; });
      if (it == g.end()) g.emplace_back(s.lifeline, name);
      else it->second += " → " + name;
    }
    return g;
  }

  // Writes the states beside their lifelines (left of the first, right of the others),
  // opening a new line when two would overlap.
  void state_lines(const Group& group, const std::string& t) {
    std::vector<std::pair<Line, std::vector<std::pair<int, int>>>> lines;
    for (const auto& [lifeline, text] : group) {
      const int w = display_width(text);
      const int x = x_of(lifeline);
      const bool left = lifeline == 0 && sec_.lifelines.size() > 1 && x - 1 - w >= 0;
      const int start = left ? x - 1 - w : x + 2;
      const int end = start + w;
      auto fits = [&](const std::vector<std::pair<int, int>>& used) {
        return std::none_of(used.begin(), used.end(), [&](auto r) { return start < r.second + 1 && r.first < end + 1; });
      };
      auto it = std::find_if(lines.begin(), lines.end(), [&](const auto& l) { return fits(l.second); });
      if (it == lines.end()) {
        lines.emplace_back(base(), std::vector<std::pair<int, int>>{});
        it = std::prev(lines.end());
      }
      it->first.put(start, text, Color::kState);
      it->second.emplace_back(start, end);
    }
    for (std::size_t i = 0; i < lines.size(); ++i) emit(i == 0 ? t : "", "", lines[i].first, "");
  }

  Color arrow_color(const Arrow& a) const {
    if (a.alert) return Color::kAlert;
    if (a.lost) return Color::kLost;
    if (a.retransmission) return Color::kRetrans;
    if (a.kind == ArrowKind::kArp) return Color::kArp;
    return Color::kNone;
  }

  // The longest of: label and payload, label, label without its window; cut to fit.
  static std::string label_for(const Arrow& a, int room) {
    std::string compact = a.label;
    if (auto w = compact.find(" win "); w != std::string::npos) {
      const auto end = compact.find(' ', w + 5);
      compact.erase(w, end == std::string::npos ? std::string::npos : end - w);
    }
    for (const std::string& c : {a.preview.empty() ? a.label : a.label + " " + a.preview, a.label, compact})
      if (display_width(c) <= room) return c;
    return fit(compact, room);
  }

  void arrow_line(const Arrow& a) {
    Line l = base();
    const Color c = arrow_color(a);
    const int xa = x_of(a.from);
    std::vector<std::string> notes;
    int label_lo = 0, label_hi = 0;
    if (!a.to) {
      int lo = xa, hi = xa;
      for (std::size_t i = 0; i < sec_.lifelines.size(); ++i) {
        if (i == a.from) continue;
        lo = std::min(lo, x_of(i));
        hi = std::max(hi, x_of(i));
      }
      if (lo == hi) hi = std::min(area_ - 1, xa + 8);  // nobody else: a stub
      for (int x = lo + 1; x < hi; ++x) l.put(x, "═", c);
      for (std::size_t i = 0; i < sec_.lifelines.size(); ++i)
        if (i != a.from && x_of(i) > lo && x_of(i) < hi) l.put(x_of(i), "╪", c);
      if (lo < xa) l.put(lo + 1, "◀", c);
      if (hi > xa) l.put(hi - 1, "▶", c);
      l.put(xa, lo < xa && hi > xa ? "╪" : hi > xa ? "╞" : "╡", c);
      if (hi - xa >= xa - lo) { label_lo = xa + 2; label_hi = hi - 2; }
      else { label_lo = lo + 2; label_hi = xa - 2; }
      notes.push_back("broadcast");
    } else {
      const int xb = x_of(*a.to);
      const int d = xb >= xa ? 1 : -1;
      const int span = std::abs(xb - xa);
      const int stop = a.lost ? xa + d * std::max(2, span * 3 / 5) : xb - d;
      for (int x = xa + d; x != stop; x += d) l.put(x, "─", c);
      for (std::size_t i = 0; i < sec_.lifelines.size(); ++i) {
        const int xi = x_of(i);
        if (i != a.from && xi != xb && (xi - xa) * d > 0 && (stop - xi) * d > 0) l.put(xi, "┼", c);
      }
      l.put(xa, d > 0 ? "├" : "┤", c);
      l.put(stop, a.lost ? "✕" : d > 0 ? "▶" : "◀", a.lost ? Color::kLost : c);
      label_lo = std::min(xa, stop) + 2;
      label_hi = std::max(xa, stop) - 2;
    }
    const int room = label_hi - label_lo + 1;
    if (room >= 3) {
      const std::string text = label_for(a, room - 2);
      const int w = display_width(text) + 2;
      l.put(label_lo + (room - w) / 2, " " + text + " ", c);
    }
    if (a.lost) notes.push_back("lost" + (a.drop_reason.empty() ? "" : " (" + a.drop_reason + ")"));
    if (a.retransmission) notes.push_back("retransmission");
    if (a.malformed) notes.push_back("malformed");
    std::string alert_rules;
    for (const auto& text : a.alerts) {
      if (text.rfind("info ", 0) == 0) continue;
      const auto colon = text.find(':');
      const auto space = text.find(' ');
      alert_rules += (alert_rules.empty() ? "" : ", ") + text.substr(space + 1, colon - space - 1);
    }
    if (!alert_rules.empty()) notes.push_back("⚠ " + alert_rules);
    std::string joined;
    for (const auto& n : notes) joined += (joined.empty() ? "" : "; ") + n;
    emit(time(a.sent), "#" + std::to_string(a.number), l, joined);
  }

  void note(const Note& n, net::Time t) {
    Line l = base();
    l.put(2, fit((n.alert ? "⚠ " : "• ") + n.text, area_ - 4), n.alert ? Color::kAlert : Color::kDim);
    emit(time(t), "", l, "");
  }

  void gap(net::Duration skipped) {
    Line l = base("┆");
    const std::string text = " ≈ " + detail::gap_text(skipped.ns()) + " later ";
    l.put(area_ / 2 - display_width(text) / 2, text, Color::kDim);
    emit("", "", l, "");
  }

  const Section& sec_;
  const TerminalOptions& options_;
  int spacing_ = 0;
  int area_ = 0;
  std::string out_;
};

}  // namespace

std::string to_terminal(const Ladder& ladder, const TerminalOptions& options) {
  std::string out;
  if (!ladder.title.empty()) out += ladder.title + "\n";
  for (std::size_t i = 0; i < ladder.sections.size(); ++i) {
    if (i) out += "\n";
    out += Drawer(ladder.sections[i], options).draw();
  }
  if (ladder.omitted_sections) out += fmt::format("… {} more connections not drawn\n", ladder.omitted_sections);
  for (const auto& s : ladder.unmatched) out += "no connection matches '" + s + "'\n";
  return out;
}

}  // namespace wirestate::render
