// The kernels' own view during the real Linux captures (../shared/pcaps/kernel/NAME.json,
// README section 3), held against the monitor's view after the same frame:
//   ss_snapshots     `ss -tan` in one namespace. A quiescent snapshot's socket states hold
//                    after frame packets_captured_before_start: the observer's inferred
//                    state of that host's side of each connection must be the same then. A
//                    snapshot taken with packets in flight only proves the kernel passed
//                    through its state, so that state must be on the observer's path.
//   neigh_snapshots  `ip -j neigh`, the kernel's ARP cache. Each entry must agree with the
//                    binding the monitor's ARP detector has learned after that frame.
//
// Mapping ss to RFC 9293 states: a connection's socket gives its state; no socket is CLOSED
// ("no TCB"), except before the connection started, where a listener on the port is LISTEN
// (the observer's path starts there for a server with a listener).
//
// Mapping NUD states (ip-neighbour(8)) to the detector's view, which is one binding per IP
// learned from ARP sender fields: REACHABLE, STALE, DELAY, PROBE, PERMANENT and NOARP hold a
// resolved MAC, so the detector must bind the IP to that MAC; INCOMPLETE and FAILED have none
// (nobody answered), so the detector must not bind the IP at all. Any other state fails the
// test, so a new sidecar cannot slip past the mapping.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "monitor/monitor_support.hpp"

namespace wirestate::monitor::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The traces whose sidecar holds a non-empty `key` array, sorted.
std::vector<std::string> traces_with(const std::string& key) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kernel_dir(), ec)) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    const auto doc = json::parse(in, nullptr, false);
    if (doc.is_object() && doc.contains(key) && !doc[key].empty()) names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The IP of the host a snapshot was taken on: ns_role is the first letter of its role.
std::string host_ip(const json& truth, const std::string& ns_role) {
  for (const auto& h : truth.at("hosts")) {
    if (h.at("role").get<std::string>().substr(0, 1) == ns_role) return h.at("ip").get<std::string>();
  }
  ADD_FAILURE() << "no host with role " << ns_role;
  return {};
}

std::string address(const json& ip_port) {
  return ip_port.at("ip").get<std::string>() + ":" + std::to_string(ip_port.at("port").get<int>());
}

tcp::State state_named(const std::string& name) {
  const auto s = tcp::parse_state(name);
  if (!s) ADD_FAILURE() << "not a state: " << name;
  return s ? *s : tcp::State::kClosed;
}

// --- ss ----------------------------------------------------------------------------------

// One side of one sidecar connection, as seen from the host a snapshot was taken on.
struct Side {
  std::string conn;   // the monitor's name: "client-server"
  bool client = true;
  std::string local;  // "ip:port" of this side
  std::string peer;
};

Side side_on(const json& truth, const json& connection, const json& snapshot) {
  const std::string ip = host_ip(truth, snapshot.at("ns_role").get<std::string>());
  Side s;
  s.conn = address(connection.at("client")) + "-" + address(connection.at("server"));
  s.client = ip == connection.at("client").at("ip").get<std::string>();
  EXPECT_TRUE(s.client || ip == connection.at("server").at("ip").get<std::string>())
      << "snapshot host " << ip << " is neither end of " << s.conn;
  s.local = address(connection.at(s.client ? "client" : "server"));
  s.peer = address(connection.at(s.client ? "server" : "client"));
  return s;
}

// The state of the connection's own socket in an ss snapshot, if it has one.
std::optional<tcp::State> socket_state(const json& snapshot, const Side& side) {
  for (const auto& sock : snapshot.at("sockets")) {
    if (sock.at("local") == side.local && sock.at("peer") == side.peer) {
      return state_named(sock.at("state").get<std::string>());
    }
  }
  return std::nullopt;
}

// A listening socket on the side's port (bound to its address or to any).
bool has_listener(const json& snapshot, const Side& side) {
  const std::string port = side.local.substr(side.local.rfind(':'));
  for (const auto& sock : snapshot.at("sockets")) {
    const auto local = sock.at("local").get<std::string>();
    if (sock.at("state") == "LISTEN" && local.ends_with(port) &&
        (local == side.local || local == "0.0.0.0" + port || local == "*" + port)) {
      return true;
    }
  }
  return false;
}

