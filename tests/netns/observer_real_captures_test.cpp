// The observer on captures of real Linux TCP that the plain close-order tests do not make:
// TCP Fast Open (net.ipv4.tcp_fastopen=3 on both sides), a capture of one direction only
// (a BPF filter on the veth), a capture started inside a connection, an in-window RST
// that is not at RCV.NXT injected by scapy (RFC 5961: Linux answers with a challenge ACK
// and goes on), and a late copy of the connection's SYN (challenged too). Each in two
// namespaces of its own joined by a veth (addresses in 10.196.0.0/16 only inside them);
// `wirestate capture` runs in the client's namespace. Ground truth: `ss` in each
// namespace, the kernels' TcpExt counters (TCPFastOpenActive/Passive, TCPChallengeACK,
// TCPSYNChallenge) and tshark's reading of the capture. Skipped with the reason (failed
// under WIRESTATE_REQUIRE_ALL) without namespaces, tshark, python3 or scapy.
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "netns/kernel_tcp_support.hpp"
#include "support/netns.hpp"
#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace wirestate::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kStartBound = 30s;
constexpr auto kRunBound = 60s;
constexpr auto kCloseBound = 30s;

// Linux endpoints. `server IP PORT TFO CONNS GO`: listens (TCP_FASTOPEN when TFO is 1),
// prints "listening", serves CONNS connections one after the other: answers each message
// with "pong:" and the message, until EOF. When GO is not "-", after the first answer it
// waits for the file GO and then sends "push" unasked. `client IP PORT MODE GO`: MODE
// "tfo" opens two connections with sendto(MSG_FASTOPEN) (the first fetches the cookie, the
// second sends data in its SYN); MODE "plain" opens one, sends 396 bytes, prints
// "paused", waits for the file GO, reads what comes, sends "more". Either prints each
// connection's local port on a line of its own and closes first.
constexpr const char* kLinuxEnds = R"PY(
import os, socket, sys, time
def wait_file(path):
    for _ in range(1200):
        if os.path.exists(path): return
        time.sleep(0.05)
    sys.exit("timed out waiting for " + path)
role, ip, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if role == "server":
    tfo, conns, go = sys.argv[4] == "1", int(sys.argv[5]), sys.argv[6]
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if tfo: l.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 16)
    l.bind((ip, port)); l.listen(8); print("listening", flush=True)
    for _ in range(conns):
        c, _ = l.accept(); first = True
        while True:
            d = c.recv(4096)
            if not d: break
            c.sendall(b"pong:" + d[:16])
            if first and go != "-":
                wait_file(go); time.sleep(0.2); c.sendall(b"push")
            first = False
        c.close()
else:
    mode, go = sys.argv[4], sys.argv[5]
    if mode == "tfo":
        for i in range(2):
            s = socket.socket()
            s.sendto(b"hello-tfo-%d" % i, socket.MSG_FASTOPEN, (ip, port))
            print(s.getsockname()[1], flush=True)
            s.recv(100); s.close(); time.sleep(0.3)
    else:
        for _ in range(200):
            try: s = socket.create_connection((ip, port)); break
            except OSError: time.sleep(0.05)
        print(s.getsockname()[1], flush=True)
        s.sendall(b"x" * 396); s.recv(100)
        print("paused", flush=True)
        wait_file(go); time.sleep(0.3)
        s.settimeout(1.0)
        try: s.recv(100)
        except socket.timeout: pass
        s.sendall(b"more"); s.recv(100); s.close()
)PY";

// scapy, started before the connection: `MODE IFACE PORT READY GO`. Sniffs the port on
// IFACE, touches READY, waits for GO. MODE "rst": sends, as the server, a RST 1000 past
// the client's RCV.NXT (the ACK of the client's latest segment), inside its window but not
// exact. MODE "syn": sends again the client's SYN of the connection, as it was (with its
// checksums computed: the sniffed copy predates checksum offload). Then
// prints "answered" when the attacked end sent a pure ACK within 0.5 s (the challenge ACK),
// else "unanswered".
constexpr const char* kInjector = R"PY(
import os, sys, time
from scapy.all import IP, TCP, AsyncSniffer, send
mode, iface, port, ready, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
sn = AsyncSniffer(iface=iface, filter="tcp port %d" % port, store=True)
sn.start(); time.sleep(0.5); open(ready, "w").close()
for _ in range(1200):
    if os.path.exists(go): break
    time.sleep(0.05)
