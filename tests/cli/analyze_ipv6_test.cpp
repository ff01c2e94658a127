// `wirestate analyze --json` and `wirestate check` on IPv6 captures made by scapy (Debian's
// python3-scapy, an implementation independent of our builders): handshake and close, RST,
// a segment split into IPv6 fragments, a bad TCP checksum over the IPv6 pseudo-header, an
// ICMPv6 port unreachable quoting a UDP flow, and a dual-stack capture (the same exchange
// over IPv4 and IPv6). Client 2001:db8::1:40000 (10.0.0.1), server 2001:db8::2:80 (10.0.0.2),
// ISNs 100 (client) and 300 (server).
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_json_support.hpp"
#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The scapy side: every capture is a list of packets one case of this script builds.
constexpr const char* kScript = R"PY(
import sys
from scapy.all import (Ether, IPv6, IP, TCP, UDP, Raw, ICMPv6DestUnreach, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       fragment6, wrpcap)

CM, SM = "02:00:00:00:00:01", "02:00:00:00:00:02"

def seg(v6, frm, flags, seq, ack, data=b"", **kw):
    c = frm == "C"
    src, dst = (("2001:db8::1", "2001:db8::2") if v6 else ("10.0.0.1", "10.0.0.2"))[:: 1 if c else -1]
    l3 = IPv6(src=src, dst=dst) if v6 else IP(src=src, dst=dst)
    p = Ether(src=CM if c else SM, dst=SM if c else CM) / l3 / TCP(
        sport=40000 if c else 80, dport=80 if c else 40000, flags=flags, seq=seq, ack=ack, window=64240, **kw)
    return p / Raw(data) if data else p

def handshake(v6):
    return [seg(v6, "C", "S", 100, 0), seg(v6, "S", "SA", 300, 101), seg(v6, "C", "A", 101, 301)]

def close(v6):
    return handshake(v6) + [seg(v6, "C", "PA", 101, 301, b"hello"), seg(v6, "S", "A", 301, 106),
                            seg(v6, "C", "FA", 106, 301), seg(v6, "S", "FA", 301, 107), seg(v6, "C", "A", 107, 302)]

def rst(v6):
    return handshake(v6) + [seg(v6, "C", "PA", 101, 301, b"hello"), seg(v6, "S", "RA", 301, 106)]

case = sys.argv[2]
if case == "close":
    pkts = close(True)
elif case == "rst":
    pkts = rst(True)
elif case == "dual":
    pkts = close(False) + rst(True)
elif case == "badsum":
    # The client's FIN carries a wrong checksum: the server must not move on it.
    pkts = handshake(True) + [seg(True, "C", "FA", 101, 301, chksum=0xbad0)]
elif case == "frag":
    # 3000 bytes in one segment, cut into fragments of at most 1280 bytes (RFC 8200 §5).
    big = Ether(src=CM, dst=SM) / IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrFragment(id=0x12345678) / TCP(
        sport=40000, dport=80, flags="PA", seq=101, ack=301, window=64240) / Raw(b"x" * 3000)
    frags = [Ether(src=CM, dst=SM) / f for f in fragment6(big[IPv6], 1280)]
    pkts = handshake(True) + frags + [seg(True, "S", "A", 301, 3101)]
elif case == "frag_hbh":
    # The same behind a hop-by-hop header: the Next Header to fix is the extension header's.
    big = Ether(src=CM, dst=SM) / IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrHopByHop() / IPv6ExtHdrFragment(
        id=0x12345679) / TCP(sport=40000, dport=80, flags="PA", seq=101, ack=301, window=64240) / Raw(b"x" * 3000)
    frags = [Ether(src=CM, dst=SM) / f for f in fragment6(big[IPv6], 1280)]
    pkts = handshake(True) + frags + [seg(True, "S", "A", 301, 3101)]
elif case == "unreach":
    # RFC 4443 §3.1 port unreachable (code 4), quoting the datagram.
    d = IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP(sport=5353, dport=9999) / Raw(b"ping")
    err = IPv6(src="2001:db8::2", dst="2001:db8::1") / ICMPv6DestUnreach(code=4) / d
    pkts = [Ether(src=CM, dst=SM) / d, Ether(src=SM, dst=CM) / err]
