#pragma once
// A host's UDP sockets (RFC 768): bound ports, each with a bounded receive queue.
// A datagram for a port nobody bound is refused, and the host answers with ICMP port
// unreachable (RFC 1122 §4.1.3.1).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::udp {

// One datagram as an application receives it.
struct Datagram {
  net::Ipv4Addr src;
  std::uint16_t src_port = 0;
  std::vector<std::uint8_t> data;
  net::Time time;
};

// What happened to an arriving datagram.
enum class Delivery {
  kQueued,        // put on the socket's queue
  kPortUnreachable,  // no socket on that port: answer with ICMP 3/3
  kQueueFull,     // the socket's queue was full: dropped (counted)
};

class SocketTable {
 public:
  // max_queue: datagrams each socket holds before dropping (Linux bounds by bytes,
  // rmem_default 208 KiB; a count is simpler to reason about in scenarios).
  explicit SocketTable(std::size_t max_queue = 256) : max_queue_(max_queue) {}

  // Binds a port; false when it is already bound.
  bool bind(std::uint16_t port);
  void unbind(std::uint16_t port);
  bool is_bound(std::uint16_t port) const { return sockets_.count(port) != 0; }

  // Hands an arriving datagram to the socket bound on dst_port.
  Delivery deliver(std::uint16_t dst_port, Datagram datagram);

  // Takes every datagram queued on port (oldest first).
  std::vector<Datagram> receive_all(std::uint16_t port);
  // Datagrams dropped because a queue was full.
  std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  std::size_t max_queue_;
  std::map<std::uint16_t, std::deque<Datagram>> sockets_;
  std::uint64_t dropped_ = 0;
};

}  // namespace wirestate::udp
