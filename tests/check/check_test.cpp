// Expectations on captures, presets and JUnit output, on the kernel traces of
// ../shared/pcaps/kernel (real Linux TCP, ground truth in the sidecars).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "wirestate/check/capture_checks.hpp"
#include "wirestate/check/junit.hpp"
#include "wirestate/check/scenario_checks.hpp"
#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/monitor/monitor.hpp"
#include "wirestate/scenario/load.hpp"
#include "wirestate/sim/runner.hpp"
#include "support/scratch.hpp"

namespace wirestate::check {
namespace {

namespace fs = std::filesystem;

Observation observe(const std::string& name) {
  auto reader = io::PcapReader::open(std::string(WIRESTATE_SHARED_PCAPS) + "/kernel/" + name);
  if (!reader) {
    ADD_FAILURE() << reader.error();
    return {};
  }
  monitor::Monitor m;
  std::vector<trace::Event> sink;
  net::Time last;
  while (auto p = reader->next()) {
    m.on_frame({p->data, wire::link_type_from_dlt(reader->link_type()), p->wire_len, p->number, p->timestamp}, sink);
    last = p->timestamp;
  }
  m.finish(last, sink);
  return {m.connections(), m.arp_alerts(), m.ndp_alerts(), m.counters().frames, {}};
}

std::string write_temp(const std::string& text) {
  static int n = 0;
  const auto path = wirestate::test::scratch_path("expect_" + std::to_string(++n) + ".json");
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
  ASSERT_EQ(seen.connections.size(), 1U);
  const auto verdicts = evaluate(*e, seen);
  // One verdict per expectation, in the file's order: none skipped, so none passes unseen.
  ASSERT_EQ(verdicts.size(), 6U);
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    const auto& v = verdicts[i];
    EXPECT_EQ(v.pointer, "/expect/" + std::to_string(i));
    EXPECT_TRUE(v.pass) << v.pointer << " " << v.name << ": " << v.detail;
  }
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
  ASSERT_EQ(clean.connections.size(), 1U);
  ASSERT_EQ(preset_names(), (std::vector<std::string>{"handshake", "clean-close", "no-rst", "no-retransmissions",
                                                      "no-arp-alerts"}));
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

// --- Checks that must not pass on nothing ---------------------------------------------

// Connection "c" is name 1 of the run's table.
constexpr trace::ConnNameId kC = 1;

trace::Event state_event(net::Side side, tcp::State from, tcp::State to, trace::Origin origin, std::uint64_t packet) {
  const net::Endpoint client{net::Ipv4Addr(10, 0, 0, 1), 40000};
  const net::Endpoint server{net::Ipv4Addr(10, 0, 0, 2), 80};
  return {net::Time() + net::Duration::milliseconds(static_cast<std::int64_t>(packet)),
          trace::TcpStateEvent{trace::ConnRef{net::FlowKey(client, server), client, kC}, side, "", from, to, "",
                               origin, packet}};
}

// The client's handshake as the endpoint records it, and optionally as the observer does.
std::vector<trace::Event> handshake_events(bool endpoint, bool observer) {
  std::vector<trace::Event> out;
  for (const auto origin : {trace::Origin::kEndpoint, trace::Origin::kObserver}) {
    if (origin == trace::Origin::kEndpoint ? !endpoint : !observer) continue;
    out.push_back(state_event(net::Side::kClient, tcp::State::kClosed, tcp::State::kSynSent, origin, 1));
    out.push_back(state_event(net::Side::kClient, tcp::State::kSynSent, tcp::State::kEstablished, origin, 2));
  }
  return out;
}

TEST(ObserverVerdict, AnObserverThatInferredNothingFailsAndSaysSo) {
  const auto v = observer_verdict(handshake_events(true, false), kC, "c", net::Side::kClient, 3);
  EXPECT_EQ(v.pointer, "/observer/c/client");
  EXPECT_FALSE(v.pass);
  EXPECT_NE(v.detail.find("the observer's path is empty after 3 segments"), std::string::npos) << v.detail;
}

TEST(ObserverVerdict, AnEndpointThatRecordedNothingFailsAndSaysSo) {
  const auto v = observer_verdict(handshake_events(false, true), kC, "c", net::Side::kClient, 3);
  EXPECT_FALSE(v.pass);
  EXPECT_NE(v.detail.find("the endpoint's path is empty"), std::string::npos) << v.detail;
}

TEST(ObserverVerdict, AgreeingPathsPassAndDifferentOnesFail) {
  EXPECT_TRUE(observer_verdict(handshake_events(true, true), kC, "c", net::Side::kClient, 3).pass);
  auto events = handshake_events(true, true);
  events.push_back(state_event(net::Side::kClient, tcp::State::kEstablished, tcp::State::kCloseWait, trace::Origin::kObserver, 3));
  const auto v = observer_verdict(events, kC, "c", net::Side::kClient, 3);
  EXPECT_FALSE(v.pass);
  EXPECT_NE(v.detail.find("observer [SYN_SENT, ESTABLISHED, CLOSE_WAIT]"), std::string::npos) << v.detail;
}

TEST(ObserverVerdict, WithNothingOnTheWireTheObserverMustHaveInferredNothing) {
  EXPECT_TRUE(observer_verdict(handshake_events(true, false), kC, "c", net::Side::kClient, 0).pass);
  EXPECT_FALSE(observer_verdict(handshake_events(true, true), kC, "c", net::Side::kClient, 0).pass);
}

sim::RunResult run_shipped(const std::string& name, scenario::Scenario& sc) {
  auto loaded = scenario::load_file(std::string(WIRESTATE_SOURCE_DIR) + "/scenarios/" + name + ".json");
  EXPECT_TRUE(loaded) << loaded.error().to_string();
  if (loaded) sc = std::move(*loaded);
  return sim::run(sc);
}

std::vector<Verdict> observer_verdicts(const std::vector<Verdict>& all) {
  std::vector<Verdict> out;
  for (const auto& v : all) {
    if (v.pointer.rfind("/observer/", 0) == 0) out.push_back(v);
  }
  return out;
}

TEST(ObserverVerdict, EverySideOfEveryTcpConnectionGetsOne) {
  // closed_port: "refused" (SYN answered by RST: the server never had it) and "ok".
  scenario::Scenario sc;
  const auto run = run_shipped("closed_port", sc);
  const auto verdicts = observer_verdicts(evaluate(sc, run));
  ASSERT_EQ(verdicts.size(), 4U);
  for (const auto& v : verdicts) EXPECT_TRUE(v.pass) << v.pointer << " " << v.name << ": " << v.detail;
  const auto refused_server = std::find_if(verdicts.begin(), verdicts.end(),
                                           [](const Verdict& v) { return v.pointer == "/observer/refused/server"; });
  ASSERT_NE(refused_server, verdicts.end());
  EXPECT_NE(refused_server->name.find("never had the connection"), std::string::npos) << refused_server->name;
}

TEST(ObserverVerdict, AConnectionThatNeverReachedTheWireIsSaidSo) {
  // arp_failure: the SYN waits for ARP, which fails; no segment crosses the wire.
  scenario::Scenario sc;
  const auto run = run_shipped("arp_failure", sc);
  const auto verdicts = observer_verdicts(evaluate(sc, run));
  ASSERT_EQ(verdicts.size(), 2U);
  for (const auto& v : verdicts) {
    EXPECT_TRUE(v.pass) << v.pointer << ": " << v.detail;
    EXPECT_NE(v.name.find("no segment of it crossed the wire"), std::string::npos) << v.name;
  }
}

TEST(StateAt, ASideThatNeverHadTheConnectionFailsInsteadOfBeingClosed) {
  auto sc = scenario::load_string(R"({"name": "refused", "seed": 1,
    "hosts": {"client": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.1"},
              "server": {"mac": "02:00:00:00:00:02", "ip": "10.0.0.2"}},
    "steps": [{"at": "1ms", "host": "client", "connect": "server:9", "as": "c"}],
    "expect": [{"conn": "c", "side": "server", "at": "50ms", "state": "CLOSED"},
               {"conn": "c", "side": "client", "at": "50ms", "state": "CLOSED"}]})", "refused");
  ASSERT_TRUE(sc) << sc.error().to_string();
  const auto verdicts = evaluate(*sc, sim::run(*sc));
  ASSERT_GE(verdicts.size(), 2U);
  EXPECT_FALSE(verdicts[0].pass);
  EXPECT_NE(verdicts[0].detail.find("the server of c never changed state"), std::string::npos) << verdicts[0].detail;
  EXPECT_TRUE(verdicts[1].pass) << verdicts[1].detail;  // the client was refused: SYN_SENT -> CLOSED
}

TEST(Presets, TcpPresetsFailWhenNoConnectionWasSeen) {
  const Observation nothing;
  for (const auto& p : preset_names()) {
    const auto v = evaluate_preset(p, nothing);
    if (p == "no-arp-alerts") {
      EXPECT_FALSE(v.pass) << p;  // no alert on no packet proves nothing
      EXPECT_NE(v.detail.find("no packet was seen"), std::string::npos) << p << ": " << v.detail;
      continue;
    }
    EXPECT_FALSE(v.pass) << p;
    EXPECT_NE(v.detail.find("no TCP connection was seen"), std::string::npos) << p << ": " << v.detail;
  }
}

TEST(CaptureExpectations, AnomalyCountsOverNoConnectionFail) {
  const auto file = write_temp(R"({"expect": [{"anomalies": {"retransmission": 0}}]})");
  auto e = load_capture_expectations(file);
  ASSERT_TRUE(e) << e.error();
  const auto v = evaluate(*e, Observation{});
  ASSERT_EQ(v.size(), 1U);
  EXPECT_FALSE(v[0].pass);
  EXPECT_NE(v[0].detail.find("no TCP connection was seen"), std::string::npos) << v[0].detail;
  EXPECT_TRUE(evaluate(*e, observe("tcp_client_close_first.pcap"))[0].pass);
}

}  // namespace
}  // namespace wirestate::check
