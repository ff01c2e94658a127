// `wirestate analyze` on NDP captures made by scapy (Debian's python3-scapy, independent of
// our builders) at test time: what Linux hosts and a router do on a quiet link raises no NDP
// alert, and each attack of RFC 3756 that the detector knows raises its rule naming the
// address, in the JSON report, the text report and the event stream. tshark reads the same
// files and must see the fields each case relies on.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Hosts H1 (…::1) and H2 (…::2), router R (fe80::9), attacker A (02:66:…).
constexpr const char* kNdpCaptures = R"PY(
import socket, sys
from scapy.all import (Ether, IPv6, ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6ND_RS, ICMPv6ND_RA, ICMPv6ND_Redirect,
                       ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr, ICMPv6NDOptPrefixInfo, ICMPv6NDOptMTU,
                       ICMPv6EchoRequest, wrpcap)
from scapy.utils6 import in6_getnsma, in6_getnsmac
from socket import inet_pton, inet_ntop

H1, H2, R, A = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:09", "02:66:66:66:66:66"
G1, G2, L1, L2, LR = "2001:db8::1", "2001:db8::2", "fe80::1", "fe80::2", "fe80::9"

def snm(a):
    return inet_ntop(socket.AF_INET6, in6_getnsma(inet_pton(socket.AF_INET6, a)))

def dad(mac, a):
    return Ether(src=mac, dst=in6_getnsmac(inet_pton(socket.AF_INET6, a))) / IPv6(src="::", dst=snm(a)) / \
        ICMPv6ND_NS(tgt=a)

def ns(mac, src, tgt, dst_mac=None):
    dst = tgt if dst_mac else snm(tgt)
    return Ether(src=mac, dst=dst_mac or in6_getnsmac(inet_pton(socket.AF_INET6, tgt))) / IPv6(src=src, dst=dst) / \
        ICMPv6ND_NS(tgt=tgt) / ICMPv6NDOptSrcLLAddr(lladdr=mac)

def na(mac, tgt, dst, dst_mac, S, O, lladdr=None):
    return Ether(src=mac, dst=dst_mac) / IPv6(src=tgt, dst=dst) / ICMPv6ND_NA(tgt=tgt, R=0, S=S, O=O) / \
        ICMPv6NDOptDstLLAddr(lladdr=lladdr or mac)

def ra(mac, src, lifetime=1800, M=0, mtu=1500, prefix="2001:db8::"):
    return Ether(src=mac, dst="33:33:00:00:00:01") / IPv6(src=src, dst="ff02::1") / \
        ICMPv6ND_RA(routerlifetime=lifetime, M=M) / ICMPv6NDOptSrcLLAddr(lladdr=mac) / ICMPv6NDOptMTU(mtu=mtu) / \
        ICMPv6NDOptPrefixInfo(prefix=prefix, prefixlen=64, L=1, A=1)

def benign():
    p = []
    for mac, l, g in ((H1, L1, G1), (H2, L2, G2)):
        p += [dad(mac, l), dad(mac, g)]
    p += [Ether(src=H1, dst="33:33:00:00:00:02") / IPv6(src=L1, dst="ff02::2") / ICMPv6ND_RS() /
          ICMPv6NDOptSrcLLAddr(lladdr=H1)]
    p += [ra(R, LR), ns(H1, G1, G2), na(H2, G2, G1, H1, 1, 1),
          Ether(src=H1, dst=H2) / IPv6(src=G1, dst=G2) / ICMPv6EchoRequest()]
    # NUD: unicast probes to the cached MACs, answered.
    p += [ns(H1, G1, G2, H2), na(H2, G2, G1, H1, 1, 1), ns(H2, L2, L1, H1), na(H1, L1, L2, H2, 1, 1)]
    p += [ra(R, LR), ra(R, LR)]  # periodic and unchanged
    return p

case = sys.argv[2]
pkts = benign()
if case == "attacks":
    pkts += [na(A, G2, G1, H1, 0, 1)]                                   # poison H1's entry for G2
    pkts += [ra(A, "fe80::bad", prefix="2001:db8:bad::")]              # a second, rogue router
    pkts += [ra(A, LR, lifetime=0)]                                     # kill the default router
    pkts += [ra(R, LR, M=1)]                                            # the router changes its flags
    pkts += [Ether(src=A, dst=H1) / IPv6(src="fe80::bad", dst=L1) /
             ICMPv6ND_Redirect(tgt="fe80::bad", dst="2001:db8:1::7")]  # redirect from a non-router
    pkts += [dad(H1, "2001:db8::11"), na(A, "2001:db8::11", "ff02::1", "33:33:00:00:00:01", 0, 1),
             dad(H1, "2001:db8::12"), na(A, "2001:db8::12", "ff02::1", "33:33:00:00:00:01", 0, 1)]
    pkts += [Ether(src=A, dst="33:33:ff:00:00:01") / IPv6(src=G2, dst=snm(G1)) / ICMPv6ND_NS(tgt=G1) /
             ICMPv6NDOptSrcLLAddr(lladdr=H2)]                            # H2's MAC in the option, sent from A
