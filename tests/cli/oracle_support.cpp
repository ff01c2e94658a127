#include "cli/oracle_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace wirestate::testing {

namespace {

std::string scalar_text(const nlohmann::ordered_json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

void flatten(const nlohmann::ordered_json& v, const std::string& prefix, FieldMap& out) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.items()) {
      flatten(child, prefix.empty() ? key : prefix + "." + key, out);
    }
  } else if (v.is_array()) {
    for (const auto& item : v) flatten(item, prefix, out);
  } else {
    out[prefix].push_back(scalar_text(v));
  }
}

}  // namespace

FieldMap flatten_to_tshark(const nlohmann::ordered_json& packet) {
  FieldMap out;
  nlohmann::ordered_json copy = packet;
  nlohmann::ordered_json quoted;
  if (copy.contains("icmp") && copy["icmp"].contains("quoted")) {
    quoted = copy["icmp"]["quoted"];
    copy["icmp"].erase("quoted");
  }
  flatten(copy, "", out);
  if (!quoted.is_null()) flatten(quoted, "", out);  // second occurrences, after the outer ones
  return out;
}

std::vector<FieldMap> read_oracle(const std::string& capture_path) {
  std::vector<FieldMap> rows;
  std::ifstream in(capture_path + ".tshark.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    FieldMap row;
    const auto parsed = nlohmann::json::parse(line);
    for (const auto& [key, values] : parsed.items()) {
      for (const auto& v : values) row[key].push_back(v.get<std::string>());
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<OracleCapture> oracle_captures() {
  const std::filesystem::path root = WIRESTATE_SHARED_PCAPS;
  std::vector<OracleCapture> captures;
  std::ifstream in(root / "public" / "index.json");
  if (in) {
    const auto index = nlohmann::json::parse(in);
    for (const auto& f : index.at("files")) {
      OracleCapture c;
      c.path = "public/" + f.at("file").get<std::string>();
      if (f.contains("tags")) c.tags = f.at("tags").get<std::vector<std::string>>();
      if (f.contains("tshark_rc") && f.at("tshark_rc").is_number()) c.tshark_rc = f.at("tshark_rc").get<int>();
      captures.push_back(std::move(c));
    }
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root / "kernel", ec)) {
    if (entry.path().extension() == ".pcap") {
      captures.push_back({"kernel/" + entry.path().filename().string(), {"kernel"}, 0});
    }
  }
  std::sort(captures.begin(), captures.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return captures;
}

std::string test_name_for(const std::string& path) {
  std::string name;
  for (char c : path) {
    name += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? c : '_';
  }
  return name;
}

}  // namespace wirestate::testing
