// Frames built with the wire builders, written with io::PcapWriter, read back by tshark:
// tshark must see the fields we put in (interop with the reference dissector).
#include <array>
#include <cstdio>
#include <map>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "wirestate/io/pcap_writer.hpp"
#include "wirestate/wire/frame_builder.hpp"
#include "support/scratch.hpp"
#include "support/require.hpp"

namespace wirestate {
namespace {

const net::MacAddr kMacA({0x02, 0, 0, 0, 0, 0x01});
const net::MacAddr kMacB({0x02, 0, 0, 0, 0, 0x02});
const net::Ipv4Addr kIpA(10, 0, 0, 1);
const net::Ipv4Addr kIpB(10, 0, 0, 2);

bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

const std::vector<std::string> kFields = {
    "frame.number", "eth.src", "eth.dst", "eth.type", "vlan.id", "vlan.priority", "arp.opcode",
    "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "ip.src", "ip.dst", "ip.ttl",
    "ip.len", "ip.id", "ip.flags.df", "ip.hdr_len", "ip.checksum.status", "ip.opt.type",
    "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.hdr_len",
    "tcp.window_size_value", "tcp.options.mss_val", "tcp.options.wscale.shift",
    "tcp.options.sack_perm", "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
    "tcp.checksum.status", "tcp.len", "udp.srcport", "udp.dstport", "udp.length",
    "udp.checksum.status", "icmp.type", "icmp.code", "icmp.ident", "icmp.seq",
    "icmp.checksum.status", "_ws.malformed"};

// Runs tshark on path; one map field -> values per packet.
std::vector<std::map<std::string, std::vector<std::string>>> tshark_fields(const std::string& path) {
  std::string cmd = "tshark -n -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE "
                    "-o udp.check_checksum:TRUE -r '" + path + "' -T json";
  for (const auto& f : kFields) cmd += " -e " + f;
  cmd += " 2>/dev/null";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    pclose(p);
  }
  std::vector<std::map<std::string, std::vector<std::string>>> packets;
  const auto j = nlohmann::json::parse(out, nullptr, false);
  if (!j.is_array()) return packets;
  for (const auto& pkt : j) {
    std::map<std::string, std::vector<std::string>> m;
    for (const auto& [k, v] : pkt["_source"]["layers"].items()) {
      for (const auto& s : v) m[k].push_back(s.get<std::string>());
    }
    packets.push_back(std::move(m));
  }
  return packets;
}

std::string one(const std::map<std::string, std::vector<std::string>>& m, const std::string& k) {
  auto it = m.find(k);
  if (it == m.end()) return "<absent>";
  std::string s;
  for (const auto& v : it->second) s += (s.empty() ? "" : ",") + v;
  return s;
}

wire::Ipv4Repr ip_ab(std::uint16_t id) {
  wire::Ipv4Repr ip;
  ip.src = kIpA;
  ip.dst = kIpB;
  ip.ttl = 64;
  ip.id = id;
  ip.dont_fragment = true;
  return ip;
}

TEST(TsharkInterop, BuiltFramesDecodeInTsharkWithTheSameFields) {
  if (!have_tshark()) WIRESTATE_SKIP_UNLESS_REQUIRED() << "tshark not found in PATH: interop test skipped";
  const wire::EthernetSpec eth{kMacA, kMacB, {}, false};
  std::vector<std::vector<std::uint8_t>> frames;

  // 1. ARP request: "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28"
  wire::ArpRepr arp;
  arp.op = wire::ArpOp::kRequest;
  arp.sender_mac = kMacA;
  arp.sender_ip = kIpA;
  arp.target_ip = kIpB;
  frames.push_back(wire::build_arp_frame({kMacA, net::MacAddr::broadcast(), {}, true}, arp));

  // 2. TCP SYN with options: "Flags [S], seq 1000, win 64240,
  //    options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0"
  wire::TcpRepr syn;
  syn.src_port = 40000;
  syn.dst_port = 8000;
  syn.seq = net::SeqNum(1000);
  syn.flags.bits = wire::TcpFlags::kSyn;
  syn.window = 64240;
  syn.options.mss = 1460;
  syn.options.sack_permitted = true;
  syn.options.timestamps = wire::TcpTimestamps{1, 0};
  syn.options.window_scale = 7;
  frames.push_back(wire::build_tcp_frame(eth, ip_ab(1), syn, {}));

  // 3. UDP: "10.0.0.1.5000 > 10.0.0.2.6000: UDP, length 12"
  const std::vector<std::uint8_t> text = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'};
  frames.push_back(wire::build_udp_frame(eth, ip_ab(2), {5000, 6000}, text));

  // 4. ICMP echo: "ICMP echo request, id 7, seq 1, length 16"
  frames.push_back(wire::build_icmp_frame(
      eth, ip_ab(3), wire::IcmpRepr::echo_request(7, 1, std::vector<std::uint8_t>(8, 0xab))));

  // 5. VLAN 10 (priority 3) around a TCP ACK with data.
  wire::TcpRepr data;
  data.src_port = 40000;
  data.dst_port = 8000;
  data.seq = net::SeqNum(1001);
  data.ack = net::SeqNum(5001);
  data.flags.bits = wire::TcpFlags::kAck | wire::TcpFlags::kPsh;
  data.window = 502;
  frames.push_back(wire::build_tcp_frame({kMacA, kMacB, {{wire::EtherType::kVlan, 10, 3, false}}, false},
                                         ip_ab(4), data, text));

  // 6. IPv4 with options (Router Alert + Record Route) carrying UDP.
  auto ip_opts = ip_ab(5);
  ip_opts.options = {wire::Ipv4OptionRepr::router_alert(), wire::Ipv4OptionRepr::record_route(2)};
  frames.push_back(wire::build_udp_frame(eth, ip_opts, {7000, 7001}, text));

  const auto path = wirestate::test::scratch_path("interop.pcap");
  {
    auto writer = io::PcapWriter::open(path.string());
    ASSERT_TRUE(writer) << writer.error();
    for (std::size_t i = 0; i < frames.size(); ++i) {
      ASSERT_TRUE(writer->write(net::Time::from_ns(1'700'000'000'000'000'000LL + i * 1000), frames[i]));
    }
  }
  const auto got = tshark_fields(path.string());
  ASSERT_EQ(got.size(), frames.size()) << "tshark did not read the file we wrote";
  for (const auto& p : got) EXPECT_EQ(one(p, "_ws.malformed"), "<absent>") << one(p, "frame.number");

  // ARP
  EXPECT_EQ(one(got[0], "eth.dst"), "ff:ff:ff:ff:ff:ff");
  EXPECT_EQ(one(got[0], "eth.type"), "0x0806");
  EXPECT_EQ(one(got[0], "arp.opcode"), "1");
  EXPECT_EQ(one(got[0], "arp.src.hw_mac"), "02:00:00:00:00:01");
  EXPECT_EQ(one(got[0], "arp.src.proto_ipv4"), "10.0.0.1");
  EXPECT_EQ(one(got[0], "arp.dst.proto_ipv4"), "10.0.0.2");
  // SYN
  EXPECT_EQ(one(got[1], "ip.src"), "10.0.0.1");
  EXPECT_EQ(one(got[1], "ip.dst"), "10.0.0.2");
  EXPECT_EQ(one(got[1], "ip.ttl"), "64");
  EXPECT_EQ(one(got[1], "ip.id"), "0x0001");
  EXPECT_EQ(one(got[1], "ip.flags.df"), "1");
  EXPECT_EQ(one(got[1], "ip.checksum.status"), "1");
  EXPECT_EQ(one(got[1], "tcp.srcport"), "40000");
  EXPECT_EQ(one(got[1], "tcp.dstport"), "8000");
  EXPECT_EQ(one(got[1], "tcp.seq_raw"), "1000");
  EXPECT_EQ(one(got[1], "tcp.flags"), "0x0002");
  EXPECT_EQ(one(got[1], "tcp.hdr_len"), "40");
  EXPECT_EQ(one(got[1], "tcp.window_size_value"), "64240");
  EXPECT_EQ(one(got[1], "tcp.options.mss_val"), "1460");
  EXPECT_EQ(one(got[1], "tcp.options.wscale.shift"), "7");
  EXPECT_NE(one(got[1], "tcp.options.sack_perm"), "<absent>");
  EXPECT_EQ(one(got[1], "tcp.options.timestamp.tsval"), "1");
  EXPECT_EQ(one(got[1], "tcp.options.timestamp.tsecr"), "0");
  EXPECT_EQ(one(got[1], "tcp.checksum.status"), "1");
  EXPECT_EQ(one(got[1], "tcp.len"), "0");
  // UDP
  EXPECT_EQ(one(got[2], "udp.srcport"), "5000");
  EXPECT_EQ(one(got[2], "udp.dstport"), "6000");
  EXPECT_EQ(one(got[2], "udp.length"), "20");
  EXPECT_EQ(one(got[2], "udp.checksum.status"), "1");
  EXPECT_EQ(one(got[2], "ip.len"), "40");
  // ICMP echo
  EXPECT_EQ(one(got[3], "icmp.type"), "8");
  EXPECT_EQ(one(got[3], "icmp.code"), "0");
  EXPECT_EQ(one(got[3], "icmp.ident"), "7");
  EXPECT_EQ(one(got[3], "icmp.seq"), "1");
  EXPECT_EQ(one(got[3], "icmp.checksum.status"), "1");
  // VLAN-tagged TCP with data
  EXPECT_EQ(one(got[4], "eth.type"), "0x8100");
  EXPECT_EQ(one(got[4], "vlan.id"), "10");
  EXPECT_EQ(one(got[4], "vlan.priority"), "3");
  EXPECT_EQ(one(got[4], "tcp.flags"), "0x0018");
  EXPECT_EQ(one(got[4], "tcp.ack_raw"), "5001");
  EXPECT_EQ(one(got[4], "tcp.len"), "12");
  EXPECT_EQ(one(got[4], "tcp.checksum.status"), "1");
  // IPv4 options
  EXPECT_EQ(one(got[5], "ip.hdr_len"), "36");  // 20 + RA 4 + RR 3+8, padded to 36
  EXPECT_EQ(one(got[5], "ip.opt.type"), "148,7,0");  // RA, RR, then the EOL padding byte
  EXPECT_EQ(one(got[5], "ip.checksum.status"), "1");
  EXPECT_EQ(one(got[5], "udp.checksum.status"), "1");
}

}  // namespace
}  // namespace wirestate
