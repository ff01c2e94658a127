// Running other programs from a test: a shell command with its output, and a child process
// whose output goes to files in the test's scratch directory, with bounded waits for what it
// prints and for its exit. Every wait has a bound, so a test under load fails with a message
// instead of hanging until ctest's timeout; a child still running when its owner goes is
// killed.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/scratch.hpp"

namespace wirestate::test {

// The exit code of a shell command run with its output discarded (-1 when killed).
inline int sh(const std::string& cmd) {
  const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

struct CommandOutput {
  std::string out;  // stdout (with stderr when merged)
  int rc = -1;      // exit code, -1 when killed by a signal
};

// Runs a shell command and returns its stdout and exit code; stderr is merged into stdout
// when merge_stderr, else discarded.
inline CommandOutput run_command(const std::string& cmd, bool merge_stderr = false) {
  CommandOutput o;
  FILE* p = ::popen((cmd + (merge_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (p == nullptr) return o;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) o.out.append(buf.data(), n);
  const int rc = ::pclose(p);
  o.rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return o;
}

// The whole content of a file ("" when it does not exist).
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct CliOutput {
  std::string out;  // stdout
  std::string err;  // stderr
  int rc = -1;      // exit code, -1 when killed by a signal
};

// Runs `PREFIX wirestate ARGS` through the shell (args already quoted as the shell needs):
// stdout and stderr captured apart, stderr through a file in the test's scratch directory.
// prefix runs the command under something else ("ip netns exec NS ", "setpriv ... ").
inline CliOutput run_wirestate(const std::string& args, const std::string& prefix = "") {
  const auto err = scratch_path("wirestate.stderr");
  // The group keeps the command's own stderr redirection inside run_command's.
  const auto o = run_command("{ " + prefix + "'" + WIRESTATE_CLI_PATH + "' " + args + " 2>'" + err.string() + "'; }");
  CliOutput r{o.out, slurp(err), o.rc};
  std::filesystem::remove(err);
  return r;
}

// A child process started from argv, stdout and stderr going to two files. Killed (SIGKILL)
// and reaped when the object goes while it still runs.
class Child {
 public:
  Child(const std::vector<std::string>& argv, std::filesystem::path out, std::filesystem::path err)
      : out_(std::move(out)), err_(std::move(err)) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      const int o = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (o >= 0) ::dup2(o, STDOUT_FILENO);
      if (e >= 0) ::dup2(e, STDERR_FILENO);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  bool started() const { return pid_ > 0; }
  bool running() const { return pid_ > 0 && !status_; }
  pid_t pid() const { return pid_; }
  std::string out() const { return slurp(out_); }
  std::string err() const { return slurp(err_); }

  void signal(int sig) const {
    if (running()) ::kill(pid_, sig);
  }

  // Waits until the child has written `text` to stdout (or stderr when on_stderr); false when
  // the bound passes or the child exits first.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds bound, bool on_stderr = false) {
    const auto until = std::chrono::steady_clock::now() + bound;
    for (;;) {
      if ((on_stderr ? err() : out()).find(text) != std::string::npos) return true;
      if (poll_exit() || std::chrono::steady_clock::now() >= until) {
        return (on_stderr ? err() : out()).find(text) != std::string::npos;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  // Waits for the exit (bounded): the exit code, 128 + signal number when killed, nullopt
  // when it still runs after the bound.
  std::optional<int> wait_exit(std::chrono::milliseconds bound) {
    const auto until = std::chrono::steady_clock::now() + bound;
    while (!poll_exit()) {
      if (std::chrono::steady_clock::now() >= until) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return *status_;
  }

 private:
  // Reaps the child if it has exited; true once it has.
  bool poll_exit() {
    if (status_) return true;
    if (pid_ <= 0) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }

  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace wirestate::test
