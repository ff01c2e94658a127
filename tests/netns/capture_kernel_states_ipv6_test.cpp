// The IPv6 twin of capture_kernel_states_test.cpp: real Linux TCP over IPv6 against
// `wirestate capture`. Two namespaces the test creates joined by a veth with ULA addresses
// (fd00:77::1/64 on va, fd00:77::2/64 on vb, `nodad` so duplicate address detection does
// not hold them back), and ::1 inside namespace a (captured on its lo). Each link runs the
// closing orders (client first, server first, both at once) and the abort (SO_LINGER 0);
// `ss -tan` in each namespace once the close has settled is the ground truth, and
// `wirestate analyze --json` on the capture must give both sides the states ss showed. The
// veth capture holds the neighbour discovery of the exchange: `wirestate decode --json` must
// decode its solicitations and advertisements without a malformation. The namespaces are
// always deleted; skipped, with the reason, where namespaces cannot be created or python3
// is missing.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/netns.hpp"
#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using namespace std::chrono_literals;
using wirestate::test::Child;
using wirestate::test::run_command;
using wirestate::test::sh;

constexpr auto kReadyBound = 30s;
constexpr auto kExchangeBound = 60s;
constexpr auto kSettleBound = 30s;

// `server MODE IP PORT` and `client MODE IP PORT` over IPv6. Modes: client_first,
// server_first, both (each side closes as soon as the exchange is over, so the FINs may
// cross: whatever the kernel did, ss says it), abort (the client resets via SO_LINGER 0).
constexpr const char* kEndpoints = R"PY(
import socket, struct, sys, time
role, mode, ip, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def drain(s):
    try:
        while s.recv(4096): pass
    except ConnectionResetError: pass
if role == "server":
    l = socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((ip, port)); l.listen(1); print("listening", flush=True)
    c, _ = l.accept(); l.close()
    c.recv(100); c.sendall(b"pong")
    if mode in ("server_first", "both"): c.close(); sys.exit(0)
    drain(c); c.close()
else:
    for _ in range(200):
        try: s = socket.create_connection((ip, port)); break
        except OSError: time.sleep(0.05)
    print(s.getsockname()[1], flush=True)
    s.sendall(b"ping"); s.recv(100)
    if mode == "abort":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()
    elif mode in ("client_first", "both"):
        s.close()
    else:
        drain(s); s.close()
)PY";

// ss -tan in a namespace: the state of local_port <-> peer_port, "CLOSED" if none.
std::string ss_state(const std::string& ns, int local_port, int peer_port) {
  std::istringstream lines(run_command("ip netns exec " + ns + " ss -tan").out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    std::string state, rq, sq, local, peer;
    if (!(f >> state >> rq >> sq >> local >> peer)) continue;
    const auto port_of = [](const std::string& a) { return a.substr(a.rfind(':') + 1); };
    if (port_of(local) == std::to_string(local_port) && port_of(peer) == std::to_string(peer_port)) {
      if (state == "TIME-WAIT") return "TIME_WAIT";
      if (state == "ESTAB") return "ESTABLISHED";
      if (state == "SYN-RECV") return "SYN_RECEIVED";
      std::replace(state.begin(), state.end(), '-', '_');
      return state;
    }
  }
  return "CLOSED";
}

bool transient(const std::string& s) {
  return s == "FIN_WAIT_1" || s == "FIN_WAIT_2" || s == "LAST_ACK" || s == "CLOSING" || s == "SYN_SENT" ||
         s == "SYN_RECEIVED" || s == "CLOSE_WAIT";
}

struct Exchange {
  std::string mode;
  int port;
  int client_port = 0;
  std::string ss_client;
  std::string ss_server;
};

// One link: where the client and server run, the address the client connects to.
struct Link {
  const wirestate::test::Netns* client_ns;
  const wirestate::test::Netns* server_ns;
  std::string client_ip;
  std::string server_ip;
};

