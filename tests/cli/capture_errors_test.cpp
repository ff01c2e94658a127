// `wirestate capture` at the edges: a missing interface, a bad filter and missing
// permission are one clear message (naming the interface, the filter, CAP_NET_RAW) and
// exit code 2; -c stops a capture on loopback by itself with the closing statistics.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

struct Output {
  std::string out;
  std::string err;
  int rc = -1;
};

Output run(const std::string& prefix, const std::string& args) {
  const fs::path err = fs::temp_directory_path() / ("wirestate_capture_err_" + std::to_string(getpid()));
  Output o;
  FILE* p = popen((prefix + std::string(WIRESTATE_CLI_PATH) + " " + args + " 2>" + err.string()).c_str(), "r");
  if (p == nullptr) return o;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) o.out.append(buf.data(), n);
  const int rc = pclose(p);
  o.rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  std::ifstream in(err);
  o.err.assign(std::istreambuf_iterator<char>(in), {});
  fs::remove(err);
  return o;
}

TEST(CaptureErrors, MissingInterfaceExits2AndNamesIt) {
  const auto o = run("", "capture -i wsnosuch0 -c 1");
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find("wsnosuch0"), std::string::npos) << o.err;
}

TEST(CaptureErrors, BadFilterExits2AndQuotesIt) {
  const auto o = run("", "capture -i lo -c 1 -f 'tcp port'");
  EXPECT_EQ(o.rc, 2);
  if (geteuid() == 0) {
    EXPECT_NE(o.err.find("tcp port"), std::string::npos) << o.err;
  } else {
    EXPECT_NE(o.err.find("CAP_NET_RAW"), std::string::npos) << o.err;  // activation fails first
  }
}

TEST(CaptureErrors, MissingPermissionNamesCapNetRaw) {
  if (geteuid() != 0) {
    const auto o = run("", "capture -i lo -c 1");
    EXPECT_EQ(o.rc, 2);
    EXPECT_NE(o.err.find("CAP_NET_RAW"), std::string::npos) << o.err;
    return;
  }
  if (std::system("command -v setpriv >/dev/null 2>&1") != 0) GTEST_SKIP() << "setpriv is missing: cannot drop root";
  // Root without any capability, as user nobody.
  const auto o = run("setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all ",
                     "capture -i lo -c 1");
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find("CAP_NET_RAW"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("'lo'"), std::string::npos) << o.err;
}

TEST(CaptureLoopback, CountStopsTheCaptureAndPrintsStatistics) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root or CAP_NET_RAW to capture on lo";
  const fs::path pcap = fs::temp_directory_path() / ("wirestate_capture_lo_" + std::to_string(getpid()) + ".pcap");
  // Traffic on loopback while the capture waits for it: ARP-less ICMP echo to 127.0.0.1.
  const std::string ping = "sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1 || "
                           "/usr/bin/python3 -c \"import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
                           "s.sendto(b\\\"x\\\",(\\\"127.0.0.1\\\",9))\"; sleep 0.2; done' & ";
  const auto o = run(ping, "capture -i lo -c 2 -q -f 'icmp or udp port 9' -w " + pcap.string());
  EXPECT_EQ(o.rc, 0) << o.err;
  EXPECT_NE(o.err.find("2 packets captured"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("packets dropped by kernel"), std::string::npos) << o.err;
  EXPECT_TRUE(fs::exists(pcap));
  const auto analyzed = run("", "analyze --json " + pcap.string());
  EXPECT_EQ(analyzed.rc, 0) << analyzed.err;
  EXPECT_NE(analyzed.out.find("\"packets\": 2"), std::string::npos) << analyzed.out;
  fs::remove(pcap);
}

}  // namespace
