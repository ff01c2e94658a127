// The user's static IP -> MAC bindings file (JSON), with errors that name the file and
// the JSON pointer of the problem.
#include <fstream>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>
#include <memory>
#include <optional>
#include <set>
#include <vector>
#include <nlohmann/json.hpp>

#include "wirestate/arp/static_bindings.hpp"

namespace wirestate::arp {
namespace {

using nlohmann::json;

// Line and column (1-based) of byte offset `pos` in text.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t pos) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

std::string type_name(const json& j) { return j.type_name(); }

// A SAX pass that finds a key given twice in one object (nlohmann's DOM keeps the last
// one silently) and remembers the JSON pointer of the first such key. SAX, not a parser
// callback: the callback parser is an order of magnitude slower on large files.
class DuplicateKeyWatch : public nlohmann::json_sax<json> {
 public:
  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override {
    stack_.push_back({false, 0, {}, {}});
    return true;
  }
  bool key(string_t& k) override {
    Frame& f = stack_.back();
    f.key = k;
    if (!f.seen.insert(k).second && !first_) first_ = pointer();
    return true;
  }
  bool end_object() override { return end(); }
  bool start_array(std::size_t) override {
    stack_.push_back({true, 0, {}, {}});
    return true;
  }
  bool end_array() override { return end(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
  const std::optional<std::string>& first() const { return first_; }

 private:
  struct Frame {
    bool array;
    std::size_t index;
    std::string key;
    std::set<std::string> seen;
  };
  bool value() {
    if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
    return true;
  }
  bool end() {
    stack_.pop_back();
    return value();
  }
  std::string pointer() const {
    std::string p;
    for (const auto& f : stack_) p += "/" + (f.array ? std::to_string(f.index) : f.key);
    return p;
  }
  std::vector<Frame> stack_;
  std::optional<std::string> first_;
};

}  // namespace

tl::expected<StaticBindings, std::string> parse_static_bindings(std::string_view text,
                                                                std::string_view origin) {
  json doc;
  auto watch = std::make_shared<DuplicateKeyWatch>();
  try {
    doc = json::parse(text.begin(), text.end());
    // The text is valid JSON now; a second, SAX pass looks for duplicate keys.
    json::sax_parse(text.begin(), text.end(), watch.get());
  } catch (const json::parse_error& e) {
    // nlohmann reports the byte just past the problem; keep the exception inside.
    const std::size_t at = e.byte > 0 ? e.byte - 1 : 0;
    auto [line, col] = line_column(text, at);
    return tl::make_unexpected(
        fmt::format("{}: line {}, column {}: invalid JSON ({})", origin, line, col, e.what()));
  } catch (const json::exception& e) {
    // The parser also throws out_of_range for numbers beyond a double ("1e400").
    return tl::make_unexpected(fmt::format("{}: invalid JSON ({})", origin, e.what()));
  }
  if (watch->first()) {
    return tl::make_unexpected(
        fmt::format("{}: {}: expected each key once in an object, got a duplicate key", origin, *watch->first()));
  }
  if (!doc.is_object()) {
    return tl::make_unexpected(
        fmt::format("{}: /: expected an object with \"bindings\", got {}", origin, type_name(doc)));
  }
  for (const auto& [key, value] : doc.items()) {
    if (key != "bindings") {
      return tl::make_unexpected(fmt::format(
          "{}: /{}: unknown key (expected only \"bindings\")", origin, key));
    }
  }
  auto it = doc.find("bindings");
  if (it == doc.end()) {
    return tl::make_unexpected(fmt::format("{}: /bindings: missing (expected an array)", origin));
  }
  if (!it->is_array()) {
    return tl::make_unexpected(
        fmt::format("{}: /bindings: expected an array, got {}", origin, type_name(*it)));
  }
  if (it->size() > kMaxStaticBindings) {
    return tl::make_unexpected(fmt::format("{}: /bindings: {} bindings, at most {} allowed",
                                           origin, it->size(), kMaxStaticBindings));
  }
  StaticBindings out;
  std::unordered_map<net::IpAddr, std::size_t> where;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& b = (*it)[i];
    if (!b.is_object()) {
      return tl::make_unexpected(fmt::format(
          "{}: /bindings/{}: expected an object {{\"ip\", \"mac\"}}, got {}", origin, i,
          type_name(b)));
    }
    for (const auto& [key, value] : b.items()) {
      if (key != "ip" && key != "mac") {
        return tl::make_unexpected(fmt::format(
            "{}: /bindings/{}/{}: unknown key (expected \"ip\" and \"mac\")", origin, i, key));
      }
    }
    for (const char* field : {"ip", "mac"}) {
      auto f = b.find(field);
      if (f == b.end()) {
        return tl::make_unexpected(
            fmt::format("{}: /bindings/{}/{}: missing", origin, i, field));
      }
      if (!f->is_string()) {
        return tl::make_unexpected(fmt::format("{}: /bindings/{}/{}: expected a string, got {}",
                                               origin, i, field, type_name(*f)));
      }
    }
    const auto ip_text = b["ip"].get<std::string>();
    const auto mac_text = b["mac"].get<std::string>();
    auto ip = net::IpAddr::parse(ip_text);
    if (!ip) {
      return tl::make_unexpected(fmt::format(
          "{}: /bindings/{}/ip: expected a dotted-quad IPv4 or an IPv6 address, got \"{}\"", origin, i,
          ip_text));
    }
    auto mac = net::MacAddr::parse(mac_text);
    if (!mac) {
      return tl::make_unexpected(fmt::format(
          "{}: /bindings/{}/mac: expected a MAC address like 02:00:00:00:00:01, got \"{}\"",
          origin, i, mac_text));
    }
    if (auto seen = where.find(*ip); seen != where.end()) {
      if (out[*ip] != *mac) {
        return tl::make_unexpected(fmt::format(
            "{}: /bindings/{}/ip: {} is already bound to {} at /bindings/{}", origin, i,
            ip_text, out[*ip].to_string(), seen->second));
      }
      continue;
    }
    where.emplace(*ip, i);
    out.emplace(*ip, *mac);
  }
  return out;
}

tl::expected<StaticBindings, std::string> load_static_bindings(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::make_unexpected(fmt::format("{}: cannot open file", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return tl::make_unexpected(fmt::format("{}: read error", path));
  return parse_static_bindings(text.str(), path);
}

}  // namespace wirestate::arp
