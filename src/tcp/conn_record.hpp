#pragma once
// Private to the observer: the record of one tracked connection and the functions of
// the observer's three analyses (RFC states, Wireshark flags, Zeek history), each in
// its own source file.
#include <array>
#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "wirestate/net/seq_num.hpp"
#include "wirestate/tcp/observer_types.hpp"

namespace wirestate::tcp {

// Zeek's endpoint states (TCP_ENDPOINT_INACTIVE ... TCP_ENDPOINT_RESET).
enum class ZeekState : std::uint8_t { kInactive, kSynSent, kSynAckSent, kPartial, kEstablished, kClosed, kReset };

// A segment from the peer whose effect on this endpoint waits for evidence that it
// arrived (this endpoint acknowledging it, or a later segment in the same direction).
struct PendingRx {
  bool valid = false;
  net::SeqNum ack_point;  // an ACK at or beyond this proves reception
  std::uint64_t packet = 0;
  net::Time time;
};

// Anomalies of one packet, as a bit set over Anomaly.
using AnomalySet = std::bitset<kAnomalyCount>;

// Longest state path kept per endpoint (later states replace the last slot).
inline constexpr std::size_t kPathCap = 14;

// Everything about one endpoint: its inferred state, what it sent, analysis state.
struct SideRecord {
  // RFC 9293 state and the path that led there.
  State state = State::kClosed;
  std::uint8_t path_len = 0;
  std::array<State, kPathCap> path{};
  bool tentative_listen = false;  // LISTEN assumed from a SYN, not yet confirmed
  bool syn_inferred = false;      // no SYN captured: the peer's ACK of it proves it was sent
  bool synack_sent = false;
  bool ts_valid = false;
  // A close inferred from a RST, kept so that later evidence can withdraw it, and the
  // state before it.
  bool closed_by_rst = false;
  State before_rst = State::kClosed;
  net::Time time_wait_since;
  // What this endpoint sent.
  bool syn_seen = false;
  bool fin_seen = false;
  bool sent_any = false;
  net::SeqNum isn;
  net::SeqNum syn_end;        // after the SYN and the data it carried (TCP Fast Open, RFC 7413)
  net::SeqNum fin_seq;
  net::SeqNum synack_ack;     // what this endpoint's SYN-ACK acknowledged
  std::uint32_t ts_last = 0;  // the latest TSval it sent (RFC 7323), for RFC 6191's test
  std::uint64_t syn_packet = 0;
  net::Time syn_time;
  // Receptions from the peer not yet proven (RFC 9293 §3.10.7.3, §3.10.7.4 step 8).
  PendingRx pending_syn;
  PendingRx pending_fin;
  // Wireshark's per-direction sequence analysis state.
  bool nextseq_valid = false;
  bool lastack_valid = false;
  bool win_valid = false;
  std::int8_t wscale = -1;  // shift from this side's SYN option, -1 when absent
  net::SeqNum nextseq;      // highest seq + len (+SYN/FIN) sent
  // End of the data sent without a hole (Wireshark's maxseqtobeacked): an ACK beyond it
  // acknowledges a segment the capture did not show.
  net::SeqNum max_to_ack;
  bool max_to_ack_valid = false;
  net::SeqNum lastack;
  std::uint16_t win = 0;    // last raw window field
  std::uint32_t dupacks = 0;
  net::Time lastack_time;
  net::Time nextseq_time;   // when nextseq last advanced (Wireshark's nextseqtime)
  // Zeek's endpoint state and history bookkeeping.
  ZeekState zeek = ZeekState::kInactive;
  std::uint16_t hist_seen = 0;
  bool hist_syn_set = false, hist_fin_set = false, hist_rst_set = false;
  net::SeqNum hist_last_syn, hist_last_fin, hist_last_rst;
  std::uint32_t checksum_count = 0, checksum_next = 1;
  std::uint32_t rexmit_count = 0, rexmit_next = 1;
  std::uint32_t zerowin_count = 0, zerowin_next = 1;
  std::uint32_t gap_count = 0, gap_next = 1;
  std::uint64_t payload_bytes = 0;
  // Totals.
  DirectionStats stats;
};

// Slot index meaning "none" in the table's intrusive lists.
inline constexpr std::uint32_t kNoSlot = 0xffffffffU;

// One tracked connection. side[0] is the client, side[1] the server.
struct ConnRecord {
  std::uint64_t id = 0;
  net::Endpoint client;
  net::Endpoint server;
  bool partial = false;
  bool handshake_done = false;
  std::array<SideRecord, 2> side;
  net::Time first_seen;
  net::Time last_seen;
  std::uint64_t first_packet = 0;
  std::uint64_t last_packet = 0;
  std::int64_t handshake_rtt_ns = -1;
  // Wireshark's iRTT (its out-of-order threshold): from the latest SYN to the first ACK.
  net::Time last_syn_time;
  bool last_syn_valid = false;
  std::int64_t first_rtt_ns = -1;
  std::array<std::uint32_t, kAnomalyCount> anomalies{};
  std::string history;
  // Table bookkeeping: LRU list, closed list, TIME_WAIT list (intrusive, by slot).
  std::uint32_t lru_prev = kNoSlot, lru_next = kNoSlot;
  std::uint32_t closed_prev = kNoSlot, closed_next = kNoSlot;
  std::uint32_t tw_prev = kNoSlot, tw_next = kNoSlot;
  bool in_closed = false;
  bool in_tw = false;
  net::Time tw_deadline;
};

// Index of an endpoint in ConnRecord::side.
constexpr int index_of(ConnSide s) noexcept { return s == ConnSide::kClient ? 0 : 1; }
constexpr ConnSide side_of(int i) noexcept { return i == 0 ? ConnSide::kClient : ConnSide::kServer; }

// Sets an endpoint's initial state (the first entry of its path), without an event.
void set_initial_state(SideRecord& s, State initial) noexcept;

// Starts a fresh record for the first segment `seg` of a connection, sent by `sender`.
// Chooses the initial states (CLOSED/LISTEN with a SYN; inferred for a partial start).
void init_states(ConnRecord& c, int sender, const ObservedSegment& seg,
                 std::vector<ObserverEvent>& out);

// RFC 9293 inference: applies `seg`, sent by endpoint `sender`, to both endpoints'
// states, appending transitions. Returns false when the segment was ignored (an
// unacceptable RST), after flagging it in `flags`.
bool infer_states(ConnRecord& c, int sender, const ObservedSegment& seg, AnomalySet& flags,
                  std::vector<ObserverEvent>& out);

// Whether `seg`, a SYN without ACK sent by endpoint `sender` on the 4-tuple of `c`, opens a
// new connection there rather than belonging to `c` (RFC 9293 §3.10.7.4, RFC 6191).
bool starts_new_connection(const ConnRecord& c, int sender, const ObservedSegment& seg);

// Later evidence against an inferred close: when endpoint `sender`, closed on a RST, sends
// `seg` with data or an ACK beyond what it had sent or acknowledged, its state goes back to
// what it was before the RST (flagged kRevived). Call before analyze_sequence, which
// moves those marks.
void withdraw_reset_close(ConnRecord& c, int sender, const ObservedSegment& seg, AnomalySet& flags,
                          std::vector<ObserverEvent>& out);

// Moves endpoints whose TIME_WAIT began at least 2·MSL before `now` to CLOSED.
void expire_time_wait(ConnRecord& c, net::Time now, net::Duration two_msl,
                      std::vector<ObserverEvent>& out);

// True when neither endpoint can send again (both CLOSED, TIME_WAIT or back in LISTEN).
bool both_closed(const ConnRecord& c) noexcept;

// Wireshark's tcp.analysis for `seg` sent by `sender`, then updates the per-direction
// sequence state. Call before infer_states.
void analyze_sequence(ConnRecord& c, int sender, const ObservedSegment& seg,
                      const ObserverConfig& config, AnomalySet& flags);

// Zeek: appends this packet's history letters and updates Zeek's endpoint states.
void zeek_update(ConnRecord& c, int sender, const ObservedSegment& seg, const AnomalySet& flags);

// Zeek's conn_state for the record as it stands.
std::string zeek_conn_state(const ConnRecord& c);

}  // namespace wirestate::tcp