pkts = [p for p in sn.stop() if TCP in p]
to_server = [p for p in pkts if p[TCP].dport == port]
if mode == "rst":
    last = to_server[-1]
    client, cport, rcv_nxt = last[IP].src, last[TCP].sport, last[TCP].ack
    forged = IP(src=last[IP].dst, dst=client)/TCP(sport=port, dport=cport, flags="R", seq=(rcv_nxt + 1000) % 2**32)
    answerer = client
else:
    syn = [p for p in to_server if p[TCP].flags == "S"][0]
    forged = IP(bytes(syn[IP]))
    # The copy was sniffed before checksum offload filled its checksums: recompute them.
    del forged.chksum
    del forged[TCP].chksum
    answerer = syn[IP].dst
acks = AsyncSniffer(iface=iface, filter="tcp port %d and src host %s" % (port, answerer), store=True)
acks.start(); time.sleep(0.3)
send(forged, verbose=False)
time.sleep(0.5)
got = [p for p in acks.stop() if TCP in p and p[TCP].flags == "A"]
print("answered" if got else "unanswered", flush=True)
)PY";

// One test's namespaces, capture and scripts.
class KernelCapture {
 public:
  explicit KernelCapture(const std::string& tag, const std::string& subnet) : link_(tag, subnet) {}

  // "" when ready, else why the test cannot run here (with_scapy: the injector needs it).
  std::string set_up(bool with_scapy = false) {
    if (!fs::exists(WIRESTATE_PYTHON)) return std::string(WIRESTATE_PYTHON) + " is missing";
    if (sh("command -v tshark") != 0) return "tshark is missing";
    if (with_scapy && sh(std::string(WIRESTATE_PYTHON) + " -c 'import scapy.all'") != 0) return "scapy is missing";
    if (auto why = link_.create(); !why.empty()) return why;
    dir_ = scratch_dir();
    ends_ = (dir_ / "ends.py").string();
    injector_ = (dir_ / "inject.py").string();
    std::ofstream(ends_) << kLinuxEnds;
    std::ofstream(injector_) << kInjector;
    return "";
  }
  const VethPair& link() const { return link_; }
  fs::path path(const std::string& name) const { return dir_ / name; }
  std::string pcap() const { return (dir_ / "capture.pcap").string(); }
  const std::string& ends() const { return ends_; }
  const std::string& injector() const { return injector_; }

  // Starts `wirestate capture` on va in the client's namespace, with a BPF filter or none.
  ::testing::AssertionResult start_capture(const std::string& filter = "") {
    std::vector<std::string> argv = {WIRESTATE_CLI_PATH, "capture", "-i", "va", "-w", pcap(), "-q",
                                     "-c", "100000", "--duration", "300"};
    if (!filter.empty()) argv.insert(argv.end(), {"-f", filter});
    capture_.emplace(link_.a().exec(argv), path("capture.out"), path("capture.err"));
    if (!capture_->wait_for_output("listening on", kStartBound, /*on_stderr=*/true)) {
      return ::testing::AssertionFailure() << "capture did not start: " << capture_->err();
    }
    return ::testing::AssertionSuccess();
  }

  // Stops the capture and returns analyze --json -K of it (-K: the capture host's own
  // segments carry offloaded checksums).
  json stop_and_analyze() {
    capture_->signal(SIGINT);
    EXPECT_EQ(capture_->wait_exit(kStartBound), 0) << capture_->err();
    EXPECT_EQ(sh("tshark -r " + pcap()), 0) << "tshark cannot read " << pcap();
    const auto analyzed = run_command(std::string(WIRESTATE_CLI_PATH) + " analyze --json -K " + pcap());
    EXPECT_EQ(analyzed.rc, 0);
    return json::parse(analyzed.out, nullptr, false);
  }

