// Network namespaces that a test creates for itself and always removes: one namespace, or two
// joined by a veth pair with one address each. Names carry the test process's pid so tests
// running at the same time never share one; addresses exist only inside the namespaces.
// Nothing here touches an interface of the host.
#pragma once

#include <unistd.h>

#include <string>
#include <vector>

#include "support/process.hpp"

namespace wirestate::test {

// One namespace with its loopback up; deleted (after killing what still runs in it) when the
// object goes.
class Netns {
 public:
  explicit Netns(const std::string& tag) : name_("ws" + tag + "-" + std::to_string(::getpid())) {}
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;
  ~Netns() {
    if (!created_) return;
    sh("ip netns pids " + name_ + " | xargs -r kill -9");
    sh("ip netns del " + name_);
  }

  // Creates it; "" on success, else why not (no root or CAP_SYS_ADMIN, no iproute2).
  std::string create() {
    if (::geteuid() != 0) return "needs root for `ip netns add` (running as uid " + std::to_string(::geteuid()) + ")";
    if (sh("ip netns add " + name_) != 0) return "`ip netns add " + name_ + "` failed (namespaces not permitted here?)";
    created_ = true;
    if (sh("ip -n " + name_ + " link set lo up") != 0) return "cannot bring lo up in " + name_;
    return "";
  }

  const std::string& name() const { return name_; }
  // argv run inside the namespace.
  std::vector<std::string> exec(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", name_});
    return argv;
  }
  // A shell command prefix that runs the rest of the line inside the namespace.
  std::string prefix() const { return "ip netns exec " + name_ + " "; }

 private:
  std::string name_;
  bool created_ = false;
};

// Two namespaces, "a" and "b", joined by a veth pair (interface va in a, vb in b) with
// SUBNET.1/24 on va and SUBNET.2/24 on vb, all up.
class VethPair {
 public:
  VethPair(const std::string& tag, std::string subnet) : a_(tag + "a"), b_(tag + "b"), subnet_(std::move(subnet)) {}

  // Creates both namespaces and the link; "" on success, else why not.
  std::string create() {
    if (auto why = a_.create(); !why.empty()) return why;
    if (auto why = b_.create(); !why.empty()) return why;
    const std::vector<std::string> steps = {
        "ip -n " + a_.name() + " link add va type veth peer name vb netns " + b_.name(),
        "ip -n " + a_.name() + " addr add " + ip_a() + "/24 dev va",
        "ip -n " + b_.name() + " addr add " + ip_b() + "/24 dev vb",
        "ip -n " + a_.name() + " link set va up",
        "ip -n " + b_.name() + " link set vb up",
    };
    for (const auto& s : steps) {
      if (sh(s) != 0) return "setup step failed: " + s;
    }
    return "";
  }

  const Netns& a() const { return a_; }
  const Netns& b() const { return b_; }
  std::string ip_a() const { return subnet_ + ".1"; }
  std::string ip_b() const { return subnet_ + ".2"; }

 private:
  Netns a_, b_;
  std::string subnet_;
};

}  // namespace wirestate::test