// Runs every mode over the link (ports from first_port on), each settled per ss.
void run_exchanges(const Link& link, const fs::path& dir, const std::string& script, std::vector<Exchange>& exchanges) {
  for (auto& ex : exchanges) {
    SCOPED_TRACE(ex.mode + " to " + link.server_ip);
    const std::string port = std::to_string(ex.port);
    const std::string tag = ex.mode + "_" + port;
    Child server(link.server_ns->exec({WIRESTATE_PYTHON, script, "server", ex.mode, link.server_ip, port}),
                 dir / ("server_" + tag + ".out"), dir / ("server_" + tag + ".err"));
    ASSERT_TRUE(server.wait_for_output("listening", kReadyBound)) << server.err();
    Child client(link.client_ns->exec({WIRESTATE_PYTHON, script, "client", ex.mode, link.server_ip, port}),
                 dir / ("client_" + tag + ".out"), dir / ("client_" + tag + ".err"));
    EXPECT_EQ(client.wait_exit(kExchangeBound), 0) << client.err();
    EXPECT_EQ(server.wait_exit(kExchangeBound), 0) << server.err();
    ex.client_port = std::atoi(client.out().c_str());
    ASSERT_GT(ex.client_port, 0) << client.out();
    bool settled = false;
    for (const auto until = std::chrono::steady_clock::now() + kSettleBound;
         !settled && std::chrono::steady_clock::now() < until;) {
      ex.ss_client = ss_state(link.client_ns->name(), ex.client_port, ex.port);
      ex.ss_server = ss_state(link.server_ns->name(), ex.port, ex.client_port);
      settled = !transient(ex.ss_client) && !transient(ex.ss_server);
      if (!settled) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(settled) << "still transient: client " << ex.ss_client << ", server " << ex.ss_server;
  }
}

// `analyze --json -K` of the capture must give each exchange's two sides what ss showed.
void expect_states_match_ss(const std::string& pcap, const Link& link, const std::vector<Exchange>& exchanges) {
  // The capturing host's own segments carry offloaded (unfilled) checksums: -K.
  const auto analyzed = run_command(std::string(WIRESTATE_CLI_PATH) + " analyze --json -K " + pcap);
  ASSERT_EQ(analyzed.rc, 0) << analyzed.out;
  const auto doc = json::parse(analyzed.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << analyzed.out;
  for (const auto& ex : exchanges) {
    SCOPED_TRACE(ex.mode + " to " + link.server_ip);
    // What the kernel showed for the orders that fix it.
    if (ex.mode == "client_first") {
      EXPECT_EQ(ex.ss_client, "TIME_WAIT");
      EXPECT_EQ(ex.ss_server, "CLOSED");
    } else if (ex.mode == "server_first") {
      EXPECT_EQ(ex.ss_client, "CLOSED");
      EXPECT_EQ(ex.ss_server, "TIME_WAIT");
    } else if (ex.mode == "abort") {
      EXPECT_EQ(ex.ss_client, "CLOSED");
      EXPECT_EQ(ex.ss_server, "CLOSED");
    }
    const auto it = std::find_if(doc["connections"].begin(), doc["connections"].end(), [&](const json& c) {
      return c["server"]["port"] == ex.port && c["client"]["port"] == ex.client_port;
    });
    ASSERT_NE(it, doc["connections"].end()) << "no connection to port " << ex.port << " in " << analyzed.out;
    const auto& conn = *it;
    EXPECT_EQ(conn["client"]["ip"], link.client_ip);
    EXPECT_EQ(conn["server"]["ip"], link.server_ip);
    EXPECT_EQ(conn["name"], "[" + link.client_ip + "]:" + std::to_string(ex.client_port) + "-[" + link.server_ip +
                                "]:" + std::to_string(ex.port));
    EXPECT_EQ(conn["client"]["final"], ex.ss_client) << conn.dump();
    EXPECT_EQ(conn["server"]["final"], ex.ss_server) << conn.dump();
    EXPECT_EQ(conn["server"]["states"][0], "LISTEN");
    EXPECT_EQ(conn["partial"], false);
  }
}

std::vector<Exchange> all_modes(int first_port) {
  return {{"client_first", first_port}, {"server_first", first_port + 1}, {"both", first_port + 2},
          {"abort", first_port + 3}};
}

TEST(NetnsCaptureIpv6, InferredStatesMatchTheKernelsSsOverUlaAndLoopback) {
  if (!fs::exists(WIRESTATE_PYTHON)) WIRESTATE_SKIP_UNLESS_REQUIRED() << WIRESTATE_PYTHON << " is missing";
  wirestate::test::VethPair ns("k6s", "10.198.0");
  if (const auto why = ns.create(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  for (const auto& step : {"ip -n " + ns.a().name() + " addr add fd00:77::1/64 dev va nodad",
                           "ip -n " + ns.b().name() + " addr add fd00:77::2/64 dev vb nodad"}) {
    if (sh(step) != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "IPv6 not available in the namespaces: " << step;
  }

  const fs::path dir = wirestate::test::scratch_dir();
  const std::string script = (dir / "endpoints.py").string();
  std::ofstream(script) << kEndpoints;
  const std::string veth_pcap = (dir / "veth.pcap").string();
  const std::string lo_pcap = (dir / "lo.pcap").string();

  Child veth_capture(ns.a().exec({WIRESTATE_CLI_PATH, "capture", "-i", "va", "-w", veth_pcap, "-q", "-c", "100000",
                                  "--duration", "300"}),
                     dir / "veth_capture.out", dir / "veth_capture.err");
  ASSERT_TRUE(veth_capture.wait_for_output("listening on", kReadyBound, /*on_stderr=*/true)) << veth_capture.err();
  Child lo_capture(ns.a().exec({WIRESTATE_CLI_PATH, "capture", "-i", "lo", "-w", lo_pcap, "-q", "-c", "100000",
                                "--duration", "300"}),
                   dir / "lo_capture.out", dir / "lo_capture.err");
  ASSERT_TRUE(lo_capture.wait_for_output("listening on", kReadyBound, /*on_stderr=*/true)) << lo_capture.err();

  const Link veth{&ns.a(), &ns.b(), "fd00:77::1", "fd00:77::2"};
  const Link lo{&ns.a(), &ns.a(), "::1", "::1"};
  auto over_veth = all_modes(5201);
  auto over_lo = all_modes(5301);
  run_exchanges(veth, dir, script, over_veth);
  run_exchanges(lo, dir, script, over_lo);

  veth_capture.signal(SIGINT);
  lo_capture.signal(SIGINT);
  EXPECT_EQ(veth_capture.wait_exit(kReadyBound), 0) << veth_capture.err();
  EXPECT_EQ(lo_capture.wait_exit(kReadyBound), 0) << lo_capture.err();

  expect_states_match_ss(veth_pcap, veth, over_veth);
  expect_states_match_ss(lo_pcap, lo, over_lo);

  // The neighbour discovery that preceded the first SYN on the veth: solicitation and
  // advertisement, each decoded (NDP body and options) without a malformation.
  const auto decoded = run_command(std::string(WIRESTATE_CLI_PATH) + " decode --json " + veth_pcap);
  ASSERT_EQ(decoded.rc, 0);
  std::istringstream lines(decoded.out);
  std::string line;
  int solicitations = 0, advertisements = 0;
  while (std::getline(lines, line)) {
    const auto j = json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("icmpv6")) continue;
    const int type = j["icmpv6"].value("type", 0);
    if (type != 135 && type != 136) continue;
    (type == 135 ? solicitations : advertisements)++;
    EXPECT_FALSE(j.contains("malformed")) << line;
    EXPECT_TRUE(j["icmpv6"].contains("nd")) << line;
  }
  EXPECT_GE(solicitations, 1) << decoded.out;
  EXPECT_GE(advertisements, 1) << decoded.out;
}

}  // namespace
