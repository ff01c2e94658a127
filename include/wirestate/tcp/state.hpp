#pragma once
// The eleven states of a TCP connection (RFC 9293 §3.3.2, Figure 5).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace wirestate::tcp {

// One state of RFC 9293's connection state diagram.
enum class State : std::uint8_t {
  kClosed,
  kListen,
  kSynSent,
  kSynReceived,
  kEstablished,
  kFinWait1,
  kFinWait2,
  kCloseWait,
  kClosing,
  kLastAck,
  kTimeWait,
};

// All eleven states in the order of the enum (for tables and loops).
inline constexpr std::array<State, 11> kAllStates = {
    State::kClosed,    State::kListen,    State::kSynSent,  State::kSynReceived,
    State::kEstablished, State::kFinWait1, State::kFinWait2, State::kCloseWait,
    State::kClosing,   State::kLastAck,   State::kTimeWait};

// The state's canonical name: CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED,
// FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT.
std::string_view to_string(State state) noexcept;

// Parses a state name case-insensitively, with '-' or '_' or nothing between words and
// the spellings of netstat/ss/Linux: "SYN_RECV", "SYN-RECEIVED", "FIN_WAIT1",
// "FIN-WAIT-1", "TIME-WAIT", "ESTAB" (as ss prints it), "SYN_RCVD" (BSD), "CLOSE" (Linux).
// The error names the input and lists the accepted names.
tl::expected<State, std::string> parse_state(std::string_view text);

// True for the synchronized states (ESTABLISHED and later, RFC 9293 §3.5).
constexpr bool is_synchronized(State s) noexcept {
  return s != State::kClosed && s != State::kListen && s != State::kSynSent &&
         s != State::kSynReceived;
}

}  // namespace wirestate::tcp
