// `wirestate capture -w FILE` stopped by SIGINT at random moments after it is ready leaves a
// capture that libpcap and tshark read to the end. Runs on a veth pair between two network
// namespaces the test creates (10.198.0.0/24, only inside them) and always deletes; skipped
// with a reason where namespaces cannot be created (no root / CAP_SYS_ADMIN), a failure when
// WIRESTATE_REQUIRE_ALL is set. Every capture is bounded by count and duration and every wait
// has a bound, so a capture that ignores SIGINT fails the test instead of hanging it.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "support/netns.hpp"
#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"
#include "wirestate/io/pcap_reader.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using wirestate::test::Child;
using wirestate::test::run_command;

constexpr int kRuns = 12;
// Bounds, far above what an idle machine needs: readiness, and the exit after SIGINT. The
// capture's own --duration is longer, so only SIGINT can end it within the exit bound.
constexpr auto kReadyBound = 30s;
constexpr auto kExitBound = 30s;
constexpr const char* kCaptureDuration = "120";

class CaptureSigint : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto why = pair_.create(); !why.empty()) {
      WIRESTATE_SKIP_UNLESS_REQUIRED() << "cannot create network namespaces here: " << why;
    }
    dir_ = wirestate::test::scratch_dir();
  }

  // UDP datagrams of varying size from B to A, one every millisecond, until killed.
  void start_traffic() {
    const std::string py =
        "import socket,time\n"
        "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
        "i=0\n"
        "while True:\n"
        "  s.sendto(b'w'*(1+(i*37)%1400),('" + pair_.ip_a() + "',9)); i+=1; time.sleep(0.001)\n";
    traffic_.emplace(pair_.b().exec({WIRESTATE_PYTHON, "-c", py}), dir_ / "traffic.out", dir_ / "traffic.err");
    ASSERT_TRUE(traffic_->started());
  }

  wirestate::test::VethPair pair_{"sig", "10.198.0"};
  fs::path dir_;
  std::optional<Child> traffic_;
};

TEST_F(CaptureSigint, RandomSigintLeavesACaptureReadableToTheEnd) {
  start_traffic();
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> delay_ms(20, 600);
  int with_packets = 0;
  for (int run_no = 0; run_no < kRuns; ++run_no) {
    const auto file = (dir_ / ("run" + std::to_string(run_no) + ".pcap")).string();
    const int delay = delay_ms(rng);
    SCOPED_TRACE("run " + std::to_string(run_no) + ", SIGINT " + std::to_string(delay) + " ms after ready");
    Child capture(pair_.a().exec({WIRESTATE_CLI_PATH, "capture", "-i", "va", "-w", file, "-q", "-c", "100000000",
                                  "--duration", kCaptureDuration}),
                  dir_ / ("run" + std::to_string(run_no) + ".out"), dir_ / ("run" + std::to_string(run_no) + ".err"));
    ASSERT_TRUE(capture.started());
    // Ready = the handlers are installed and the interface is open (the "listening on" line).
    ASSERT_TRUE(capture.wait_for_output("listening on", kReadyBound, /*on_stderr=*/true))
        << "capture not ready: " << capture.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    capture.signal(SIGINT);
    const auto status = capture.wait_exit(kExitBound);
    ASSERT_TRUE(status.has_value()) << "capture still running 30 s after SIGINT";
    EXPECT_EQ(*status, 0) << "capture did not exit normally on SIGINT: " << capture.err();
    EXPECT_NE(capture.err().find("packets captured"), std::string::npos) << capture.err();
    ASSERT_TRUE(fs::exists(file));

    // libpcap reads every record, with no truncation or bad record at the end.
    auto reader = wirestate::io::PcapReader::open(file);
    ASSERT_TRUE(reader) << reader.error();
    std::uint64_t n = 0;
    while (reader->next()) ++n;
    EXPECT_FALSE(reader->problem().has_value())
        << (reader->problem() ? reader->problem()->message : std::string());
    if (n > 0) ++with_packets;

    // tshark reads it to the end and counts the same packets.
    const auto tshark = run_command("tshark -n -r " + file + " -T fields -e frame.number", /*merge_stderr=*/true);
    EXPECT_EQ(tshark.rc, 0) << tshark.out;
    EXPECT_EQ(tshark.out.find("cut short"), std::string::npos) << tshark.out;
    // One line per frame holds its number; tshark's notes (e.g. about running as root) do not.
    std::uint64_t frames = 0;
    std::istringstream lines(tshark.out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && std::all_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        ++frames;
      }
    }
    EXPECT_EQ(frames, n) << tshark.out.substr(0, 400);
  }
  // The SIGINTs did land while packets were flowing (not only before the first one).
  EXPECT_GE(with_packets, kRuns / 2);
}

}  // namespace