for i, p in enumerate(pkts):
    p[IPv6].hlim = 255
    p.time = 1700000000 + i
wrpcap(sys.argv[1], pkts)
)PY";

bool ndp_scapy_ready() { return wirestate::test::sh(std::string(WIRESTATE_PYTHON) + " -c 'import scapy.all'") == 0; }

std::string make_ndp_capture(const std::string& which) {
  const fs::path dir = wirestate::test::scratch_dir();
  fs::create_directories(dir);
  const fs::path script = dir / "make_ndp.py";
  { std::ofstream(script) << kNdpCaptures; }
  const std::string pcap = (dir / (which + ".pcap")).string();
  const auto o = wirestate::test::run_command(
      std::string(WIRESTATE_PYTHON) + " " + script.string() + " " + pcap + " " + which, true);
  EXPECT_EQ(o.rc, 0) << o.out;
  return o.rc == 0 ? pcap : "";
}

json analyze_ndp(const std::string& args) {
  const auto o = wirestate::test::run_command(std::string(WIRESTATE_CLI_PATH) + " analyze --json " + args);
  EXPECT_EQ(o.rc, 0) << o.out;
  return json::parse(o.out, nullptr, false);
}

std::vector<std::string> rules_of(const json& alerts) {
  std::vector<std::string> out;
  for (const auto& a : alerts) out.push_back(a["rule"].get<std::string>() + " " + a["ip"].get<std::string>());
  return out;
}

std::size_t tshark_count(const std::string& pcap, const std::string& filter) {
  const auto o = wirestate::test::run_command("tshark -r " + pcap + " -Y '" + filter + "' -T fields -e frame.number");
  return static_cast<std::size_t>(std::count(o.out.begin(), o.out.end(), '\n'));
}

class AnalyzeNdp : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ndp_scapy_ready()) WIRESTATE_SKIP_UNLESS_REQUIRED() << WIRESTATE_PYTHON << " cannot import scapy";
    if (wirestate::test::sh("command -v tshark >/dev/null") != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "no tshark";
  }
};

TEST_F(AnalyzeNdp, LinuxHostsAndAnUnchangingRouterRaiseNoAlert) {
  const auto pcap = make_ndp_capture("benign");
  ASSERT_FALSE(pcap.empty());
  // tshark sees what the case claims: 4 DAD probes, 2 unicast NUD probes, 3 RAs, 15 packets.
  EXPECT_EQ(tshark_count(pcap, "frame"), 15u);
  EXPECT_EQ(tshark_count(pcap, "icmpv6.type == 135 && ipv6.src == ::"), 4u);
  EXPECT_EQ(tshark_count(pcap, "icmpv6.type == 135 && !(ipv6.dst == ff00::/8)"), 2u);
  EXPECT_EQ(tshark_count(pcap, "icmpv6.type == 134 && icmpv6.opt.prefix == 2001:db8::"), 3u);
  EXPECT_EQ(tshark_count(pcap, "_ws.expert.severity >= 6291456"), 0u);  // no expert warning or error
  const json j = analyze_ndp(pcap);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["protocols"]["ndp"], 14);  // all but the echo request
  EXPECT_EQ(j["ndp_alerts"], json::array()) << j["ndp_alerts"].dump();
  // Every address is a station of its own: fe80::1 and 2001:db8::1 share H1's MAC quietly.
  const auto notices = rules_of(j["ndp_notices"]);
  for (const char* s : {"ndp_new_station fe80::1", "ndp_new_station 2001:db8::1", "ndp_new_station fe80::9"}) {
    EXPECT_NE(std::find(notices.begin(), notices.end(), s), notices.end()) << s;
  }
}

