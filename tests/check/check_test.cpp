// Expectations on captures, presets and JUnit output, on the kernel traces of
// ../shared/pcaps/kernel (real Linux TCP, ground truth in the sidecars).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "wirestate/check/capture_checks.hpp"
#include "wirestate/check/junit.hpp"
#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/monitor/monitor.hpp"

namespace wirestate::check {
namespace {

namespace fs = std::filesystem;

Observation observe(const std::string& name) {
  auto reader = io::PcapReader::open(std::string(WIRESTATE_SHARED_PCAPS) + "/kernel/" + name);
  EXPECT_TRUE(reader) << (reader ? "" : reader.error());
  monitor::Monitor m;
  std::vector<trace::Event> sink;
  net::Time last;
  while (auto p = reader->next()) {
    m.on_frame({p->data, wire::link_type_from_dlt(reader->link_type()), p->wire_len, p->number, p->timestamp}, sink);
    last = p->timestamp;
  }
  m.finish(last, sink);
  return {m.connections(), m.arp_alerts()};
}

std::string write_temp(const std::string& text) {
  static int n = 0;
  const auto path = fs::temp_directory_path() / ("ws_expect_" + std::to_string(::getpid()) + "_" + std::to_string(++n) + ".json");
  std::ofstream(path) << text;
  return path.string();
}

TEST(CaptureExpectations, ClientCloseFirstMatchesTheSidecar) {
  const auto seen = observe("tcp_client_close_first.pcap");
  const auto file = write_temp(R"({"expect": [
    {"conn": 0, "side": "client", "states": ["SYN_SENT","ESTABLISHED","FIN_WAIT_1","FIN_WAIT_2","TIME_WAIT"]},
    {"conn": "10.77.0.1:34216", "final": {"client": "TIME_WAIT", "server": "CLOSED"}},
    {"conn": "10.77.0.1:34216-10.77.0.2:5000", "conn_state": "SF"},
    {"connections": 1},
    {"anomalies": {"retransmission": 0}},
    {"alerts": "none"}]})");
  auto e = load_capture_expectations(file);
  fs::remove(file);
  ASSERT_TRUE(e) << e.error();
  for (const auto& v : evaluate(*e, seen)) EXPECT_TRUE(v.pass) << v.pointer << " " << v.name << ": " << v.detail;
}

TEST(CaptureExpectations, WrongFinalStateFailsNamingThePacket) {
  const auto seen = observe("tcp_client_close_first.pcap");
  const auto file = write_temp(R"({"expect": [{"conn": 0, "final": {"client": "CLOSED"}}]})");
  auto e = load_capture_expectations(file);
  fs::remove(file);
  ASSERT_TRUE(e);
  const auto v = evaluate(*e, seen);
  ASSERT_EQ(v.size(), 1U);
  EXPECT_FALSE(v[0].pass);
  EXPECT_NE(v[0].detail.find("client ended in TIME_WAIT"), std::string::npos) << v[0].detail;
  EXPECT_EQ(v[0].packet, 13U);
}

TEST(CaptureExpectations, BadFilesAreErrorsWithThePlace) {
  struct Case { const char* text; const char* place; };
  for (const auto& c : {Case{R"({"expect": [{"conn": 0, "stats": []}]})", "/expect/0/stats"},
                        Case{R"({"expect": [{"conn": 0, "side": "client", "states": ["ESTABLISH"]}]})", "/expect/0/states"},
                        Case{R"({"expect": [{"conn": 0, "final": {"client": "X"}}]})", "/expect/0/final/client"},
                        Case{R"({"expect": [{"conn": -1, "conn_state": "SF"}]})", "/expect/0/conn"},
                        Case{R"({"expect": [{"anomalies": {"retransmision": 0}}]})", "/expect/0/anomalies/retransmision"},
                        Case{R"({"expect": [{"conn_state": "SF", "conn": 0, "conn": 1}]})", "/expect/0"},
                        Case{R"({"expect": [}}})", "1:"}}) {
    const auto file = write_temp(c.text);
    auto e = load_capture_expectations(file);
    ASSERT_FALSE(e) << c.text;
    EXPECT_NE(e.error().find(file), std::string::npos) << e.error();
    EXPECT_NE(e.error().find(c.place), std::string::npos) << e.error();
    fs::remove(file);
  }
}

TEST(Presets, HoldOnACleanCloseAndFailOnAnAbort) {
  const auto clean = observe("tcp_client_close_first.pcap");
  for (const auto& p : preset_names()) EXPECT_TRUE(evaluate_preset(p, clean).pass) << p;
  const auto aborted = observe("tcp_abortive_close.pcap");
  EXPECT_TRUE(evaluate_preset("handshake", aborted).pass);
  EXPECT_FALSE(evaluate_preset("no-rst", aborted).pass);
  EXPECT_FALSE(evaluate_preset("clean-close", aborted).pass);
  const auto refused = observe("tcp_rst_closed_port.pcap");
  EXPECT_FALSE(evaluate_preset("handshake", refused).pass);
  const auto spoof = observe("arp_spoof_basic.pcap");
  const auto v = evaluate_preset("no-arp-alerts", spoof);
  EXPECT_FALSE(v.pass);
  EXPECT_EQ(v.packet, 9U);  // the sidecar's first forged frame
}

TEST(Junit, CountsFailuresAndEscapes) {
  const std::vector<Verdict> verdicts = {{"/expect/0", "a <b> & \"c\"", true, "", 0},
                                         {"/expect/1", "d", false, "got 'x' < y", 7}};
  const auto xml = junit_xml("suite", verdicts);
  EXPECT_NE(xml.find("tests=\"2\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("a &lt;b&gt; &amp; &quot;c&quot;"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"got &apos;x&apos; &lt; y [packet 7]\">"), std::string::npos) << xml;
  EXPECT_EQ(xml_escape(std::string("a\x01z")), "az");
}

}  // namespace
}  // namespace wirestate::check
