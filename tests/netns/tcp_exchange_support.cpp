#include "netns/tcp_exchange_support.hpp"

#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace wirestate::test {

const char* const kTcpEndpointsScript = R"PY(
import socket, struct, sys, time
role, mode, ip, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
family = socket.AF_INET6 if ":" in ip else socket.AF_INET
def drain(s):
    try:
        while s.recv(4096): pass
    except ConnectionResetError: pass
if role == "server":
    l = socket.socket(family); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((ip, port)); l.listen(1); print("listening", flush=True)
    c, _ = l.accept(); l.close()
    c.recv(100); c.sendall(b"pong")
    if mode in ("server_first", "both"): c.close(); sys.exit(0)
    drain(c); c.close()
else:
    for _ in range(200):
        try: s = socket.create_connection((ip, port)); break
        except OSError: time.sleep(0.05)
    print(s.getsockname()[1], flush=True)  # the ephemeral port, for ss
    s.sendall(b"ping"); s.recv(100)
    if mode == "abort":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()
    elif mode in ("client_first", "both"):
        s.close()
    else:
        drain(s); s.close()
)PY";

std::vector<Exchange> every_closing_order(int first_port) {
  return {{"client_first", first_port}, {"server_first", first_port + 1}, {"both", first_port + 2},
          {"abort", first_port + 3}};
}

void run_exchanges(const Link& link, const std::filesystem::path& dir, const std::string& script,
                   std::vector<Exchange>& exchanges) {
  for (auto& ex : exchanges) {
    SCOPED_TRACE(ex.mode + " to " + link.server_ip);
    const std::string port = std::to_string(ex.port);
    const std::string tag = ex.mode + "_" + port;
    Child server(link.server_ns->exec({WIRESTATE_PYTHON, script, "server", ex.mode, link.server_ip, port}),
                 dir / ("server_" + tag + ".out"), dir / ("server_" + tag + ".err"));
    // Start the client once the server listens, so no attempt is refused.
    ASSERT_TRUE(server.wait_for_output("listening", kReadyBound)) << server.err();
    Child client(link.client_ns->exec({WIRESTATE_PYTHON, script, "client", ex.mode, link.server_ip, port}),
                 dir / ("client_" + tag + ".out"), dir / ("client_" + tag + ".err"));
    EXPECT_EQ(client.wait_exit(kExchangeBound), 0) << client.err();
    EXPECT_EQ(server.wait_exit(kExchangeBound), 0) << server.err();
    ex.client_port = std::atoi(client.out().c_str());
    ASSERT_GT(ex.client_port, 0) << client.out();
    // ss once the close has settled: no socket of the connection left in a transient state.
    const KernelEnds ends = settled_kernel_states(link.client_ns->name(), link.server_ns->name(), ex.client_port,
                                                  ex.port, kSettleBound);
    ex.ss_client = ends.client;
    ex.ss_server = ends.server;
    const bool settled = ends.settled;
    EXPECT_TRUE(settled) << "still transient: client " << ex.ss_client << ", server " << ex.ss_server;
  }
}

namespace {

// An endpoint as wirestate names it: 10.0.0.1:80, [fd00::1]:80.
std::string endpoint_text(const std::string& ip, int port) {
  const std::string host = ip.find(':') != std::string::npos ? "[" + ip + "]" : ip;
  return host + ":" + std::to_string(port);
}

}  // namespace

void expect_states_match_ss(const std::string& pcap, const Link& link, const std::vector<Exchange>& exchanges) {
  using nlohmann::json;
  // The capturing host's own segments carry offloaded (unfilled) checksums: -K.
  const auto analyzed = run_command(std::string(WIRESTATE_CLI_PATH) + " analyze --json -K " + pcap);
  ASSERT_EQ(analyzed.rc, 0) << analyzed.out;
  const auto doc = json::parse(analyzed.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << analyzed.out;
  for (const auto& ex : exchanges) {
    SCOPED_TRACE(ex.mode + " to " + link.server_ip);
    // What the kernel showed for the orders that fix it: the active closer in TIME_WAIT, its
    // peer gone; both gone after an abort.
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
    EXPECT_EQ(conn["name"],
              endpoint_text(link.client_ip, ex.client_port) + "-" + endpoint_text(link.server_ip, ex.port));
    EXPECT_EQ(conn["client"]["final"], ex.ss_client) << conn.dump();
    EXPECT_EQ(conn["server"]["final"], ex.ss_server) << conn.dump();
    const auto client_states = conn["client"]["states"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(client_states.begin(), client_states.end(), "ESTABLISHED"), client_states.end());
    EXPECT_EQ(conn["server"]["states"][0], "LISTEN");
    EXPECT_EQ(conn["partial"], false);
  }
}

}  // namespace wirestate::test