elif case == "long":
    # Addresses of the longest RFC 5952 form (39 characters), for the drawings.
    C, S = "2001:db8:1234:5678:9abc:def0:1234:5678", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff"
    def one(frm, flags, seq, ack):
        c = frm == "C"
        return Ether(src=CM if c else SM, dst=SM if c else CM) / IPv6(src=C if c else S, dst=S if c else C) / TCP(
            sport=40000 if c else 80, dport=80 if c else 40000, flags=flags, seq=seq, ack=ack)
    pkts = [one("C", "S", 100, 0), one("S", "SA", 300, 101), one("C", "A", 101, 301)]
for i, p in enumerate(pkts):
    p.time = 1700000000 + i / 1000
wrpcap(sys.argv[1], pkts)
)PY";

bool have_scapy() { return wirestate::test::sh(std::string(WIRESTATE_PYTHON) + " -c 'import scapy.all'") == 0; }

// Writes the capture of one case and returns its path (empty when scapy failed).
std::string capture(const std::string& which) {
  const fs::path dir = wirestate::test::scratch_dir();
  fs::create_directories(dir);
  const fs::path script = dir / "make.py";
  { std::ofstream(script) << kScript; }
  const std::string pcap = (dir / (which + ".pcap")).string();
  const auto o = wirestate::test::run_command(std::string(WIRESTATE_PYTHON) + " " + script.string() + " " + pcap + " " +
                                              which, true);
  EXPECT_EQ(o.rc, 0) << o.out;
  return o.rc == 0 ? pcap : "";
}

json analyze(const std::string& pcap, const std::string& options = "") {
  const auto o = wirestate::test::run_command(std::string(WIRESTATE_CLI_PATH) + " analyze --json " + options + " " + pcap);
  EXPECT_EQ(o.rc, 0) << o.out;
  return json::parse(o.out, nullptr, false);
}

// `wirestate check` with its arguments: the exit code and what it printed.
wirestate::test::CommandOutput check(const std::string& args) {
  return wirestate::test::run_command(std::string(WIRESTATE_CLI_PATH) + " check " + args, true);
}

using wirestate::test::side_states;

const std::vector<std::string> kClientClose = {"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"};
const std::vector<std::string> kServerClose = {"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK",
                                               "CLOSED"};

class AnalyzeIpv6 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_scapy()) WIRESTATE_SKIP_UNLESS_REQUIRED() << WIRESTATE_PYTHON << " cannot import scapy";
  }
};

TEST_F(AnalyzeIpv6, HandshakeAndCloseAreTrackedLikeIpv4) {
  const auto pcap = capture("close");
  ASSERT_FALSE(pcap.empty());
  const json j = analyze(pcap);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["protocols"]["ipv6"], 8);
  EXPECT_EQ(j["protocols"]["tcp"], 8);
  EXPECT_EQ(j["malformed"], 0);
  ASSERT_EQ(j["connections"].size(), 1U);
  const json& c = j["connections"][0];
  EXPECT_EQ(c["name"], "[2001:db8::1]:40000-[2001:db8::2]:80");
  EXPECT_EQ(c["client"]["ip"], "2001:db8::1");
  EXPECT_EQ(c["server"]["port"], 80);
  // The client's path starts at SYN_SENT (CLOSED before it is implied), as for IPv4.
  auto client = side_states(c, "client");
  if (!client.empty() && client.front() == "CLOSED") client.erase(client.begin());
  EXPECT_EQ(client, kClientClose);
  EXPECT_EQ(side_states(c, "server"), kServerClose);
  EXPECT_EQ(c["conn_state"], "SF");
  EXPECT_EQ(c["client"]["bytes"], 5);

  // The text report shows the bracketed endpoints and no "not analyzed" line.
  const auto text = wirestate::test::run_command(std::string(WIRESTATE_CLI_PATH) + " analyze " + pcap);
  EXPECT_NE(text.out.find("[2001:db8::1]:40000"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("not analyzed"), std::string::npos) << text.out;
}

TEST_F(AnalyzeIpv6, ResetClosesBothSides) {
  const auto pcap = capture("rst");
  ASSERT_FALSE(pcap.empty());
  const json j = analyze(pcap);
  ASSERT_EQ(j["connections"].size(), 1U);
  const json& c = j["connections"][0];
  EXPECT_EQ(c["client"]["final"], "CLOSED");
  EXPECT_EQ(c["server"]["final"], "CLOSED");
  EXPECT_EQ(c["conn_state"], "RSTR");  // Zeek: established, the responder sent the RST
}

