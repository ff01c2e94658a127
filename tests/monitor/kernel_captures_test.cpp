// The monitor over real Linux captures (../shared/pcaps/kernel), read through the real
// pcap reader and decoder: TCP state paths and final states equal the sidecar's ground
// truth, the observer's tcp_state events replay those paths under the connection's name,
// the ARP captures raise the sidecar's alerts, and the UDP/ICMP/fragment trace is counted.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "monitor/monitor_support.hpp"

namespace wirestate::monitor::testing {
namespace {

namespace fs = std::filesystem;

std::string fmt_endpoint(const net::Endpoint& e) { return e.to_string(); }

std::vector<std::string> tcp_traces() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kernel_dir(), ec)) {
    const auto name = e.path().filename().string();
    if (name.starts_with("tcp_") && e.path().extension() == ".pcap") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Connections in each TCP trace (tcp_rst_closed_port tries twice), so that a sidecar or a
// monitor with none cannot pass the loops below vacuously.
std::size_t connections_in(const std::string& name) { return name == "tcp_rst_closed_port" ? 2U : 1U; }

class KernelTcp : public ::testing::TestWithParam<std::string> {};

TEST_P(KernelTcp, StatePathsAndFinalStatesMatchTheSidecar) {
  const std::string name = GetParam();
  const auto truth = kernel_sidecar(name);
  const FileRun run = run_file((kernel_dir() / (name + ".pcap")).string());
  ASSERT_TRUE(run.read_ok) << run.error;
  EXPECT_TRUE(run.complete) << run.error;
  EXPECT_EQ(run.monitor.counters().malformed, 0U);
  const auto conns = run.monitor.connections();
  ASSERT_EQ(truth["connections"].size(), connections_in(name));
  ASSERT_EQ(conns.size(), truth["connections"].size());
  for (const auto& expected : truth["connections"]) {
    const auto port = expected["client"]["port"].get<std::uint16_t>();
    const auto it = std::find_if(conns.begin(), conns.end(), [&](const auto& c) { return c.client.port == port; });
    ASSERT_NE(it, conns.end()) << name << ": no connection with client port " << port;
    EXPECT_EQ(it->client.addr.to_string(), expected["client"]["ip"].get<std::string>());
    EXPECT_EQ(it->server.addr.to_string(), expected["server"]["ip"].get<std::string>());
    EXPECT_EQ(it->server.port, expected["server"]["port"].get<std::uint16_t>());
    const auto& es = expected["expected_states"];
    EXPECT_EQ(names_of(it->client_states), es["client"].get<std::vector<std::string>>()) << name;
    EXPECT_EQ(names_of(it->server_states), es["server"].get<std::vector<std::string>>()) << name;
    EXPECT_EQ(names_of(it->client_states).back(), expected["expected_final"]["client"].get<std::string>());
    EXPECT_EQ(names_of(it->server_states).back(), expected["expected_final"]["server"].get<std::string>());
    EXPECT_FALSE(it->partial);
  }
}

TEST_P(KernelTcp, ObserverEventsReplayEachSidesPath) {
  const std::string name = GetParam();
  const FileRun run = run_file((kernel_dir() / (name + ".pcap")).string());
  ASSERT_TRUE(run.read_ok) << run.error;
  const auto conns = run.monitor.connections();
  ASSERT_EQ(conns.size(), connections_in(name));
  for (const auto& c : conns) {
    const std::string conn = trace::endpoints_text(c.client, c.server);
    for (const auto& [side_enum, path] : {std::pair{net::Side::kClient, c.client_states},
                                          std::pair{net::Side::kServer, c.server_states}}) {
      const std::string_view side = net::to_string(side_enum);
      ASSERT_FALSE(path.empty()) << conn << " " << side;
      const auto events = state_events(run.events, conn, side_enum);
      EXPECT_EQ(events.size(), path.size() - 1) << conn << " " << side;
      std::vector<tcp::State> replay{path.front()};
      for (const auto& e : events) {
        EXPECT_EQ(e.origin, trace::Origin::kObserver);
        EXPECT_EQ(e.from, replay.back()) << conn << " " << side;
        EXPECT_FALSE(e.cause.empty());
        EXPECT_EQ(e.host, "");  // a capture has no host names: the side's endpoint is the event's
        EXPECT_EQ(fmt_endpoint(e.endpoint()), fmt_endpoint(side_enum == net::Side::kClient ? c.client : c.server));
        replay.push_back(e.to);
      }
      EXPECT_EQ(names_of(replay), names_of(path)) << conn << " " << side;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernel, KernelTcp, ::testing::ValuesIn(tcp_traces()),
                         [](const auto& info) { return info.param; });

TEST(KernelCaptures, AllFiveTcpTracesArePresent) { EXPECT_EQ(tcp_traces().size(), 5U) << kernel_dir(); }

TEST(KernelCaptures, ArpSpoofRaisesTheSidecarsAlertAtItsFrame) {
  const auto truth = kernel_sidecar("arp_spoof_basic");
  const FileRun run = run_file((kernel_dir() / "arp_spoof_basic.pcap").string());
  ASSERT_TRUE(run.read_ok);
  const auto& alerts = run.monitor.arp_alerts();
  ASSERT_EQ(truth["arp"]["expected_alerts"].size(), 1U);  // frame 9, 10.77.0.2 claimed by ..:66
  for (const auto& e : truth["arp"]["expected_alerts"]) {
    const auto frame = e["frame"].get<std::uint64_t>();
    const bool found = std::any_of(alerts.begin(), alerts.end(), [&](const arp::Alert& a) {
      return a.packet == frame && a.rule == arp::Rule::kMacChanged && a.ip.to_string() == e["ip"].get<std::string>() &&
             a.old_mac && a.old_mac->to_string() == e["old_mac"].get<std::string>() && a.new_mac &&
             a.new_mac->to_string() == e["new_mac"].get<std::string>();
    });
    EXPECT_TRUE(found) << "no mac_changed at frame " << frame;
    // The same alert is in the event stream.
    const bool event = std::any_of(run.events.begin(), run.events.end(), [&](const trace::Event& ev) {
      const auto* a = std::get_if<trace::AlertEvent>(&ev.body);
      return a && a->packet == frame && a->rule == trace::AlertRule{arp::Rule::kMacChanged};
    });
    EXPECT_TRUE(event);
  }
  // Every warning or worse is on a forged frame or on the owner restoring its binding.
  std::set<std::uint64_t> allowed;
  for (const auto& f : truth["arp"]["forged_frames"]) allowed.insert(f["frame"].get<std::uint64_t>());
  for (const auto& c : truth["arp"]["binding_changes"]) allowed.insert(c["frame"].get<std::uint64_t>());
  EXPECT_EQ(allowed, (std::set<std::uint64_t>{9, 10, 11, 14}));  // three forged replies, the owner's restore
  ASSERT_FALSE(alerts.empty());
  for (const auto& a : alerts) {
    if (a.severity == arp::Severity::kInfo) continue;
    EXPECT_TRUE(allowed.contains(a.packet)) << arp::to_string(a.rule) << " at frame " << a.packet;
  }
}

TEST(KernelCaptures, ArpBasicRaisesNoAlertBeyondNewStations) {
  const FileRun run = run_file((kernel_dir() / "arp_basic.pcap").string());
  ASSERT_TRUE(run.read_ok);
  EXPECT_FALSE(run.monitor.arp_alerts().empty());
  for (const auto& a : run.monitor.arp_alerts()) {
    EXPECT_EQ(a.rule, arp::Rule::kNewStation) << "frame " << a.packet << ": " << a.message;
  }
}

TEST(KernelCaptures, UdpIcmpFragTraceIsReassembledAndCounted) {
  const FileRun run = run_file((kernel_dir() / "udp_icmp_frag.pcap").string());
  ASSERT_TRUE(run.read_ok);
  const auto& rc = run.monitor.reassembler().counters();
  // Echo request + reply of 3000 bytes and a 4000-byte UDP datagram each way: 4 datagrams, 3 fragments each.
  EXPECT_EQ(rc.fragments, 12U);
  EXPECT_EQ(rc.completed, 4U);
  EXPECT_EQ(rc.overlaps, 0U);
  const auto flows = run.monitor.udp_flows();
  ASSERT_EQ(flows.size(), 2U);
  // The request/response flow carries the reassembled 4000-byte datagrams.
  const auto big = std::max_element(flows.begin(), flows.end(), [](const auto& a, const auto& b) {
    return a.client_to_server.bytes < b.client_to_server.bytes;
  });
  EXPECT_GE(big->client_to_server.bytes, 4000U);
  EXPECT_GE(big->server_to_client.bytes, 4000U);
  // The datagram to the closed port 47999 got an ICMP port unreachable.
  const auto closed = std::find_if(flows.begin(), flows.end(), [](const auto& f) { return f.server.port == 47999; });
  ASSERT_NE(closed, flows.end());
  EXPECT_EQ(closed->icmp_unreachable, 1U);
  EXPECT_EQ(run.monitor.icmp().dest_unreachable, 1U);
  EXPECT_EQ(run.monitor.icmp().echo_request, 3U);  // ping -c 2 and the 3000-byte one
  EXPECT_EQ(run.monitor.icmp().echo_reply, 3U);
  EXPECT_EQ(run.monitor.counters().malformed, 0U);
}

}  // namespace
}  // namespace wirestate::monitor::testing
