#pragma once
// RFC 9293's state diagram (Figure 5, §3.3.2) as pure functions: where one event takes an
// endpoint in a given state. The one home of those arrows: tcp::Endpoint (which decides
// that the event happened, from its own sequence space) and the observer (which infers
// it from a capture) both call them, so the two machines cannot draw the diagram twice.
// Each returns nullopt where the event moves nothing in that state.
#include <optional>

#include "wirestate/tcp/state.hpp"

namespace wirestate::tcp::figure5 {

// A SYN arrived (§3.10.7.2 LISTEN, §3.10.7.3 SYN-SENT: simultaneous open, Figure 8).
constexpr std::optional<State> on_syn(State s) noexcept {
  if (s == State::kListen || s == State::kSynSent) return State::kSynReceived;
  return std::nullopt;
}

// Our SYN was acknowledged: by a SYN-ACK in SYN-SENT (§3.10.7.3, fourth check), by an ACK
// in SYN-RECEIVED (§3.10.7.4 step 5).
constexpr std::optional<State> on_syn_acked(State s) noexcept {
  if (s == State::kSynSent || s == State::kSynReceived) return State::kEstablished;
  return std::nullopt;
}

// The user closed and a FIN is sent (§3.10.4 CLOSE): FIN-WAIT-1 from SYN-RECEIVED and
// ESTABLISHED, LAST-ACK from CLOSE-WAIT.
constexpr std::optional<State> on_close(State s) noexcept {
  switch (s) {
    case State::kSynReceived:
    case State::kEstablished: return State::kFinWait1;
    case State::kCloseWait: return State::kLastAck;
    default: return std::nullopt;
  }
}

// Our FIN was acknowledged (§3.10.7.4 step 5): FIN-WAIT-1 -> FIN-WAIT-2, CLOSING ->
// TIME-WAIT, LAST-ACK -> CLOSED.
constexpr std::optional<State> on_fin_acked(State s) noexcept {
  switch (s) {
    case State::kFinWait1: return State::kFinWait2;
    case State::kClosing: return State::kTimeWait;
    case State::kLastAck: return State::kClosed;
    default: return std::nullopt;
  }
}

// The peer's FIN arrived (§3.10.7.4 step 8), after the ACK in its segment was processed:
// CLOSE-WAIT from SYN-RECEIVED and ESTABLISHED; from FIN-WAIT-1, TIME-WAIT when our FIN
// is acknowledged too, else CLOSING (crossing FINs); TIME-WAIT from FIN-WAIT-2.
constexpr std::optional<State> on_fin(State s, bool our_fin_acked) noexcept {
  switch (s) {
    case State::kSynReceived:
    case State::kEstablished: return State::kCloseWait;
    case State::kFinWait1: return our_fin_acked ? State::kTimeWait : State::kClosing;
    case State::kFinWait2: return State::kTimeWait;
    default: return std::nullopt;
  }
}

// An acceptable RST arrived (§3.10.7.4 step 2, §3.10.7.3): a passive open in SYN-RECEIVED
// returns to LISTEN, every other state with a connection closes; LISTEN and CLOSED stay.
constexpr std::optional<State> on_reset(State s, bool passive_open) noexcept {
  switch (s) {
    case State::kClosed:
    case State::kListen: return std::nullopt;
    case State::kSynReceived: return passive_open ? State::kListen : State::kClosed;
    default: return State::kClosed;
  }
}

// The 2·MSL timer of TIME-WAIT ran out (§3.10.8).
constexpr std::optional<State> on_time_wait_timeout(State s) noexcept {
  if (s == State::kTimeWait) return State::kClosed;
  return std::nullopt;
}

}  // namespace wirestate::tcp::figure5
