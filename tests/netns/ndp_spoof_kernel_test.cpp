// The NDP spoof detector against the Linux kernel, live: two network namespaces the test
// creates, joined by a veth pair (va in the victim's namespace, vb in the peer's), with
// `wirestate capture -i va --events` running in the victim's namespace.
//
// Benign phase: global addresses come up on both sides (DAD probes from ::), the victim
// sends UDP datagrams to the peer (address resolution), and with base_reachable_time_ms = 1000 and
// delay_first_probe_time = 1 s the kernel's NUD goes STALE -> DELAY -> PROBE and sends
// unicast solicitations while the datagrams continue. tshark must see each of these in the
// capture, and the detector must raise no alert (only ndp_new_station notices).
// Attack phase: scapy (from the peer's side of the wire) forges neighbour advertisements
// with the override flag claiming the peer's address for another MAC; the victim's
// `ip -6 neigh` must show the poisoned entry, and the detector must raise ndp_mac_changed
// naming the peer's address. Then a forged router advertisement, which the victim's kernel
// accepts (its default route points at the forger), must raise ndp_rogue_router (the link's
// router is declared with --router, as an operator would).
// The same alerts come out of `wirestate analyze` on the saved capture.
#include <signal.h>

#include <algorithm>
#include <chrono>
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

constexpr auto kNdpReadyBound = 30s;
constexpr const char* kVictimIp = "2001:db8:198::1";
constexpr const char* kPeerIp = "2001:db8:198::2";
constexpr const char* kAttackerMac = "02:66:66:66:66:66";
constexpr const char* kRogueRouterIp = "fe80::bad";
constexpr const char* kDeclaredRouter = "fe80::1";

// Datagrams to a closed port, one a second (`DST COUNT`): each uses the neighbour entry of
// DST, and nothing confirms it (no TCP), so NUD must probe; the peer's port unreachable
// errors use its entry for the sender the same way.
constexpr const char* kUdpPinger = R"PY(
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    s.sendto(b"ndp", (sys.argv[1], 7))
    time.sleep(1)
)PY";

// scapy forgeries, sent on the peer's interface: `na VICTIM_MAC` or `ra`.
constexpr const char* kForger = R"PY(
import sys, time
from scapy.all import Ether, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, ICMPv6ND_RA, ICMPv6NDOptSrcLLAddr, \
    ICMPv6NDOptPrefixInfo, ICMPv6NDOptMTU, sendp
ATT, VICTIM, PEER = sys.argv[2], "2001:db8:198::1", "2001:db8:198::2"
if sys.argv[1] == "na":
    # An unsolicited advertisement (S clear) with the override flag: RFC 4861 §7.2.5 makes the
    # victim replace the cached link-layer address of PEER with ATT.
    na = Ether(src=ATT, dst=sys.argv[3]) / IPv6(src=PEER, dst=VICTIM, hlim=255) / \
        ICMPv6ND_NA(tgt=PEER, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=ATT)
    for _ in range(3):
        sendp(na, iface="vb", verbose=False)
        time.sleep(0.2)
else:
    ra = Ether(src=ATT, dst="33:33:00:00:00:01") / IPv6(src=sys.argv[3], dst="ff02::1", hlim=255) / \
        ICMPv6ND_RA(routerlifetime=1800) / ICMPv6NDOptSrcLLAddr(lladdr=ATT) / ICMPv6NDOptMTU(mtu=1500) / \
        ICMPv6NDOptPrefixInfo(prefix="2001:db8:bad::", prefixlen=64, L=1, A=1)
    sendp(ra, iface="vb", verbose=False)
)PY";

// Runs cmd until its output contains text, at most bound; the last output.
std::string poll_for(const std::string& cmd, const std::string& text, std::chrono::milliseconds bound) {
  std::string out;
  for (const auto until = std::chrono::steady_clock::now() + bound; std::chrono::steady_clock::now() < until;) {
    out = run_command(cmd).out;
    if (out.find(text) != std::string::npos) return out;
    std::this_thread::sleep_for(100ms);
  }
  return out;
}

// The alert events of a JSON Lines file.
std::vector<json> alert_events(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const json e = json::parse(line, nullptr, false);
    if (e.is_object() && e.value("kind", "") == "alert") out.push_back(e);
  }
  return out;
}

bool has_alert(const std::vector<json>& alerts, const std::string& rule, const std::string& ip) {
  return std::any_of(alerts.begin(), alerts.end(),
                     [&](const json& a) { return a.value("rule", "") == rule && a.value("ip", "") == ip; });
}

