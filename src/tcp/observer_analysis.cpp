// Wireshark's TCP sequence analysis (epan/dissectors/packet-tcp.c,
// tcp_analyze_sequence_number; the rules of the Wireshark User's Guide §7.5 "TCP
// Analysis"), per direction, in Wireshark's order and with its precedence.
#include "conn_record.hpp"

namespace wirestate::tcp {

namespace {

constexpr net::Duration kFastRetransmitWindow = net::Duration::milliseconds(20);

// SideRecord::dupacks after an ACK of a segment the capture missed (Wireshark's -1).
constexpr std::uint32_t kAckedUnseenMark = 0xffffffffU;

void set(AnomalySet& flags, Anomaly a) { flags.set(static_cast<std::size_t>(a)); }

}  // namespace

void analyze_sequence(ConnRecord& c, int i, const ObservedSegment& seg, const ObserverConfig& config,
                      AnomalySet& flags) {
  SideRecord& fwd = c.side[i];
  SideRecord& rev = c.side[1 - i];
  const auto f = seg.tcp.flags;
  const auto seq = seg.tcp.seq;
  const auto ack = seg.tcp.ack;
  const std::uint32_t len = seg.payload_len;
  const auto t = seg.time;
  const bool syn_fin_rst = f.syn() || f.fin() || f.rst();
  const std::uint16_t win = seg.tcp.window;

  if (f.syn()) fwd.wscale = seg.tcp.options.window_scale ? static_cast<std::int8_t>(*seg.tcp.options.window_scale) : -1;
  // Wireshark's iRTT runs from the most recent SYN (a retransmitted one restarts it) to
  // the first segment with ACK and no SYN, in either direction.
  if (f.syn() && !f.ack()) {
    c.last_syn_time = t;
    c.last_syn_valid = true;
  } else if (f.ack() && !f.syn() && c.last_syn_valid && c.first_rtt_ns < 0) {
    c.first_rtt_ns = (t - c.last_syn_time).ns();
  }

  bool keep_alive = false;
  bool zero_window_probe = false;
  // Zero window probe: one byte at the next expected sequence number into a zero window.
  if (len == 1 && fwd.nextseq_valid && seq == fwd.nextseq && rev.win_valid && rev.win == 0) {
    set(flags, Anomaly::kZeroWindowProbe);
    zero_window_probe = true;
  }
  // Zero window: the receive window is zero and none of SYN, FIN, RST is set.
  if (win == 0 && !syn_fin_rst) set(flags, Anomaly::kZeroWindow);
  // Previous segment not captured: the sequence number is beyond the next expected one.
  if (!zero_window_probe && fwd.nextseq_valid && gt(seq, fwd.nextseq) && !f.rst() && !f.syn()) {
    set(flags, Anomaly::kLostSegment);
  }
  // Keep-alive: zero or one byte at one less than the next expected sequence number.
  if (!zero_window_probe && (len == 0 || len == 1) && fwd.nextseq_valid && seq + 1 == fwd.nextseq && !syn_fin_rst) {
    set(flags, Anomaly::kKeepAlive);
    keep_alive = true;
  }
  const bool same_ack = fwd.lastack_valid && f.ack() && ack == fwd.lastack;
  const bool at_next = fwd.nextseq_valid && seq == fwd.nextseq;
  // Window update: no data, a new non-zero window, same sequence and acknowledgement.
  // Wireshark keeps no validity flag for a direction: before its first segment the next
  // sequence number, the last ACK and the window read as zero, so a first segment with raw
  // seq 0 and ack 0 (crafted traces) counts as a window update there; so it does here.
  const bool zero_state = !fwd.nextseq_valid && !fwd.lastack_valid && !fwd.win_valid && seq == net::SeqNum(0) &&
                          ack == net::SeqNum(0);
  bool window_update = false;
  if (!keep_alive && len == 0 && win != 0 && !syn_fin_rst &&
      ((fwd.win_valid && win != fwd.win && at_next && same_ack) || zero_state)) {
    set(flags, Anomaly::kWindowUpdate);
    window_update = true;
  }
  // Window full: this segment fills the receiver's advertised window exactly.
  if (len > 0 && rev.lastack_valid && rev.win_valid && !syn_fin_rst) {
    const bool scaled = rev.wscale >= 0 && fwd.wscale >= 0;
    const std::uint64_t rwin = std::uint64_t{rev.win} << (scaled ? std::min<int>(rev.wscale, 14) : 0);
    if (seq + len == rev.lastack + static_cast<std::uint32_t>(rwin)) set(flags, Anomaly::kWindowFull);
  }
  // Duplicate ACK: no data, unchanged non-zero window, same sequence and acknowledgement.
  if (!keep_alive && !window_update && len == 0 && fwd.win_valid && win == fwd.win && win != 0 && at_next &&
      same_ack && !syn_fin_rst) {
    // After an ACK of an unseen segment the count restarts at one (Wireshark's -1 case).
    fwd.dupacks = fwd.dupacks == kAckedUnseenMark ? 1 : fwd.dupacks + 1;
    set(flags, Anomaly::kDuplicateAck);
  }
  // A new acknowledgement number restarts the count.
  if (f.ack() && !same_ack) fwd.dupacks = 0;
  // ACKed unseen segment: acknowledges data the other direction never showed, beyond its
  // highest segment or into a hole before it. Reported once per hole: the run end moves to
  // the highest segment. Wireshark also marks the other direction's duplicate-ACK count
  // (kAckedUnseenMark, its -1) until that direction's ACK number changes. (Later Wireshark
  // releases report it only while that count is zero; tshark 4.0, the oracle of
  // ../shared/pcaps, reports it every time: reassembly.pcap frames 8 and 10.)
  if (f.ack() && rev.max_to_ack_valid && gt(ack, rev.max_to_ack)) {
    set(flags, Anomaly::kAckedUnseen);
    rev.max_to_ack = rev.nextseq;
    rev.dupacks = kAckedUnseenMark;
  }

  // Retransmission family: data (or SYN/FIN) below the next expected sequence number.
  // Wireshark's order: spurious (all of it was acknowledged already), fast, out-of-order,
  // plain; a spurious or fast one is also a retransmission, as tshark reports both flags.
  if (!keep_alive && !zero_window_probe && (len > 0 || f.syn() || f.fin()) && fwd.nextseq_valid &&
      lt(seq, fwd.nextseq)) {
    const net::Duration ooo = c.first_rtt_ns > 0 ? net::Duration::nanoseconds(c.first_rtt_ns)
                                                 : config.out_of_order_threshold;
    // A copy that ends where the stream ends (SYN and FIN count) repeats the latest
    // segment: it is never out of order, however soon it comes.
    const net::SeqNum seg_end = seq + len + ((f.syn() || f.fin()) ? 1U : 0U);
    if (len > 0 && rev.lastack_valid && le(seq + len, rev.lastack)) {
      set(flags, Anomaly::kSpuriousRetransmission);
      set(flags, Anomaly::kRetransmission);
    } else if (rev.dupacks >= 2 && rev.lastack_valid && rev.lastack == seq &&
               t - rev.lastack_time < kFastRetransmitWindow) {
      // (Wireshark's count is unsigned: the mark of an ACKed unseen segment, its -1,
      // passes this test too, and tshark calls such a resent segment fast; so do we.)
      set(flags, Anomaly::kFastRetransmission);
      set(flags, Anomaly::kRetransmission);
    } else if (t - fwd.nextseq_time < ooo && fwd.nextseq != seg_end) {
      set(flags, Anomaly::kOutOfOrder);
    } else {
      set(flags, Anomaly::kRetransmission);
    }
  }

  // Update the direction's state (RST carries no sequence space).
  if (!f.rst()) {
    const net::SeqNum end = seq + len + (f.syn() ? 1U : 0U) + (f.fin() ? 1U : 0U);
    if (!keep_alive && !zero_window_probe && (!fwd.nextseq_valid || gt(end, fwd.nextseq))) {
      fwd.nextseq = end;
      fwd.nextseq_valid = true;
      fwd.nextseq_time = t;
    }
    // The run without holes grows only with a segment that starts where it ends.
    if (!zero_window_probe && fwd.nextseq_valid && (!fwd.max_to_ack_valid || seq == fwd.max_to_ack)) {
      fwd.max_to_ack = fwd.nextseq;
      fwd.max_to_ack_valid = true;
    }
    fwd.win = win;
    fwd.win_valid = true;
  }
  if (f.ack()) {
    fwd.lastack_time = t;
    fwd.lastack = ack;
    fwd.lastack_valid = true;
  }
}

}  // namespace wirestate::tcp
