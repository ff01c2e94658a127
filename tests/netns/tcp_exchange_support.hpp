#pragma once
// Real Linux TCP exchanges between namespaces, for the capture tests: python3 socket
// endpoints that connect, exchange and close in a given order, `ss -tan` as the ground truth
// of each side's final state, and the check that `wirestate analyze --json` says the same.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "netns/kernel_tcp_support.hpp"
#include "support/netns.hpp"

namespace wirestate::test {

// Bounds on waits, far above what an idle machine needs; passing one fails the test with what
// was awaited instead of hanging it.
inline constexpr auto kReadyBound = std::chrono::seconds(30);
inline constexpr auto kExchangeBound = std::chrono::seconds(60);
inline constexpr auto kSettleBound = std::chrono::seconds(30);

// The endpoints' python3 script: `server MODE IP PORT` and `client MODE IP PORT`, IPv4 or
// IPv6 after the address. Modes: client_first (the client closes first), server_first,
// both (each side closes as soon as the exchange is over, so the FINs may cross: whatever the
// kernel did, ss says it), abort (the client resets via SO_LINGER 0).
extern const char* const kTcpEndpointsScript;

// One exchange: its closing order, the server's port, and what ss said once it settled.
struct Exchange {
  std::string mode;
  int port;
  int client_port = 0;
  std::string ss_client;
  std::string ss_server;
};

// Every closing order, on consecutive ports from first_port.
std::vector<Exchange> every_closing_order(int first_port);

// Where the client and server run and the addresses they use.
struct Link {
  const Netns* client_ns;
  const Netns* server_ns;
  std::string client_ip;
  std::string server_ip;
};

// Runs each exchange over the link with `script` (kTcpEndpointsScript written to a file),
// one after the other, and records ss's states once each has settled.
void run_exchanges(const Link& link, const std::filesystem::path& dir, const std::string& script,
                   std::vector<Exchange>& exchanges);

// `wirestate analyze --json -K PCAP` must give both sides of each exchange what ss showed,
// name the connection by its endpoints, and claim the whole handshake (the capture saw it).
void expect_states_match_ss(const std::string& pcap, const Link& link, const std::vector<Exchange>& exchanges);

}  // namespace wirestate::test
