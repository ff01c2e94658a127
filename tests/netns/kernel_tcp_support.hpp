#pragma once
// What the Linux kernel in a test's own network namespace says about its TCP sockets: the
// state `ss` gives a connection, and the kernel's TCP counters (/proc/net/netstat, per
// namespace). Used as ground truth for what the observer infers from a capture.
#include <chrono>
#include <cstdint>
#include <string>

namespace wirestate::test {

// The RFC 9293 name of the state of the socket local_port <-> peer_port in namespace `ns`
// (`ss -tan`; ESTAB -> ESTABLISHED, TIME-WAIT -> TIME_WAIT, SYN-RECV -> SYN_RECEIVED), or
// "CLOSED" when there is none.
std::string kernel_tcp_state(const std::string& ns, int local_port, int peer_port);

// Waits (bounded) until neither end of the connection is in a state that changes by itself
// soon (FIN_WAIT_1, LAST_ACK, ...), then gives both states. settled is false after the bound.
struct KernelEnds {
  std::string client;
  std::string server;
  bool settled = false;
};
KernelEnds settled_kernel_states(const std::string& client_ns, const std::string& server_ns, int client_port,
                                 int server_port, std::chrono::milliseconds bound);

// A TcpExt counter of namespace `ns` (TCPChallengeACK, TCPFastOpenPassive, ...); -1 when the
// kernel has no such counter.
std::int64_t kernel_tcp_counter(const std::string& ns, const std::string& name);

}  // namespace wirestate::test