TEST_F(AnalyzeNdp, EachAttackRaisesItsRuleNamingTheAddress) {
  const auto pcap = make_ndp_capture("attacks");
  ASSERT_FALSE(pcap.empty());
  EXPECT_EQ(tshark_count(pcap, "icmpv6.type == 136 && icmpv6.nd.na.flag.o == 1 && icmpv6.nd.na.flag.s == 0 && "
                               "eth.src == 02:66:66:66:66:66"),
            3u);  // the poisoning NA and the two DAD answers
  EXPECT_EQ(tshark_count(pcap, "icmpv6.type == 134 && icmpv6.nd.ra.router_lifetime == 0"), 1u);
  EXPECT_EQ(tshark_count(pcap, "icmpv6.type == 137"), 1u);
  const json j = analyze_ndp(pcap);
  ASSERT_TRUE(j.is_object());
  const auto got = rules_of(j["ndp_alerts"]);
  for (const char* want : {"ndp_mac_changed 2001:db8::2", "ndp_unsolicited_override 2001:db8::2",
                           "ndp_rogue_router fe80::bad", "ndp_router_lifetime_zero fe80::9",
                           "ndp_router_changed fe80::9", "ndp_rogue_redirect fe80::bad",
                           "ndp_dad_denial 2001:db8::12", "ndp_link_addr_mismatch 2001:db8::2"}) {
    EXPECT_NE(std::find(got.begin(), got.end(), want), got.end()) << want << " not in " << j["ndp_alerts"].dump();
  }
  const auto& first = j["ndp_alerts"][0];
  EXPECT_EQ(first["rule"], "ndp_mac_changed");
  EXPECT_EQ(first["old_mac"], "02:00:00:00:00:02");
  EXPECT_EQ(first["new_mac"], "02:66:66:66:66:66");
  EXPECT_EQ(first["packet"], 16);
  // With the router declared, the rogue router is critical; the text report lists the alerts.
  const json declared = analyze_ndp("--router fe80::9 " + pcap);
  const auto it = std::find_if(declared["ndp_alerts"].begin(), declared["ndp_alerts"].end(),
                               [](const json& a) { return a["rule"] == "ndp_rogue_router"; });
  ASSERT_NE(it, declared["ndp_alerts"].end());
  EXPECT_EQ((*it)["severity"], "critical");
  const auto text = wirestate::test::run_command(std::string(WIRESTATE_CLI_PATH) + " analyze " + pcap);
  EXPECT_NE(text.out.find("NDP alerts: "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("ndp_unsolicited_override"), std::string::npos);
}

TEST_F(AnalyzeNdp, CheckExpectsNdpAlertsByRuleAndAddress) {
  const auto attacks = make_ndp_capture("attacks");
  const auto benign = make_ndp_capture("benign");
  ASSERT_FALSE(attacks.empty());
  ASSERT_FALSE(benign.empty());
  const fs::path dir = wirestate::test::scratch_dir();
  const fs::path some = dir / "some.json";
  std::ofstream(some) << R"({"expect": [{"alerts": [{"rule": "ndp_mac_changed", "ip": "2001:db8::2",
                                                      "mac": "02:66:66:66:66:66"}]}]})";
  const fs::path none = dir / "none.json";
  std::ofstream(none) << R"({"expect": [{"alerts": "none"}]})";
  const std::string cli = std::string(WIRESTATE_CLI_PATH) + " check ";
  EXPECT_EQ(wirestate::test::run_command(cli + benign + " --expect " + none.string(), true).rc, 0);
  const auto quiet = wirestate::test::run_command(cli + attacks + " --expect " + none.string(), true);
  EXPECT_EQ(quiet.rc, 1);
  EXPECT_NE(quiet.out.find("unexpected ndp_unsolicited_override"), std::string::npos) << quiet.out;
  // The one expected alert is there; every other one of the capture is unexpected.
  const auto one = wirestate::test::run_command(cli + attacks + " --expect " + some.string(), true);
  EXPECT_EQ(one.rc, 1);
  EXPECT_EQ(one.out.find("missing ndp_mac_changed"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("unexpected ndp_rogue_router"), std::string::npos) << one.out;
  const auto on_benign = wirestate::test::run_command(cli + benign + " --expect " + some.string(), true);
  EXPECT_EQ(on_benign.rc, 1);
  EXPECT_NE(on_benign.out.find("missing ndp_mac_changed"), std::string::npos) << on_benign.out;
}

TEST_F(AnalyzeNdp, StaticIpv6BindingsFromTheBindingsFile) {
  const auto pcap = make_ndp_capture("benign");
  ASSERT_FALSE(pcap.empty());
  const fs::path bindings = wirestate::test::scratch_dir() / "bindings.json";
  std::ofstream(bindings) << R"({"bindings": [{"ip": "2001:db8::2", "mac": "02:00:00:00:00:77"}]})";
  const json j = analyze_ndp("--bindings " + bindings.string() + " " + pcap);
  const auto got = rules_of(j["ndp_alerts"]);
  EXPECT_NE(std::find(got.begin(), got.end(), "ndp_static_binding_violation 2001:db8::2"), got.end())
      << j["ndp_alerts"].dump();
  const auto bad = wirestate::test::run_command(std::string(WIRESTATE_CLI_PATH) + " analyze --router nope " + pcap, true);
  EXPECT_EQ(bad.rc, 2);
  EXPECT_NE(bad.out.find("--router nope"), std::string::npos) << bad.out;
}

}  // namespace