// tshark's frame numbers of the packets a display filter matches.
std::vector<long> tshark_frames(const std::string& pcap, const std::string& filter) {
  std::vector<long> out;
  std::istringstream lines(run_command("tshark -r " + pcap + " -Y '" + filter + "' -T fields -e frame.number").out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) out.push_back(std::stol(line));
  }
  return out;
}

TEST(NetnsNdpSpoof, BenignLinuxNdpIsQuietForgedAdvertisementsAreNamed) {
  if (!fs::exists(WIRESTATE_PYTHON) || sh(std::string(WIRESTATE_PYTHON) + " -c 'import scapy.all' 2>/dev/null") != 0) {
    WIRESTATE_SKIP_UNLESS_REQUIRED() << WIRESTATE_PYTHON << " cannot import scapy: no forgeries to send";
  }
  if (sh("command -v tshark >/dev/null") != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "tshark is missing";
  wirestate::test::VethPair ns("ndp", "10.198.0");
  if (const auto why = ns.create(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  const std::string va = ns.a().prefix();
  const std::string vb = ns.b().prefix();
  // Fast NUD (Linux's defaults are 30 s and 5 s), and no IPv6 forwarding (hosts accept RAs).
  for (const auto& [pre, dev] : {std::pair{va, std::string("va")}, std::pair{vb, std::string("vb")}}) {
    ASSERT_EQ(sh(pre + "sysctl -qw net.ipv6.neigh." + dev + ".base_reachable_time_ms=1000"), 0);
    ASSERT_EQ(sh(pre + "sysctl -qw net.ipv6.neigh." + dev + ".delay_first_probe_time=1"), 0);
    ASSERT_EQ(sh(pre + "sysctl -qw net.ipv6.conf." + dev + ".accept_ra=1"), 0);
  }

  const fs::path dir = wirestate::test::scratch_dir();
  const std::string pcap = (dir / "ndp.pcap").string();
  const std::string events = (dir / "ndp.jsonl").string();
  const std::string forger = (dir / "forge.py").string();
  std::ofstream(forger) << kForger;
  const std::string pinger = (dir / "udp_ping.py").string();
  std::ofstream(pinger) << kUdpPinger;

  Child capture(ns.a().exec({WIRESTATE_CLI_PATH, "capture", "-i", "va", "-w", pcap, "--events", events, "-q",
                             "--router", kDeclaredRouter, "-c", "100000", "--duration", "300"}),
                dir / "capture.out", dir / "capture.err");
  ASSERT_TRUE(capture.wait_for_output("listening on", kNdpReadyBound, /*on_stderr=*/true)) << capture.err();

  // --- Benign: DAD as the addresses come up, resolution, NUD after the reachable time.
  ASSERT_EQ(sh(va + "ip -6 addr add " + kVictimIp + "/64 dev va"), 0);
  ASSERT_EQ(sh(vb + "ip -6 addr add " + kPeerIp + "/64 dev vb"), 0);
  for (const auto& pre : {va, vb}) {
    std::string tentative = "x";
    for (const auto until = std::chrono::steady_clock::now() + kNdpReadyBound;
         !tentative.empty() && std::chrono::steady_clock::now() < until;) {
      tentative = run_command(pre + "ip -6 addr show tentative").out;
      if (!tentative.empty()) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(tentative.empty()) << "addresses still tentative: " << tentative;
  }
  // Eight datagrams a second apart: resolution first, then (nothing confirms the peer) the
  // entry ages to STALE and the next use goes DELAY -> PROBE: unicast solicitations.
  ASSERT_EQ(sh(va + WIRESTATE_PYTHON + " " + pinger + " " + kPeerIp + " 8"), 0);
  ASSERT_EQ(sh(vb + WIRESTATE_PYTHON + " " + pinger + " " + kVictimIp + " 3"), 0);
  const std::string neigh_before = run_command(va + "ip -6 neigh show " + kPeerIp + " dev va").out;
  ASSERT_EQ(neigh_before.find(kAttackerMac), std::string::npos) << neigh_before;
  const std::string peer_mac = run_command(vb + "cat /sys/class/net/vb/address").out.substr(0, 17);
  const std::string victim_mac = run_command(va + "cat /sys/class/net/va/address").out.substr(0, 17);
  ASSERT_NE(neigh_before.find(peer_mac), std::string::npos) << neigh_before << " (peer is " << peer_mac << ")";
  // Let NUD settle on both sides (no probe in flight that a genuine answer could follow
  // and undo the poisoning), then mark the phase boundary with one datagram to all nodes
  // (multicast: no ICMPv6 error comes back, RFC 4443 §2.4 (e), so no neighbour is used).
  std::this_thread::sleep_for(4s);
  ASSERT_EQ(sh(vb + WIRESTATE_PYTHON + " -c \"import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)"
                    ".sendto(b'phase-2', ('ff02::1%vb', 9))\""), 0);

  // --- Attack: forged NAs with override against the victim, then a forged RA.
  ASSERT_EQ(sh(vb + WIRESTATE_PYTHON + " " + forger + " na " + kAttackerMac + " " + victim_mac), 0);
  const std::string poisoned =
      poll_for(va + "ip -6 neigh show " + kPeerIp + " dev va", kAttackerMac, 5000ms);
  EXPECT_NE(poisoned.find(kAttackerMac), std::string::npos) << "the victim's cache was not poisoned: " << poisoned;
  ASSERT_EQ(sh(vb + WIRESTATE_PYTHON + " " + forger + " ra " + kAttackerMac + " " + kRogueRouterIp), 0);
  const std::string route = poll_for(va + "ip -6 route show default", kRogueRouterIp, 5000ms);
  EXPECT_NE(route.find(kRogueRouterIp), std::string::npos) << "the victim did not accept the RA: " << route;
  std::this_thread::sleep_for(500ms);

  capture.signal(SIGINT);
  ASSERT_EQ(capture.wait_exit(kNdpReadyBound), 0) << capture.err();

  // The capture holds what the benign phase claims (tshark is the oracle).
  const auto boundary = tshark_frames(pcap, "udp.dstport == 9");
  ASSERT_EQ(boundary.size(), 1u) << "no phase marker in " << pcap;
  const long marker = boundary[0];
  const auto before = [&](const std::vector<long>& frames) {
    return std::count_if(frames.begin(), frames.end(), [&](long n) { return n < marker; });
  };
  EXPECT_GE(before(tshark_frames(pcap, "icmpv6.type == 135 && ipv6.src == ::")), 2) << "no DAD probes";
  EXPECT_GE(before(tshark_frames(pcap, "icmpv6.type == 135 && !(ipv6.dst == ff00::/8)")), 1) << "no NUD probe";
  EXPECT_GE(before(tshark_frames(pcap, "icmpv6.type == 136 && icmpv6.nd.na.flag.s == 1")), 1) << "no resolution";
  EXPECT_EQ(tshark_frames(pcap, "icmpv6.type == 136 && icmpv6.nd.na.flag.o == 1 && eth.src == " +
                                    std::string(kAttackerMac)).size(),
            3u);

  // Live: no alert before the marker (notices of new stations only), the named ones after.
  const auto live = alert_events(events);
  std::vector<json> benign, attack;
  for (const auto& a : live) (a.value("packet", 0L) < marker ? benign : attack).push_back(a);
  std::size_t notices = 0;
  for (const auto& a : benign) {
    if (a.value("severity", "") == "info") ++notices;
    else ADD_FAILURE() << "alert in the benign phase: " << a.dump();
  }
  EXPECT_TRUE(has_alert(benign, "ndp_new_station", kPeerIp)) << "the detector saw no NDP";
  EXPECT_GE(notices, 2u);
  EXPECT_TRUE(has_alert(attack, "ndp_mac_changed", kPeerIp));
  EXPECT_TRUE(has_alert(attack, "ndp_unsolicited_override", kPeerIp));
  EXPECT_TRUE(has_alert(attack, "ndp_rogue_router", kRogueRouterIp));
  for (const auto& a : attack) {
    if (a.value("rule", "") == "ndp_mac_changed") {
      EXPECT_EQ(a.value("old_mac", ""), peer_mac);
      EXPECT_EQ(a.value("new_mac", ""), kAttackerMac);
    }
  }

  // The saved capture gives the same alerts through `wirestate analyze`.
  const auto analyzed = run_command(std::string(WIRESTATE_CLI_PATH) + " analyze --json -K --router " +
                                    kDeclaredRouter + " " + pcap);
  ASSERT_EQ(analyzed.rc, 0) << analyzed.out;
  const json doc = json::parse(analyzed.out, nullptr, false);
  ASSERT_TRUE(doc.is_object());
  std::vector<json> offline(doc["ndp_alerts"].begin(), doc["ndp_alerts"].end());
  EXPECT_TRUE(has_alert(offline, "ndp_mac_changed", kPeerIp)) << doc["ndp_alerts"].dump();
  EXPECT_TRUE(has_alert(offline, "ndp_rogue_router", kRogueRouterIp));
  for (const auto& a : offline) EXPECT_GT(a.value("packet", 0L), marker) << a.dump();
  EXPECT_TRUE(doc["arp_alerts"].empty()) << doc["arp_alerts"].dump();
}

}  // namespace
