// Real Linux TCP endpoints against `wirestate capture`: two network namespaces the test
// creates (names carry the pid), a veth pair between them, addresses in 10.199.x.0/24
// only inside them. `wirestate capture -i <veth> -w FILE` runs in the client namespace
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

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

int sh(const std::string& cmd) {
  const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::pair<std::string, int> run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return {"", -1};
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int rc = pclose(p);
  return {out, WIFEXITED(rc) ? WEXITSTATUS(rc) : -1};
}

// Starts argv with stdout/stderr to files; returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o >= 0) dup2(o, STDOUT_FILENO);
    if (e >= 0) dup2(e, STDERR_FILENO);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Two namespaces joined by a veth pair; deleted when the guard goes.
class NamespacePair {
 public:
  NamespacePair() {
    const auto pid = std::to_string(getpid());
    client_ns_ = "wsc-" + pid;
    server_ns_ = "wss-" + pid;
    client_if_ = "wsc" + pid;
    server_if_ = "wss" + pid;
    subnet_ = "10.199." + std::to_string(getpid() % 250) + ".";
  }
  ~NamespacePair() {
    sh("ip netns del " + client_ns_);
    sh("ip netns del " + server_ns_);
  }
  NamespacePair(const NamespacePair&) = delete;
  NamespacePair& operator=(const NamespacePair&) = delete;

  // Creates everything; "" on success, else what failed.
  std::string create() {
    if (sh("ip netns add " + client_ns_) != 0) return "`ip netns add` is not permitted here (needs root / CAP_SYS_ADMIN)";
    if (sh("ip netns add " + server_ns_) != 0) return "cannot create a second namespace";
    const std::vector<std::string> steps = {
        "ip link add " + client_if_ + " netns " + client_ns_ + " type veth peer name " + server_if_ + " netns " + server_ns_,
        "ip -n " + client_ns_ + " addr add " + client_ip() + "/24 dev " + client_if_,
        "ip -n " + server_ns_ + " addr add " + server_ip() + "/24 dev " + server_if_,
        "ip -n " + client_ns_ + " link set lo up",
        "ip -n " + server_ns_ + " link set lo up",
        "ip -n " + client_ns_ + " link set " + client_if_ + " up",
        "ip -n " + server_ns_ + " link set " + server_if_ + " up",
    };
    for (const auto& s : steps) {
      if (sh(s) != 0) return "setup step failed: " + s;
    }
    return "";
  }
  std::string client_ip() const { return subnet_ + "1"; }
  std::string server_ip() const { return subnet_ + "2"; }
  const std::string& client_ns() const { return client_ns_; }
  const std::string& server_ns() const { return server_ns_; }
  const std::string& client_if() const { return client_if_; }

 private:
  std::string client_ns_, server_ns_, client_if_, server_if_, subnet_;
};

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
  const auto [out, rc] = run("ip netns exec " + ns + " ss -tan");
  std::istringstream lines(out);
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
  if (geteuid() != 0) GTEST_SKIP() << "needs root (ip netns add, packet capture); running as uid " << geteuid();
  if (!fs::exists(WIRESTATE_PYTHON)) GTEST_SKIP() << WIRESTATE_PYTHON << " is missing: no Linux TCP endpoints to run";
  if (sh("command -v tshark") != 0) GTEST_SKIP() << "tshark is missing: cannot check that the pcap opens";
  NamespacePair ns;
  if (const auto why = ns.create(); !why.empty()) GTEST_SKIP() << why;

  const fs::path dir = fs::temp_directory_path() / ("wirestate_netns_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string pcap = (dir / "capture.pcap").string();
  const std::string script = (dir / "endpoints.py").string();
  std::ofstream(script) << kEndpoints;

  const pid_t capture = spawn({"ip", "netns", "exec", ns.client_ns(), WIRESTATE_CLI_PATH, "capture", "-i",
                               ns.client_if(), "-w", pcap, "-q"},
                              (dir / "capture.out").string(), (dir / "capture.err").string());
  // Wait (bounded) until the capture is listening.
  for (int i = 0; i < 200 && slurp((dir / "capture.err").string()).find("listening on") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_NE(slurp((dir / "capture.err").string()).find("listening on"), std::string::npos)
      << slurp((dir / "capture.err").string());

  std::vector<Exchange> exchanges = {{"client_first", 5001}, {"server_first", 5002}, {"abort", 5003}};
  for (auto& ex : exchanges) {
    const std::string port = std::to_string(ex.port);
    const pid_t server = spawn({"ip", "netns", "exec", ns.server_ns(), WIRESTATE_PYTHON, script, "server", ex.mode,
                                ns.server_ip(), port},
                               (dir / ("server_" + ex.mode + ".out")).string(), (dir / ("server_" + ex.mode + ".err")).string());
    // Start the client once the server listens (bounded wait), so no attempt is refused.
    const std::string server_out = (dir / ("server_" + ex.mode + ".out")).string();
    for (int i = 0; i < 200 && slurp(server_out).find("listening") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const pid_t client = spawn({"ip", "netns", "exec", ns.client_ns(), WIRESTATE_PYTHON, script, "client", ex.mode,
                                ns.server_ip(), port},
                               (dir / ("client_" + ex.mode + ".out")).string(), (dir / ("client_" + ex.mode + ".err")).string());
    EXPECT_EQ(wait_exit(client), 0) << slurp((dir / ("client_" + ex.mode + ".err")).string());
    EXPECT_EQ(wait_exit(server), 0) << slurp((dir / ("server_" + ex.mode + ".err")).string());
    ex.client_port = std::atoi(slurp((dir / ("client_" + ex.mode + ".out")).string()).c_str());
    EXPECT_GT(ex.client_port, 0);
    // ss once the close has settled (bounded wait for in-flight FIN/ACKs).
    for (int i = 0; i < 100; ++i) {
      ex.ss_client = ss_state(ns.client_ns(), ex.client_port, ex.port);
      ex.ss_server = ss_state(ns.server_ns(), ex.port, ex.client_port);
      if (!transient(ex.ss_client) && !transient(ex.ss_server)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  kill(capture, SIGINT);
  EXPECT_EQ(wait_exit(capture), 0) << slurp((dir / "capture.err").string());
  const std::string capture_err = slurp((dir / "capture.err").string());
  EXPECT_NE(capture_err.find("packets captured"), std::string::npos) << capture_err;
  EXPECT_NE(capture_err.find("dropped by kernel"), std::string::npos) << capture_err;

  EXPECT_EQ(sh("tshark -r " + pcap), 0) << "tshark cannot read " << pcap;

  // The capture host's own segments carry offloaded (unfilled) checksums: analyze with -K.
  const auto [report, rc] = run(std::string(WIRESTATE_CLI_PATH) + " analyze --json -K " + pcap);
  ASSERT_EQ(rc, 0);
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
    EXPECT_EQ(conn["client"]["ip"], ns.client_ip());
    EXPECT_EQ(conn["client"]["final"], ex.ss_client) << conn.dump();
    EXPECT_EQ(conn["server"]["final"], ex.ss_server) << conn.dump();
    const auto client_states = conn["client"]["states"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(client_states.begin(), client_states.end(), "ESTABLISHED"), client_states.end());
    EXPECT_EQ(conn["server"]["states"][0], "LISTEN");
  }
  fs::remove_all(dir);
}

}  // namespace
