// `wirestate analyze` on the real Linux captures (../shared/pcaps/kernel): the --json
// document gives the sidecar's state paths and final states, ARP alerts at the sidecar's
// frames; --events writes the observer's tcp_state lines; bad input exits 2.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include "support/process.hpp"
#include "support/scratch.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kKernel = fs::path(WIRESTATE_SHARED_PCAPS) / "kernel";

json sidecar(const std::string& name) {
  std::ifstream in(kKernel / (name + ".json"));
  return json::parse(in);
}

// Connections in each TCP trace (tcp_rst_closed_port tries twice), so that a sidecar or a
// report with none cannot pass the loops below vacuously.
std::size_t connections_in(const std::string& name) { return name == "tcp_rst_closed_port" ? 2U : 1U; }

class AnalyzeKernel : public ::testing::TestWithParam<std::string> {};

TEST_P(AnalyzeKernel, JsonGivesTheSidecarsStatesAndFinalStates) {
  const std::string name = GetParam();
  const auto truth = sidecar(name);
  const auto o = wirestate::test::run_wirestate("analyze --json " + (kKernel / (name + ".pcap")).string());
  ASSERT_EQ(o.rc, 0) << o.err;
  const auto doc = json::parse(o.out);
  EXPECT_TRUE(doc["complete"].get<bool>());
  EXPECT_EQ(doc["malformed"], 0);
  EXPECT_EQ(doc["packets"], truth["capture"]["packets"]);
  ASSERT_EQ(truth["connections"].size(), connections_in(name));
  ASSERT_EQ(doc["connections"].size(), truth["connections"].size());
  for (const auto& expected : truth["connections"]) {
    const auto it = std::find_if(doc["connections"].begin(), doc["connections"].end(), [&](const json& c) {
      return c["client"]["port"] == expected["client"]["port"];
    });
    ASSERT_NE(it, doc["connections"].end());
    EXPECT_EQ((*it)["client"]["ip"], expected["client"]["ip"]);
    EXPECT_EQ((*it)["server"]["ip"], expected["server"]["ip"]);
    EXPECT_EQ((*it)["server"]["port"], expected["server"]["port"]);
    EXPECT_EQ((*it)["client"]["states"], expected["expected_states"]["client"]) << name;
    EXPECT_EQ((*it)["server"]["states"], expected["expected_states"]["server"]) << name;
    EXPECT_EQ((*it)["client"]["final"], expected["expected_final"]["client"]) << name;
    EXPECT_EQ((*it)["server"]["final"], expected["expected_final"]["server"]) << name;
    EXPECT_FALSE((*it)["partial"].get<bool>());
    EXPECT_FALSE((*it)["conn_state"].get<std::string>().empty());
  }
  EXPECT_TRUE(doc["arp_alerts"].empty()) << doc["arp_alerts"].dump();
}

TEST_P(AnalyzeKernel, EventsFileHoldsTheObserversStateChanges) {
  const std::string name = GetParam();
  const fs::path events = wirestate::test::scratch_path(name + ".events.jsonl");
  const auto o = wirestate::test::run_wirestate("analyze --events " + events.string() + " " + (kKernel / (name + ".pcap")).string());
  ASSERT_EQ(o.rc, 0) << o.err;
  std::ifstream in(events);
  std::string line;
  std::size_t states = 0;
  while (std::getline(in, line)) {
    const auto e = json::parse(line);
    if (e["kind"] != "tcp_state") continue;
    ++states;
    EXPECT_EQ(e["origin"], "observer");
    EXPECT_NE(e["conn"].get<std::string>().find("-10.77.0.2:"), std::string::npos) << line;
  }
  fs::remove(events);
  std::size_t expected = 0;
  const auto truth = sidecar(name);  // kept alive: the loop borrows from it
  ASSERT_EQ(truth["connections"].size(), connections_in(name));
  for (const auto& c : truth["connections"]) {
    expected += c["expected_states"]["client"].size() - 1 + c["expected_states"]["server"].size() - 1;
  }
  EXPECT_GT(expected, 0U) << name;
  EXPECT_EQ(states, expected) << name;
  // The text report names the connection and both paths.
  EXPECT_NE(o.out.find("TCP connections:"), std::string::npos);
  EXPECT_NE(o.out.find("client: "), std::string::npos);
}

