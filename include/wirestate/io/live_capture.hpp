#pragma once
// Live capture from a network interface through libpcap (immediate mode, nanosecond
// timestamps, BPF filter). The one place in wirestate that reads a real clock.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "wirestate/io/packet.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::io {

// How to open the interface.
struct LiveOptions {
  std::string interface;        // e.g. "eth0", "veth0", "any"
  std::string filter;           // BPF expression; empty = every packet
  int snaplen = 262144;         // bytes kept per packet
  bool promiscuous = true;      // see traffic not addressed to this host
  int buffer_bytes = 0;         // kernel ring size; 0 = libpcap's default (2 MiB)
};

// pcap_stats() at one moment (see pcap_stats(3PCAP) for what each platform counts).
struct LiveStats {
  std::uint64_t received = 0;          // ps_recv: packets received by the filter
  std::uint64_t dropped = 0;           // ps_drop: dropped by the kernel (no room in the buffer)
  std::uint64_t interface_dropped = 0; // ps_ifdrop: dropped by the interface or its driver
};

// An interface open for capture. Packets are numbered 1, 2, ... in arrival order.
class LiveCapture {
 public:
  // Opens and activates the interface. Errors name the interface and the cause: no such
  // interface, permission denied (needs root or CAP_NET_RAW), interface down, or a
  // filter libpcap does not compile (quoting the filter and libpcap's reason).
  static tl::expected<LiveCapture, std::string> open(const LiveOptions& options);

  LiveCapture(LiveCapture&&) noexcept;
  LiveCapture& operator=(LiveCapture&&) noexcept;
  ~LiveCapture();

  // Waits at most timeout_ms for packets (returns early when a signal interrupts the
  // wait), then hands each packet available now to `fn`, at most max_packets (<= 0: all).
  // Returns the number handed over (0 on timeout), or an error (interface gone, ...).
  tl::expected<int, std::string> poll(int timeout_ms, const std::function<void(const Packet&)>& fn,
                                      int max_packets = 0);

  // Statistics so far.
  tl::expected<LiveStats, std::string> stats() const;

  // The interface's link type (libpcap DLT_* value).
  int link_type() const noexcept { return link_type_; }
  // The snapshot length in force.
  int snaplen() const noexcept;
  const std::string& interface() const noexcept { return interface_; }

  // The real clock (CLOCK_REALTIME, the clock of capture timestamps).
  static net::Time now() noexcept;

 private:
  struct Handle;
  LiveCapture(std::unique_ptr<Handle> handle, std::string interface, int link_type);

  std::unique_ptr<Handle> handle_;
  std::string interface_;
  int link_type_ = 0;
  std::uint64_t next_number_ = 1;
};

}  // namespace wirestate::io
