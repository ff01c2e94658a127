// `wirestate capture -w FILE` stopped by SIGINT at random moments leaves a capture that
// libpcap and tshark read to the end. Runs on a veth pair between two network
// namespaces the test creates (10.198.N.0/24, only inside them) and always deletes;
// skipped with a reason where namespaces cannot be created (no root / CAP_SYS_ADMIN).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "wirestate/io/pcap_reader.hpp"

namespace {

namespace fs = std::filesystem;

constexpr int kRuns = 12;

int sh(const std::string& cmd) {
  const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Output and exit code of a command (stderr merged).
std::pair<std::string, int> run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return {"", -1};
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), p) != nullptr) out += buf.data();
  const int rc = pclose(p);
  return {out, WIFEXITED(rc) ? WEXITSTATUS(rc) : -1};
}

// Starts argv as a child process; returns its pid.
pid_t spawn(const std::vector<std::string>& argv) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
    }
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

class CaptureSigint : public ::testing::Test {
 protected:
  void SetUp() override {
    const int id = static_cast<int>(getpid() % 200) + 20;
    subnet_ = "10.198." + std::to_string(id);
    ns_a_ = "wsrob" + std::to_string(getpid()) + "a";
    ns_b_ = "wsrob" + std::to_string(getpid()) + "b";
    if (sh("ip netns add " + ns_a_) != 0) {
      GTEST_SKIP() << "cannot create network namespaces here (needs root or CAP_SYS_ADMIN): "
                      "`ip netns add` failed";
    }
    created_ = true;
    ASSERT_EQ(sh("ip netns add " + ns_b_), 0);
    ASSERT_EQ(sh("ip netns exec " + ns_a_ + " ip link add va type veth peer name vb netns " + ns_b_), 0);
    ASSERT_EQ(sh("ip netns exec " + ns_a_ + " ip addr add " + subnet_ + ".1/24 dev va"), 0);
    ASSERT_EQ(sh("ip netns exec " + ns_b_ + " ip addr add " + subnet_ + ".2/24 dev vb"), 0);
    ASSERT_EQ(sh("ip netns exec " + ns_a_ + " ip link set va up"), 0);
    ASSERT_EQ(sh("ip netns exec " + ns_b_ + " ip link set vb up"), 0);
    dir_ = fs::temp_directory_path() / ("wirestate_sigint_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }

  void TearDown() override {
    if (traffic_ > 0) {
      kill(traffic_, SIGKILL);
      waitpid(traffic_, nullptr, 0);
    }
    if (created_) {
      sh("ip netns del " + ns_a_);
      sh("ip netns del " + ns_b_);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // UDP datagrams of varying size from B to A, one every millisecond, until killed.
  void start_traffic() {
    const std::string py =
        "import socket,time\n"
        "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
        "i=0\n"
        "while True:\n"
        "  s.sendto(b'w'*(1+(i*37)%1400),('" + subnet_ + ".1',9)); i+=1; time.sleep(0.001)\n";
    traffic_ = spawn({"ip", "netns", "exec", ns_b_, WIRESTATE_PYTHON, "-c", py});
    ASSERT_GT(traffic_, 0);
  }

  std::string subnet_, ns_a_, ns_b_;
  fs::path dir_;
  bool created_ = false;
  pid_t traffic_ = -1;
};

TEST_F(CaptureSigint, RandomSigintLeavesACaptureReadableToTheEnd) {
  start_traffic();
  std::mt19937 rng(20240607);
  std::uniform_int_distribution<int> delay_ms(150, 900);
  int with_packets = 0;
  for (int run_no = 0; run_no < kRuns; ++run_no) {
    const auto file = (dir_ / ("run" + std::to_string(run_no) + ".pcap")).string();
    const int delay = delay_ms(rng);
    const pid_t pid = spawn({"ip", "netns", "exec", ns_a_, WIRESTATE_CLI_PATH, "capture", "-i", "va",
                             "-w", file, "-q"});
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    SCOPED_TRACE("run " + std::to_string(run_no) + ", SIGINT after " + std::to_string(delay) + " ms");
    ASSERT_TRUE(WIFEXITED(status)) << "capture did not exit normally on SIGINT (signal "
                                   << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << ")";
    EXPECT_EQ(WEXITSTATUS(status), 0);
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
    const auto [out, rc] = run("tshark -n -r " + file + " -T fields -e frame.number");
    EXPECT_EQ(rc, 0) << out;
    EXPECT_EQ(out.find("cut short"), std::string::npos) << out;
    // One line per frame holds its number; tshark's notes (e.g. about running as root) do not.
    std::uint64_t frames = 0;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && std::all_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        ++frames;
      }
    }
    EXPECT_EQ(frames, n) << out.substr(0, 400);
  }
  // The SIGINTs did land while packets were flowing (not only before the first one).
  EXPECT_GE(with_packets, kRuns / 2);
}

}  // namespace
