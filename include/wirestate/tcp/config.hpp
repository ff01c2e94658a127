#pragma once
// Every tunable of a TCP endpoint, each next to the Linux default it mirrors.
// A Config is a plain value: copy it into each Endpoint (one per listening SYN).
#include <cstdint>

#include "wirestate/net/time.hpp"

namespace wirestate::tcp {

struct Config {
  // --- Buffers and windows -------------------------------------------------------------
  // Receive buffer in bytes; the advertised window is its free space (Linux tcp_rmem[1] =
  // 131072, of which about half is window; we advertise all of it).
  std::uint32_t receive_buffer = 131072;
  // Send buffer in bytes: send() accepts at most this much unacknowledged data
  // (Linux tcp_wmem[1] = 16384, auto-tuned upwards; we use a fixed 256 KiB).
  std::uint32_t send_buffer = 262144;
  // Our MSS option: the largest payload we accept (1460 on Ethernet, as Linux).
  std::uint16_t mss = 1460;
  // MSS assumed when the peer sends none (RFC 9293 §3.7.1: 536; Linux uses 536 too).
  std::uint16_t default_peer_mss = 536;
  // Our window scale shift, offered in the SYN (RFC 7323 §2.3; Linux picks 7 for
  // default buffers). Values above 14 are clamped to 14.
  std::uint8_t window_scale = 7;
  bool window_scaling = true;   // Linux net.ipv4.tcp_window_scaling = 1
  bool sack = true;             // Linux net.ipv4.tcp_sack = 1
  bool timestamps = true;       // Linux net.ipv4.tcp_timestamps = 1
  // Out-of-order segments kept for in-order delivery; when full the segment farthest
  // from RCV.NXT is dropped (Linux prunes the ofo queue from its tail the same way).
  std::uint32_t out_of_order_max_segments = 64;

  // --- Timers -------------------------------------------------------------------------
  // Maximum segment lifetime; TIME_WAIT lasts 2·MSL (RFC 9293 §3.4.2). Linux's TIME_WAIT
  // is a fixed 60 s (TCP_TIMEWAIT_LEN), so MSL = 30 s reproduces it.
  net::Duration msl = net::Duration::seconds(30);
  // RFC 6298 §2: initial RTO 1 s (Linux TCP_TIMEOUT_INIT = 1 s).
  net::Duration rto_initial = net::Duration::seconds(1);
  // RFC 6298 §2.4 says 1 s; Linux TCP_RTO_MIN = 200 ms.
  net::Duration rto_min = net::Duration::milliseconds(200);
  // Linux TCP_RTO_MAX = 120 s (RFC 6298 §2.5 allows any maximum of at least 60 s).
  net::Duration rto_max = net::Duration::seconds(120);
  // SYN retransmissions before giving up (Linux net.ipv4.tcp_syn_retries = 6).
  std::uint32_t syn_retries = 6;
  // SYN,ACK retransmissions before giving up (Linux net.ipv4.tcp_synack_retries = 5).
  std::uint32_t synack_retries = 5;
  // Data/FIN retransmissions and unanswered window probes before giving up
  // (Linux net.ipv4.tcp_retries2 = 15).
  std::uint32_t data_retries = 15;
  // Delayed ACKs (RFC 9293 §3.8.6.3, RFC 5681 §4.2): ACK every second full segment at
  // once, otherwise after delayed_ack_timeout (Linux TCP_DELACK_MIN = 40 ms; RFC < 500 ms).
  bool delayed_ack = true;
  net::Duration delayed_ack_timeout = net::Duration::milliseconds(40);
  // Zero-window probe interval bounds: starts at the RTO, doubles per probe, clamped
  // (Linux uses the RTO bounds: 200 ms .. 120 s).
  net::Duration persist_min = net::Duration::milliseconds(200);
  net::Duration persist_max = net::Duration::seconds(120);

  // --- Congestion control (RFC 5681) ---------------------------------------------------
  // Initial window in segments (RFC 6928 and Linux TCP_INIT_CWND = 10).
  std::uint32_t initial_cwnd_segments = 10;
  // Duplicate ACKs that trigger fast retransmit (RFC 5681 §3.2; Linux tcp_reordering = 3).
  std::uint32_t dupack_threshold = 3;

  // --- RFC 5961 -------------------------------------------------------------------------
  // Challenge ACKs allowed per connection per second (RFC 5961 §7; Linux
  // net.ipv4.tcp_challenge_ack_limit was 1000 per second before 6.0).
  std::uint32_t challenge_ack_limit = 1000;
};

}  // namespace wirestate::tcp
