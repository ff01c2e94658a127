// The observer's RFC 9293 inference. A segment changes its sender's state at once (the
// sender did something: sent a SYN, a FIN, a RST). Its effect on the receiver is
// applied when the capture proves the receiver got it: at once for ACKs (nothing the
// receiver does later can contradict them), but for a SYN or a FIN only when the
// receiver acknowledges it, or when a later segment in the same direction has an effect
// (TCP delivers a direction in order). Deferring SYN and FIN is what tells a refused
// SYN (no listener: the server stays CLOSED) from an accepted one, and crossing FINs
// (simultaneous close: FIN_WAIT_1 -> CLOSING) from a FIN answered after it arrived
// (ESTABLISHED -> CLOSE_WAIT), wherever the capture point is.
#include "conn_record.hpp"
#include "wirestate/tcp/figure5.hpp"

namespace wirestate::tcp {

namespace {

void transition(ConnRecord& c, int i, State to, std::uint64_t packet, net::Time t,
                std::string_view cause, std::vector<ObserverEvent>& out) {
  SideRecord& s = c.side[i];
  s.tentative_listen = false;
  if (s.state == to) return;
  ObserverEvent ev;
  ev.kind = ObserverEventKind::kTransition;
  ev.connection = c.id;
  ev.side = side_of(i);
  ev.from = s.state;
  ev.to = to;
  ev.packet = packet;
  ev.time = t;
  ev.cause = cause;
  out.push_back(ev);
  if (s.path_len < kPathCap) {
    s.path[s.path_len++] = to;
  } else {
    s.path[kPathCap - 1] = to;
  }
  s.state = to;
  if (to == State::kTimeWait) s.time_wait_since = t;
}

// RFC 9293 §3.10.7.2 (LISTEN) and §3.10.7.3 (SYN-SENT): a SYN arrived.
void apply_syn_rx(ConnRecord& c, int i, std::vector<ObserverEvent>& out) {
  SideRecord& s = c.side[i];
  const PendingRx rx = s.pending_syn;
  s.pending_syn = {};
  // From SYN-SENT: §3.10.7.3, fifth check, a SYN without our SYN acknowledged
  // (simultaneous open, Figure 8).
  if (const auto to = figure5::on_syn(s.state)) {
    transition(c, i, *to, rx.packet, rx.time,
               s.state == State::kSynSent ? "SYN received (simultaneous open)" : "SYN received", out);
  }
}

// RFC 9293 §3.10.7.4 step 8: a FIN arrived (all data before it has).
void apply_fin_rx(ConnRecord& c, int i, std::vector<ObserverEvent>& out) {
  SideRecord& s = c.side[i];
  const PendingRx rx = s.pending_fin;
  s.pending_fin = {};
  // Applied after the ACKs that came before it: in FIN-WAIT-1 our FIN is not acknowledged
  // (crossing FINs), or the state would be FIN-WAIT-2 already.
  if (const auto to = figure5::on_fin(s.state, /*our_fin_acked=*/false)) {
    transition(c, i, *to, rx.packet, rx.time,
               s.state == State::kFinWait1 ? "FIN received before our FIN was acked" : "FIN received", out);
  }
}

// In-order delivery: before a later segment acts on endpoint i, earlier ones did.
void flush_pending(ConnRecord& c, int i, std::vector<ObserverEvent>& out) {
  if (c.side[i].pending_syn.valid) apply_syn_rx(c, i, out);
  if (c.side[i].pending_fin.valid) apply_fin_rx(c, i, out);
}

std::uint64_t scaled_window(const ConnRecord& c, int i) {
  const SideRecord& s = c.side[i];
  if (!s.win_valid) return 65535;
  // RFC 7323 §2.2: scaling applies only when both SYNs carried the option.
  const bool scaled = s.wscale >= 0 && c.side[1 - i].wscale >= 0;
  const int shift = scaled ? std::min<int>(s.wscale, 14) : 0;
  return std::uint64_t{s.win} << shift;
}

// What endpoint `peer` does with a RST carrying `seg` from endpoint `me`.
enum class RstCheck : std::uint8_t {
  kAccept,     // it resets the connection
  kChallenge,  // in the window but not at RCV.NXT: answered by a challenge ACK, ignored
  kOutside,    // outside the window: dropped
};

RstCheck check_rst(const ConnRecord& c, int me, const ObservedSegment& seg) {
  const SideRecord& p = c.side[1 - me];
  const SideRecord& m = c.side[me];
  if (p.state == State::kSynSent) {
    // RFC 9293 §3.10.7.3: in SYN-SENT a RST is acceptable only if it acknowledges our SYN.
    const bool acks_syn = seg.tcp.flags.ack() && p.syn_seen && gt(seg.tcp.ack, p.isn) && le(seg.tcp.ack, p.syn_end);
    return acks_syn ? RstCheck::kAccept : RstCheck::kOutside;
  }
  // RFC 9293 §3.10.7.4 step 1 and RFC 5961 §3.2: outside the receive window the RST is
  // dropped; exactly at RCV.NXT it resets; anywhere else in the window the receiver sends a
  // challenge ACK and stays. RCV.NXT is what the sender sent (in order) or what the receiver
  // acknowledged; after the sender's FIN, Linux also takes RCV.NXT - 1 (tcp_reset_check).
  const auto wnd = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(scaled_window(c, 1 - me), 0x7fffffff)));
  const net::SeqNum seq = seg.tcp.seq;
  bool known = false;
  bool exact = false;
  bool in = false;
  if (m.nextseq_valid) {
    known = true;
    exact = exact || seq == m.nextseq || (m.fin_seen && seq + 1 == m.nextseq);
    in = in || in_window(seq, m.nextseq, wnd);
  }
  if (p.lastack_valid) {
    known = true;
    exact = exact || seq == p.lastack;
    in = in || in_window(seq, p.lastack, wnd);
  }
  if (!known || exact) return RstCheck::kAccept;
  return in ? RstCheck::kChallenge : RstCheck::kOutside;
}

