#include "reader.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "wirestate/scenario/load.hpp"

namespace wirestate::scenario::detail {

std::string render(const Json& j) {
  std::string s = j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

bool Reader::fail(std::string location, std::string expected, std::string got) {
  if (!failure_) failure_ = Fail{std::move(location), std::move(expected), std::move(got)};
  return false;
}

bool Reader::fail_value(const std::string& location, std::string expected, const Json& got) {
  return fail(location, std::move(expected), render(got));
}

bool Reader::is_object(const Json& j, const std::string& ptr, std::string_view what) {
  if (j.is_object()) return true;
  return fail_value(ptr, std::string(what), j);
}

bool Reader::is_array(const Json& j, const std::string& ptr, std::string_view what) {
  if (j.is_array()) return true;
  return fail_value(ptr, std::string(what), j);
}

std::string Reader::string(const Json& j, const std::string& ptr, std::string_view what) {
  if (!j.is_string()) {
    fail_value(ptr, std::string(what), j);
    return {};
  }
  return j.get<std::string>();
}

bool Reader::boolean(const Json& j, const std::string& ptr) {
  if (!j.is_boolean()) {
    fail_value(ptr, "true or false", j);
    return false;
  }
  return j.get<bool>();
}

std::uint64_t Reader::integer(const Json& j, const std::string& ptr, std::uint64_t lo, std::uint64_t hi,
                              std::string_view what) {
  const std::string expected =
      what.empty() ? fmt::format("an integer {}..{}", lo, hi) : fmt::format("{} {}..{}", what, lo, hi);
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v >= lo && v <= hi) return v;
  } else if (j.is_number_integer()) {
    const auto v = j.get<std::int64_t>();
    if (v >= 0 && static_cast<std::uint64_t>(v) >= lo && static_cast<std::uint64_t>(v) <= hi) {
      return static_cast<std::uint64_t>(v);
    }
  }
  fail_value(ptr, expected, j);
  return lo;
}

double Reader::probability(const Json& j, const std::string& ptr) {
  if (j.is_number()) {
    const double v = j.get<double>();
    if (v >= 0.0 && v <= 1.0) return v;
  }
  fail_value(ptr, "a probability 0..1", j);
  return 0.0;
}

net::Duration Reader::duration(const Json& j, const std::string& ptr) {
  const std::string expected = "a duration like \"15ms\", \"1.5s\", \"250us\"";
  if (!j.is_string()) {
    fail_value(ptr, expected, j);
    return {};
  }
  const auto text = j.get_ref<const std::string&>();
  // Refuse magnitudes beyond kMaxTime before net::Duration::parse multiplies them out.
  std::size_t i = 0;
  long double whole = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    whole = whole * 10 + (text[i] - '0');
    ++i;
  }
  while (i < text.size() && (text[i] == '.' || std::isdigit(static_cast<unsigned char>(text[i])))) ++i;
  const std::string_view unit = std::string_view(text).substr(i);
  const long double scale = unit == "ns" ? 1 : unit == "us" ? 1e3 : unit == "ms" ? 1e6 : unit == "s" ? 1e9
                          : unit == "m" ? 6e10 : 0;
  if (whole * scale > static_cast<long double>(kMaxTime.ns())) {
    fail_value(ptr, fmt::format("a duration of at most {}", kMaxTime.to_string()), j);
    return {};
  }
  auto d = net::Duration::parse(text);
  if (!d) {
    fail_value(ptr, expected, j);
    return {};
  }
  return *d;
}

net::MacAddr Reader::mac(const Json& j, const std::string& ptr) {
  if (j.is_string()) {
    if (auto m = net::MacAddr::parse(j.get_ref<const std::string&>())) return *m;
  }
  fail_value(ptr, "a MAC address like \"02:00:00:00:00:01\"", j);
  return {};
}

net::Ipv4Addr Reader::ip(const Json& j, const std::string& ptr) {
  if (j.is_string()) {
    if (auto a = net::Ipv4Addr::parse(j.get_ref<const std::string&>())) return *a;
  }
  fail_value(ptr, "an IPv4 address like \"10.0.0.1\"", j);
  return {};
}

