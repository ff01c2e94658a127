#pragma once
// What an Endpoint reports: state changes with their cause, errors, deliveries, and the
// named reasons for which it drops segments.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wirestate/net/time.hpp"
#include "wirestate/tcp/state.hpp"

namespace wirestate::tcp {

// Why a connection ended badly (RFC 9293 §3.10: "connection refused/reset", timeouts).
enum class ErrorKind : std::uint8_t {
  kConnectionRefused,  // RST answering our SYN (SYN-SENT)
  kConnectionReset,    // RST in SYN-RECEIVED (active) or a synchronized state
  kTimedOut,           // retransmission or probe retry limit reached
};

// "connection refused", "connection reset", "connection timed out".
std::string_view to_string(ErrorKind kind) noexcept;

// Why a user call was refused (RFC 9293 §3.10 error strings).
enum class UserError : std::uint8_t {
  kConnectionDoesNotExist,   // "error: connection does not exist"
  kConnectionAlreadyExists,  // "error: connection already exists"
  kConnectionClosing,        // "error: connection closing"
  kForeignSocketUnspecified, // "error: foreign socket unspecified" (SEND in LISTEN, §3.10.2)
};

std::string_view to_string(UserError error) noexcept;

// The kinds of things an endpoint reports.
enum class EventKind : std::uint8_t {
  kStateChange,    // from -> to, with cause
  kError,          // error, with cause; a state change to CLOSED (or LISTEN) follows
  kDataDelivered,  // bytes new in-order bytes became readable
  kFinReceived,    // the peer will send no more data (end of stream)
};

// One report, at one point in virtual time.
struct Event {
  net::Time time;
  EventKind kind = EventKind::kStateChange;
  State from = State::kClosed;
  State to = State::kClosed;
  ErrorKind error = ErrorKind::kConnectionReset;
  std::size_t bytes = 0;
  // "open active", "close", "rcv S. seq 1 ack 1001 win 512 len 0", "timer TIME_WAIT" ...
  std::string cause;
};

// The named reasons for dropping (part of) an arriving segment; each has a counter.
enum class DropReason : std::uint8_t {
  kClosedState,          // segment to a CLOSED endpoint (answered by RST unless RST)
  kListenRst,            // RST in LISTEN (RFC 9293 §3.10.7.2, first check)
  kListenAck,            // ACK in LISTEN (answered by RST)
  kListenNoSyn,          // neither SYN, ACK nor RST in LISTEN
  kSynSentBadAck,        // ACK outside ISS < SEG.ACK =< SND.NXT in SYN-SENT
  kSynSentRstNoAck,      // RST without acceptable ACK in SYN-SENT
  kSynSentNoSyn,         // neither SYN nor RST in SYN-SENT
  kUnacceptable,         // step 1: fails the acceptability test (answered by ACK)
  kRstChallenged,        // step 2: RST in window but not at RCV.NXT (RFC 5961 §3.2)
  kSynChallenged,        // step 4: SYN in a synchronized state (RFC 5961 §4.2)
  kNoAck,                // step 5: ACK bit off
  kSynReceivedBadAck,    // step 5: unacceptable ACK in SYN-RECEIVED (answered by RST)
  kAckTooOld,            // step 5: SEG.ACK < SND.UNA - MAX.SND.WND (RFC 5961 §5.2)
  kAckUnsent,            // step 5: SEG.ACK > SND.NXT (acks data never sent)
  kTextAfterFin,         // step 7: data after the peer's FIN
  kOutOfOrderFull,       // step 7: the out-of-order queue was full
  kCount,
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::kCount);

// The reason's stable snake_case name ("unacceptable", "rst_challenged", ...).
std::string_view to_string(DropReason reason) noexcept;

// Counters of one endpoint.
struct Stats {
  std::uint64_t segments_received = 0;
  std::uint64_t segments_sent = 0;
  std::uint64_t retransmissions = 0;       // segments sent again (timeout or fast)
  std::uint64_t timeouts = 0;              // retransmission timer expiries
  std::uint64_t fast_retransmits = 0;      // entries into fast recovery
  std::uint64_t dup_acks_received = 0;
  std::uint64_t challenge_acks_sent = 0;
  std::uint64_t challenge_acks_suppressed = 0;  // over the rate limit
  std::uint64_t window_probes_sent = 0;
  std::uint64_t bytes_acked = 0;           // our data bytes acknowledged by the peer
  std::uint64_t bytes_received = 0;        // in-order bytes delivered to the buffer
  std::array<std::uint64_t, kDropReasonCount> drops{};

  std::uint64_t drop_count(DropReason r) const noexcept {
    return drops[static_cast<std::size_t>(r)];
  }
};

}  // namespace wirestate::tcp