// The kernel's state of the side (see the file comment); `started` says whether the
// connection had begun by the snapshot.
tcp::State kernel_state(const json& snapshot, const Side& side, bool started) {
  if (const auto s = socket_state(snapshot, side)) return *s;
  return !started && has_listener(snapshot, side) ? tcp::State::kListen : tcp::State::kClosed;
}

// What the monitor knew after each frame: [frames] -> connection name -> (client, server).
using StatesAfter = std::vector<std::map<std::string, std::pair<tcp::State, tcp::State>>>;

struct TcpRun {
  FileRun run;
  StatesAfter after;
  std::map<std::string, tcp::ConnectionSummary> final;  // by name, at the end
};

TcpRun run_tcp(const std::string& name) {
  StatesAfter after;
  FileRun run = run_file((kernel_dir() / (name + ".pcap")).string(), {}, [&](std::uint64_t, const Monitor& m) {
    auto& now = after.emplace_back();
    for (const auto& c : m.connections()) {
      if (c.client_states.empty() || c.server_states.empty()) continue;
      now[trace::endpoints_text(c.client, c.server)] = {c.client_states.back(), c.server_states.back()};
    }
  });
  std::map<std::string, tcp::ConnectionSummary> final;
  for (auto& c : run.monitor.connections()) {
    final.emplace(trace::endpoints_text(c.client, c.server), std::move(c));
  }
  return {std::move(run), std::move(after), std::move(final)};
}

const std::vector<tcp::State>& path_of(const tcp::ConnectionSummary& c, const Side& side) {
  return side.client ? c.client_states : c.server_states;
}

// Snapshots per trace, to catch a sidecar that lost some: {quiescent, in flight}.
const std::map<std::string, std::pair<std::size_t, std::size_t>> kSsSnapshots = {
    {"tcp_abortive_close", {4, 0}}, {"tcp_client_close_first", {9, 4}}, {"tcp_half_close", {10, 2}},
    {"tcp_rst_closed_port", {4, 2}}, {"tcp_server_close_first", {6, 4}}};

class KernelSs : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    truth_ = kernel_sidecar(GetParam());
    ASSERT_TRUE(truth_.contains("connections") && truth_.contains("ss_snapshots")) << GetParam();
    ASSERT_FALSE(truth_["connections"].empty());
    ASSERT_TRUE(kSsSnapshots.contains(GetParam())) << "no snapshot counts for " << GetParam();
    tcp_ = run_tcp(GetParam());
    ASSERT_TRUE(tcp_.run.read_ok) << tcp_.run.error;
    ASSERT_TRUE(tcp_.run.complete) << tcp_.run.error;
    ASSERT_EQ(tcp_.after.size(), tcp_.run.packets + 1);
    ASSERT_EQ(tcp_.final.size(), truth_["connections"].size());
  }
  // The connection's final summary; fails the test when the monitor does not have it.
  const tcp::ConnectionSummary* summary(const Side& side) {
    const auto it = tcp_.final.find(side.conn);
    if (it == tcp_.final.end()) ADD_FAILURE() << "the monitor has no connection " << side.conn;
    return it == tcp_.final.end() ? nullptr : &it->second;
  }
  json truth_;
  TcpRun tcp_;
};

TEST_P(KernelSs, QuiescentSnapshotsAgreeWithTheObserverAfterTheirFrame) {
  std::size_t snapshots = 0, checked = 0;
  for (const auto& snap : truth_["ss_snapshots"]) {
    if (!snap.at("quiescent").get<bool>()) continue;
    ++snapshots;
    const auto frame = snap.at("packets_captured_before_start").get<std::uint64_t>();
    ASSERT_LE(frame, tcp_.run.packets);
    EXPECT_EQ(snap.at("packets_captured_before_end").get<std::uint64_t>(), frame) << "a quiescent snapshot saw traffic";
    const auto& known = tcp_.after[frame];
    for (const auto& connection : truth_["connections"]) {
      const Side side = side_on(truth_, connection, snap);
      const auto* c = summary(side);
      if (c == nullptr) continue;
      const auto it = known.find(side.conn);
      const bool started = it != known.end();
      // Before its first frame the observer's view of a side is the start of its path.
      const tcp::State observer =
          started ? (side.client ? it->second.first : it->second.second) : path_of(*c, side).front();
      EXPECT_EQ(tcp::to_string(observer), tcp::to_string(kernel_state(snap, side, started)))
          << side.conn << " " << (side.client ? "client" : "server") << " after frame " << frame << " (ss \""
          << snap.at("label").get<std::string>() << "\")";
      ++checked;
    }
  }
  EXPECT_EQ(snapshots, kSsSnapshots.at(GetParam()).first);
  EXPECT_EQ(checked, snapshots * truth_["connections"].size());
}

