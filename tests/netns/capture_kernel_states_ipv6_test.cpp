// The IPv6 twin of capture_kernel_states_test.cpp: real Linux TCP over IPv6 against
// `wirestate capture`. Two namespaces the test creates joined by a veth with ULA addresses
// (fd00:77::1/64 on va, fd00:77::2/64 on vb, `nodad` so duplicate address detection does
// not hold them back), and ::1 inside namespace a (captured on its lo). Each link runs the
// closing orders (client first, server first, both at once) and the abort (SO_LINGER 0);
// `ss -tan` in each namespace once the close has settled is the ground truth, and
// `wirestate analyze --json` on the capture must give both sides the states ss showed. The
// veth capture holds the neighbour discovery of the exchange: `wirestate decode --json` must
// decode its solicitations and advertisements without a malformation. The namespaces are
// always deleted; skipped, with the reason, where namespaces cannot be created or python3
// is missing.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "netns/tcp_exchange_support.hpp"
#include "support/netns.hpp"
#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace wirestate::test {
namespace {

TEST(NetnsCaptureIpv6, InferredStatesMatchTheKernelsSsOverUlaAndLoopback) {
  if (!std::filesystem::exists(WIRESTATE_PYTHON)) WIRESTATE_SKIP_UNLESS_REQUIRED() << WIRESTATE_PYTHON << " is missing";
  VethPair ns("k6s", "10.198.0");
  if (const auto why = ns.create(); !why.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << why;
  for (const auto& step : {"ip -n " + ns.a().name() + " addr add fd00:77::1/64 dev va nodad",
                           "ip -n " + ns.b().name() + " addr add fd00:77::2/64 dev vb nodad"}) {
    if (sh(step) != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "IPv6 not available in the namespaces: " << step;
  }

  const std::filesystem::path dir = scratch_dir();
  const std::string script = (dir / "endpoints.py").string();
  std::ofstream(script) << kTcpEndpointsScript;
  const std::string veth_pcap = (dir / "veth.pcap").string();
  const std::string lo_pcap = (dir / "lo.pcap").string();

  Child veth_capture(ns.a().exec({WIRESTATE_CLI_PATH, "capture", "-i", "va", "-w", veth_pcap, "-q", "-c", "100000",
                                  "--duration", "300"}),
                     dir / "veth_capture.out", dir / "veth_capture.err");
  ASSERT_TRUE(veth_capture.wait_for_output("listening on", kReadyBound, /*on_stderr=*/true)) << veth_capture.err();
  Child lo_capture(ns.a().exec({WIRESTATE_CLI_PATH, "capture", "-i", "lo", "-w", lo_pcap, "-q", "-c", "100000",
                                "--duration", "300"}),
                   dir / "lo_capture.out", dir / "lo_capture.err");
  ASSERT_TRUE(lo_capture.wait_for_output("listening on", kReadyBound, /*on_stderr=*/true)) << lo_capture.err();

  const Link veth{&ns.a(), &ns.b(), "fd00:77::1", "fd00:77::2"};
  const Link lo{&ns.a(), &ns.a(), "::1", "::1"};
  auto over_veth = every_closing_order(5201);
  auto over_lo = every_closing_order(5301);
  run_exchanges(veth, dir, script, over_veth);
  run_exchanges(lo, dir, script, over_lo);

  veth_capture.signal(SIGINT);
  lo_capture.signal(SIGINT);
  EXPECT_EQ(veth_capture.wait_exit(kReadyBound), 0) << veth_capture.err();
  EXPECT_EQ(lo_capture.wait_exit(kReadyBound), 0) << lo_capture.err();

  expect_states_match_ss(veth_pcap, veth, over_veth);
  expect_states_match_ss(lo_pcap, lo, over_lo);

  // The neighbour discovery that preceded the first SYN on the veth: solicitation and
  // advertisement, each decoded (NDP body and options) without a malformation.
  const auto decoded = run_command(std::string(WIRESTATE_CLI_PATH) + " decode --json " + veth_pcap);
  ASSERT_EQ(decoded.rc, 0);
  std::istringstream lines(decoded.out);
  std::string line;
  int solicitations = 0, advertisements = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("icmpv6")) continue;
    const int type = j["icmpv6"].value("type", 0);
    if (type != 135 && type != 136) continue;
    (type == 135 ? solicitations : advertisements)++;
    EXPECT_FALSE(j.contains("malformed")) << line;
    EXPECT_TRUE(j["icmpv6"].contains("nd")) << line;
  }
  EXPECT_GE(solicitations, 1) << decoded.out;
  EXPECT_GE(advertisements, 1) << decoded.out;
}

}  // namespace
}  // namespace wirestate::test