std::vector<std::string> tcp_traces() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kKernel, ec)) {
    const auto n = e.path().filename().string();
    if (n.starts_with("tcp_") && e.path().extension() == ".pcap") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Kernel, AnalyzeKernel, ::testing::ValuesIn(tcp_traces()),
                         [](const auto& info) { return info.param; });

TEST(AnalyzeKernelTraces, AllFiveTcpTracesArePresent) {
  EXPECT_EQ(tcp_traces(), (std::vector<std::string>{"tcp_abortive_close", "tcp_client_close_first", "tcp_half_close",
                                                    "tcp_rst_closed_port", "tcp_server_close_first"}))
      << kKernel;
}

TEST(AnalyzeKernelArp, SpoofCaptureReportsTheSidecarsAlert) {
  const auto truth = sidecar("arp_spoof_basic");
  const auto o = wirestate::test::run_wirestate("analyze --json " + (kKernel / "arp_spoof_basic.pcap").string());
  ASSERT_EQ(o.rc, 0) << o.err;
  const auto doc = json::parse(o.out);
  ASSERT_EQ(truth["arp"]["expected_alerts"].size(), 1U);  // frame 9, 10.77.0.2 claimed by ..:66
  for (const auto& e : truth["arp"]["expected_alerts"]) {
    const bool found = std::any_of(doc["arp_alerts"].begin(), doc["arp_alerts"].end(), [&](const json& a) {
      return a["packet"] == e["frame"] && a["rule"] == "mac_changed" && a["ip"] == e["ip"] &&
             a["old_mac"] == e["old_mac"] && a["new_mac"] == e["new_mac"];
    });
    EXPECT_TRUE(found) << e.dump() << " not in " << doc["arp_alerts"].dump();
  }
}

TEST(AnalyzeKernelArp, QuietLanHasNoAlertsOnlyNotices) {
  const auto o = wirestate::test::run_wirestate("analyze --json " + (kKernel / "arp_basic.pcap").string());
  ASSERT_EQ(o.rc, 0) << o.err;
  const auto doc = json::parse(o.out);
  EXPECT_TRUE(doc["arp_alerts"].empty()) << doc["arp_alerts"].dump();
  EXPECT_FALSE(doc["arp_notices"].empty());
}

TEST(AnalyzeBadInput, MissingFileExits2AndNamesIt) {
  const auto o = wirestate::test::run_wirestate("analyze /nonexistent/nothing.pcap");
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find("/nonexistent/nothing.pcap"), std::string::npos) << o.err;
}

TEST(AnalyzeBadInput, BadFilterExits2AndQuotesIt) {
  const auto o = wirestate::test::run_wirestate("analyze -f 'tcp port' " + (kKernel / "tcp_half_close.pcap").string());
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find("tcp port"), std::string::npos) << o.err;
}

TEST(AnalyzeFilter, FilterKeepsOnlyMatchingPackets) {
  const auto o = wirestate::test::run_wirestate("analyze --json -f arp " + (kKernel / "tcp_half_close.pcap").string());
  ASSERT_EQ(o.rc, 0) << o.err;
  const auto doc = json::parse(o.out);
  EXPECT_TRUE(doc["connections"].empty());
  EXPECT_EQ(doc["packets"], doc["protocols"]["arp"]);
  EXPECT_EQ(doc["filter"], "arp");
}

TEST(AnalyzeBadInput, TruncatedFileIsAnalyzedUpToTheCutWarnsAndExits2) {
  const fs::path src = kKernel / "tcp_half_close.pcap";
  const fs::path cut = wirestate::test::scratch_path("cut.pcap");
  fs::copy_file(src, cut, fs::copy_options::overwrite_existing);
  fs::resize_file(cut, fs::file_size(src) - 30);  // cut inside the last record
  const auto o = wirestate::test::run_wirestate("analyze --json " + cut.string());
  fs::remove(cut);
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find("warning"), std::string::npos) << o.err;
  const auto doc = json::parse(o.out);
  EXPECT_FALSE(doc["complete"].get<bool>());
  EXPECT_FALSE(doc["problem"].is_null());
  EXPECT_EQ(doc["packets"], 22);  // 23 packets, the last one cut
  EXPECT_EQ(doc["connections"].size(), 1U);
}

}  // namespace
