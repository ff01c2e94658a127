// `wirestate check` verdicts that must be earned (issue 16, "Wrong verdicts"): a preset over
// an empty capture, or over a scope that chose no connection, fails and says so; -f and
// --conn choose the connections a preset judges; a capture whose sender's checksums are all
// bad (taken before checksum offload) passes handshake and clean-close by default, names the
// sender as an offload suspect, fails with --verify-checksums and is not looked at with -K.
// tshark is the oracle for what the crafted captures hold.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"
#include "wirestate/io/pcap_writer.hpp"

namespace {

namespace fs = std::filesystem;
using wirestate::test::run_command;
using wirestate::test::run_wirestate;

const std::string kKernelPcaps = std::string(WIRESTATE_SHARED_PCAPS) + "/kernel/";
// One clean connection, 10.77.0.1:34216 -> 10.77.0.2:5000 (FINs both ways).
const std::string kCleanPcap = kKernelPcaps + "tcp_client_close_first.pcap";
// One connection reset by the client, 10.77.0.1:57794 -> 10.77.0.2:5000.
const std::string kResetPcap = kKernelPcaps + "tcp_abortive_close.pcap";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// How many frames tshark reads from a capture, optionally with a display filter.
int tshark_frames(const std::string& pcap, const std::string& display_filter = "") {
  const auto o = run_command("tshark -r '" + pcap + "'" +
                             (display_filter.empty() ? "" : " -o tcp.check_checksum:TRUE -Y '" + display_filter + "'") +
                             " -T fields -e frame.number | wc -l");
  return o.rc == 0 ? std::stoi(o.out) : -1;
}

class CheckVerdicts : public ::testing::Test {
 protected:
  void SetUp() override {
    if (wirestate::test::sh("command -v tshark") != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "tshark is missing";
    dir_ = wirestate::test::scratch_dir();
    fs::create_directories(dir_);
  }
  fs::path dir_;
};

TEST_F(CheckVerdicts, PresetsOnAnEmptyCaptureFailAndSaySo) {
  const std::string empty = (dir_ / "empty.pcap").string();
  {
    auto w = wirestate::io::PcapWriter::open(empty);
    ASSERT_TRUE(w) << w.error();
  }
  ASSERT_EQ(tshark_frames(empty), 0);  // a valid capture with no packet

  const auto o = run_wirestate("check " + empty + " --expect handshake --expect clean-close");
  EXPECT_EQ(o.rc, 1) << o.out << o.err;
  EXPECT_TRUE(has(o.out, "0 passed, 2 failed")) << o.out;
  EXPECT_TRUE(has(o.out, "no TCP connection was seen")) << o.out;

  const auto arp = run_wirestate("check " + empty + " --expect no-arp-alerts");
  EXPECT_EQ(arp.rc, 1) << arp.out;
  EXPECT_TRUE(has(arp.out, "no packet was seen")) << arp.out;
}

TEST_F(CheckVerdicts, ConnSelectingNothingFailsAndSaysWhichScope) {
  const auto all = run_wirestate("check " + kCleanPcap + " --expect handshake");
  EXPECT_EQ(all.rc, 0) << all.out << all.err;
  const auto none = run_wirestate("check " + kCleanPcap + " --expect handshake --conn 10.9.9.9");
  EXPECT_EQ(none.rc, 1) << none.out;
  EXPECT_TRUE(has(none.out, "--conn 10.9.9.9")) << none.out;
  const auto filtered = run_wirestate("check " + kCleanPcap + " --expect handshake -f 'udp'");
  EXPECT_EQ(filtered.rc, 1) << filtered.out;
  EXPECT_TRUE(has(filtered.out, "no TCP connection was seen")) << filtered.out;
}

TEST_F(CheckVerdicts, FilterAndConnChooseTheConnectionsAPresetJudges) {
  const std::string both = (dir_ / "clean_and_reset.pcap").string();
  ASSERT_EQ(wirestate::test::sh("mergecap -F pcap -w '" + both + "' '" + kCleanPcap + "' '" + kResetPcap + "'"), 0);
  ASSERT_EQ(tshark_frames(both), tshark_frames(kCleanPcap) + tshark_frames(kResetPcap));

  const auto whole = run_wirestate("check " + both + " --expect no-rst");
  EXPECT_EQ(whole.rc, 1) << whole.out;
  EXPECT_TRUE(has(whole.out, "57794")) << whole.out;  // the reset connection is named

  const auto clean_by_filter = run_wirestate("check " + both + " --expect no-rst --expect clean-close -f 'tcp port 34216'");
  EXPECT_EQ(clean_by_filter.rc, 0) << clean_by_filter.out << clean_by_filter.err;
  const auto reset_by_filter = run_wirestate("check " + both + " --expect no-rst -f 'tcp port 57794'");
  EXPECT_EQ(reset_by_filter.rc, 1) << reset_by_filter.out;
  const auto clean_by_conn = run_wirestate("check " + both + " --expect no-rst --conn 10.77.0.1:34216");
  EXPECT_EQ(clean_by_conn.rc, 0) << clean_by_conn.out << clean_by_conn.err;

  const auto bad_filter = run_wirestate("check " + both + " --expect no-rst -f 'tcp port'");
  EXPECT_EQ(bad_filter.rc, 2) << bad_filter.out;
  EXPECT_TRUE(has(bad_filter.err, "tcp port")) << bad_filter.err;
}

// The client's segments with their TCP checksums broken, as a capture on a host that
// offloads checksumming records them.
constexpr const char* kBreakChecksums = R"PY(
import sys
from scapy.all import rdpcap, wrpcap, IP, TCP
pkts = rdpcap(sys.argv[1])
for p in pkts:
    if TCP in p and p[IP].src == sys.argv[3]:
        p[TCP].chksum = (p[TCP].chksum ^ 0x5a5a) or 1
wrpcap(sys.argv[2], pkts)
)PY";

TEST_F(CheckVerdicts, OffloadedChecksumsAreFlaggedNotDroppedAndTheSenderIsNamed) {
  if (wirestate::test::sh(std::string(WIRESTATE_PYTHON) + " -c 'import scapy.all'") != 0) {
    WIRESTATE_SKIP_UNLESS_REQUIRED() << WIRESTATE_PYTHON << " cannot import scapy";
  }
  const std::string script = (dir_ / "break.py").string();
  std::ofstream(script) << kBreakChecksums;
  const std::string pcap = (dir_ / "offloaded.pcap").string();
  ASSERT_EQ(wirestate::test::sh(std::string(WIRESTATE_PYTHON) + " " + script + " " + kCleanPcap + " " + pcap +
                                " 10.77.0.1"),
            0);
  // tshark's verdict: every client segment is bad, every server segment good.
  const int client = tshark_frames(pcap, "tcp && ip.src == 10.77.0.1");
  ASSERT_GT(client, 3);
  EXPECT_EQ(tshark_frames(pcap, "tcp.checksum.status == 0"), client);
  EXPECT_EQ(tshark_frames(pcap, "tcp.checksum.status == 0 && ip.src == 10.77.0.2"), 0);

  const auto flagged = run_wirestate("check " + pcap + " --expect handshake --expect clean-close");
  EXPECT_EQ(flagged.rc, 0) << flagged.out << flagged.err;
  EXPECT_TRUE(has(flagged.out, "2 passed, 0 failed")) << flagged.out;
  EXPECT_TRUE(has(flagged.err, std::to_string(client) + " of " + std::to_string(client) + " TCP segments from 10.77.0.1"))
      << flagged.err;
  EXPECT_TRUE(has(flagged.err, "likely checksum offload")) << flagged.err;
  EXPECT_FALSE(has(flagged.err, "from 10.77.0.2")) << flagged.err;

  const auto enforced = run_wirestate("check " + pcap + " --expect handshake --verify-checksums");
  EXPECT_EQ(enforced.rc, 1) << enforced.out;
  EXPECT_TRUE(has(enforced.out, "bad checksums")) << enforced.out;
  // The same check passes on the capture as the kernel wrote it: the verdict can be earned.
  const auto intact = run_wirestate("check " + kCleanPcap + " --expect handshake --verify-checksums");
  EXPECT_EQ(intact.rc, 0) << intact.out;

  const auto skipped = run_wirestate("check " + pcap + " --expect handshake --expect clean-close -K");
  EXPECT_EQ(skipped.rc, 0) << skipped.out;
  EXPECT_FALSE(has(skipped.err, "offload")) << skipped.err;

  const auto both = run_wirestate("check " + pcap + " --expect handshake -K --verify-checksums");
  EXPECT_EQ(both.rc, 2) << both.out;  // contradictory switches are bad input
}

}  // namespace
