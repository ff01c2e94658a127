// `wirestate capture` at the edges: a missing interface, a bad filter and missing
// permission are one clear message (naming the interface, the filter, CAP_NET_RAW) and
// exit code 2; -c stops a capture on a namespace's loopback by itself with the closing statistics.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include "support/netns.hpp"
#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace {

namespace fs = std::filesystem;

// Runs `PREFIX wirestate ARGS`: stdout, stderr and the exit code.
wirestate::test::CliOutput run(const std::string& prefix, const std::string& args) {
  return wirestate::test::run_wirestate(args, prefix);
}

TEST(CaptureErrors, MissingInterfaceExits2AndNamesIt) {
  const auto o = run("", "capture -i wsnosuch0 -c 1");
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find("wsnosuch0"), std::string::npos) << o.err;
}

TEST(CaptureErrors, BadFilterExits2AndQuotesIt) {
  if (geteuid() != 0) {
    const auto o = run("", "capture -i lo -c 1 -f 'tcp port'");
    EXPECT_EQ(o.rc, 2);
    EXPECT_NE(o.err.find("CAP_NET_RAW"), std::string::npos) << o.err;  // activation fails first
    return;
  }
  // As root the interface opens, so it is the loopback of a namespace of the test's own.
  wirestate::test::Netns ns("bpf");
  if (const auto why = ns.create(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  const auto o = run(ns.prefix(), "capture -i lo -c 1 --duration 10 -f 'tcp port'");
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find("tcp port"), std::string::npos) << o.err;
}

TEST(CaptureErrors, MissingPermissionNamesCapNetRaw) {
  if (geteuid() != 0) {
    const auto o = run("", "capture -i lo -c 1");
    EXPECT_EQ(o.rc, 2);
    EXPECT_NE(o.err.find("CAP_NET_RAW"), std::string::npos) << o.err;
    return;
  }
  if (std::system("command -v setpriv >/dev/null 2>&1") != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "setpriv is missing: cannot drop root";
  // Root without any capability, as user nobody.
  const auto o = run("setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all ",
                     "capture -i lo -c 1");
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find("CAP_NET_RAW"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("'lo'"), std::string::npos) << o.err;
}

// On the loopback of a namespace of the test's own (never the host's), with datagrams flowing
// until the namespace goes: -c 2 must end the capture; --duration only bounds it, so a count
// that does not stop the capture fails on "2 packets captured" instead of hanging the test.
TEST(CaptureLoopback, CountStopsTheCaptureAndPrintsStatistics) {
  wirestate::test::Netns ns("lo");
  if (const auto why = ns.create(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  const fs::path pcap = wirestate::test::scratch_path("lo.pcap");
  const std::string py =
      "import socket,time\n"
      "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
      "while True:\n"
      "  s.sendto(b'x',('127.0.0.1',9)); time.sleep(0.05)\n";
  wirestate::test::Child traffic(ns.exec({WIRESTATE_PYTHON, "-c", py}), wirestate::test::scratch_path("traffic.out"),
                                 wirestate::test::scratch_path("traffic.err"));
  ASSERT_TRUE(traffic.started());
  const auto o = run(ns.prefix(), "capture -i lo -c 2 --duration 60 -q -f 'udp port 9' -w " + pcap.string());
  EXPECT_EQ(o.rc, 0) << o.err;
  EXPECT_NE(o.err.find("2 packets captured"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("packets dropped by kernel"), std::string::npos) << o.err;
  ASSERT_TRUE(fs::exists(pcap));
  const auto analyzed = run("", "analyze --json " + pcap.string());
  EXPECT_EQ(analyzed.rc, 0) << analyzed.err;
  EXPECT_NE(analyzed.out.find("\"packets\": 2"), std::string::npos) << analyzed.out;
}

}  // namespace