TEST_F(AnalyzeIpv6, BadChecksumOverThePseudoHeaderMovesNoStateWhenEnforced) {
  const auto pcap = capture("badsum");
  ASSERT_FALSE(pcap.empty());
  const json flagged = analyze(pcap);  // by default: flagged, and the FIN still counts
  ASSERT_EQ(flagged["connections"].size(), 1U);
  EXPECT_EQ(flagged["connections"][0]["anomalies"].value("bad_checksum", 0), 1);
  EXPECT_EQ(flagged["connections"][0]["client"]["final"], "FIN_WAIT_1");
  const json j = analyze(pcap, "--verify-checksums");
  ASSERT_EQ(j["connections"].size(), 1U);
  const json& c = j["connections"][0];
  EXPECT_EQ(c["anomalies"].value("bad_checksum", 0), 1) << c.dump();
  EXPECT_EQ(c["client"]["final"], "ESTABLISHED");
  EXPECT_EQ(c["server"]["final"], "ESTABLISHED");
}

class AnalyzeIpv6Fragments : public AnalyzeIpv6, public ::testing::WithParamInterface<const char*> {};

TEST_P(AnalyzeIpv6Fragments, FragmentedSegmentIsReassembledIntoItsConnection) {
  const auto pcap = capture(GetParam());
  ASSERT_FALSE(pcap.empty());
  const json j = analyze(pcap);
  EXPECT_EQ(j["malformed"], 0) << j["malformed_by_kind"].dump();
  EXPECT_EQ(j["ipv4_fragments"]["fragments"], 3);  // 3000 bytes + 20 of TCP in 1232-byte pieces
  EXPECT_EQ(j["ipv4_fragments"]["reassembled"], 1);
  ASSERT_EQ(j["connections"].size(), 1U);
  const json& c = j["connections"][0];
  EXPECT_EQ(c["client"]["bytes"], 3000);
  EXPECT_EQ(c["client"]["packets"], 3);  // SYN, ACK and the reassembled segment
  EXPECT_EQ(c["anomalies"], json::object()) << c.dump();  // the ACK of 3101 covers all of it
}

// "frag": the fragment header right after the IPv6 header; "frag_hbh": after a hop-by-hop header.
INSTANTIATE_TEST_SUITE_P(Chains, AnalyzeIpv6Fragments, ::testing::Values("frag", "frag_hbh"));

TEST_F(AnalyzeIpv6, Icmpv6PortUnreachableIsAttachedToTheUdpFlowItQuotes) {
  const auto pcap = capture("unreach");
  ASSERT_FALSE(pcap.empty());
  const json j = analyze(pcap);
  EXPECT_EQ(j["protocols"]["icmpv6"], 1);
  EXPECT_EQ(j["icmp"]["dest_unreachable"], 1);
  ASSERT_EQ(j["udp_flows"].size(), 1U);
  const json& f = j["udp_flows"][0];
  EXPECT_EQ(f["client"]["ip"], "2001:db8::1");
  EXPECT_EQ(f["client"]["port"], 5353);
  EXPECT_EQ(f["client"]["bytes"], 4);
  EXPECT_EQ(f["icmp_unreachable"], 1);
}

TEST_F(AnalyzeIpv6, DualStackCaptureReportsBothConnections) {
  const auto pcap = capture("dual");
  ASSERT_FALSE(pcap.empty());
  const json j = analyze(pcap);
  ASSERT_EQ(j["connections"].size(), 2U);
  EXPECT_EQ(j["connections"][0]["name"], "10.0.0.1:40000-10.0.0.2:80");
  EXPECT_EQ(j["connections"][1]["name"], "[2001:db8::1]:40000-[2001:db8::2]:80");
  EXPECT_EQ(j["connections"][0]["conn_state"], "SF");
  EXPECT_EQ(j["connections"][1]["conn_state"], "RSTR");
  EXPECT_EQ(j["protocols"]["ipv4"], 8);
  EXPECT_EQ(j["protocols"]["ipv6"], 5);
}

TEST_F(AnalyzeIpv6, CheckPresetsHoldOrFailOnIpv6) {
  const auto rst = capture("rst");
  const auto clean = capture("close");
  ASSERT_FALSE(rst.empty());
  ASSERT_FALSE(clean.empty());
  const auto reset = check(rst + " --expect no-rst");
  EXPECT_EQ(reset.rc, 1) << reset.out;
  EXPECT_NE(reset.out.find("[2001:db8::1]:40000-[2001:db8::2]:80"), std::string::npos) << reset.out;
  const auto shake = check(clean + " --expect handshake --expect no-rst");
  EXPECT_EQ(shake.rc, 0) << shake.out;
}

