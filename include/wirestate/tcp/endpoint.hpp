#pragma once
// One TCP connection: its transmission control block and the RFC 9293 state machine.
// Three kinds of input, each handled in one visible place:
//   user calls  open_passive / open_active / send / receive / close / abort / status
//   segments    on_segment (RFC 9293 §3.10.7, step by step)
//   timers      on_timer   (retransmission, delayed ACK, persist, TIME_WAIT)
// Outputs are drained by the caller: take_outgoing() segments and take_events() reports.
// Time is always passed in; next_deadline() says when on_timer wants to run next.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/net/seq_num.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/tcp/byte_queue.hpp"
#include "wirestate/tcp/config.hpp"
#include "wirestate/tcp/event.hpp"
#include "wirestate/tcp/isn.hpp"
#include "wirestate/tcp/reassembly.hpp"
#include "wirestate/tcp/rto.hpp"
#include "wirestate/tcp/segment.hpp"
#include "wirestate/tcp/state.hpp"
#include "wirestate/wire/tcp_repr.hpp"

namespace wirestate::tcp {

// A snapshot of the TCB for STATUS (RFC 9293 §3.10.6) and for tests.
struct Status {
  State state = State::kClosed;
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
  net::SeqNum iss, irs;
  net::SeqNum snd_una, snd_nxt, snd_max;
  std::uint32_t snd_wnd = 0;       // bytes, after scaling
  net::SeqNum rcv_nxt;
  std::uint32_t rcv_wnd = 0;       // bytes
  std::uint32_t cwnd = 0, ssthresh = 0;
  std::uint16_t snd_mss = 0;       // largest payload we send
  bool window_scaling = false, sack = false, timestamps = false;
  std::uint8_t snd_wscale = 0, rcv_wscale = 0;
  net::Duration srtt, rto;
  std::size_t send_queued = 0;     // bytes in the send buffer (unacked + unsent)
  std::size_t receive_queued = 0;  // bytes readable by receive()
  std::size_t out_of_order_bytes = 0;
  bool fin_received = false;
};

class Endpoint {
 public:
  // A CLOSED endpoint with this configuration.
  explicit Endpoint(Config config = {});
  // An endpoint already in LISTEN on local_port (the simulator keeps one per listening
  // port and hands each new SYN to a fresh copy made with this constructor).
  static Endpoint listening(Config config, std::uint16_t local_port, IsnSource isn, net::Time now);

  // --- User calls (RFC 9293 §3.10.1-3.10.6) --------------------------------------------
  // Passive OPEN: CLOSED -> LISTEN. isn is asked for an ISS when a SYN arrives.
  tl::expected<void, UserError> open_passive(std::uint16_t local_port, IsnSource isn,
                                             net::Time now);
  // Fully specified passive OPEN: LISTEN for one foreign port (the caller delivers only its
  // segments); a SEND may then turn the connection active (RFC 9293 §3.10.2).
  tl::expected<void, UserError> open_passive(std::uint16_t local_port, std::uint16_t remote_port,
                                             IsnSource isn, net::Time now);
  // Active OPEN: CLOSED -> SYN_SENT, a SYN goes out; LISTEN -> SYN_SENT as well.
  tl::expected<void, UserError> open_active(std::uint16_t local_port, std::uint16_t remote_port,
                                            IsnSource isn, net::Time now);
  // SEND: queues bytes (up to the free send buffer) and transmits what the windows allow.
  // Returns how many bytes were accepted. Queued data in SYN states goes out once open.
  // In LISTEN with the foreign port specified it sends a SYN and enters SYN_SENT, the data
  // queued behind it; without one it is "foreign socket unspecified" (RFC 9293 §3.10.2).
  tl::expected<std::size_t, UserError> send(std::span<const std::uint8_t> data, net::Time now);
  // RECEIVE: moves up to max bytes of in-order data out; may send a window update.
  // An empty result with status().fin_received means end of stream.
  std::vector<std::uint8_t> receive(std::size_t max, net::Time now);
  // CLOSE: half-close; a FIN follows the queued data (RFC 9293 §3.10.4).
  tl::expected<void, UserError> close(net::Time now);
  // ABORT: sends RST in synchronized states and goes to CLOSED (RFC 9293 §3.10.5).
  void abort(net::Time now);
  // STATUS: a snapshot of the TCB.
  Status status() const;