std::uint64_t Reader::bandwidth(const Json& j, const std::string& ptr) {
  const std::string expected = "a bandwidth like \"100Mbit\", \"1Gbit\" or \"10kbit\"";
  if (!j.is_string()) {
    fail_value(ptr, expected, j);
    return 0;
  }
  const auto& text = j.get_ref<const std::string&>();
  std::size_t i = 0, digits = 0, fdigits = 0;
  std::uint64_t whole = 0, frac = 0, frac_scale = 1;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 10) {
    whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
    ++i;
    ++digits;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && fdigits < 9) {
      frac = frac * 10 + static_cast<std::uint64_t>(text[i] - '0');
      frac_scale *= 10;
      ++i;
      ++fdigits;
    }
    if (fdigits == 0) digits = 0;
  }
  std::string unit = text.substr(i);
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
  std::uint64_t scale = 0;
  if (unit == "bit" || unit == "bps") scale = 1;
  else if (unit == "kbit" || unit == "kbps") scale = 1000;
  else if (unit == "mbit" || unit == "mbps") scale = 1000000;
  else if (unit == "gbit" || unit == "gbps") scale = 1000000000;
  const std::uint64_t bps = whole * scale + frac * scale / frac_scale;  // < 1e19: no overflow
  if (digits == 0 || scale == 0 || bps == 0 || bps > 10'000'000'000'000ULL) {
    fail_value(ptr, expected, j);
    return 0;
  }
  return bps;
}

std::vector<std::uint8_t> Reader::hex(const Json& j, const std::string& ptr) {
  const std::string expected = "hex bytes like \"deadbeef\" or \"de ad be ef\"";
  if (!j.is_string()) {
    fail_value(ptr, expected, j);
    return {};
  }
  std::string digits;
  for (char c : j.get_ref<const std::string&>()) {
    if (c == ' ' || c == ':' || c == '\n' || c == '\t') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      fail_value(ptr, expected, j);
      return {};
    }
    digits += c;
  }
  if (digits.size() % 2 != 0) {
    fail_value(ptr, expected + " (an even number of hex digits)", j);
    return {};
  }
  std::vector<std::uint8_t> out;
  out.reserve(digits.size() / 2);
  for (std::size_t k = 0; k < digits.size(); k += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(k, 2), nullptr, 16)));
  }
  return out;
}

std::string Reader::name(const Json& j, const std::string& ptr, std::string_view what) {
  const std::string expected =
      fmt::format("{} of 1..64 letters, digits, '_', '-' or '.' (not an IP address)", what);
  if (!j.is_string()) {
    fail_value(ptr, expected, j);
    return {};
  }
  const auto& s = j.get_ref<const std::string&>();
  const bool chars_ok = std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
  if (s.empty() || s.size() > 64 || !chars_ok || net::Ipv4Addr::parse(s)) {
    fail_value(ptr, expected, j);
    return {};
  }
  return s;
}

ObjectReader::ObjectReader(Reader& r, const Json& j, std::string ptr,
                           std::initializer_list<std::string_view> allowed)
    : r_(r), j_(&j), ptr_(std::move(ptr)) {
  if (r_.failed() || !r_.is_object(j, ptr_)) return;
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", a);
      r_.fail(at(key), fmt::format("one of the keys {}", list), fmt::format("unknown key \"{}\"", key));
      return;
    }
  }
  ok_ = true;
}

const Json* ObjectReader::get(std::string_view key) const {
  if (!ok_) return nullptr;
  auto it = j_->find(std::string(key));
  return it == j_->end() ? nullptr : &*it;
}

const Json* ObjectReader::require(std::string_view key) const {
  const Json* v = get(key);
  if (!v && ok_) r_.fail(ptr_, fmt::format("a \"{}\" field", key), "none");
  return v;
}

Payload read_payload(Reader& r, const ObjectReader& o, std::uint64_t max_count) {
  Payload p;
  int given = 0;
  for (auto k : {"text", "hex", "bytes"}) given += o.has(k) ? 1 : 0;
  if (given != 1) {
    r.fail(o.pointer(), "exactly one of \"text\", \"hex\" or \"bytes\"",
           given == 0 ? "none" : "more than one");
    return p;
  }
  if (const Json* t = o.get("text")) {
    const std::string s = r.string(*t, o.at("text"));
    p.kind = Payload::Kind::kText;
    p.bytes.assign(s.begin(), s.end());
  } else if (const Json* h = o.get("hex")) {
    p.kind = Payload::Kind::kHex;
    p.bytes = r.hex(*h, o.at("hex"));
  } else if (const Json* b = o.get("bytes")) {
    p.kind = Payload::Kind::kCount;
    p.count = r.integer(*b, o.at("bytes"), 0, max_count, "a byte count");
  }
  return p;
}

}  // namespace wirestate::scenario::detail
