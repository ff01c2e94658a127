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
#include "cli/tcpdump_lines_support.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

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
  const auto out = wirestate::test::scratch_path("stdout");
  const auto err = wirestate::test::scratch_path("stderr");
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

// The lines tcpdump itself prints (`TZ=UTC tcpdump -nn -S -r FILE`), for ARP, TCP with its
// options, UDP, ICMP echo and port unreachable and IPv4 fragments: every line identical.
// (tcpdump_oracle_test.cpp does the same on every capture, with the rules for the rest.)
TEST(DecodeCommand, KernelCaptureLinesEqualTcpdumps) {
  if (tcpdump_lines::tcpdump_path().empty()) {
    WIRESTATE_SKIP_UNLESS_REQUIRED() << "tcpdump is not installed";
  }
  for (const std::string name : {"tcp_client_close_first.pcap", "udp_icmp_frag.pcap"}) {
    const auto path = std::filesystem::path(kShared) / "kernel" / name;
    const auto r = run("decode '" + path.string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto tcpdump = tcpdump_lines::run_tcpdump(path);
    ASSERT_EQ(tcpdump.exit_code, 0) << tcpdump.err;
    const auto expected = tcpdump_lines::packet_records(tcpdump.out);
    const auto got = lines(r.out);
    ASSERT_GE(expected.size(), 13U) << name;
    ASSERT_EQ(got.size(), expected.size()) << name;
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(got[i], expected[i]) << name << " packet " << i + 1;
  }
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
  const auto cut = wirestate::test::scratch_path("cut.pcap");
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