TEST_P(KernelSs, InFlightSnapshotStatesAreOnTheObserversPath) {
  std::size_t snapshots = 0, sockets = 0;
  for (const auto& snap : truth_["ss_snapshots"]) {
    if (snap.at("quiescent").get<bool>()) continue;
    ++snapshots;
    for (const auto& connection : truth_["connections"]) {
      const Side side = side_on(truth_, connection, snap);
      const auto kernel = socket_state(snap, side);
      const auto* c = summary(side);
      if (!kernel || c == nullptr) continue;
      ++sockets;
      const auto& path = path_of(*c, side);
      EXPECT_NE(std::find(path.begin(), path.end(), *kernel), path.end())
          << side.conn << " " << (side.client ? "client" : "server") << ": the kernel was in " << tcp::to_string(*kernel)
          << " (ss \"" << snap.at("label").get<std::string>() << "\"), the observer's path is "
          << ::testing::PrintToString(names_of(path));
    }
  }
  EXPECT_EQ(snapshots, kSsSnapshots.at(GetParam()).second);
  // Every in-flight snapshot was taken to catch one connection's transient state.
  EXPECT_EQ(sockets, snapshots);
}

// All snapshots of a side in time order, repeats folded, from the connection's start: the
// order the kernel went through its states. The observer's path holds them in that order,
// and the sidecar's own summary (observed_states_ss) is what this mapping gives.
TEST_P(KernelSs, SnapshotOrderIsASubsequenceOfTheObserversPath) {
  for (const auto& connection : truth_["connections"]) {
    for (const bool client : {true, false}) {
      std::vector<tcp::State> seen;
      const tcp::ConnectionSummary* c = nullptr;
      std::string conn;
      for (const auto& snap : truth_["ss_snapshots"]) {
        const Side side = side_on(truth_, connection, snap);
        if (side.client != client) continue;
        conn = side.conn;
        c = summary(side);
        const auto frame = snap.at("packets_captured_before_start").get<std::uint64_t>();
        const bool started = frame < tcp_.after.size() && tcp_.after[frame].contains(side.conn);
        if (!started && !socket_state(snap, side)) continue;  // before the connection
        const tcp::State s = kernel_state(snap, side, true);
        if (seen.empty() || seen.back() != s) seen.push_back(s);
      }
      if (c == nullptr) continue;
      const char* who = client ? "client" : "server";
      EXPECT_EQ(names_of(seen), connection.at("observed_states_ss").at(who).get<std::vector<std::string>>())
          << conn << " " << who;
      ASSERT_FALSE(seen.empty()) << conn << " " << who << ": no snapshot after the connection started";
      const auto& path = client ? c->client_states : c->server_states;
      auto at = path.begin();
      for (const auto s : seen) {
        at = std::find(at, path.end(), s);
        ASSERT_NE(at, path.end()) << conn << " " << who << ": " << ::testing::PrintToString(names_of(seen))
                                  << " is not in order on the observer's path "
                                  << ::testing::PrintToString(names_of(path));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernel, KernelSs, ::testing::ValuesIn(traces_with("ss_snapshots")),
                         [](const auto& info) { return info.param; });

TEST(KernelSnapshots, EveryTcpTraceHasSsSnapshots) {
  std::vector<std::string> expected;
  for (const auto& [name, counts] : kSsSnapshots) expected.push_back(name);
  EXPECT_EQ(traces_with("ss_snapshots"), expected);
}

// --- neigh -------------------------------------------------------------------------------

enum class Nud { kResolved, kUnresolved, kUnknown };

Nud nud_of(const json& entry) {
  static const std::set<std::string> kResolved = {"REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT", "NOARP"};
  static const std::set<std::string> kUnresolved = {"INCOMPLETE", "FAILED"};
  Nud out = Nud::kUnknown;
  for (const auto& s : entry.at("state")) {
    const auto name = s.get<std::string>();
    if (kResolved.contains(name)) {
      out = Nud::kResolved;
    } else if (kUnresolved.contains(name) && out == Nud::kUnknown) {
      out = Nud::kUnresolved;
    }
  }
  return out;
}

// Entries per trace, to catch a sidecar that lost some.
const std::map<std::string, std::size_t> kNeighEntries = {
    {"arp_basic", 10}, {"arp_spoof_basic", 8}, {"udp_icmp_frag", 2}};

class KernelNeigh : public ::testing::TestWithParam<std::string> {};

TEST_P(KernelNeigh, ArpCacheEntriesAgreeWithTheDetectorsBindingsAfterTheirFrame) {
  const auto truth = kernel_sidecar(GetParam());
  ASSERT_TRUE(truth.contains("neigh_snapshots"));
  ASSERT_TRUE(kNeighEntries.contains(GetParam())) << "no entry count for " << GetParam();
  // Every IP any cache mentions, then the detector's binding of each after every frame.
  std::set<std::string> ips;
  for (const auto& snap : truth["neigh_snapshots"]) {
    for (const auto& e : snap.at("entries")) ips.insert(e.at("ip").get<std::string>());
  }
  ASSERT_FALSE(ips.empty());
  std::vector<std::map<std::string, std::optional<std::string>>> bound;  // [frames] -> ip -> MAC
  const FileRun run = run_file((kernel_dir() / (GetParam() + ".pcap")).string(), {}, [&](std::uint64_t, const Monitor& m) {
    auto& now = bound.emplace_back();
    for (const auto& ip : ips) {
      const auto b = m.arp_detector().binding(net::Ipv4Addr::parse(ip).value());
      now[ip] = b ? std::optional(b->mac.to_string()) : std::nullopt;
    }
  });
  ASSERT_TRUE(run.read_ok) << run.error;
  ASSERT_EQ(bound.size(), run.packets + 1);
  std::size_t checked = 0;
  for (const auto& snap : truth["neigh_snapshots"]) {
    const auto frame = snap.at("packets_captured_before_start").get<std::uint64_t>();
    ASSERT_LE(frame, run.packets);
    const std::string where = "after frame " + std::to_string(frame) + " (neigh \"" + snap.at("label").get<std::string>() +
                              "\" on " + snap.at("ns_role").get<std::string>() + ")";
    for (const auto& e : snap.at("entries")) {
      ++checked;
      const auto ip = e.at("ip").get<std::string>();
      const auto& detector = bound[frame].at(ip);
      switch (nud_of(e)) {
        case Nud::kResolved:
          ASSERT_TRUE(e.at("mac").is_string()) << ip << " " << where;
          EXPECT_EQ(detector.value_or("no binding"), e.at("mac").get<std::string>()) << ip << " " << where;
          break;
        case Nud::kUnresolved:
          EXPECT_TRUE(e.at("mac").is_null()) << ip << " " << where;
          EXPECT_FALSE(detector) << ip << " is bound to " << detector.value_or("") << " " << where
                                 << ", the kernel never resolved it";
          break;
        case Nud::kUnknown: ADD_FAILURE() << "unmapped NUD state " << e.at("state").dump() << " " << where; break;
      }
    }
  }
  EXPECT_EQ(checked, kNeighEntries.at(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Kernel, KernelNeigh, ::testing::ValuesIn(traces_with("neigh_snapshots")),
                         [](const auto& info) { return info.param; });

TEST(KernelSnapshots, TheArpAndUdpTracesHaveNeighSnapshots) {
  std::vector<std::string> expected;
  for (const auto& [name, count] : kNeighEntries) expected.push_back(name);
  EXPECT_EQ(traces_with("neigh_snapshots"), expected);
}

}  // namespace
}  // namespace wirestate::monitor::testing