// States in which the endpoint has a synchronized connection (RFC 9293 §3.3.2).
bool synchronized(State s) noexcept {
  switch (s) {
    case State::kEstablished:
    case State::kFinWait1:
    case State::kFinWait2:
    case State::kCloseWait:
    case State::kClosing:
    case State::kLastAck:
    case State::kTimeWait:
      return true;
    default:
      return false;
  }
}

// Keeps what withdraw_reset_close() needs of an endpoint a RST closes.
void remember_before_reset(SideRecord& s) noexcept {
  s.closed_by_rst = synchronized(s.state) && s.state != State::kTimeWait;
  s.before_rst = s.state;
}

// What an endpoint's own segment proves about its state when the segments that moved it
// there were not captured (a tap on one direction, asymmetric routing).
void infer_from_own_segment(ConnRecord& c, int i, const ObservedSegment& seg, std::vector<ObserverEvent>& out) {
  SideRecord& me = c.side[i];
  SideRecord& peer = c.side[1 - i];
  const auto f = seg.tcp.flags;
  if (f.syn() || !f.ack()) return;
  if (me.state == State::kSynSent && me.syn_seen) {
    // RFC 9293 §3.10.7.3: from SYN-SENT an endpoint sends an ACK without SYN only once a
    // SYN-ACK acknowledged its SYN, so the peer sent one, and it arrived. This ACK
    // acknowledges the peer's SYN: its ISN is one below.
    if (!peer.syn_seen) {
      peer.syn_seen = true;
      peer.syn_inferred = true;
      peer.isn = seg.tcp.ack - 1;
      peer.syn_end = seg.tcp.ack;
    }
    if (peer.pending_syn.valid) apply_syn_rx(c, 1 - i, out);
    if (peer.state == State::kListen) {
      transition(c, 1 - i, State::kSynReceived, seg.packet, seg.time, "SYN-ACK sent (not captured: the peer's ACK proves it)", out);
    }
    transition(c, i, State::kEstablished, seg.packet, seg.time, "SYN-ACK received (not captured: this ACK proves it)", out);
  } else if (me.state == State::kSynReceived && me.synack_sent && gt(seg.tcp.ack, me.synack_ack)) {
    // It acknowledges data the peer sent after the handshake, which it accepts only once
    // its SYN is acknowledged (§3.10.7.4 step 5).
    transition(c, i, State::kEstablished, seg.packet, seg.time, "ACK of SYN received (not captured: this ACK proves it)", out);
  }
}

}  // namespace

void set_initial_state(SideRecord& s, State initial) noexcept {
  s.path_len = 1;
  s.path[0] = initial;
  s.state = initial;
  s.tentative_listen = false;
}

