#include "netns/kernel_tcp_support.hpp"

#include <algorithm>
#include <sstream>
#include <thread>
#include <vector>

#include "support/process.hpp"

namespace wirestate::test {

namespace {

std::string rfc_name(std::string ss_name) {
  if (ss_name == "ESTAB") return "ESTABLISHED";
  if (ss_name == "SYN-RECV") return "SYN_RECEIVED";
  std::replace(ss_name.begin(), ss_name.end(), '-', '_');
  return ss_name;
}

bool changes_by_itself(const std::string& s) {
  return s == "FIN_WAIT_1" || s == "FIN_WAIT_2" || s == "LAST_ACK" || s == "CLOSING" || s == "CLOSE_WAIT" ||
         s == "SYN_SENT" || s == "SYN_RECEIVED";
}

}  // namespace

std::string kernel_tcp_state(const std::string& ns, int local_port, int peer_port) {
  std::istringstream lines(run_command("ip netns exec " + ns + " ss -tanH").out);
  std::string line;
  const auto port_of = [](const std::string& a) { return a.substr(a.rfind(':') + 1); };
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    std::string state, rq, sq, local, peer;
    if (!(f >> state >> rq >> sq >> local >> peer)) continue;
    if (port_of(local) == std::to_string(local_port) && port_of(peer) == std::to_string(peer_port)) {
      return rfc_name(state);
    }
  }
  return "CLOSED";
}

KernelEnds settled_kernel_states(const std::string& client_ns, const std::string& server_ns, int client_port,
                                 int server_port, std::chrono::milliseconds bound) {
  KernelEnds k;
  for (const auto until = std::chrono::steady_clock::now() + bound;;) {
    k.client = kernel_tcp_state(client_ns, client_port, server_port);
    k.server = kernel_tcp_state(server_ns, server_port, client_port);
    k.settled = !changes_by_itself(k.client) && !changes_by_itself(k.server);
    if (k.settled || std::chrono::steady_clock::now() >= until) return k;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::int64_t kernel_tcp_counter(const std::string& ns, const std::string& name) {
  // /proc/net/netstat: pairs of lines, "TcpExt: name name ..." then "TcpExt: value value ...".
  std::istringstream lines(run_command("ip netns exec " + ns + " cat /proc/net/netstat").out);
  std::string names, values;
  while (std::getline(lines, names) && std::getline(lines, values)) {
    std::istringstream n(names), v(values);
    std::string key, value;
    n >> key;
    v >> value;
    if (key != "TcpExt:") continue;
    while (n >> key && v >> value) {
      if (key == name) return std::stoll(value);
    }
  }
  return -1;
}

}  // namespace wirestate::test
