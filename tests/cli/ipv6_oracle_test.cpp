// IPv6 held to tshark field by field on captures scapy makes here (the shared captures hold
// few IPv6 packets and their oracles lack most IPv6/ICMPv6 fields): every kind of NDP message
// with its options, extension chains, fragments, ICMPv6 errors and echo, TCP and UDP, under
// Ethernet (with 802.1Q), raw IPv6, Linux cooked v1 and BSD loopback (DLT_NULL, DLT_LOOP). tshark runs live with
// every ipv6.*/icmpv6.* field wirestate decodes (support/tshark_fields.hpp live_fields()),
// and nothing is allowed to differ: each packet decodes fully on both sides.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"
#include "support/tshark_compare.hpp"
#include "support/tshark_fields.hpp"
#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/print/json.hpp"
#include "wirestate/wire/decode.hpp"

namespace {

namespace fs = std::filesystem;
using wirestate::test::run_command;

// Writes OUT_DIR/<link>.pcap for each link type with the same IPv6 packets.
constexpr const char* kMakeCaptures = R"PY(
import sys
from scapy.all import *
out = sys.argv[1]
a, b = "2001:db8::1", "2001:db8::2"
ll1, ll2 = "02:00:00:00:00:01", "02:00:00:00:00:02"
def tcp(flags, seq, ack=0, data=b"", **kw):
    return IPv6(src=a, dst=b) / TCP(sport=40000, dport=80, flags=flags, seq=seq, ack=ack, **kw) / Raw(data)
pkts = [
    IPv6(src="::", dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt=a),
    IPv6(src="fe80::1", dst="ff02::1:ff00:2", hlim=255) / ICMPv6ND_NS(tgt=b) / ICMPv6NDOptSrcLLAddr(lladdr=ll1),
    IPv6(src="fe80::2", dst="fe80::1", hlim=255) / ICMPv6ND_NA(tgt=b, R=0, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=ll2),
    IPv6(src="fe80::2", dst="ff02::1", hlim=255) / ICMPv6ND_NA(tgt=b, R=1, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=ll2),
    IPv6(src="fe80::1", dst="ff02::2", hlim=255) / ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=ll1),
    IPv6(src="fe80::9", dst="ff02::1", hlim=255) / ICMPv6ND_RA(chlim=64, M=1, O=1, prf=0, routerlifetime=1800,
        reachabletime=30000, retranstimer=1000) / ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:09") /
        ICMPv6NDOptMTU(mtu=1500) / ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, validlifetime=86400,
        preferredlifetime=14400, prefix="2001:db8::") / ICMPv6NDOptRDNSS(lifetime=600, dns=["2001:db8::53", "2001:db8::54"]),
    IPv6(src="fe80::9", dst="fe80::1", hlim=255) / ICMPv6ND_Redirect(tgt="fe80::7", dst="2001:db8::99") /
        ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:00:07"),
    IPv6(src=a, dst=b, tc=0xb8, fl=0xabcde) / ICMPv6EchoRequest(id=0x1234, seq=7, data=b"ping"),
    IPv6(src=b, dst=a, hlim=63) / ICMPv6EchoReply(id=0x1234, seq=7, data=b"ping"),
    tcp("S", 1000, options=[("MSS", 1440), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None), ("WScale", 7)]),
    IPv6(src=b, dst=a) / TCP(sport=80, dport=40000, flags="SA", seq=5000, ack=1001, options=[("MSS", 1440)]),
    tcp("A", 1001, 5001),
    tcp("PA", 1001, 5001, b"GET / HTTP/1.0\r\n\r\n"),
    tcp("FA", 1019, 5001),
    tcp("R", 1020),
    IPv6(src=a, dst=b) / UDP(sport=40005, dport=9999) / Raw(b"query"),
    IPv6(src=a, dst=b) / IPv6ExtHdrHopByHop() / UDP(sport=1, dport=2) / Raw(b"x" * 12),
    IPv6(src=a, dst=b) / IPv6ExtHdrDestOpt() / TCP(sport=40001, dport=80, flags="S", seq=9),
    IPv6(src=a, dst="2001:db8::3") / IPv6ExtHdrRouting(addresses=[b], segleft=1) / UDP(sport=3, dport=4) / Raw(b"routed"),
    IPv6(src=b, dst=a) / ICMPv6DestUnreach(code=4) / IPv6(src=a, dst=b) / UDP(sport=40000, dport=9) / Raw(b"gone"),
    IPv6(src=b, dst=a) / ICMPv6PacketTooBig(mtu=1280) / IPv6(src=a, dst=b) / TCP(sport=40000, dport=80, seq=1),
    IPv6(src=b, dst=a) / ICMPv6TimeExceeded(code=0) / IPv6(src=a, dst=b, hlim=1) / ICMPv6EchoRequest(),
    IPv6(src=b, dst=a) / ICMPv6ParamProblem(code=1, ptr=40) / IPv6(src=a, dst=b, nh=253) / Raw(b"\x00" * 8),
    IPv6(src="::", dst="ff02::16") / IPv6ExtHdrHopByHop(options=[RouterAlert()]) / ICMPv6MLReport2(),
    IPv6(src=a, dst=b) / IPv6ExtHdrFragment(m=1, offset=0, id=0xdead, nh=17) / Raw(bytes(UDP(sport=7, dport=8, len=40)) + b"A" * 16),
    IPv6(src=a, dst=b) / IPv6ExtHdrFragment(m=0, offset=3, id=0xdead, nh=17) / Raw(b"B" * 8),
    IPv6(src=a, dst=b) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / IPv6ExtHdrFragment(m=1, offset=0, id=7, nh=6) / Raw(b"T" * 24),
    IPv6(src=a, dst=b, nh=59) / Raw(b""),
]
wrpcap(out + "/ethernet.pcap", [Ether(src=ll1, dst=ll2) / p for p in pkts])
wrpcap(out + "/vlan.pcap", [Ether(src=ll1, dst=ll2) / Dot1Q(vlan=42, prio=5) / p for p in pkts])
wrpcap(out + "/raw.pcap", [raw(p) for p in pkts], linktype=229)
wrpcap(out + "/sll.pcap", [CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=bytes.fromhex("020000000001") + b"\0\0", proto=0x86dd) / p for p in pkts])
wrpcap(out + "/null.pcap", [bytes([30, 0, 0, 0]) + raw(p) for p in pkts], linktype=0)    # DLT_NULL, macOS AF_INET6, host order
wrpcap(out + "/loop.pcap", [bytes([0, 0, 0, 24]) + raw(p) for p in pkts], linktype=108)  # DLT_LOOP, OpenBSD AF_INET6
print(len(pkts))
)PY";