void init_states(ConnRecord& c, int sender, const ObservedSegment& seg, std::vector<ObserverEvent>&) {
  const auto f = seg.tcp.flags;
  const int client = 0;
  const int server = 1;
  if (f.syn() && !f.ack() && !f.rst()) {
    // RFC 9293 §3.5: an active open starts from CLOSED; the server, when there is one,
    // listens. LISTEN stays tentative until the server answers (a RST means no listener).
    set_initial_state(c.side[client], State::kClosed);
    set_initial_state(c.side[server], State::kListen);
    c.side[server].tentative_listen = true;
    return;
  }
  c.partial = true;
  if (f.syn() && f.ack() && !f.rst()) {
    // The client's SYN was not captured; the SYN-ACK shows it was sent.
    set_initial_state(c.side[client], State::kSynSent);
    set_initial_state(c.side[server], State::kListen);
    c.side[server].tentative_listen = true;
    return;
  }
  if (f.rst()) {
    set_initial_state(c.side[client], State::kClosed);
    set_initial_state(c.side[server], State::kClosed);
    return;
  }
  (void)sender;
  set_initial_state(c.side[client], State::kEstablished);
  set_initial_state(c.side[server], State::kEstablished);
}

bool infer_states(ConnRecord& c, int i, const ObservedSegment& seg, AnomalySet& flags,
                  std::vector<ObserverEvent>& out) {
  SideRecord& me = c.side[i];
  SideRecord& peer = c.side[1 - i];
  const int p = 1 - i;
  const auto f = seg.tcp.flags;
  const auto seq = seg.tcp.seq;
  const auto ack = seg.tcp.ack;
  const auto pkt = seg.packet;
  const auto t = seg.time;

  if (f.rst()) {
    switch (check_rst(c, i, seg)) {
      case RstCheck::kOutside:
        flags.set(static_cast<std::size_t>(Anomaly::kRstOutOfWindow));
        return false;
      case RstCheck::kChallenge:
        flags.set(static_cast<std::size_t>(Anomaly::kRstNotExact));
        return false;
      case RstCheck::kAccept:
        break;
    }
    remember_before_reset(me);
    remember_before_reset(peer);
    me.sent_any = true;
    if (me.tentative_listen) {
      // RFC 9293 §3.10.7.1: a SYN to a CLOSED port is answered by a RST: nobody listened.
      set_initial_state(me, State::kClosed);
      me.pending_syn = {};
    } else if (me.state != State::kTimeWait && me.state != State::kListen) {
      transition(c, i, State::kClosed, pkt, t, "RST sent", out);
    }
    me.pending_syn = {};
    me.pending_fin = {};
    // The receiver got everything sent before the RST (in order), then the RST.
    if (peer.pending_fin.valid) apply_fin_rx(c, p, out);
    peer.pending_syn = {};
    // §3.10.7.4 step 2: a passive open in SYN-RECEIVED returns to LISTEN, others close.
    const bool passive = peer.path_len > 0 && peer.path[0] == State::kListen;
    if (const auto to = figure5::on_reset(peer.state, passive)) transition(c, p, *to, pkt, t, "RST received", out);
    return true;
  }

  // 1. Evidence: this segment acknowledges a SYN or FIN the sender had been sent.
  if (f.ack()) {
    const bool syn_proved = me.pending_syn.valid && (ge(ack, me.pending_syn.ack_point) || f.syn());
    const bool fin_proved = me.pending_fin.valid && ge(ack, me.pending_fin.ack_point);
    if (syn_proved || fin_proved) {
      if (me.pending_syn.valid) apply_syn_rx(c, i, out);
      if (fin_proved) apply_fin_rx(c, i, out);
    }
  }
  // A listener that sends anything but a SYN-ACK or a RST had accepted the SYN.
  if (me.tentative_listen && me.pending_syn.valid && !f.syn()) apply_syn_rx(c, i, out);
  // ... and what the sender's own segment proves where the capture missed the cause.
  infer_from_own_segment(c, i, seg, out);

  // 2. What the sender did.
  const bool first_fin = f.fin() && !me.fin_seen;
  if (f.syn()) {
    // A copy of the SYN already seen (same ISN), however late: a retransmission, which
    // opens nothing (RFC 9293 §3.10.7.4; observe() keeps it in this connection).
    const bool copy = me.syn_seen && !me.syn_inferred && seq == me.isn && !f.ack();
    // The end of the SYN's sequence space: with TCP Fast Open (RFC 7413) it carries data.
    const net::SeqNum end = seq + 1 + seg.payload_len;
    if (!me.syn_seen || me.syn_inferred) {
      me.syn_seen = true;
      me.syn_inferred = false;
      me.isn = seq;
      me.syn_end = end;
      me.syn_packet = pkt;
      me.syn_time = t;
    } else if (seq != me.isn) {
      if (f.ack()) flags.set(static_cast<std::size_t>(Anomaly::kSynAckIsnChanged));
      // A new ISN: acknowledgements now refer to it, unless the SYN went into a
      // synchronized connection, which answers it with a challenge ACK (RFC 5961 §4).
      if (!synchronized(peer.state)) {
        me.isn = seq;
        me.syn_end = end;
      }
    } else if (!f.ack()) {
      flags.set(static_cast<std::size_t>(Anomaly::kSynRetransmission));
    }
    if (f.ack()) {
      me.synack_sent = true;
      me.synack_ack = ack;
    }
    if (!f.ack()) {
      if (me.tentative_listen) set_initial_state(me, State::kClosed);  // it opened actively
      if (me.state == State::kClosed && !copy) transition(c, i, State::kSynSent, pkt, t, "SYN sent", out);
      if (!peer.pending_syn.valid && (peer.state == State::kListen || peer.state == State::kSynSent)) {
        peer.pending_syn = {true, seq + 1, pkt, t};
      }
    } else if (me.state == State::kListen) {
      // A SYN-ACK from a listener whose SYN we never saw (capture started late).
      transition(c, i, State::kSynReceived, pkt, t, "SYN-ACK sent (SYN not captured)", out);
    } else if (me.state == State::kSynSent) {
      transition(c, i, State::kSynReceived, pkt, t, "SYN-ACK sent (simultaneous open)", out);
    }
  }
  me.sent_any = true;
  if (const auto& ts = seg.tcp.options.timestamps) {
    me.ts_valid = true;
    me.ts_last = ts->value;
  }
  if (first_fin) {
    me.fin_seen = true;
    me.fin_seq = seq + seg.payload_len + (f.syn() ? 1U : 0U);
    // RFC 9293 §3.10.4 CLOSE: ESTABLISHED or SYN-RECEIVED -> FIN-WAIT-1, CLOSE-WAIT -> LAST-ACK.
    if (const auto to = figure5::on_close(me.state)) transition(c, i, *to, pkt, t, "FIN sent", out);
  }

  // 3. What the receiver gets: ACK effects at once (step 5), after what came before.
  if (f.ack()) {
    const bool acks_syn = peer.syn_seen && ge(ack, peer.isn + 1);
    const bool acks_fin = peer.fin_seen && ge(ack, peer.fin_seq + 1);
    bool effect = false;
    switch (peer.state) {
      case State::kSynSent:  // (a SYN we did not capture cannot be checked)
        // §3.10.7.3: an acceptable ACK has SND.UNA < SEG.ACK =< SND.NXT; after a SYN
        // with data (TCP Fast Open) it acknowledges all of it, some, or only the SYN.
        effect = f.syn() && (!peer.syn_seen || (gt(ack, peer.isn) && le(ack, peer.syn_end)));
        break;
      case State::kSynReceived: effect = acks_syn; break;
      case State::kFinWait1:
      case State::kClosing:
      case State::kLastAck: effect = acks_fin; break;
      default: break;
    }
    if (effect) {
      flush_pending(c, p, out);
      // A SYN-ACK for SYN-SENT (§3.10.7.3, fourth check), the ACK of our SYN for
      // SYN-RECEIVED, the ACK of our FIN for the closing states; the receptions just
      // applied may have moved the state, so the checks are made on the new one.
      if (peer.state == State::kSynSent || (peer.state == State::kSynReceived && acks_syn)) {
        const bool syn_ack = peer.state == State::kSynSent;
        transition(c, p, figure5::on_syn_acked(peer.state).value(), pkt, t,
                   syn_ack ? "SYN-ACK received" : "ACK of SYN received", out);
      } else if (const auto to = figure5::on_fin_acked(peer.state); to && acks_fin) {
        transition(c, p, *to, pkt, t, "ACK of FIN received", out);
      }
    }
    // The client's handshake completes when its ACK of the SYN-ACK is seen (iRTT).
    if (!c.handshake_done && i == 0 && c.side[0].syn_seen && acks_syn && !f.syn()) {
      c.handshake_done = true;
      c.handshake_rtt_ns = (t - c.side[0].syn_time).ns();
    }
  }
  // Step 8: the FIN waits for proof that it arrived.
  if (first_fin && !peer.pending_fin.valid) peer.pending_fin = {true, me.fin_seq + 1, pkt, t};
  return true;
}