  // The server, in namespace b.
  Child& start_server(int port, bool tfo, int conns, const std::string& go) {
    server_.emplace(link_.b().exec({WIRESTATE_PYTHON, ends_, "server", link_.ip_b(), std::to_string(port),
                                    tfo ? "1" : "0", std::to_string(conns), go}),
                    path("server.out"), path("server.err"));
    return *server_;
  }
  // The client, in namespace a.
  Child& start_client(int port, const std::string& mode, const std::string& go) {
    client_.emplace(link_.a().exec({WIRESTATE_PYTHON, ends_, "client", link_.ip_b(), std::to_string(port), mode, go}),
                    path("client.out"), path("client.err"));
    return *client_;
  }

 private:
  VethPair link_;
  fs::path dir_;
  std::string ends_, injector_;
  std::optional<Child> capture_, server_, client_;
};

// The connection with this client port in an analyze report (null when none).
json connection_of(const json& report, int client_port) {
  if (!report.is_object() || !report.contains("connections")) return nullptr;
  for (const auto& c : report["connections"]) {
    if (c["client"]["port"] == client_port) return c;
  }
  return nullptr;
}

// The client ports the script printed, one a line.
std::vector<int> printed_ports(const std::string& out) {
  std::vector<int> ports;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && std::all_of(line.begin(), line.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; })) ports.push_back(std::stoi(line));
  }
  return ports;
}

std::vector<std::string> path_of(const json& side) { return side["states"].get<std::vector<std::string>>(); }

bool starts_with(const std::vector<std::string>& whole, const std::vector<std::string>& prefix) {
  return prefix.size() <= whole.size() && std::equal(prefix.begin(), prefix.end(), whole.begin());
}

bool is_prefix_of(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  return starts_with(whole, part);
}