TEST_F(AnalyzeIpv6, SelectorsWithIpv6AddressesPickTheRightConnection) {
  // IPv4 connection closed cleanly, IPv6 connection reset: no-rst tells which one was picked.
  const auto pcap = capture("dual");
  ASSERT_FALSE(pcap.empty());
  for (const char* sel : {"'[2001:db8::1]:40000'", "'[2001:db8::1]:40000-[2001:db8::2]:80'", "2001:db8::1",
                          "2001:db8:0:0::2", "'[2001:db8::2]:80'"}) {
    const auto o = check(pcap + " --expect no-rst --conn " + sel);
    EXPECT_EQ(o.rc, 1) << sel << "\n" << o.out;
  }
  for (const char* sel : {"10.0.0.1:40000", "10.0.0.1:40000-10.0.0.2:80", "10.0.0.2"}) {
    const auto o = check(pcap + " --expect no-rst --conn " + sel);
    EXPECT_EQ(o.rc, 0) << sel << "\n" << o.out;
  }
  // Server first names no connection: the preset holds on nothing, so it fails.
  EXPECT_EQ(check(pcap + " --expect handshake --conn '[2001:db8::2]:80-[2001:db8::1]:40000'").rc, 1);

  // The same selectors in an expectation file.
  const fs::path expect = wirestate::test::scratch_dir() / "expect.json";
  std::ofstream(expect) << R"({"expect": [
    {"conn": "[2001:db8::1]:40000-[2001:db8::2]:80", "conn_state": "RSTR"},
    {"conn": "[2001:db8::2]:80", "final": {"client": "CLOSED", "server": "CLOSED"}},
    {"conn": "10.0.0.1", "conn_state": "SF"},
    {"conn": "2001:db8::1", "conn_state": "RSTR"}
  ]})";
  const auto ok = check(pcap + " --expect " + expect.string());
  EXPECT_EQ(ok.rc, 0) << ok.out;
  std::ofstream(expect) << R"({"expect": [{"conn": "2001:db8::1", "conn_state": "SF"}]})";
  const auto wrong = check(pcap + " --expect " + expect.string());
  EXPECT_EQ(wrong.rc, 1) << wrong.out;
  std::ofstream(expect) << R"({"expect": [{"conn": "[2001:db8::1]-80", "conn_state": "SF"}]})";
  const auto bad = check(pcap + " --expect " + expect.string());
  EXPECT_EQ(bad.rc, 2) << bad.out;  // not a selector: reported at /expect/0/conn
  EXPECT_NE(bad.out.find("/expect/0/conn"), std::string::npos) << bad.out;
}

TEST_F(AnalyzeIpv6, LadderEventsAndSvgShowLongIpv6EndpointsWhole) {
  const auto pcap = capture("long");
  ASSERT_FALSE(pcap.empty());
  const std::string client = "2001:db8:1234:5678:9abc:def0:1234:5678";
  const std::string server = "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff";
  const std::string name = "[" + client + "]:40000-[" + server + "]:80";
  const fs::path dir = wirestate::test::scratch_dir();
  const std::string events = (dir / "events.jsonl").string();
  const std::string svg = (dir / "ladder.svg").string();
  const auto o = wirestate::test::run_command(std::string(WIRESTATE_CLI_PATH) + " analyze --ladder --events " +
                                              events + " --diagram " + svg + " " + pcap);
  ASSERT_EQ(o.rc, 0) << o.out;
  // The terminal ladder: both host labels and the connection id whole, not cut at a margin.
  EXPECT_NE(o.out.find(client), std::string::npos) << o.out;
  EXPECT_NE(o.out.find(server), std::string::npos) << o.out;
  EXPECT_NE(o.out.find(name), std::string::npos) << o.out;
  const std::string drawn = wirestate::test::slurp(svg);
  EXPECT_NE(drawn.find(">" + client + "<"), std::string::npos);
  EXPECT_NE(drawn.find(">" + server + "<"), std::string::npos);
  // The state events name the connection and each side's endpoint in the [v6]:port form.
  std::ifstream in(events);
  int states = 0;
  for (std::string line; std::getline(in, line);) {
    const auto j = json::parse(line, nullptr, false);
    if (!j.is_object() || j.value("kind", "") != "tcp_state") continue;
    ++states;
    EXPECT_EQ(j["conn"], name) << line;
    EXPECT_EQ(j["host"], j["side"] == "client" ? "[" + client + "]:40000" : "[" + server + "]:80") << line;
  }
  EXPECT_GE(states, 4);  // SYN_SENT, ESTABLISHED, LISTEN/SYN_RECEIVED, ESTABLISHED
}

}  // namespace
