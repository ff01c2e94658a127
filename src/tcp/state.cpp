#include "wirestate/tcp/state.hpp"

#include <fmt/format.h>

namespace wirestate::tcp {

std::string_view to_string(State state) noexcept {
  switch (state) {
    case State::kClosed: return "CLOSED";
    case State::kListen: return "LISTEN";
    case State::kSynSent: return "SYN_SENT";
    case State::kSynReceived: return "SYN_RECEIVED";
    case State::kEstablished: return "ESTABLISHED";
    case State::kFinWait1: return "FIN_WAIT_1";
    case State::kFinWait2: return "FIN_WAIT_2";
    case State::kCloseWait: return "CLOSE_WAIT";
    case State::kClosing: return "CLOSING";
    case State::kLastAck: return "LAST_ACK";
    case State::kTimeWait: return "TIME_WAIT";
  }
  return "UNKNOWN";
}

namespace {

// Upper-case letters and digits only: "fin-wait-1" and "FIN_WAIT1" both become "FINWAIT1".
std::string squeeze(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    } else if (c == '_' || c == '-' || c == ' ') {
      continue;
    } else {
      return {};  // any other character makes the name invalid
    }
  }
  return out;
}

struct Alias {
  std::string_view squeezed;
  State state;
};

// Canonical names squeezed, then the spellings of Linux /proc/net/tcp, netstat and ss.
constexpr std::array<Alias, 15> kAliases = {{
    {"CLOSED", State::kClosed},
    {"CLOSE", State::kClosed},  // Linux's TCP_CLOSE
    {"LISTEN", State::kListen},
    {"SYNSENT", State::kSynSent},
    {"SYNRECEIVED", State::kSynReceived},
    {"SYNRECV", State::kSynReceived},  // Linux, netstat, ss
    {"SYNRCVD", State::kSynReceived},  // BSD
    {"ESTABLISHED", State::kEstablished},
    {"ESTAB", State::kEstablished},  // ss
    {"FINWAIT1", State::kFinWait1},
    {"FINWAIT2", State::kFinWait2},
    {"CLOSEWAIT", State::kCloseWait},
    {"CLOSING", State::kClosing},
    {"LASTACK", State::kLastAck},
    {"TIMEWAIT", State::kTimeWait},
}};

}  // namespace

tl::expected<State, std::string> parse_state(std::string_view text) {
  const std::string key = squeeze(text);
  if (!key.empty()) {
    for (const Alias& alias : kAliases) {
      if (alias.squeezed == key) return alias.state;
    }
  }
  return tl::make_unexpected(fmt::format(
      "unknown TCP state \"{}\": expected one of CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, "
      "ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT "
      "(case-insensitive; SYN_RECV, ESTAB, FIN-WAIT-1 style spellings accepted)",
      text));
}

}  // namespace wirestate::tcp
