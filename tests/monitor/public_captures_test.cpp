// Every capture in ../shared/pcaps/public (index.json) goes through the monitor without a
// crash (run the suite under ASan/UBSan), and the monitor's books balance on each one.
#include <filesystem>
#include <fstream>
#include <numeric>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "monitor/monitor_support.hpp"
#include "support/param_name.hpp"
#include "wirestate/monitor/report.hpp"

namespace wirestate::monitor::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kPublic = fs::path(WIRESTATE_SHARED_PCAPS) / "public";

struct PublicCapture {
  std::string file;
  int tshark_rc = 0;
  std::int64_t tshark_packets = -1;
};

std::vector<PublicCapture> captures() {
  std::vector<PublicCapture> out;
  std::ifstream in(kPublic / "index.json");
  if (!in) return out;
  const auto index = nlohmann::json::parse(in);
  for (const auto& f : index.at("files")) {
    PublicCapture c;
    c.file = f.at("file").get<std::string>();
    if (f.contains("tshark_rc") && f["tshark_rc"].is_number()) c.tshark_rc = f["tshark_rc"].get<int>();
    if (f.contains("packets_decoded") && f["packets_decoded"].is_number()) {
      c.tshark_packets = f["packets_decoded"].get<std::int64_t>();
    }
    out.push_back(c);
  }
  return out;
}

void PrintTo(const PublicCapture& c, std::ostream* os) { *os << c.file; }

class PublicCaptureTest : public ::testing::TestWithParam<PublicCapture> {};

TEST_P(PublicCaptureTest, AnalyzedWithoutCrashAndTheBooksBalance) {
  const auto& cap = GetParam();
  const FileRun run = run_file((kPublic / cap.file).string());
  if (!run.read_ok) {
    // libpcap refuses the file (e.g. a pcapng version it does not read): a clean error.
    EXPECT_FALSE(run.error.empty());
    return;
  }
  const auto& c = run.monitor.counters();
  EXPECT_EQ(c.frames, run.packets);
  if (run.complete && cap.tshark_rc == 0 && cap.tshark_packets >= 0) {
    // libpcap skips pcapng blocks tshark reads (e.g. the obsolete Packet Block in test018).
    EXPECT_LE(static_cast<std::int64_t>(c.frames), cap.tshark_packets) << cap.file;
    if (cap.tshark_packets > 0) {
      EXPECT_GT(c.frames, 0U) << cap.file;
    }
  }
  const auto conns = run.monitor.connections();
  std::uint64_t packets = 0;
  for (const auto& s : conns) {
    EXPECT_FALSE(s.client_states.empty()) << cap.file << " connection " << s.id;
    EXPECT_FALSE(s.server_states.empty()) << cap.file << " connection " << s.id;
    EXPECT_FALSE(s.conn_state.empty());
    packets += s.client_to_server.packets + s.server_to_client.packets;
  }
  // Every segment given to the observer is in exactly one connection.
  EXPECT_EQ(packets, run.monitor.observer().counters().segments) << cap.file;
  EXPECT_EQ(run.monitor.observer().counters().connections, conns.size());
  // The report is one valid JSON document.
  const auto doc = report_json(run.monitor, {cap.file, "", std::nullopt});
  EXPECT_EQ(doc["packets"].get<std::uint64_t>(), c.frames);
  // It is valid UTF-8 as it stands: a strict dump throws on anything else (type_error 316),
  // so the CLI's error_handler_t::replace never has to alter it; and it reads back as itself.
  std::string text;
  try {
    text = doc.dump();
  } catch (const nlohmann::ordered_json::exception& e) {
    ADD_FAILURE() << cap.file << ": the report is not valid UTF-8: " << e.what();
  }
  if (!text.empty()) {
    EXPECT_EQ(nlohmann::ordered_json::parse(text), doc) << cap.file;
  }
}

INSTANTIATE_TEST_SUITE_P(Public, PublicCaptureTest, ::testing::ValuesIn(captures()),
                         [](const auto& info) { return wirestate::test::param_name(info.param.file); });

TEST(PublicCaptures, IndexListsTheCaptures) { EXPECT_GT(captures().size(), 200U) << kPublic; }

}  // namespace
}  // namespace wirestate::monitor::testing
