#include "wirestate/scenario/pattern.hpp"

#include <cctype>
#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace wirestate::scenario {

namespace {

std::vector<std::string_view> split_words(std::string_view s, char extra_sep = '\0') {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  auto sep = [&](char c) { return std::isspace(static_cast<unsigned char>(c)) || (extra_sep && c == extra_sep); };
  while (i < s.size()) {
    while (i < s.size() && sep(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !sep(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::optional<std::uint64_t> number(std::string_view s, std::uint64_t max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

// Parsing state for one pattern string: the words, a cursor and error construction.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  tl::expected<PacketPattern, PatternError> run() {
    PacketPattern p;
    p.text = std::string(text_);
    std::string_view head = text_;
    std::optional<std::string_view> options;
    // An option list starts at a '<' after SRC > DST KIND (a '<' before is a misplaced arrow).
    auto lt = text_.find('<');
    if (lt != std::string_view::npos && split_words(text_.substr(0, lt)).size() < 4) lt = std::string_view::npos;
    if (lt != std::string_view::npos) {
      const auto gt = text_.find('>', lt);
      if (gt == std::string_view::npos) return err("a '>' closing the option list", "the end");
      if (!split_words(text_.substr(gt + 1)).empty()) {
        return err("the option list <...> at the end", quote(split_words(text_.substr(gt + 1))[0]));
      }
      head = text_.substr(0, lt);
      options = text_.substr(lt + 1, gt - lt - 1);
    }
    words_ = split_words(head);
    if (words_.size() < 4) {
      return err("\"SRC > DST KIND ...\" (like \"client > server S.\")",
                 words_.size() < 1 ? "the end" : fmt::format("{} words", words_.size()));
    }
    if (auto e = end_point(words_[0], p.src)) return tl::unexpected(*e);
    if (words_[1] != ">") return err("'>' between source and destination", quote(words_[1]));
    if (auto e = end_point(words_[2], p.dst)) return tl::unexpected(*e);
    pos_ = 3;
    const std::string_view kind = words_[pos_++];
    std::optional<PatternError> e;
    if (kind == "udp") {
      p.kind = PacketPattern::Kind::kUdp;
      e = udp_fields(p);
    } else if (kind == "arp") {
      p.kind = PacketPattern::Kind::kArp;
      e = arp_fields(p);
    } else if (kind == "icmp") {
      p.kind = PacketPattern::Kind::kIcmp;
      e = icmp_fields(p);
    } else if (auto flags = parse_tcp_flags(kind)) {
      p.kind = PacketPattern::Kind::kTcp;
      p.flags = *flags;
      e = tcp_fields(p);
    } else {
      return err("TCP flags (S F R P U E W . or none) or udp, arp, icmp", quote(kind));
    }
    if (e) return tl::unexpected(*e);
    if (options) {
      if (p.kind != PacketPattern::Kind::kTcp) return err("options only on a TCP pattern", quote("<"));
      auto o = tcp_options(*options);
      if (!o) return tl::unexpected(o.error());
      p.options = *o;
    }
    return p;
  }

 private:
  static std::string quote(std::string_view s) { return fmt::format("\"{}\"", s); }

  PatternError error(std::string_view expected, std::string got) const {
    return PatternError{fmt::format("{} in \"{}\"", expected, text_), std::move(got)};
  }
  tl::unexpected<PatternError> err(std::string_view expected, std::string got) const {
    return tl::unexpected(error(expected, std::move(got)));
  }

  std::optional<PatternError> end_point(std::string_view w, PatternEnd& out) const {
    std::string_view addr = w;
    if (auto colon = w.rfind(':'); colon != std::string_view::npos) {
      const auto port = number(w.substr(colon + 1), 65535);
      if (!port || *port == 0) return error("a port 1..65535 after ':'", quote(w));
      out.port = static_cast<std::uint16_t>(*port);
      addr = w.substr(0, colon);
    }
    if (addr == "*") return std::nullopt;
    if (auto ip = net::Ipv4Addr::parse(addr)) {
      out.ip = *ip;
      return std::nullopt;
    }
    bool name_ok = !addr.empty() && addr.size() <= 64;
    for (char c : addr) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') name_ok = false;
    }
    if (!name_ok) return error("a host name, an IPv4 address or '*'", quote(w));
    out.host = std::string(addr);
    return std::nullopt;
  }

  std::optional<std::string_view> next() {
    if (pos_ >= words_.size()) return std::nullopt;
    return words_[pos_++];
  }

  std::optional<PatternError> value(std::string_view field, std::uint64_t max, std::uint64_t& out) {
    auto w = next();
    if (!w) return error(fmt::format("a number after \"{}\"", field), "the end");
    auto v = number(*w, max);
    if (!v) return error(fmt::format("a number 0..{} after \"{}\"", max, field), quote(*w));
    out = *v;
    return std::nullopt;
  }

  std::optional<PatternError> tcp_fields(PacketPattern& p) {
    while (auto w = next()) {
      std::uint64_t v = 0;
      if (*w == "seq") {
        auto s = next();
        if (!s) return error("a sequence number after \"seq\"", "the end");
        const auto colon = s->find(':');
        const auto a = number(s->substr(0, colon), UINT32_MAX);
        const auto b = colon == std::string_view::npos ? std::optional<std::uint64_t>(0)
                                                       : number(s->substr(colon + 1), UINT32_MAX);
        if (!a || !b) return error("\"seq N\" or \"seq N:M\" with N, M 0..4294967295", quote(*s));
        p.seq = static_cast<std::uint32_t>(*a);
        if (colon != std::string_view::npos) p.seq_end = static_cast<std::uint32_t>(*b);
      } else if (*w == "ack") {
        if (auto e = value("ack", UINT32_MAX, v)) return e;
        p.ack = static_cast<std::uint32_t>(v);
      } else if (*w == "win") {
        if (auto e = value("win", 65535, v)) return e;
        p.win = static_cast<std::uint16_t>(v);
      } else if (*w == "length") {
        if (auto e = value("length", 65535, v)) return e;
        p.length = static_cast<std::uint32_t>(v);
      } else {
        return error("one of seq, ack, win, length or <options>", quote(*w));
      }
    }
    return std::nullopt;
  }

  std::optional<PatternError> udp_fields(PacketPattern& p) {
    while (auto w = next()) {
      std::uint64_t v = 0;
      if (*w != "length") return error("\"length N\" or nothing after udp", quote(*w));
      if (auto e = value("length", 65535, v)) return e;
      p.length = static_cast<std::uint32_t>(v);
    }
    return std::nullopt;
  }

  std::optional<PatternError> ip_after(std::string_view field, std::optional<net::Ipv4Addr>& out) {
    auto w = next();
    if (!w) return error(fmt::format("an IPv4 address after \"{}\"", field), "the end");
    auto ip = net::Ipv4Addr::parse(*w);
    if (!ip) return error(fmt::format("an IPv4 address after \"{}\"", field), quote(*w));
    out = *ip;
    return std::nullopt;
  }

  std::optional<PatternError> arp_fields(PacketPattern& p) {
    auto w = next();
    if (!w) return std::nullopt;
    if (*w == "who-has" || *w == "request") {
      p.arp = PacketPattern::ArpKind::kWhoHas;
      if (*w == "request") return trailing();
      if (auto e = ip_after("who-has", p.arp_ip)) return e;
      if (auto t = next()) {
        if (*t != "tell") return error("\"tell IP\" or nothing", quote(*t));
        if (auto e = ip_after("tell", p.arp_tell)) return e;
      }
      return trailing();
    }
    if (*w == "reply") {
      p.arp = PacketPattern::ArpKind::kReply;
      if (pos_ >= words_.size()) return std::nullopt;
      if (auto e = ip_after("reply", p.arp_ip)) return e;
      auto is_at = next();
      if (!is_at) return std::nullopt;
      if (*is_at != "is-at") return error("\"is-at MAC\" or nothing", quote(*is_at));
      auto m = next();
      if (!m) return error("a MAC address after \"is-at\"", "the end");
      auto mac = net::MacAddr::parse(*m);
      if (!mac) return error("a MAC address after \"is-at\"", quote(*m));
      p.arp_mac = *mac;
      return trailing();
    }
    return error("who-has, request or reply after arp", quote(*w));
  }

  std::optional<PatternError> icmp_fields(PacketPattern& p) {
    auto w = next();
    if (!w) return std::nullopt;
    if (*w == "echo-request") p.icmp = PacketPattern::IcmpKind::kEchoRequest;
    else if (*w == "echo-reply") p.icmp = PacketPattern::IcmpKind::kEchoReply;
    else if (*w == "port-unreachable") p.icmp = PacketPattern::IcmpKind::kPortUnreachable;
    else if (*w == "unreachable") p.icmp = PacketPattern::IcmpKind::kUnreachable;
    else return error("echo-request, echo-reply, port-unreachable or unreachable after icmp", quote(*w));
    return trailing();
  }

  std::optional<PatternError> trailing() {
    if (auto w = next()) return error("nothing more", quote(*w));
    return std::nullopt;
  }

  tl::expected<PatternTcpOptions, PatternError> tcp_options(std::string_view list) const {
    PatternTcpOptions o;
    if (split_words(list).empty()) return o;  // "<>": a segment without options
    std::size_t start = 0;
    while (start <= list.size()) {
      if (start == list.size() && !list.empty() && list.back() != ',') break;
      std::size_t comma = list.find(',', start);
      if (comma == std::string_view::npos) comma = list.size();
      const auto words = split_words(list.substr(start, comma - start));
      start = comma + 1;
      if (words.empty()) {
        return err("an option (mss N, wscale N, sackOK, TS, sack N:M, nop, eol) between commas", "nothing");
      }
      const std::string_view name = words[0];
      auto one_number = [&](std::uint64_t max) -> std::optional<std::uint64_t> {
        return words.size() == 2 ? number(words[1], max) : std::nullopt;
      };
      if (name == "mss") {
        auto v = one_number(65535);
        if (!v) return err("\"mss N\" with N 0..65535", quote(words.size() > 1 ? words[1] : "mss"));
        o.mss = static_cast<std::uint16_t>(*v);
      } else if (name == "wscale") {
        auto v = one_number(255);
        if (!v) return err("\"wscale N\" with N 0..255", quote(words.size() > 1 ? words[1] : "wscale"));
        o.wscale = static_cast<std::uint8_t>(*v);
      } else if (name == "sackOK" && words.size() == 1) {
        o.sack_ok = true;
      } else if ((name == "nop" || name == "eol") && words.size() == 1) {
        // layout only: accepted and ignored
      } else if (name == "TS") {
        o.ts = true;
        if (words.size() == 1) continue;
        const auto val = words.size() == 5 && words[1] == "val" && words[3] == "ecr" ? number(words[2], UINT32_MAX) : std::nullopt;
        const auto ecr = words.size() == 5 ? number(words[4], UINT32_MAX) : std::nullopt;
        if (!val || !ecr) return err("\"TS\" or \"TS val N ecr M\"", quote(words[1]));
        o.ts_values = wire::TcpTimestamps{static_cast<std::uint32_t>(*val), static_cast<std::uint32_t>(*ecr)};
      } else if (name == "sack") {
        if (words.size() < 2 || words.size() > 5) return err("\"sack N:M\" with 1 to 4 blocks", quote(name));
        for (std::size_t k = 1; k < words.size(); ++k) {
          const auto colon = words[k].find(':');
          const auto l = colon == std::string_view::npos ? std::nullopt : number(words[k].substr(0, colon), UINT32_MAX);
          const auto r = colon == std::string_view::npos ? std::nullopt : number(words[k].substr(colon + 1), UINT32_MAX);
          if (!l || !r) return err("a SACK block \"N:M\"", quote(words[k]));
          o.sack.push_back(wire::SackBlock{net::SeqNum(static_cast<std::uint32_t>(*l)),
                                           net::SeqNum(static_cast<std::uint32_t>(*r))});
        }
      } else {
        return err("an option (mss N, wscale N, sackOK, TS, sack N:M, nop, eol)", quote(words[0]));
      }
    }
    return o;
  }

  std::string_view text_;
  std::vector<std::string_view> words_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<wire::TcpFlags> parse_tcp_flags(std::string_view text) {
  if (text == "none") return wire::TcpFlags{};
  if (text.empty()) return std::nullopt;
  wire::TcpFlags f;
  for (char c : text) {
    std::uint16_t bit = 0;
    switch (c) {
      case 'F': bit = wire::TcpFlags::kFin; break;
      case 'S': bit = wire::TcpFlags::kSyn; break;
      case 'R': bit = wire::TcpFlags::kRst; break;
      case 'P': bit = wire::TcpFlags::kPsh; break;
      case 'U': bit = wire::TcpFlags::kUrg; break;
      case 'E': bit = wire::TcpFlags::kEce; break;
      case 'W': bit = wire::TcpFlags::kCwr; break;
      case '.': bit = wire::TcpFlags::kAck; break;
      default: return std::nullopt;
    }
    if (f.bits & bit) return std::nullopt;
    f.bits = static_cast<std::uint16_t>(f.bits | bit);
  }
  return f;
}

tl::expected<PacketPattern, PatternError> parse_pattern(std::string_view text) {
  return Parser(text).run();
}

}  // namespace wirestate::scenario
