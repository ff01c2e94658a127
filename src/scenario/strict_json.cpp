#include "wirestate/scenario/strict_json.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

namespace wirestate::scenario::detail {

namespace {

// Offset of the first byte that is not valid UTF-8 (RFC 3629 §4: no overlongs, no
// surrogates, nothing above U+10FFFF), or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    const unsigned char c = byte(i);
    if (c < 0x80) { ++i; continue; }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c == 0xe0) { n = 2; lo = 0xa0; }
    else if (c >= 0xe1 && c <= 0xec) n = 2;
    else if (c == 0xed) { n = 2; hi = 0x9f; }
    else if (c >= 0xee && c <= 0xef) n = 2;
    else if (c == 0xf0) { n = 3; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) n = 3;
    else if (c == 0xf4) { n = 3; hi = 0x8f; }
    else return i;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      const unsigned char b = byte(i + k);
      const unsigned char l = k == 1 ? lo : 0x80;
      const unsigned char h = k == 1 ? hi : 0xbf;
      if (b < l || b > h) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

// Builds an ordered_json tree from SAX events, enforcing the limits and tracking the
// JSON pointer of the value being read.
class Builder : public nlohmann::json_sax<Json> {
 public:
  Builder(std::string_view text, std::size_t max_depth, std::size_t max_keys)
      : text_(text), max_depth_(max_depth), max_keys_(max_keys) {}

  bool null() override { return add(Json(nullptr)); }
  bool boolean(bool v) override { return add(Json(v)); }
  bool number_integer(number_integer_t v) override { return add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(Json(v)); }
  bool number_float(number_float_t v, const string_t& raw) override {
    if (!std::isfinite(v)) {
      return fail(current_pointer(), "a finite number", raw);
    }
    return add(Json(v));
  }
  bool string(string_t& v) override { return add(Json(std::move(v))); }
  bool binary(binary_t&) override { return fail(current_pointer(), "JSON text", "binary data"); }

  bool start_object(std::size_t) override { return open(Json::object(), false); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(Json::array(), true); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Frame& f = stack_.back();
    if (f.keys.contains(k)) {
      return fail(f.pointer, "each key once in an object", fmt::format("\"{}\" twice", k));
    }
    if (f.keys.size() >= max_keys_) {
      return fail(f.pointer, fmt::format("an object with at most {} keys", max_keys_), "more");
    }
    f.keys.insert(k);
    f.pending_key = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    if (failure_) return false;
    // nlohmann reports numbers beyond a double (1e400) as out_of_range.406: a value error.
    if (ex.id == 406) return fail(current_pointer(), "a finite number", last_token);
    // Its message: "[json.exception.parse_error.101] parse error at line 1, column 2: WHAT"
    std::string what = ex.what();
    if (auto col = what.find("column "); col != std::string::npos) {
      if (auto colon = what.find(": ", col); colon != std::string::npos) what = what.substr(colon + 2);
    }
    // position is just past what the lexer read. A lexer error ("invalid literal", "invalid
    // number", "invalid string") is at the last character read; a parser error ("unexpected
    // string literal") is about a whole token: point at its first character.
    const bool lexer_error = what.find("- invalid") != std::string::npos;
    const std::size_t start = lexer_error ? (position == 0 ? 0 : position - 1)
                                          : position - std::min(position, last_token.size());
    failure_ = Fail{line_column(text_, start), "valid JSON", what};
    return false;
  }

  Json take_root() { return std::move(root_); }
  const std::optional<Fail>& failure() const { return failure_; }

 private:
  struct Frame {
    Json* value;
    bool is_array;
    std::string pointer;
    std::string pending_key;
    std::unordered_set<std::string> keys;
  };

  std::string current_pointer() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    return pointer_join(f.pointer, f.is_array ? std::to_string(f.value->size()) : f.pending_key);
  }

  bool fail(std::string location, std::string expected, std::string got) {
    if (!failure_) failure_ = Fail{std::move(location), std::move(expected), std::move(got)};
    return false;
  }

  // Adds v to the innermost container (or makes it the root); returns its address.
  Json* place(Json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Frame& f = stack_.back();
    if (f.is_array) {
      f.value->push_back(std::move(v));
      return &f.value->back();
    }
    auto [it, inserted] = f.value->get_ref<Json::object_t&>().emplace(f.pending_key, std::move(v));
    return &it->second;
  }

  bool add(Json v) {
    place(std::move(v));
    return true;
  }

  bool open(Json container, bool is_array) {
    std::string pointer = current_pointer();
    if (stack_.size() >= max_depth_) {
      return fail(std::move(pointer), fmt::format("nesting at most {} levels deep", max_depth_),
                  "deeper");
    }
    Json* slot = place(std::move(container));
    stack_.push_back(Frame{slot, is_array, std::move(pointer), {}, {}});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t max_keys_;
  Json root_;
  std::vector<Frame> stack_;
  std::optional<Fail> failure_;
};

}  // namespace

std::string line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xc0) != 0x80) {
      ++column;
    }
  }
  return fmt::format("{}:{}", line, column);
}

std::string pointer_join(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out += '/';
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

tl::expected<Json, Fail> parse_strict_json(std::string_view text, std::size_t max_depth,
                                           std::size_t max_keys_per_object) {
  if (const auto bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    return tl::unexpected(Fail{line_column(text, bad), "valid UTF-8 text",
                               fmt::format("byte 0x{:02x}", static_cast<unsigned char>(text[bad]))});
  }
  Builder builder(text, max_depth, max_keys_per_object);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::detail::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (!ok || builder.failure()) {
    if (builder.failure()) return tl::unexpected(*builder.failure());
    return tl::unexpected(Fail{"", "valid JSON", "a parse failure"});
  }
  return builder.take_root();
}

}  // namespace wirestate::scenario::detail
