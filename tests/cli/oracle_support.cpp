#include "cli/oracle_support.hpp"
#include "support/param_name.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace wirestate::testing {

namespace fs = std::filesystem;

std::string shared_pcaps() { return WIRESTATE_SHARED_PCAPS; }

std::vector<FieldMap> read_oracle(const std::string& capture_path) {
  const std::string file = capture_path + ".tshark.jsonl";
  std::ifstream in(file);
  if (!in) throw std::runtime_error("no tshark oracle " + file);
  std::vector<FieldMap> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    rows.push_back(test::fields_from_tshark(nlohmann::json::parse(line)));
  }
  return rows;
}

namespace {

OracleCapture placeholder(const std::string& why) {
  OracleCapture c;
  c.path = "MISSING_ORACLE";
  c.error = why;
  return c;
}

std::vector<OracleCapture> read_oracle_captures() {
  const fs::path root = shared_pcaps();
  std::vector<OracleCapture> captures;
  try {
    std::ifstream in(root / "public" / "index.json");
    if (!in) return {placeholder("cannot read " + (root / "public" / "index.json").string())};
    const auto index = nlohmann::json::parse(in);
    for (const auto& f : index.at("files")) {
      OracleCapture c;
      c.path = "public/" + f.at("file").get<std::string>();
      if (f.contains("tags")) c.tags = f.at("tags").get<std::vector<std::string>>();
      if (f.at("tshark_rc").is_number()) c.tshark_rc = f.at("tshark_rc").get<int>();
      c.size = f.at("size").get<std::uint64_t>();
      c.tshark_packets = f.at("packets_decoded").get<std::uint64_t>();
      captures.push_back(std::move(c));
    }
    // The kernel traces have no index file: each NAME.pcap has a NAME.json sidecar.
    const fs::path kernel = root / "kernel";
    if (!fs::is_directory(kernel)) return {placeholder("no directory " + kernel.string())};
    for (const auto& entry : fs::directory_iterator(kernel)) {
      if (entry.path().extension() != ".json") continue;
      std::ifstream sidecar_in(entry.path());
      const auto sidecar = nlohmann::json::parse(sidecar_in);
      const fs::path pcap = fs::path(entry.path()).replace_extension(".pcap");
      OracleCapture c;
      c.path = "kernel/" + pcap.filename().string();
      c.tags = {"kernel"};
      std::error_code ec;
      c.size = fs::file_size(pcap, ec);
      c.tshark_packets = sidecar.at("capture").at("packets").get<std::uint64_t>();
      captures.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    return {placeholder(std::string("cannot read the capture indexes: ") + e.what())};
  }
  std::sort(captures.begin(), captures.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return captures;
}

}  // namespace

std::vector<OracleCapture> oracle_captures() {
  // Read once per process: several suites' parameters come from it, and gtest builds every
  // suite's parameters in every test process (index.json costs a quarter second under ASan).
  static const std::vector<OracleCapture> captures = read_oracle_captures();
  return captures;
}

std::vector<std::string> captures_on_disk() {
  const fs::path root = shared_pcaps();
  std::vector<std::string> found;
  for (const char* top : {"public", "kernel"}) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root / top, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory() && it->path().filename() == "ref") {
        it.disable_recursion_pending();  // upstream reference outputs, not captures
        continue;
      }
      const auto ext = it->path().extension();
      const bool capture = ext == ".pcap" || (std::string(top) == "public" && ext == ".pcapng");
      if (it->is_regular_file() && capture) found.push_back(fs::relative(it->path(), root).string());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}


}  // namespace wirestate::testing