  // --- Arriving segments ----------------------------------------------------------------
  // SEGMENT ARRIVES (RFC 9293 §3.10.7). The caller demultiplexed on addresses and ports.
  void on_segment(const Segment& seg, net::Time now);

  // --- Timers ---------------------------------------------------------------------------
  // Runs every timer whose deadline is at or before now.
  void on_timer(net::Time now);
  // The earliest pending deadline, or Time::max() when no timer is armed.
  net::Time next_deadline() const noexcept;

  // --- Outputs --------------------------------------------------------------------------
  // Segments produced since the last call, in order.
  std::vector<Segment> take_outgoing();
  // Reports produced since the last call, in order.
  std::vector<Event> take_events();
  // True when segments are waiting to be taken.
  bool has_outgoing() const noexcept { return !outgoing_.empty(); }

  // The reply RFC 9293 §3.10.7.1 gives a segment arriving for no connection (CLOSED):
  // nothing for a RST, otherwise a RST. The host stack uses it for unbound ports.
  static std::optional<Segment> reset_for(const Segment& seg);

  State state() const noexcept { return state_; }
  const Stats& stats() const noexcept { return stats_; }
  const Config& config() const noexcept { return cfg_; }
  std::uint16_t local_port() const noexcept { return local_port_; }
  std::uint16_t remote_port() const noexcept { return remote_port_; }
  // Heap bytes held by buffers and queues (for memory accounting).
  std::size_t heap_bytes() const noexcept;

 private:
  // The one place state changes; records an Event with its cause.
  void transition(State to, net::Time now, std::string cause);
  void report_error(ErrorKind kind, net::Time now, const std::string& cause);
  void drop(DropReason reason) noexcept;
  // Forgets the connection: CLOSED, timers off, send and out-of-order queues cleared.
  void enter_closed(net::Time now, std::string cause);
  // A passive connection reset in SYN_RECEIVED: a fresh TCB in LISTEN (§3.10.7.4 step 2).
  void return_to_listen(net::Time now, std::string cause);
  // Selects an ISS, sends a SYN and enters SYN_SENT (active OPEN, or SEND in LISTEN).
  void start_active(net::Time now, std::string cause);

  // Segment arrival, one function per RFC case.
  void on_segment_in_closed(const Segment& seg);
  void on_segment_in_listen(const Segment& seg, net::Time now);
  void on_segment_in_syn_sent(const Segment& seg, net::Time now);
  void on_segment_synchronized(const Segment& seg, net::Time now);
  bool acceptable(const Segment& seg) const noexcept;
  void on_reset(const Segment& seg, net::SeqNum seq, net::Time now);
  void challenge_ack(net::Time now);
  bool on_ack(const Segment& seg, net::Time now);
  void update_send_window(const Segment& seg);
  void on_new_ack(net::SeqNum ack, net::Time now);
  void on_duplicate_ack(net::Time now);
  bool on_text(net::SeqNum seq, std::span<const std::uint8_t> data, bool fin, net::Time now);
  void on_fin(net::Time now, const std::string& cause);
  void take_options(const Segment& syn);
  void update_timestamp(const Segment& seg);

  // Output.
  void output(net::Time now);
  void send_syn(net::Time now);
  void send_ack(net::Time now);
  void send_rst(net::SeqNum seq, net::Time now);
  void retransmit_first(net::Time now);
  void emit(Segment seg, net::Time now);
  Segment make_segment(net::SeqNum seq, std::uint16_t flags, net::Time now) const;
  // The options a non-SYN segment carries when sent now: timestamps, and SACK blocks
  // while the out-of-order queue holds data (none on a RST).
  wire::TcpOptions segment_options(bool rst, net::Time now) const;
  // The payload that fits in one segment sent now: SND.MSS less the option bytes beyond
  // the fixed timestamps (SACK blocks), so header options never push it past the MTU.
  std::uint32_t current_mss() const;
  void schedule_ack(bool immediate, net::Time now);
  std::uint32_t receive_window() const noexcept;
  std::uint32_t flight_size() const noexcept;
  bool fin_sent() const noexcept;
  bool fin_acked() const noexcept;
  net::SeqNum fin_seq() const noexcept;