class Ipv6Oracle : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(wirestate::test::scratch_dir());
    std::ofstream(*dir_ / "make.py") << kMakeCaptures;
    const auto made = run_command(std::string(WIRESTATE_PYTHON) + " " + (*dir_ / "make.py").string() + " " + dir_->string(),
                                  /*merge_stderr=*/true);
    made_ok_ = made.rc == 0;
    made_output_ = new std::string(made.out);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete made_output_;
  }
  static fs::path* dir_;
  static bool made_ok_;
  static std::string* made_output_;
};
fs::path* Ipv6Oracle::dir_ = nullptr;
bool Ipv6Oracle::made_ok_ = false;
std::string* Ipv6Oracle::made_output_ = nullptr;

TEST_P(Ipv6Oracle, EveryFieldMatchesTsharkAndEveryPacketDecodesFully) {
  if (!fs::exists("/usr/bin/tshark")) WIRESTATE_SKIP_UNLESS_REQUIRED() << "tshark is not installed";
  if (wirestate::test::sh(std::string(WIRESTATE_PYTHON) + " -c 'import scapy.all'") != 0) {
    WIRESTATE_SKIP_UNLESS_REQUIRED() << "scapy is missing (apt-get install python3-scapy)";
  }
  ASSERT_TRUE(made_ok_) << *made_output_;
  const auto pcap = (*dir_ / (GetParam() + ".pcap")).string();
  const auto tshark = run_command(wirestate::test::tshark_oracle_command(pcap, wirestate::test::live_fields()));
  ASSERT_EQ(tshark.rc, 0);
  const auto rows = nlohmann::json::parse(tshark.out);
  auto reader = wirestate::io::PcapReader::open(pcap);
  ASSERT_TRUE(reader) << reader.error();
  wirestate::test::FieldComparer comparer(wirestate::test::live_fields());
  std::size_t n = 0;
  int compared = 0;
  while (auto packet = reader->next()) {
    ASSERT_LT(n, rows.size());
    const std::string where = GetParam() + " packet " + std::to_string(n + 1);
    const auto row = wirestate::test::fields_from_tshark(rows[n].at("_source").at("layers"));
    const auto link = wirestate::wire::link_type_from_dlt(packet->link_type);
    const auto decoded = wirestate::wire::decode(packet->data, link, packet->wire_len);
    const wirestate::print::FrameInfo info{packet->number, packet->timestamp,
                                            static_cast<std::uint32_t>(packet->data.size()), packet->wire_len};
    const auto ours = wirestate::test::flatten_to_tshark(wirestate::print::to_json(info, decoded));
    const auto result = comparer.compare(row, ours, decoded, false);
    for (const auto& m : result.mismatches) ADD_FAILURE() << where << ": " << m;
    EXPECT_FALSE(decoded.malformed()) << where << ": " << wirestate::wire::to_string(decoded.malformations[0].layer)
                                      << " " << wirestate::wire::to_string(decoded.malformations[0].error);
    EXPECT_EQ(row.count("_ws.malformed"), 0U) << where;
    EXPECT_EQ(result.lost_values, 0) << where << ": tshark decoded fields wirestate did not";
    EXPECT_GT(result.compared_beyond_frame, 3) << where;
    compared += result.compared;
    ++n;
  }
  EXPECT_EQ(n, rows.size());
  EXPECT_EQ(std::to_string(n) + "\n", *made_output_) << "the capture holds every packet the script made";
  ::testing::Test::RecordProperty("values_compared", compared);
}

INSTANTIATE_TEST_SUITE_P(LinkTypes, Ipv6Oracle, ::testing::Values("ethernet", "vlan", "raw", "sll", "null", "loop"));

}  // namespace