// RFC 9293's paths of an orderly close where the client closes first.
const std::vector<std::string> kActiveCloserPath = {"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                                                    "TIME_WAIT"};
const std::vector<std::string> kPassiveCloserPath = {"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT",
                                                     "LAST_ACK", "CLOSED"};

TEST(NetnsObserver, FastOpenConnectionsEstablishAndCloseAsTheKernelSays) {
  KernelCapture k("tfo", "10.196.1");
  if (const auto why = k.set_up(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  for (const auto* ns : {&k.link().a(), &k.link().b()}) {
    ASSERT_EQ(sh(ns->prefix() + "sysctl -qw net.ipv4.tcp_fastopen=3"), 0);
  }
  ASSERT_TRUE(k.start_capture());
  const int port = 5401;
  Child& server = k.start_server(port, /*tfo=*/true, 2, "-");
  ASSERT_TRUE(server.wait_for_output("listening", kStartBound)) << server.err();
  Child& client = k.start_client(port, "tfo", "-");
  ASSERT_EQ(client.wait_exit(kRunBound), 0) << client.err();
  ASSERT_EQ(server.wait_exit(kRunBound), 0) << server.err();
  const auto ports = printed_ports(client.out());
  ASSERT_EQ(ports.size(), 2U) << client.out();
  std::vector<KernelEnds> kernel;
  for (int p : ports) {
    kernel.push_back(settled_kernel_states(k.link().a().name(), k.link().b().name(), p, port, kCloseBound));
    EXPECT_TRUE(kernel.back().settled) << kernel.back().client << " " << kernel.back().server;
  }
  // The kernels did Fast Open: the client sent data in a SYN, the server took it.
  EXPECT_GE(kernel_tcp_counter(k.link().a().name(), "TCPFastOpenActive"), 1);
  EXPECT_GE(kernel_tcp_counter(k.link().b().name(), "TCPFastOpenPassive"), 1);
  const auto report = k.stop_and_analyze();
  ASSERT_TRUE(report.is_object());
  // tshark: which connection's SYN carried data (the second, with the cookie).
  const auto syn_data = run_command("tshark -r " + k.pcap() +
                                    " -Y 'tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.len>0' -T fields -e tcp.srcport -e tcp.len");
  std::istringstream rows(syn_data.out);
  int syn_port = 0, syn_len = 0;
  rows >> syn_port >> syn_len;
  ASSERT_EQ(syn_port, ports[1]) << syn_data.out;
  EXPECT_EQ(syn_len, 11);  // "hello-tfo-1"
  for (std::size_t i = 0; i < ports.size(); ++i) {
    SCOPED_TRACE("client port " + std::to_string(ports[i]));
    const auto conn = connection_of(report, ports[i]);
    ASSERT_TRUE(conn.is_object()) << report.dump();
    EXPECT_EQ(kernel[i].client, "TIME_WAIT");
    EXPECT_EQ(kernel[i].server, "CLOSED");
    EXPECT_EQ(conn["client"]["final"], kernel[i].client) << conn.dump();
    EXPECT_EQ(conn["server"]["final"], kernel[i].server) << conn.dump();
    EXPECT_EQ(path_of(conn["client"]), kActiveCloserPath) << conn.dump();
    EXPECT_EQ(path_of(conn["server"]), kPassiveCloserPath) << conn.dump();
    EXPECT_EQ(conn["client"]["bytes"], 11) << conn.dump();  // in the SYN or after the handshake
    EXPECT_EQ(conn["conn_state"], "SF");
  }
}

TEST(NetnsObserver, OneDirectionCaptureInfersWhatTheClientsAcksProve) {
  KernelCapture k("one", "10.196.2");
  if (const auto why = k.set_up(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  // A tap on one direction: only what the client sends.
  ASSERT_TRUE(k.start_capture("tcp and src host " + k.link().ip_a()));
  const int port = 5402;
  const std::string go = k.path("go").string();
  Child& server = k.start_server(port, false, 1, "-");
  ASSERT_TRUE(server.wait_for_output("listening", kStartBound)) << server.err();
  Child& client = k.start_client(port, "plain", go);
  ASSERT_TRUE(client.wait_for_output("paused", kRunBound)) << client.err();
  std::ofstream(go).put('\n');
  ASSERT_EQ(client.wait_exit(kRunBound), 0) << client.err();
  ASSERT_EQ(server.wait_exit(kRunBound), 0) << server.err();
  const auto ports = printed_ports(client.out());
  ASSERT_EQ(ports.size(), 1U);
  const auto kernel = settled_kernel_states(k.link().a().name(), k.link().b().name(), ports[0], port, kCloseBound);
  EXPECT_TRUE(kernel.settled);
  EXPECT_EQ(kernel.client, "TIME_WAIT");
  EXPECT_EQ(kernel.server, "CLOSED");
  const auto report = k.stop_and_analyze();
  const auto conn = connection_of(report, ports[0]);
  ASSERT_TRUE(conn.is_object()) << report.dump();
  EXPECT_EQ(conn["unseen"], "server");
  EXPECT_EQ(conn["server"]["packets"], 0);
  EXPECT_EQ(conn["client"]["bytes"], 400);  // 396 and "more"
  EXPECT_FALSE(conn["partial"].get<bool>());
  // What the client's segments prove: its ACK of the unseen SYN-ACK, its FIN. Every
  // state claimed lies on the path the kernels went (ss: client TIME_WAIT, server gone).
  const auto client_path = path_of(conn["client"]);
  const auto server_path = path_of(conn["server"]);
  EXPECT_TRUE(starts_with(client_path, {"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1"})) << conn.dump();
  EXPECT_TRUE(is_prefix_of(client_path, kActiveCloserPath)) << conn.dump();
  EXPECT_TRUE(starts_with(server_path, {"LISTEN", "SYN_RECEIVED", "ESTABLISHED"})) << conn.dump();
  EXPECT_TRUE(is_prefix_of(server_path, kPassiveCloserPath)) << conn.dump();
}

TEST(NetnsObserver, CaptureStartedMidConnectionClaimsNoHandshake) {
  KernelCapture k("mid", "10.196.3");
  if (const auto why = k.set_up(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  const int port = 5403;
  const std::string go = k.path("go").string();
  // The server pushes first once the capture runs: the first segment seen is the server's.
  Child& server = k.start_server(port, false, 1, go);
  ASSERT_TRUE(server.wait_for_output("listening", kStartBound)) << server.err();
  Child& client = k.start_client(port, "plain", go);
  ASSERT_TRUE(client.wait_for_output("paused", kRunBound)) << client.err();
  ASSERT_TRUE(k.start_capture());
  std::ofstream(go).put('\n');
  ASSERT_EQ(client.wait_exit(kRunBound), 0) << client.err();
  ASSERT_EQ(server.wait_exit(kRunBound), 0) << server.err();
  const auto ports = printed_ports(client.out());
  ASSERT_EQ(ports.size(), 1U);
  const auto kernel = settled_kernel_states(k.link().a().name(), k.link().b().name(), ports[0], port, kCloseBound);
  EXPECT_TRUE(kernel.settled);
  const auto report = k.stop_and_analyze();
  // tshark: the capture holds no SYN, and its first TCP segment is the server's.
  // (Not `-c 1`: tshark counts the packets it reads, not those it shows, and an ARP request
  // may come first.)
  const auto tcp_fields = run_command("tshark -r " + k.pcap() + " -Y tcp -T fields -e tcp.srcport -e tcp.flags.syn");
  const std::string first = tcp_fields.out.substr(0, tcp_fields.out.find('\n'));
  EXPECT_EQ(first.substr(0, first.find('\t')), std::to_string(port)) << tcp_fields.out;
  EXPECT_EQ(run_command("tshark -r " + k.pcap() + " -Y 'tcp.flags.syn==1'").out, "");
  const auto conn = connection_of(report, ports[0]);
  ASSERT_TRUE(conn.is_object()) << "client port " << ports[0] << " not the client in " << report.dump();
  EXPECT_EQ(conn["server"]["port"], port);
  EXPECT_TRUE(conn["partial"].get<bool>());
  EXPECT_TRUE(conn["handshake_rtt"].is_null());
  EXPECT_EQ(conn["client"]["final"], kernel.client) << conn.dump();
  EXPECT_EQ(conn["server"]["final"], kernel.server) << conn.dump();
  EXPECT_EQ(path_of(conn["client"]), (std::vector<std::string>{"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}))
      << conn.dump();
  EXPECT_EQ(path_of(conn["server"]), (std::vector<std::string>{"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}))
      << conn.dump();
}

// Runs the plain exchange with the injector of `mode` striking while the client pauses;
// returns the report, the client port and what the injector saw.
struct Injected {
  json report;
  int client_port = 0;
  std::string injector_out;
  std::string client_during;  // ss just after the injection
  std::string server_during;
  KernelEnds after;
};

Injected run_injected(KernelCapture& k, const std::string& mode, int port, const std::string& sniff_ns,
                      const std::string& iface) {
  Injected r;
  const std::string ready = k.path("ready").string();
  const std::string strike = k.path("strike").string();
  const std::string go = k.path("go").string();
  EXPECT_TRUE(k.start_capture());
  Child injector({"ip", "netns", "exec", sniff_ns, WIRESTATE_PYTHON, k.injector(), mode, iface, std::to_string(port),
                  ready, strike},
                 k.path("inject.out"), k.path("inject.err"));
  for (const auto until = std::chrono::steady_clock::now() + kStartBound;
       !fs::exists(ready) && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(fs::exists(ready)) << injector.err();
  Child& server = k.start_server(port, false, 1, "-");
  EXPECT_TRUE(server.wait_for_output("listening", kStartBound)) << server.err();
  Child& client = k.start_client(port, "plain", go);
  EXPECT_TRUE(client.wait_for_output("paused", kRunBound)) << client.err();
  const auto ports = printed_ports(client.out());
  EXPECT_EQ(ports.size(), 1U);
  r.client_port = ports.empty() ? 0 : ports[0];
  std::ofstream(strike).put('\n');
  EXPECT_EQ(injector.wait_exit(kRunBound), 0) << injector.err();
  r.injector_out = injector.out();
  r.client_during = kernel_tcp_state(k.link().a().name(), r.client_port, port);
  r.server_during = kernel_tcp_state(k.link().b().name(), port, r.client_port);
  std::ofstream(go).put('\n');
  EXPECT_EQ(client.wait_exit(kRunBound), 0) << client.err();
  EXPECT_EQ(server.wait_exit(kRunBound), 0) << server.err();
  r.after = settled_kernel_states(k.link().a().name(), k.link().b().name(), r.client_port, port, kCloseBound);
  r.report = k.stop_and_analyze();
  return r;
}

// What the kernels showed around an injection both ends survive: the attacked end answered
// with a challenge ACK (its counter `counter` in namespace `ns` went up by one from
// `before`), both kept the connection, and it closed in order, the client first.
void expect_kernels_kept_the_connection(const Injected& r, const std::string& ns, const char* counter,
                                        std::int64_t before) {
  EXPECT_EQ(r.injector_out, "answered\n");
  EXPECT_EQ(kernel_tcp_counter(ns, counter), before + 1) << counter;
  EXPECT_EQ(r.client_during, "ESTABLISHED");
  EXPECT_EQ(r.server_during, "ESTABLISHED");
  EXPECT_EQ(r.after.client, "TIME_WAIT");
  EXPECT_EQ(r.after.server, "CLOSED");
}

// The observer's view of such a connection: the orderly close's paths, nothing closed in
// between.
void expect_orderly_paths(const json& conn) {
  EXPECT_EQ(path_of(conn["client"]), kActiveCloserPath) << conn.dump();
  EXPECT_EQ(path_of(conn["server"]), kPassiveCloserPath) << conn.dump();
}

TEST(NetnsObserver, InWindowRstNotAtRcvNxtIsChallengedAndTheConnectionGoesOn) {
  KernelCapture k("rst", "10.196.4");
  if (const auto why = k.set_up(/*with_scapy=*/true); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  const auto before = kernel_tcp_counter(k.link().a().name(), "TCPChallengeACK");
  ASSERT_GE(before, 0);
  // The forged RST leaves the server's namespace on vb towards the client.
  const auto r = run_injected(k, "rst", 5404, k.link().b().name(), "vb");
  expect_kernels_kept_the_connection(r, k.link().a().name(), "TCPChallengeACK", before);
  const auto conn = connection_of(r.report, r.client_port);
  ASSERT_TRUE(conn.is_object()) << r.report.dump();
  EXPECT_EQ(conn["anomalies"].value("rst_not_exact", 0), 1) << conn.dump();
  EXPECT_EQ(conn["anomalies"].value("close_withdrawn", 0), 0) << conn.dump();
  expect_orderly_paths(conn);  // the RST closed nothing
}

TEST(NetnsObserver, LateCopyOfTheSynIsARetransmissionNotANewConnection) {
  KernelCapture k("syn", "10.196.5");
  if (const auto why = k.set_up(/*with_scapy=*/true); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  const auto before = kernel_tcp_counter(k.link().b().name(), "TCPSYNChallenge");
  ASSERT_GE(before, 0);
  // The copy leaves the client's namespace on va towards the server.
  const auto r = run_injected(k, "syn", 5405, k.link().a().name(), "va");
  expect_kernels_kept_the_connection(r, k.link().b().name(), "TCPSYNChallenge", before);
  // tshark sees the SYN twice on the one 4-tuple.
  EXPECT_EQ(run_command("tshark -r " + k.pcap() + " -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' | wc -l").out, "2\n");
  ASSERT_EQ(r.report["connections"].size(), 1U) << r.report.dump();
  const auto conn = connection_of(r.report, r.client_port);
  ASSERT_TRUE(conn.is_object()) << r.report.dump();
  EXPECT_EQ(conn["anomalies"].value("syn_retransmission", 0), 1) << conn.dump();
  EXPECT_EQ(conn["anomalies"].value("reused_ports", 0), 0) << conn.dump();
  EXPECT_EQ(r.report["tcp_table"]["retired_reused"], 0);
  expect_orderly_paths(conn);
}

}  // namespace
}  // namespace wirestate::test