  // Timers.
  void on_retransmit_timeout(net::Time now);
  void on_persist_timeout(net::Time now);
  void arm_retransmit(net::Time now);
  void restart_time_wait(net::Time now);
  void stop_timers() noexcept;

  Config cfg_;
  State state_ = State::kClosed;
  bool passive_ = false;  // opened by a passive OPEN: a RST in SYN_RECEIVED returns to LISTEN
  bool remote_specified_ = false;  // the OPEN named the foreign port (SEND in LISTEN may go active)
  std::uint16_t local_port_ = 0;
  std::uint16_t remote_port_ = 0;
  IsnSource isn_;

  // Send sequence space (RFC 9293 §3.3.1). snd_max_ is the highest SND.NXT ever reached
  // (SND.NXT goes back to SND.UNA after a timeout).
  net::SeqNum iss_, snd_una_, snd_nxt_, snd_max_, snd_wl1_, snd_wl2_;
  std::uint32_t snd_wnd_ = 0;
  std::uint32_t max_snd_wnd_ = 0;
  net::SeqNum buf_seq_;   // sequence number of send_buf_'s first byte
  ByteQueue send_buf_;    // unacknowledged and unsent data
  bool fin_queued_ = false;
  bool syn_acked_ = false;  // our SYN is acknowledged (SND.UNA > ISS)

  // Receive sequence space.
  net::SeqNum irs_, rcv_nxt_;
  ByteQueue recv_buf_;    // in-order data not yet read by the user
  OutOfOrderQueue ooo_;
  bool fin_received_ = false;
  std::uint32_t last_adv_wnd_ = 0;  // the window in the last segment we sent (bytes)

  // Negotiated options.
  std::uint16_t peer_mss_ = 536;
  std::uint16_t snd_mss_ = 536;
  std::uint8_t snd_wscale_ = 0;  // the peer's shift: scales windows it sends
  std::uint8_t rcv_wscale_ = 0;  // our shift: scales windows we send
  bool ws_ok_ = false, sack_ok_ = false, ts_ok_ = false;
  std::uint32_t ts_recent_ = 0;
  net::SeqNum last_ack_sent_;

  // Congestion control (RFC 5681) with NewReno recovery (RFC 6582).
  std::uint32_t cwnd_ = 0, ssthresh_ = 0xffffffffU;
  std::uint32_t dupacks_ = 0;
  std::uint32_t ca_acked_ = 0;   // bytes acked during congestion avoidance
  bool in_recovery_ = false;
  net::SeqNum recover_;

  // RTT measurement and RTO (RFC 6298), with Karn's rule.
  RtoEstimator rto_;
  bool rtt_timing_ = false;
  net::SeqNum rtt_seq_;
  net::Time rtt_start_;

  // Timers: Time::max() when off.
  net::Time rto_deadline_ = net::Time::max();
  net::Time delack_deadline_ = net::Time::max();
  net::Time persist_deadline_ = net::Time::max();
  net::Time time_wait_deadline_ = net::Time::max();
  std::uint32_t retries_ = 0;
  std::uint32_t probes_ = 0;
  std::uint32_t unacked_segments_ = 0;  // full segments received since our last ACK
  bool ack_now_ = false;                 // an ACK is owed before this input returns

  // RFC 5961 §7 challenge ACK rate limit.
  net::Time challenge_window_start_;
  std::uint32_t challenge_count_ = 0;

  std::vector<Segment> outgoing_;
  std::vector<Event> events_;
  Stats stats_;
};

}  // namespace wirestate::tcp
