// Real Linux TCP endpoints against `wirestate capture`: two network namespaces the test
// creates (names carry the pid), a veth pair between them, addresses
// only inside them (10.199.0.0/24). `wirestate capture -i <veth> -w FILE` runs in the client namespace
// while python3 sockets connect, exchange and close in several orders (client first,
// server first, abort with SO_LINGER 0); `ss -tan` is taken in each namespace after each
// exchange. After SIGINT the pcap must open in tshark, and `wirestate analyze --json` on
// it must give the final states ss showed (TIME_WAIT on the active closer, and so on).
// The namespaces are always deleted (RAII guard). Skipped, with the reason, where
// namespaces cannot be created or python3 / tshark are missing.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
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
using wirestate::test::slurp;

// Bounds on waits, far above what an idle machine needs; passing one fails the test with what
// was awaited instead of hanging it.
constexpr auto kReadyBound = 30s;
constexpr auto kExchangeBound = 60s;
constexpr auto kSettleBound = 30s;

// The endpoints: `server MODE IP PORT` and `client MODE IP PORT`. Modes: client_first
// (the client closes first), server_first, abort (the client sends RST via SO_LINGER 0).
constexpr const char* kEndpoints = R"PY(
import socket, struct, sys, time
role, mode, ip, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def drain(s):
    try:
        while s.recv(4096): pass
    except ConnectionResetError: pass
if role == "server":
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((ip, port)); l.listen(1); print("listening", flush=True)
    c, _ = l.accept(); l.close()
    c.recv(100); c.sendall(b"pong")
    if mode == "server_first": c.close(); sys.exit(0)
    drain(c); c.close()
else:
    for _ in range(200):
        try: s = socket.create_connection((ip, port)); break
        except OSError: time.sleep(0.05)
    print(s.getsockname()[1], flush=True)  # the ephemeral port, for ss
    s.sendall(b"ping"); s.recv(100)
    if mode == "abort":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()
    elif mode == "client_first":
        s.close()
    else:
        drain(s); s.close()
)PY";

// ss -tan in a namespace: state of the socket local:lport <-> peer:pport, "CLOSED" if none.
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
      std::replace(state.begin(), state.end(), '-', '_');
      return state;
    }
  }
  return "CLOSED";
}


bool transient(const std::string& s) {
  return s == "FIN_WAIT_1" || s == "FIN_WAIT_2" || s == "LAST_ACK" || s == "CLOSING" || s == "SYN_SENT" ||
         s == "SYN_RECV" || s == "CLOSE_WAIT";
}

struct Exchange {
  std::string mode;
  int port;
  int client_port = 0;
  std::string ss_client;  // state of the client's socket after the exchange
  std::string ss_server;
};

