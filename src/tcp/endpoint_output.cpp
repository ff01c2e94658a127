// The sending side of tcp::Endpoint: segment construction, the output loop (windows,
// congestion window, FIN), retransmission, and the timers.
#include <algorithm>

#include "wirestate/tcp/endpoint.hpp"
#include "wirestate/wire/tcp.hpp"

namespace wirestate::tcp {

namespace {
std::uint32_t ms_of(net::Time now) noexcept {
  return static_cast<std::uint32_t>(now.ns() / 1000000);  // RFC 7323 §5.4: a 1 ms clock
}
}  // namespace

// Free receive buffer space; without window scaling at most 65535 (RFC 7323 §2.2).
std::uint32_t Endpoint::receive_window() const noexcept {
  const std::size_t used = recv_buf_.size();
  std::uint32_t wnd = used >= cfg_.receive_buffer
                          ? 0
                          : cfg_.receive_buffer - static_cast<std::uint32_t>(used);
  const std::uint32_t cap = 65535U << rcv_wscale_;
  return std::min(wnd, cap);
}

std::uint32_t Endpoint::flight_size() const noexcept {
  return static_cast<std::uint32_t>(snd_max_ - snd_una_);
}

net::SeqNum Endpoint::fin_seq() const noexcept {
  return buf_seq_ + static_cast<std::uint32_t>(send_buf_.size());
}

bool Endpoint::fin_sent() const noexcept { return fin_queued_ && gt(snd_max_, fin_seq()); }

bool Endpoint::fin_acked() const noexcept { return fin_queued_ && gt(snd_una_, fin_seq()); }

Segment Endpoint::make_segment(net::SeqNum seq, std::uint16_t flags, net::Time now) const {
  Segment s;
  auto& h = s.header;
  h.src_port = local_port_;
  h.dst_port = remote_port_;
  h.seq = seq;
  h.flags.bits = flags;
  if ((flags & wire::TcpFlags::kAck) != 0) h.ack = rcv_nxt_;
  const std::uint32_t wnd = receive_window() >> rcv_wscale_;
  h.window = static_cast<std::uint16_t>(std::min<std::uint32_t>(wnd, 65535));
  h.options = segment_options((flags & wire::TcpFlags::kRst) != 0, now);
  return s;
}

wire::TcpOptions Endpoint::segment_options(bool rst, net::Time now) const {
  wire::TcpOptions o;
  if (ts_ok_) o.timestamps = wire::TcpTimestamps{ms_of(now), ts_recent_};
  // RFC 2018 §4: SACK blocks while the out-of-order queue holds data (3 fit with
  // timestamps in 40 option bytes, 4 without).
  if (sack_ok_ && !ooo_.empty() && !rst) o.sack = ooo_.sack_blocks(ts_ok_ ? 3 : 4);
  return o;
}

// RFC 9293 §3.7.1 and RFC 6691 §2: the MSS counts data only, so a sender must shrink the
// data by the TCP options it carries. snd_mss_ already leaves room for timestamps; SACK
// blocks ride on data segments too whenever both sides send while data is out of order,
// and take up to 28 more bytes (Linux's tcp_current_mss subtracts them the same way).
// snd_mss_ >= 64 exceeds the largest SACK option (36 bytes), so the result is positive.
std::uint32_t Endpoint::current_mss() const {
  if (!sack_ok_ || ooo_.empty()) return snd_mss_;
  wire::TcpOptions fixed;
  if (ts_ok_) fixed.timestamps = wire::TcpTimestamps{};
  const std::size_t extra = wire::tcp_options_len(segment_options(false, net::Time())) -
                            wire::tcp_options_len(fixed);
  return snd_mss_ > extra ? snd_mss_ - static_cast<std::uint32_t>(extra) : 1U;
}

void Endpoint::emit(Segment seg, net::Time now) {
  (void)now;
  ++stats_.segments_sent;
  if (seg.has_ack()) {
    last_ack_sent_ = seg.header.ack;
    last_adv_wnd_ = static_cast<std::uint32_t>(seg.header.window) << (seg.syn() ? 0 : rcv_wscale_);
    delack_deadline_ = net::Time::max();
    unacked_segments_ = 0;
    ack_now_ = false;
  }
  outgoing_.push_back(std::move(seg));
}

// Our SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED), always with the ISS, and the options
// we offer: in a SYN,ACK only those the peer offered (RFC 7323 §1.3, RFC 2018 §2).
void Endpoint::send_syn(net::Time now) {
  const bool is_synack = state_ != State::kSynSent;
  Segment s;
  auto& h = s.header;
  h.src_port = local_port_;
  h.dst_port = remote_port_;
  h.seq = iss_;
  h.flags.bits = wire::TcpFlags::kSyn | (is_synack ? wire::TcpFlags::kAck : 0);
  if (is_synack) h.ack = rcv_nxt_;
  h.window = static_cast<std::uint16_t>(std::min<std::uint32_t>(receive_window(), 65535));
  h.options.mss = cfg_.mss;
  if (is_synack ? ws_ok_ : cfg_.window_scaling) {
    h.options.window_scale = std::min<std::uint8_t>(cfg_.window_scale, 14);
  }
  h.options.sack_permitted = is_synack ? sack_ok_ : cfg_.sack;
  if (is_synack ? ts_ok_ : cfg_.timestamps) {
    h.options.timestamps = wire::TcpTimestamps{ms_of(now), is_synack ? ts_recent_ : 0};
  }
  if (gt(snd_max_, iss_)) {
    ++stats_.retransmissions;
  } else if (!rtt_timing_) {
    rtt_timing_ = true;  // time the first SYN only (Karn)
    rtt_seq_ = iss_ + 1;
    rtt_start_ = now;
  }
  snd_nxt_ = iss_ + 1;
  snd_max_ = seq_max(snd_max_, snd_nxt_);
  emit(std::move(s), now);
}

// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. After a timeout our snd_nxt_ goes back to resend,
// but the RFC's SND.NXT (what the peer has seen us reach) is snd_max_: a pure ACK with
// an older sequence number would be unacceptable to the peer and its ACK field ignored.
void Endpoint::send_ack(net::Time now) { emit(make_segment(snd_max_, wire::TcpFlags::kAck, now), now); }

void Endpoint::send_rst(net::SeqNum seq, net::Time now) {
  Segment s = make_segment(seq, wire::TcpFlags::kRst, now);
  s.header.window = 0;
  s.header.options = {};
  ++stats_.segments_sent;
  outgoing_.push_back(std::move(s));
}

// Sends new data and the FIN as far as min(SND.WND, cwnd) allows (RFC 9293 §3.8.6.2.1,
// RFC 5681 §3.1); arms the persist timer when a zero window blocks data.
void Endpoint::output(net::Time now) {
  switch (state_) {
    case State::kEstablished:
    case State::kCloseWait:
    case State::kFinWait1:
    case State::kClosing:
    case State::kLastAck:
      break;
    default:
      return;
  }
  const net::SeqNum data_end = fin_seq();
  const std::uint32_t mss = current_mss();  // the out-of-order queue is fixed in this loop
  for (;;) {
    const std::uint32_t avail =
        gt(data_end, snd_nxt_) ? static_cast<std::uint32_t>(data_end - snd_nxt_) : 0;
    // Data waits for the handshake (RFC 9293 §3.10.2); a FIN after CLOSE in SYN-RECEIVED
    // with nothing queued may go at once (§3.10.4).
    if (!syn_acked_ && avail > 0) break;
    const std::uint32_t in_flight = static_cast<std::uint32_t>(snd_nxt_ - snd_una_);
    const std::uint32_t wnd = std::min(snd_wnd_, cwnd_);
    const std::uint32_t usable = wnd > in_flight ? wnd - in_flight : 0;
    const std::uint32_t len = std::min({avail, mss, usable});
    const bool fin = fin_queued_ && snd_nxt_ + len == data_end && !gt(snd_nxt_, data_end);
    if (len == 0 && !fin) break;
    // Sender SWS avoidance (RFC 9293 §3.8.6.2.1): no small segment while data is in
    // flight unless it empties the queue.
    if (!fin && len < mss && len < avail && in_flight > 0) break;
    std::uint16_t flags = wire::TcpFlags::kAck;
    if (fin) flags |= wire::TcpFlags::kFin;
    if (len > 0 && len == avail) flags |= wire::TcpFlags::kPsh;
    Segment s = make_segment(snd_nxt_, flags, now);
    auto bytes = send_buf_.peek(static_cast<std::uint32_t>(snd_nxt_ - buf_seq_), len);
    s.payload.assign(bytes.begin(), bytes.end());
    const std::uint32_t seg_len = len + (fin ? 1U : 0U);
    if (lt(snd_nxt_, snd_max_)) {
      ++stats_.retransmissions;  // resending after a timeout (go-back-N)
    } else if (!rtt_timing_) {
      rtt_timing_ = true;
      rtt_seq_ = snd_nxt_ + seg_len;
      rtt_start_ = now;
    }
    snd_nxt_ += seg_len;
    snd_max_ = seq_max(snd_max_, snd_nxt_);
    emit(std::move(s), now);
    arm_retransmit(now);
    if (fin) break;
  }
  const bool blocked = gt(data_end, snd_nxt_) && snd_wnd_ == 0 && snd_nxt_ == snd_una_;
  if (blocked && persist_deadline_ == net::Time::max() && rto_deadline_ == net::Time::max()) {
    persist_deadline_ = now + std::clamp(rto_.rto(), cfg_.persist_min, cfg_.persist_max);
  }
}

// Resends the first unacknowledged segment: the SYN (or SYN,ACK), else data from SND.UNA
// and the FIN if it follows.
void Endpoint::retransmit_first(net::Time now) {
  if (!syn_acked_) {
    send_syn(now);
    return;
  }
  const net::SeqNum data_end = fin_seq();
  const std::uint32_t avail =
      gt(data_end, snd_una_) ? static_cast<std::uint32_t>(data_end - snd_una_) : 0;
  // Only what was sent before: [SND.UNA, SND.MAX) (new data waits for output()).
  const std::uint32_t sent = static_cast<std::uint32_t>(snd_max_ - snd_una_);
  const std::uint32_t len = std::min({avail, current_mss(), sent});
  const bool fin = fin_sent() && snd_una_ + len == data_end;
  if (len == 0 && !fin) return;
  std::uint16_t flags = wire::TcpFlags::kAck;
  if (fin) flags |= wire::TcpFlags::kFin;
  if (len > 0 && len == avail) flags |= wire::TcpFlags::kPsh;
  Segment s = make_segment(snd_una_, flags, now);
  auto bytes = send_buf_.peek(static_cast<std::uint32_t>(snd_una_ - buf_seq_), len);
  s.payload.assign(bytes.begin(), bytes.end());
  const net::SeqNum end = snd_una_ + len + (fin ? 1U : 0U);
  if (lt(snd_nxt_, end)) snd_nxt_ = end;
  ++stats_.retransmissions;
  emit(std::move(s), now);
}

void Endpoint::arm_retransmit(net::Time now) {
  if (rto_deadline_ == net::Time::max()) rto_deadline_ = now + rto_.rto();
}

void Endpoint::restart_time_wait(net::Time now) {
  rto_deadline_ = persist_deadline_ = net::Time::max();
  time_wait_deadline_ = now + cfg_.msl * 2;  // RFC 9293 §3.4.2: 2·MSL
}

net::Time Endpoint::next_deadline() const noexcept {
  return std::min({rto_deadline_, delack_deadline_, persist_deadline_, time_wait_deadline_});
}

void Endpoint::on_timer(net::Time now) {
  if (time_wait_deadline_ <= now) {
    time_wait_deadline_ = net::Time::max();
    if (state_ == State::kTimeWait) {
      enter_closed(now, "timer TIME_WAIT");
      return;
    }
  }
  if (rto_deadline_ <= now) {
    rto_deadline_ = net::Time::max();
    on_retransmit_timeout(now);
  }
  if (persist_deadline_ <= now) {
    persist_deadline_ = net::Time::max();
    on_persist_timeout(now);
  }
  if (delack_deadline_ <= now) {
    delack_deadline_ = net::Time::max();
    if (is_synchronized(state_) && state_ != State::kTimeWait) send_ack(now);
  }
}

// RFC 6298 §5.4-5.6: retransmit the earliest segment, back off, restart the timer;
// RFC 5681 §3.1: ssthresh = max(FlightSize/2, 2·SMSS), cwnd = one segment. Past the
// retry limit the connection ends with a timeout error.
void Endpoint::on_retransmit_timeout(net::Time now) {
  ++stats_.timeouts;
  ++retries_;
  const std::uint32_t limit = state_ == State::kSynSent       ? cfg_.syn_retries
                              : state_ == State::kSynReceived ? cfg_.synack_retries
                                                              : cfg_.data_retries;
  if (retries_ > limit) {
    report_error(ErrorKind::kTimedOut, now, "timer retransmission");
    recv_buf_.consume(recv_buf_.size());
    enter_closed(now, "timer retransmission");
    return;
  }
  rto_.back_off();
  rtt_timing_ = false;  // Karn: no sample from a retransmitted segment
  if (syn_acked_) {
    ssthresh_ = std::max(flight_size() / 2, 2U * snd_mss_);
    cwnd_ = snd_mss_;
    ca_acked_ = 0;
    in_recovery_ = false;
    dupacks_ = 0;
    recover_ = snd_max_;
    snd_nxt_ = snd_una_;  // go back N: resend from the first unacknowledged byte
  }
  retransmit_first(now);
  arm_retransmit(now);
}

// RFC 9293 §3.8.6.1: a zero-window probe, here as Linux sends it: an ACK with
// SEQ = SND.UNA - 1, which the peer must answer with its current window.
void Endpoint::on_persist_timeout(net::Time now) {
  const bool still_blocked = snd_wnd_ == 0 && gt(fin_seq(), snd_nxt_) && snd_nxt_ == snd_una_;
  if (!still_blocked || !is_synchronized(state_)) return;
  if (++probes_ > cfg_.data_retries) {
    report_error(ErrorKind::kTimedOut, now, "timer persist");
    enter_closed(now, "timer persist");
    return;
  }
  ++stats_.window_probes_sent;
  emit(make_segment(snd_una_ - 1, wire::TcpFlags::kAck, now), now);
  net::Duration interval = std::clamp(rto_.rto(), cfg_.persist_min, cfg_.persist_max);
  for (std::uint32_t i = 0; i < probes_ && interval < cfg_.persist_max; ++i) interval = interval * 2;
  persist_deadline_ = now + std::min(interval, cfg_.persist_max);
}

}  // namespace wirestate::tcp
