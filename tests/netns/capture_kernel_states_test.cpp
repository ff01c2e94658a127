// Real Linux TCP endpoints against `wirestate capture`: two network namespaces the test
// creates (names carry the pid), a veth pair between them, addresses
// only inside them (10.199.0.0/24). `wirestate capture -i <veth> -w FILE` runs in the client namespace
// while python3 sockets connect, exchange and close in several orders (client first,
// server first, both at once, abort with SO_LINGER 0); `ss -tan` is taken in each namespace after each
// exchange. After SIGINT the pcap must open in tshark, and `wirestate analyze --json` on
// it must give the final states ss showed (TIME_WAIT on the active closer, and so on).
// The namespaces are always deleted (RAII guard). Skipped, with the reason, where
// namespaces cannot be created or python3 / tshark are missing.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "netns/tcp_exchange_support.hpp"
#include "support/netns.hpp"
#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace wirestate::test {
namespace {

TEST(NetnsCapture, InferredFinalStatesMatchTheKernelsSs) {
  if (!std::filesystem::exists(WIRESTATE_PYTHON)) WIRESTATE_SKIP_UNLESS_REQUIRED() << WIRESTATE_PYTHON << " is missing: no Linux TCP endpoints to run";
  if (sh("command -v tshark") != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "tshark is missing: cannot check that the pcap opens";
  // client = namespace a (va, 10.199.0.1), server = namespace b (vb, 10.199.0.2).
  VethPair ns("kst", "10.199.0");
  if (const auto why = ns.create(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;

  const std::filesystem::path dir = scratch_dir();
  const std::string pcap = (dir / "capture.pcap").string();
  const std::string script = (dir / "endpoints.py").string();
  std::ofstream(script) << kTcpEndpointsScript;

  // Bounded by count and duration as well as by the SIGINT below.
  Child capture(ns.a().exec({WIRESTATE_CLI_PATH, "capture", "-i", "va", "-w", pcap, "-q", "-c", "100000",
                             "--duration", "300"}),
                dir / "capture.out", dir / "capture.err");
  ASSERT_TRUE(capture.wait_for_output("listening on", kReadyBound, /*on_stderr=*/true)) << capture.err();

  const Link link{&ns.a(), &ns.b(), ns.ip_a(), ns.ip_b()};
  auto exchanges = every_closing_order(5001);
  run_exchanges(link, dir, script, exchanges);

  capture.signal(SIGINT);
  EXPECT_EQ(capture.wait_exit(kReadyBound), 0) << capture.err();
  const std::string capture_err = capture.err();
  EXPECT_NE(capture_err.find("packets captured"), std::string::npos) << capture_err;
  EXPECT_NE(capture_err.find("dropped by kernel"), std::string::npos) << capture_err;

  EXPECT_EQ(sh("tshark -r " + pcap), 0) << "tshark cannot read " << pcap;
  expect_states_match_ss(pcap, link, exchanges);
}

}  // namespace
}  // namespace wirestate::test
