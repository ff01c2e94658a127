// Runs the wirestate command (WIRESTATE_CLI_PATH) on captures and checks its output,
// exit codes and messages.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

namespace wirestate {
namespace {

const std::string kShared = WIRESTATE_SHARED_PCAPS;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `wirestate ARGS` (args already shell-quoted), capturing stdout and stderr.
RunResult run(const std::string& args) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string tag = std::string(info->test_suite_name()) + "_" + info->name();
  const auto out = dir / ("wirestate_cli_" + tag + ".out");
  const auto err = dir / ("wirestate_cli_" + tag + ".err");
  const std::string cmd = std::string("'") + WIRESTATE_CLI_PATH + "' " + args + " >'" +
                          out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> v;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) v.push_back(line);
  return v;
}

// What `TZ=UTC tcpdump -nn -S -r ../shared/pcaps/kernel/tcp_client_close_first.pcap`
// (tcpdump 4.99.3) prints for the first packets: our format coincides for ARP and TCP.
const std::vector<std::string> kTcpdumpGolden = {
    "20:40:24.639644 ARP, Request who-has 10.77.0.2 tell 10.77.0.1, length 28",
    "20:40:24.720640 ARP, Reply 10.77.0.2 is-at 02:00:00:00:00:02, length 28",
    "20:40:24.720675 IP 10.77.0.1.34216 > 10.77.0.2.5000: Flags [S], seq 3153029685, win 64240, "
    "options [mss 1460,sackOK,TS val 1430011069 ecr 0,nop,wscale 10], length 0",
    "20:40:24.802412 IP 10.77.0.2.5000 > 10.77.0.1.34216: Flags [S.], seq 1625737660, ack "
    "3153029686, win 65160, options [mss 1460,sackOK,TS val 1036217182 ecr 1430011069,nop,wscale "
    "10], length 0",
    "20:40:24.802459 IP 10.77.0.1.34216 > 10.77.0.2.5000: Flags [.], ack 1625737661, win 63, "
    "options [nop,nop,TS val 1430011232 ecr 1036217182], length 0",
    "20:40:25.106540 IP 10.77.0.1.34216 > 10.77.0.2.5000: Flags [P.], seq 3153029686:3153029709, "
    "ack 1625737661, win 63, options [nop,nop,TS val 1430011536 ecr 1036217182], length 23",
};

TEST(DecodeCommand, KernelCaptureMatchesTcpdumpLines) {
  const auto r = run("decode '" + kShared + "/kernel/tcp_client_close_first.pcap'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got = lines(r.out);
  ASSERT_GE(got.size(), kTcpdumpGolden.size());
  for (std::size_t i = 0; i < kTcpdumpGolden.size(); ++i) EXPECT_EQ(got[i], kTcpdumpGolden[i]);
}

TEST(DecodeCommand, IcmpAndUdpLinesMatchTcpdump) {
  // TZ=UTC tcpdump -nn -S -r udp_icmp_frag.pcap, packets 3, 6 and 7.
  const auto r = run("decode '" + kShared + "/kernel/udp_icmp_frag.pcap'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got = lines(r.out);
  ASSERT_GE(got.size(), 12U);
  EXPECT_EQ(got[2], "20:41:02.328039 IP 10.77.0.1.57080 > 10.77.0.2.47000: UDP, length 10");
  EXPECT_EQ(got[5], "20:41:02.528790 IP 10.77.0.2 > 10.77.0.1: ICMP 10.77.0.2 udp port 47999 "
                    "unreachable, length 44");
  EXPECT_EQ(got[6], "20:41:02.737731 IP 10.77.0.1 > 10.77.0.2: ICMP echo request, id 13242, seq "
                    "1, length 64");
  EXPECT_EQ(got[11], "20:41:03.064251 IP 10.77.0.1 > 10.77.0.2: ip-proto-1");
}

TEST(DecodeCommand, CountLimitsPackets) {
  const auto r = run("decode -c 3 '" + kShared + "/kernel/tcp_client_close_first.pcap'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(r.out).size(), 3U);
}

TEST(DecodeCommand, GoodFilterSelectsPackets) {
  const auto r = run("decode -f arp '" + kShared + "/kernel/tcp_client_close_first.pcap'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got = lines(r.out);
  ASSERT_FALSE(got.empty());
  for (const auto& line : got) EXPECT_NE(line.find(" ARP, "), std::string::npos) << line;
}

TEST(DecodeCommand, BadFilterExitsTwoQuotingIt) {
  const auto r = run("decode -f 'tcp port nonsense-port' '" + kShared +
                     "/kernel/tcp_client_close_first.pcap'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'tcp port nonsense-port'"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(DecodeCommand, MissingFileExitsTwoNamingIt) {
  const std::string path = "/nonexistent/wirestate-missing.pcap";
  const auto r = run("decode '" + path + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
}

TEST(DecodeCommand, JsonIsOneObjectPerLineWithWiresharkNames) {
  const auto r = run("decode --json '" + kShared + "/kernel/tcp_client_close_first.pcap'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto got = lines(r.out);
  ASSERT_GE(got.size(), 3U);
  for (const auto& line : got) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_TRUE(j.contains("frame"));
  }
  const auto syn = nlohmann::json::parse(got[2]);
  EXPECT_EQ(syn["frame"]["number"], 3);
  EXPECT_EQ(syn["eth"]["type"], "0x0800");
  EXPECT_EQ(syn["ip"]["ttl"], 64);
  EXPECT_EQ(syn["tcp"]["seq_raw"], 3153029685U);
  EXPECT_EQ(syn["tcp"]["options"]["mss_val"], 1460);
  EXPECT_EQ(syn["tcp"]["flags"], "0x0002");
}

TEST(DecodeCommand, CountOnlyPrintsTotals) {
  const auto r = run("decode --count-only '" + kShared + "/kernel/arp_basic.pcap'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "packets 33, malformed 0\n");
}

TEST(DecodeCommand, MalformedPacketIsMarked) {
  const auto r = run("decode '" + kShared + "/public/tcpdump/ipv4_invalid_hdr_length.pcap'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("[malformed: ipv4"), std::string::npos) << r.out;
}

TEST(DecodeCommand, TruncatedFilePrintsPacketsThenWarnsAndExitsTwo) {
  const auto src = std::filesystem::path(kShared) / "kernel/tcp_client_close_first.pcap";
  const auto cut = std::filesystem::temp_directory_path() / "wirestate_cli_cut.pcap";
  std::string bytes = slurp(src);
  bytes.resize(bytes.size() - 10);  // inside the last packet
  std::ofstream(cut, std::ios::binary) << bytes;
  const auto r = run("decode '" + cut.string() + "'");
  EXPECT_EQ(r.exit_code, 2);
  const auto full = run("decode '" + src.string() + "'");
  auto all = lines(full.out);
  all.pop_back();
  EXPECT_EQ(lines(r.out), all);  // every packet before the cut
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("byte offset " + std::to_string(bytes.size())), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(cut.string()), std::string::npos) << r.err;
}

}  // namespace
}  // namespace wirestate