// Later evidence wins over an inferred close: an endpoint the observer closed on a RST
// that then sends data beyond what it had sent, or acknowledges beyond what it had
// acknowledged, still had its connection (the RST was forged, or lost after the capture
// point). Nothing but this segment has moved those marks since the RST: a segment that
// moves them withdraws the close.
void withdraw_reset_close(ConnRecord& c, int i, const ObservedSegment& seg, AnomalySet& flags,
                          std::vector<ObserverEvent>& out) {
  SideRecord& me = c.side[i];
  const auto f = seg.tcp.flags;
  if (!me.closed_by_rst || me.state != State::kClosed || f.syn() || f.rst() || !f.ack()) return;
  const std::uint32_t len = seg.payload_len;
  const bool new_data = len > 0 && (!me.nextseq_valid || gt(seg.tcp.seq + len, me.nextseq));
  const bool new_ack = me.lastack_valid && gt(seg.tcp.ack, me.lastack);
  if (!new_data && !new_ack) return;
  me.closed_by_rst = false;
  flags.set(static_cast<std::size_t>(Anomaly::kRevived));
  transition(c, i, me.before_rst, seg.packet, seg.time, "new data or ACKs after the RST: it had not closed", out);
}

bool starts_new_connection(const ConnRecord& c, int i, const ObservedSegment& seg) {
  const SideRecord& me = c.side[i];
  const SideRecord& peer = c.side[1 - i];
  const net::SeqNum seq = seg.tcp.seq;
  // A copy of the SYN that opened this connection (same ISN), however late, is a
  // retransmission: a new incarnation starts with a new ISN.
  if (me.syn_seen && !me.syn_inferred && seq == me.isn) return false;
  if (peer.state == State::kTimeWait) {
    // RFC 9293 §3.10.7.4 and RFC 6191 §2: TIME-WAIT takes a SYN as a new incarnation when
    // its timestamp is larger than the last one seen, or, without timestamps, when its
    // sequence number lies beyond the last one; else it is an old duplicate.
    if (const auto& ts = seg.tcp.options.timestamps; ts && me.ts_valid) {
      return static_cast<std::int32_t>(ts->value - me.ts_last) > 0;
    }
    return !me.nextseq_valid || gt(seq, me.nextseq);
  }
  if (both_closed(c)) return true;
  // A SYN into a synchronized connection is answered by a challenge ACK (RFC 5961 §4); the
  // connection stays. (A peer that really lost it answers that ACK with a RST, which
  // closes it; its next SYN is then new.)
  if (synchronized(peer.state)) return false;
  // The attempt never completed (LISTEN, SYN-SENT, SYN-RECEIVED): another ISN is a new one.
  return me.syn_seen && seq != me.isn;
}

void expire_time_wait(ConnRecord& c, net::Time now, net::Duration two_msl, std::vector<ObserverEvent>& out) {
  for (int i = 0; i < 2; ++i) {
    const SideRecord& s = c.side[i];
    if (s.state == State::kTimeWait && s.time_wait_since + two_msl <= now) {
      // RFC 9293 §3.10.8: the time-wait timeout deletes the TCB.
      transition(c, i, figure5::on_time_wait_timeout(s.state).value(), 0, s.time_wait_since + two_msl,
                 "2*MSL elapsed in TIME_WAIT", out);
    }
  }
}

bool both_closed(const ConnRecord& c) noexcept {
  for (const auto& s : c.side) {
    if (s.state != State::kClosed && s.state != State::kTimeWait && s.state != State::kListen) return false;
    if (s.state == State::kListen && s.tentative_listen) {
      // A listener that never answered: closed only when the other side is.
      continue;
    }
  }
  return true;
}

}  // namespace wirestate::tcp