TEST(NetnsCapture, InferredFinalStatesMatchTheKernelsSs) {
  if (!fs::exists(WIRESTATE_PYTHON)) WIRESTATE_SKIP_UNLESS_REQUIRED() << WIRESTATE_PYTHON << " is missing: no Linux TCP endpoints to run";
  if (sh("command -v tshark") != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "tshark is missing: cannot check that the pcap opens";
  // client = namespace a (va, 10.199.0.1), server = namespace b (vb, 10.199.0.2).
  wirestate::test::VethPair ns("kst", "10.199.0");
  if (const auto why = ns.create(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;

  const fs::path dir = wirestate::test::scratch_dir();
  const std::string pcap = (dir / "capture.pcap").string();
  const std::string script = (dir / "endpoints.py").string();
  std::ofstream(script) << kEndpoints;

  // Bounded by count and duration as well as by the SIGINT below.
  Child capture(ns.a().exec({WIRESTATE_CLI_PATH, "capture", "-i", "va", "-w", pcap, "-q", "-c", "100000",
                             "--duration", "300"}),
                dir / "capture.out", dir / "capture.err");
  ASSERT_TRUE(capture.wait_for_output("listening on", kReadyBound, /*on_stderr=*/true)) << capture.err();

  std::vector<Exchange> exchanges = {{"client_first", 5001}, {"server_first", 5002}, {"abort", 5003}};
  for (auto& ex : exchanges) {
    SCOPED_TRACE(ex.mode);
    const std::string port = std::to_string(ex.port);
    Child server(ns.b().exec({WIRESTATE_PYTHON, script, "server", ex.mode, ns.ip_b(), port}),
                 dir / ("server_" + ex.mode + ".out"), dir / ("server_" + ex.mode + ".err"));
    // Start the client once the server listens, so no attempt is refused.
    ASSERT_TRUE(server.wait_for_output("listening", kReadyBound)) << server.err();
    Child client(ns.a().exec({WIRESTATE_PYTHON, script, "client", ex.mode, ns.ip_b(), port}),
                 dir / ("client_" + ex.mode + ".out"), dir / ("client_" + ex.mode + ".err"));
    EXPECT_EQ(client.wait_exit(kExchangeBound), 0) << client.err();
    EXPECT_EQ(server.wait_exit(kExchangeBound), 0) << server.err();
    ex.client_port = std::atoi(client.out().c_str());
    ASSERT_GT(ex.client_port, 0) << client.out();
    // ss once the close has settled: no socket of the connection left in a transient state.
    bool settled = false;
    for (const auto until = std::chrono::steady_clock::now() + kSettleBound;
         !settled && std::chrono::steady_clock::now() < until;) {
      ex.ss_client = ss_state(ns.a().name(), ex.client_port, ex.port);
      ex.ss_server = ss_state(ns.b().name(), ex.port, ex.client_port);
      settled = !transient(ex.ss_client) && !transient(ex.ss_server);
      if (!settled) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(settled) << "still transient after 30 s: client " << ex.ss_client << ", server " << ex.ss_server;
  }

  capture.signal(SIGINT);
  EXPECT_EQ(capture.wait_exit(kReadyBound), 0) << capture.err();
  const std::string capture_err = capture.err();
  EXPECT_NE(capture_err.find("packets captured"), std::string::npos) << capture_err;
  EXPECT_NE(capture_err.find("dropped by kernel"), std::string::npos) << capture_err;

  EXPECT_EQ(sh("tshark -r " + pcap), 0) << "tshark cannot read " << pcap;

  // The capture host's own segments carry offloaded (unfilled) checksums: analyze with -K.
  const auto analyzed = run_command(std::string(WIRESTATE_CLI_PATH) + " analyze --json -K " + pcap);
  ASSERT_EQ(analyzed.rc, 0);
  const auto& report = analyzed.out;
  const auto doc = json::parse(report);
  for (const auto& ex : exchanges) {
    SCOPED_TRACE(ex.mode);
    // What the kernel showed: the active closer in TIME_WAIT, its peer gone; both gone after an abort.
    if (ex.mode == "client_first") {
      EXPECT_EQ(ex.ss_client, "TIME_WAIT");
      EXPECT_EQ(ex.ss_server, "CLOSED");
    } else if (ex.mode == "server_first") {
      EXPECT_EQ(ex.ss_client, "CLOSED");
      EXPECT_EQ(ex.ss_server, "TIME_WAIT");
    } else {
      EXPECT_EQ(ex.ss_client, "CLOSED");
      EXPECT_EQ(ex.ss_server, "CLOSED");
    }
    const auto it = std::find_if(doc["connections"].begin(), doc["connections"].end(), [&](const json& c) {
      return c["server"]["port"] == ex.port && c["client"]["port"] == ex.client_port;
    });
    ASSERT_NE(it, doc["connections"].end()) << "no connection to port " << ex.port << " in " << report;
    const auto& conn = *it;
    EXPECT_EQ(conn["client"]["ip"], ns.ip_a());
    EXPECT_EQ(conn["client"]["final"], ex.ss_client) << conn.dump();
    EXPECT_EQ(conn["server"]["final"], ex.ss_server) << conn.dump();
    const auto client_states = conn["client"]["states"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(client_states.begin(), client_states.end(), "ESTABLISHED"), client_states.end());
    EXPECT_EQ(conn["server"]["states"][0], "LISTEN");
  }
}

}  // namespace
