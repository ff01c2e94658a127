// SEGMENT ARRIVES (RFC 9293 §3.10.7): CLOSED, LISTEN and SYN-SENT each in their own
// function, then the synchronized states step by step in the RFC's order.
#include <algorithm>

#include "wirestate/tcp/endpoint.hpp"
#include "wirestate/tcp/figure5.hpp"

namespace wirestate::tcp {

namespace {
std::string rcv_cause(const Segment& seg) { return "rcv " + summary(seg); }
}  // namespace

void Endpoint::on_segment(const Segment& seg, net::Time now) {
  ++stats_.segments_received;
  switch (state_) {
    case State::kClosed: on_segment_in_closed(seg); return;
    case State::kListen: on_segment_in_listen(seg, now); return;
    case State::kSynSent: on_segment_in_syn_sent(seg, now); return;
    default: on_segment_synchronized(seg, now); return;
  }
}

// RFC 9293 §3.10.7.1: CLOSED. Everything is dropped; anything but a RST gets a RST.
void Endpoint::on_segment_in_closed(const Segment& seg) {
  drop(DropReason::kClosedState);
  if (auto rst = reset_for(seg)) {
    ++stats_.segments_sent;
    outgoing_.push_back(std::move(*rst));
  }
}

// RFC 9293 §3.10.7.2: LISTEN.
void Endpoint::on_segment_in_listen(const Segment& seg, net::Time now) {
  // First: a RST is ignored.
  if (seg.rst()) return drop(DropReason::kListenRst);
  // Second: an ACK is bad here: <SEQ=SEG.ACK><CTL=RST>.
  if (seg.has_ack()) {
    drop(DropReason::kListenAck);
    if (auto rst = reset_for(seg)) {
      ++stats_.segments_sent;
      outgoing_.push_back(std::move(*rst));
    }
    return;
  }
  // Fourth: anything without SYN is dropped.
  if (!seg.syn()) return drop(DropReason::kListenNoSyn);
  // Third: a SYN. (Security/compartment checks are not modelled. Data carried in the
  // SYN is not queued: it is left unacknowledged and the peer sends it again, as Linux
  // does without TCP Fast Open.)
  remote_port_ = seg.header.src_port;
  irs_ = seg.header.seq;
  rcv_nxt_ = irs_ + 1;
  iss_ = isn_ ? isn_() : net::SeqNum(0);
  snd_una_ = snd_nxt_ = snd_max_ = iss_;
  buf_seq_ = iss_ + 1;
  recover_ = iss_;
  take_options(seg);
  // RFC 7323 §2.2: the window field of a SYN is never scaled.
  snd_wnd_ = max_snd_wnd_ = seg.header.window;
  snd_wl1_ = seg.header.seq;
  transition(figure5::on_syn(state_).value(), now, rcv_cause(seg));
  send_syn(now);
  arm_retransmit(now);
}

// RFC 9293 §3.10.7.3: SYN-SENT.
void Endpoint::on_segment_in_syn_sent(const Segment& seg, net::Time now) {
  const auto& h = seg.header;
  // First: the ACK must acknowledge our SYN: ISS < SEG.ACK =< SND.NXT.
  if (seg.has_ack() && (le(h.ack, iss_) || gt(h.ack, snd_max_))) {
    drop(DropReason::kSynSentBadAck);
    if (!seg.rst()) send_rst(h.ack, now);
    return;
  }
  // Second: a RST with an acceptable ACK refuses the connection; without one it is dropped.
  if (seg.rst()) {
    if (!seg.has_ack()) return drop(DropReason::kSynSentRstNoAck);
    report_error(ErrorKind::kConnectionRefused, now, rcv_cause(seg));
    enter_closed(now, rcv_cause(seg));
    return;
  }
  // Fourth: a SYN (third, security, is not modelled).
  if (!seg.syn()) return drop(DropReason::kSynSentNoSyn);
  irs_ = h.seq;
  rcv_nxt_ = irs_ + 1;
  take_options(seg);
  snd_wnd_ = max_snd_wnd_ = h.window;  // RFC 7323 §2.2: never scaled in a SYN
  snd_wl1_ = h.seq;
  if (seg.has_ack()) {
    // Our SYN is acknowledged: ESTABLISHED, and ACK theirs.
    snd_wl2_ = h.ack;
    on_new_ack(h.ack, now);
    transition(figure5::on_syn_acked(state_).value(), now, rcv_cause(seg));
    send_ack(now);
    output(now);
  } else {
    // Simultaneous open (RFC 9293 Figure 8): SYN,ACK with our ISS.
    transition(figure5::on_syn(state_).value(), now, rcv_cause(seg));
    send_syn(now);
    rto_deadline_ = net::Time::max();
    arm_retransmit(now);
  }
}

// RFC 9293 §3.10.7.4 step 1: the four cases of the acceptability test, modulo 2^32.
// With a zero window a segment at RCV.NXT is still taken for its ACK and RST (the RFC's
// "special allowance"); its text is trimmed away afterwards.
bool Endpoint::acceptable(const Segment& seg) const noexcept {
  const std::uint32_t len = seg.seg_len();
  const std::uint32_t wnd = receive_window();
  const net::SeqNum seq = seg.header.seq;
  if (len == 0) {
    if (wnd == 0) return seq == rcv_nxt_;                // case 1
    return in_window(seq, rcv_nxt_, wnd);                // case 2
  }
  if (wnd == 0) return seq == rcv_nxt_;                  // case 3 (allowance)
  return in_window(seq, rcv_nxt_, wnd) ||                // case 4
         in_window(seq + (len - 1), rcv_nxt_, wnd);
}

void Endpoint::on_segment_synchronized(const Segment& seg, net::Time now) {
  const auto& h = seg.header;
  ack_now_ = false;

  // A retransmitted SYN while the SYN,ACK is outstanding gets the SYN,ACK again
  // (what Linux's tcp_check_req does; otherwise the peer could never complete).
  if (state_ == State::kSynReceived && seg.syn() && !seg.has_ack() && !seg.rst() &&
      h.seq == irs_) {
    send_syn(now);
    return;
  }

  // Step 1: sequence number check; an unacceptable segment gets an ACK unless it is a RST.
  if (!acceptable(seg)) {
    drop(DropReason::kUnacceptable);
    if (!seg.rst()) send_ack(now);
    if (state_ == State::kTimeWait && seg.fin()) restart_time_wait(now);  // §3.10.7.4 step 8
    return;
  }
  update_timestamp(seg);

  // Trim to the window: [RCV.NXT, RCV.NXT + RCV.WND).
  net::SeqNum seq = h.seq;
  std::span<const std::uint8_t> text(seg.payload);
  bool syn = seg.syn();
  bool fin = seg.fin();
  bool trimmed = false;
  if (lt(seq, rcv_nxt_)) {
    std::uint32_t cut = static_cast<std::uint32_t>(rcv_nxt_ - seq);
    if (syn) {
      syn = false;
      --cut;
      seq += 1;
    }
    const std::uint32_t from_text = std::min<std::uint32_t>(cut, static_cast<std::uint32_t>(text.size()));
    text = text.subspan(from_text);
    seq += from_text;
    trimmed = from_text > 0;
    if (cut > from_text) fin = false;  // the FIN too was old
  }
  {
    // The tail beyond RCV.NXT + RCV.WND goes, and a FIN after it.
    const std::uint32_t wnd = receive_window();
    const std::int32_t off = std::max<std::int32_t>(0, seq - rcv_nxt_);
    const std::uint32_t room =
        static_cast<std::uint32_t>(off) >= wnd ? 0 : wnd - static_cast<std::uint32_t>(off);
    if (text.size() > room) {
      text = text.first(room);
      fin = false;
      trimmed = true;
    }
  }

  // Step 2: RST (RFC 5961 §3.2: only exactly RCV.NXT resets; else a challenge ACK).
  if (seg.rst()) return on_reset(seg, h.seq, now);

  // Step 3 (security) is not modelled. Step 4: SYN.
  if (syn) {
    if (state_ == State::kSynReceived && passive_) {
      // RFC 9293 §3.10.7.4 step 4: a passive connection returns to LISTEN.
      return_to_listen(now, rcv_cause(seg));
      return;
    }
    // RFC 5961 §4.2: a SYN in a synchronized state gets a challenge ACK.
    drop(DropReason::kSynChallenged);
    challenge_ack(now);
    return;
  }

  // Step 5: ACK.
  if (!seg.has_ack()) return drop(DropReason::kNoAck);
  if (!on_ack(seg, now)) return;

  // Step 6 (URG) is not modelled: urgent data is delivered as ordinary data.
  // Step 7: segment text.
  bool fin_in_order = false;
  switch (state_) {
    case State::kEstablished:
    case State::kFinWait1:
    case State::kFinWait2:
      fin_in_order = on_text(seq, text, fin, now);
      break;
    default:
      // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already sent its FIN.
      if (!text.empty()) drop(DropReason::kTextAfterFin);
      break;
  }
  if (trimmed) ack_now_ = true;

  // Step 8: FIN (only once all data before it has arrived).
  if (fin_in_order) on_fin(now, rcv_cause(seg));
  if (state_ == State::kFinWait1 && fin_acked()) {
    transition(figure5::on_fin_acked(state_).value(), now, rcv_cause(seg));
  }

  output(now);
  if (ack_now_) send_ack(now);
}

// RFC 9293 §3.10.7.4 step 2 with RFC 5961 §3.2.
void Endpoint::on_reset(const Segment& seg, net::SeqNum seq, net::Time now) {
  if (seq != rcv_nxt_) {
    drop(DropReason::kRstChallenged);
    challenge_ack(now);
    return;
  }
  const std::string cause = rcv_cause(seg);
  switch (state_) {
    case State::kSynReceived:
      if (passive_) {
        return_to_listen(now, cause);  // the user need not be informed (RFC 9293)
        return;
      }
      report_error(ErrorKind::kConnectionRefused, now, cause);
      break;
    case State::kEstablished:
    case State::kFinWait1:
    case State::kFinWait2:
    case State::kCloseWait:
      report_error(ErrorKind::kConnectionReset, now, cause);
      recv_buf_.consume(recv_buf_.size());
      break;
    default:  // CLOSING, LAST-ACK, TIME-WAIT
      break;
  }
  enter_closed(now, cause);
}

// RFC 5961 §3.2/§4.2 challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT>, limited per second (§7).
void Endpoint::challenge_ack(net::Time now) {
  if (now - challenge_window_start_ >= net::Duration::seconds(1)) {
    challenge_window_start_ = now;
    challenge_count_ = 0;
  }
  if (challenge_count_ >= cfg_.challenge_ack_limit) {
    ++stats_.challenge_acks_suppressed;
    return;
  }
  ++challenge_count_;
  ++stats_.challenge_acks_sent;
  send_ack(now);
}

// RFC 9293 §3.10.7.4 step 5. Returns false when the segment is finished with.
bool Endpoint::on_ack(const Segment& seg, net::Time now) {
  const auto& h = seg.header;
  const net::SeqNum ack = h.ack;
  if (state_ == State::kSynReceived) {
    // SND.UNA < SEG.ACK =< SND.NXT moves to ESTABLISHED; otherwise <SEQ=SEG.ACK><CTL=RST>.
    if (!(lt(snd_una_, ack) && le(ack, snd_max_))) {
      drop(DropReason::kSynReceivedBadAck);
      send_rst(ack, now);
      return false;
    }
    snd_wnd_ = static_cast<std::uint32_t>(h.window) << snd_wscale_;
    max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
    snd_wl1_ = h.seq;
    snd_wl2_ = ack;
    on_new_ack(ack, now);
    transition(figure5::on_syn_acked(state_).value(), now, rcv_cause(seg));
    return true;
  }
  // RFC 5961 §5.2: acceptable iff SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT.
  if (gt(ack, snd_max_)) {
    drop(DropReason::kAckUnsent);
    send_ack(now);
    return false;
  }
  if (lt(ack, snd_una_ - max_snd_wnd_)) {
    drop(DropReason::kAckTooOld);
    send_ack(now);
    return false;
  }
  const std::uint32_t old_wnd = snd_wnd_;
  update_send_window(seg);
  if (gt(ack, snd_una_)) {
    on_new_ack(ack, now);
  } else if (ack == snd_una_ && seg.payload.empty() && !seg.syn() && !seg.fin() &&
             snd_wnd_ == old_wnd && snd_max_ != snd_una_) {
    on_duplicate_ack(now);  // RFC 5681 §2's definition of a duplicate ACK
  }
  switch (state_) {
    case State::kClosing:
      if (fin_acked()) transition(figure5::on_fin_acked(state_).value(), now, rcv_cause(seg));
      break;
    case State::kLastAck:
      if (fin_acked()) {
        enter_closed(now, rcv_cause(seg));
        return false;
      }
      break;
    default:
      break;  // FIN-WAIT-1 -> FIN-WAIT-2 waits until after step 8 (it may go to TIME-WAIT)
  }
  return true;
}

// RFC 9293 §3.10.7.4 step 5: SND.WND from the newest segment (SND.WL1/SND.WL2).
void Endpoint::update_send_window(const Segment& seg) {
  const auto& h = seg.header;
  if (lt(snd_wl1_, h.seq) || (snd_wl1_ == h.seq && le(snd_wl2_, h.ack))) {
    const std::uint32_t before = snd_wnd_;
    snd_wnd_ = static_cast<std::uint32_t>(h.window) << snd_wscale_;
    max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
    snd_wl1_ = h.seq;
    snd_wl2_ = h.ack;
    if (before == 0 && snd_wnd_ > 0) {
      persist_deadline_ = net::Time::max();  // the window opened: stop probing
      probes_ = 0;
    }
  }
}

// An ACK of new data: free the send buffer, sample the RTT (Karn), grow cwnd
// (RFC 5681 §3.1) or continue NewReno recovery (RFC 6582 §3.2), restart the timer.
void Endpoint::on_new_ack(net::SeqNum ack, net::Time now) {
  const std::uint32_t acked = static_cast<std::uint32_t>(ack - snd_una_);
  if (gt(ack, buf_seq_)) {
    const std::size_t n = std::min<std::size_t>(static_cast<std::uint32_t>(ack - buf_seq_),
                                                send_buf_.size());
    send_buf_.consume(n);
    buf_seq_ += static_cast<std::uint32_t>(n);
    stats_.bytes_acked += n;
  }
  const bool acks_syn = !syn_acked_;
  snd_una_ = ack;
  syn_acked_ = true;
  if (lt(snd_nxt_, ack)) snd_nxt_ = ack;
  if (rtt_timing_ && ge(ack, rtt_seq_)) {
    rto_.sample(now - rtt_start_);
    rtt_timing_ = false;
  }
  rto_.reset_backoff();
  retries_ = 0;
  probes_ = 0;

  const std::uint32_t mss = snd_mss_;
  constexpr std::uint32_t kCwndCap = 1U << 30;
  if (acks_syn) {
    // The SYN's acknowledgment does not grow the window (RFC 5681 §3.1 counts data).
  } else if (in_recovery_) {
    if (ge(ack, recover_)) {
      // Full acknowledgment: deflate to min(ssthresh, FlightSize + SMSS).
      in_recovery_ = false;
      dupacks_ = 0;
      cwnd_ = std::min(ssthresh_, flight_size() + mss);
    } else {
      // Partial acknowledgment: retransmit the next hole, deflate by the amount acked.
      retransmit_first(now);
      cwnd_ = (cwnd_ > acked ? cwnd_ - acked : 0) + (acked >= mss ? mss : 0);
      cwnd_ = std::max(cwnd_, mss);
    }
  } else {
    dupacks_ = 0;
    if (cwnd_ < ssthresh_) {
      cwnd_ = std::min(kCwndCap, cwnd_ + std::min(acked, mss));  // slow start
    } else {
      ca_acked_ += acked;                                       // congestion avoidance
      if (ca_acked_ >= cwnd_) {
        ca_acked_ -= cwnd_;
        cwnd_ = std::min(kCwndCap, cwnd_ + mss);
      }
    }
  }
  rto_deadline_ = net::Time::max();
  if (snd_una_ != snd_max_) arm_retransmit(now);
}

// RFC 5681 §3.2: the third duplicate ACK starts fast retransmit and recovery.
void Endpoint::on_duplicate_ack(net::Time now) {
  ++stats_.dup_acks_received;
  ++dupacks_;
  if (in_recovery_) {
    cwnd_ += snd_mss_;  // step 4: inflate per additional duplicate
    return;
  }
  // RFC 6582 §3.2 step 2: no new recovery for duplicates of an already recovered window.
  if (dupacks_ == cfg_.dupack_threshold && gt(snd_una_, recover_)) {
    ++stats_.fast_retransmits;
    ssthresh_ = std::max(flight_size() / 2, 2U * snd_mss_);
    recover_ = snd_max_;
    in_recovery_ = true;
    rtt_timing_ = false;  // Karn: the timed segment may be the one resent
    retransmit_first(now);
    cwnd_ = ssthresh_ + 3U * snd_mss_;
  }
}

// RFC 9293 §3.10.7.4 step 7 with the out-of-order queue. Returns true when a FIN is
// now in order (all data before it arrived).
bool Endpoint::on_text(net::SeqNum seq, std::span<const std::uint8_t> data, bool fin,
                       net::Time now) {
  if (data.empty() && !fin) return false;
  if (seq != rcv_nxt_) {
    // Ahead of RCV.NXT: keep it (bounded) and send a duplicate ACK at once (RFC 5681 §4.2).
    if (!ooo_.insert(rcv_nxt_, seq, data, fin)) drop(DropReason::kOutOfOrderFull);
    ack_now_ = true;
    return false;
  }
  const std::size_t before = recv_buf_.size();
  recv_buf_.append(data);
  rcv_nxt_ += static_cast<std::uint32_t>(data.size());
  bool fin_reached = fin;
  if (!ooo_.empty()) {
    ack_now_ = true;  // filled (part of) a hole: ACK at once (RFC 5681 §4.2)
    if (!fin_reached) {
      std::vector<std::uint8_t> more;
      fin_reached = ooo_.drain(rcv_nxt_, more);
      recv_buf_.append(more);
    } else {
      ooo_.clear();
    }
  }
  const std::size_t delivered = recv_buf_.size() - before;
  if (delivered > 0) {
    stats_.bytes_received += delivered;
    Event ev;
    ev.time = now;
    ev.kind = EventKind::kDataDelivered;
    ev.from = ev.to = state_;
    ev.bytes = delivered;
    events_.push_back(std::move(ev));
    // RFC 9293 §3.8.6.3 / RFC 5681 §4.2: ACK at least every second full-sized segment.
    if (data.size() >= snd_mss_ || data.size() >= cfg_.mss) ++unacked_segments_;
    if (!cfg_.delayed_ack || unacked_segments_ >= 2) {
      ack_now_ = true;
    } else if (delack_deadline_ == net::Time::max()) {
      delack_deadline_ = now + cfg_.delayed_ack_timeout;
    }
  }
  return fin_reached;
}

// RFC 9293 §3.10.7.4 step 8: the FIN is in order; advance RCV.NXT over it and ACK it.
void Endpoint::on_fin(net::Time now, const std::string& cause) {
  rcv_nxt_ += 1;
  fin_received_ = true;
  ack_now_ = true;
  Event ev;
  ev.time = now;
  ev.kind = EventKind::kFinReceived;
  ev.from = ev.to = state_;
  events_.push_back(std::move(ev));
  if (const auto to = figure5::on_fin(state_, fin_acked())) {
    transition(*to, now, cause);
  } else if (state_ == State::kTimeWait) {
    restart_time_wait(now);
  }
}

// The options of the peer's SYN, against what we offer (RFC 9293 §3.7.1, RFC 7323,
// RFC 2018). Only what both sides offered is used.
void Endpoint::take_options(const Segment& syn) {
  const auto& o = syn.header.options;
  peer_mss_ = o.mss ? *o.mss : cfg_.default_peer_mss;
  ws_ok_ = cfg_.window_scaling && o.window_scale.has_value();
  if (ws_ok_) {
    snd_wscale_ = std::min<std::uint8_t>(*o.window_scale, 14);  // RFC 7323 §2.3
    rcv_wscale_ = std::min<std::uint8_t>(cfg_.window_scale, 14);
  } else {
    snd_wscale_ = rcv_wscale_ = 0;
  }
  sack_ok_ = cfg_.sack && o.sack_permitted;
  ts_ok_ = cfg_.timestamps && o.timestamps.has_value();
  if (ts_ok_) ts_recent_ = o.timestamps->value;
  // RFC 9293 §3.7.1: the payload never exceeds the peer's MSS less our option bytes;
  // timestamps take 12 bytes of every segment (as Linux subtracts them).
  const std::uint16_t base = std::min(peer_mss_, cfg_.mss);
  snd_mss_ = static_cast<std::uint16_t>(std::max(64, base - (ts_ok_ ? 12 : 0)));
  cwnd_ = cfg_.initial_cwnd_segments * snd_mss_;
}

// RFC 7323 §4.3: TS.Recent takes SEG.TSval from segments that cover Last.ACK.sent.
void Endpoint::update_timestamp(const Segment& seg) {
  if (!ts_ok_ || !seg.header.options.timestamps) return;
  const std::uint32_t tsval = seg.header.options.timestamps->value;
  if (static_cast<std::int32_t>(tsval - ts_recent_) >= 0 && le(seg.header.seq, last_ack_sent_)) {
    ts_recent_ = tsval;
  }
}

}  // namespace wirestate::tcp
