#pragma once
// What one capture point can know about an endpoint: the passive observer's inferred
// state path of one endpoint against the endpoint's own path. The final states must
// agree, and the paths must be equal except for the differences that no single capture
// point can avoid, each written below as a named rule with the evidence it requires.
//
// Both capture points used by the tests (the simulator's wire tap and the in-memory
// pipe's tap) see each segment when it is sent, before the link delays, reorders or
// drops it. So the observer sees a segment leave but not whether, or in which order, it
// arrived, and it does not see a user's close() until the FIN is sent. The evidence of
// each rule comes from both paths: every entry names the captured packet that caused it
// (numbered in capture order, 0 for a timer or a user call) and when it happened.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wirestate/net/time.hpp"
#include "wirestate/tcp/state.hpp"

namespace wirestate::tcp::testing {

// A state path; packets[i] caused states[i] (0: none), at times[i].
struct CausedPath {
  std::vector<State> states;
  std::vector<std::uint64_t> packets;
  std::vector<net::Time> times;
};

// The allowed differences (see candidate_rewrites for each one's reason and evidence).
inline constexpr std::string_view kFinAcksOurFin = "fin_acks_our_fin";
inline constexpr std::string_view kOvertakenAckOfFin = "overtaken_ack_of_fin";
inline constexpr std::string_view kOvertakenCrossingFin = "overtaken_crossing_fin";
inline constexpr std::string_view kFinQueuedAtClose = "fin_queued_at_close";

// The outcome of comparing one side's two paths.
struct Agreement {
  bool agree = false;                   // equal, or equal once allowed rules are applied
  std::vector<std::string_view> rules;  // the rules applied (empty when equal as they are)
  std::string why;                      // when they do not agree
};

namespace detail {

// A rule's rewrite of the observer's path: states [at, at + length) become `with`.
struct Rewrite {
  std::string_view rule;
  std::size_t at = 0;
  std::size_t length = 0;
  std::vector<State> with;
};

// "[SYN_SENT, ESTABLISHED #3, ...]": each state with the packet that caused it.
inline std::string path_text(const CausedPath& path) {
  std::string out = "[";
  for (std::size_t i = 0; i < path.states.size(); ++i) {
    out += (i ? ", " : "") + std::string(to_string(path.states[i]));
    if (path.packets[i] != 0) out += " #" + std::to_string(path.packets[i]);
  }
  return out + "]";
}

// The index of the first `a` immediately followed by `b` in `path`, or path.size().
inline std::size_t find_pair(const CausedPath& path, State a, State b) {
  for (std::size_t i = 0; i + 1 < path.states.size(); ++i) {
    if (path.states[i] == a && path.states[i + 1] == b) return i;
  }
  return path.states.size();
}

// Every rewrite of `observer` whose evidence holds.
inline std::vector<Rewrite> candidate_rewrites(const CausedPath& endpoint, const CausedPath& observer) {
  std::vector<Rewrite> out;
  const auto& s = observer.states;
  const std::size_t none = endpoint.states.size();
  for (std::size_t i = 1; i < s.size(); ++i) {
    const std::uint64_t cause = observer.packets[i];
    if (cause == 0) continue;

    // Both rules below exist because tcp::Endpoint, given a segment that acknowledges
    // its FIN and carries the peer's FIN, goes FIN_WAIT_1 -> TIME_WAIT in one step (RFC
    // 9293 §3.10.7.4 step 8, FIN-WAIT-1: "if our FIN has been ACKed (perhaps in this
    // segment), then enter TIME-WAIT"), while the observer applies the ACK first (step
    // 5: "enter FIN-WAIT-2 and continue processing in that state", as Linux does) and
    // the FIN when it is proven. Same end, one state fewer on the endpoint's side.
    if (s[i] == State::kFinWait2 && s[i - 1] == State::kFinWait1) {
      const std::size_t k = find_pair(endpoint, State::kFinWait1, State::kTimeWait);
      const std::uint64_t fin = k != none ? endpoint.packets[k + 1] : 0;
      // fin_acks_our_fin: one segment of the peer carried both (a FIN queued behind data
      // goes out with the ACK of ours). Evidence: the observer's FIN_WAIT_2 and TIME_WAIT
      // and our TIME_WAIT all come from that one packet.
      if (fin == cause && i + 1 < s.size() && s[i + 1] == State::kTimeWait && observer.packets[i + 1] == cause) {
        out.push_back({kFinAcksOurFin, i, 1, {}});
      }
      // overtaken_ack_of_fin: the peer acknowledged our FIN with a segment A that the
      // link lost or held back, then sent its FIN, which acknowledged ours too. The
      // observer saw A leave (FIN_WAIT_2); we got the FIN first. A capture point before
      // the loss cannot know. Evidence: our TIME_WAIT came from a packet captured after A.
      if (fin > cause) out.push_back({kOvertakenAckOfFin, i, 1, {}});
    }

    // overtaken_crossing_fin. Both sides closed at once and the peer's FIN F was lost or
    // held back. The observer, for which a direction is delivered in order, applied F
    // when a later segment of the peer acknowledged our FIN: FIN_WAIT_1 -> CLOSING ->
    // TIME_WAIT. We processed that acknowledgement without F (RFC 9293 §3.10.7.4: the
    // ACK field of a segment after a hole is processed, step 5, before its text waits
    // for the hole), went FIN_WAIT_1 -> FIN_WAIT_2, and F or its retransmission took us
    // to TIME_WAIT; or a retransmitted F that also acknowledged our FIN took us there
    // directly. Evidence: the packet that took us out of FIN_WAIT_1 was captured after F.
    if (s[i] == State::kClosing && s[i - 1] == State::kFinWait1 && i + 1 < s.size() && s[i + 1] == State::kTimeWait) {
      if (const std::size_t k = find_pair(endpoint, State::kFinWait1, State::kFinWait2);
          k != none && k + 2 < endpoint.states.size() && endpoint.states[k + 2] == State::kTimeWait &&
          endpoint.packets[k + 1] > cause) {
        out.push_back({kOvertakenCrossingFin, i, 1, {State::kFinWait2}});
      }
      if (const std::size_t k = find_pair(endpoint, State::kFinWait1, State::kTimeWait);
          k != none && endpoint.packets[k + 1] > cause) {
        out.push_back({kOvertakenCrossingFin, i, 1, {}});
      }
    }

    // fin_queued_at_close. We closed while data was still queued (RFC 9293 §3.10.4:
    // CLOSE enters FIN-WAIT-1 at once, the FIN follows the data), and the peer's FIN
    // arrived before ours could leave: FIN_WAIT_1 -> CLOSING -> TIME_WAIT. On the wire
    // our FIN left after the peer's and acknowledged it, which is all the observer can
    // see of a close: CLOSE_WAIT -> LAST_ACK. Evidence: our FIN (the observer's LAST_ACK
    // cause) was captured no earlier than we entered CLOSING.
    if (s[i] == State::kLastAck && s[i - 1] == State::kCloseWait) {
      const std::size_t k = find_pair(endpoint, State::kFinWait1, State::kClosing);
      if (k != none && k + 2 < endpoint.states.size() && endpoint.states[k + 2] == State::kTimeWait &&
          !(observer.times[i] < endpoint.times[k + 1])) {
        out.push_back({kFinQueuedAtClose, i - 1, 2, {State::kFinWait1, State::kClosing, State::kTimeWait}});
      }
    }
  }
  return out;
}

}  // namespace detail

// Compares one side's endpoint path with the observer's: the final states always agree;
// the paths are equal, or become equal when some of the rewrites whose evidence holds
// are applied (every subset is tried: a site may also be one where the endpoint went
// the observer's way after a retransmission).
inline Agreement compare_paths(const CausedPath& endpoint, const CausedPath& observer) {
  Agreement a;
  if (endpoint.states.empty() || observer.states.empty()) {
    a.why = endpoint.states.empty() ? "the endpoint's path is empty" : "the observer's path is empty";
    return a;
  }
  const std::string both = "endpoint " + detail::path_text(endpoint) + ", observer " + detail::path_text(observer);
  if (endpoint.states.back() != observer.states.back()) {
    a.why = "final states differ: " + both;
    return a;
  }
  if (endpoint.states == observer.states) {
    a.agree = true;
    return a;
  }
  const auto sites = detail::candidate_rewrites(endpoint, observer);
  const std::size_t n = std::min<std::size_t>(sites.size(), 12);  // paths are short; bound the search
  for (std::uint32_t mask = 1; mask < (1U << n); ++mask) {
    std::vector<State> rewritten;
    std::vector<std::string_view> used;
    bool overlap = false;
    for (std::size_t i = 0; i < observer.states.size();) {
      const detail::Rewrite* r = nullptr;
      for (std::size_t k = 0; k < n; ++k) {
        if ((mask & (1U << k)) == 0 || sites[k].at != i) continue;
        overlap = overlap || r != nullptr;
        r = &sites[k];
      }
      if (!r) {
        rewritten.push_back(observer.states[i++]);
        continue;
      }
      used.push_back(r->rule);
      rewritten.insert(rewritten.end(), r->with.begin(), r->with.end());
      i += r->length;
    }
    if (overlap) continue;
    rewritten.erase(std::unique(rewritten.begin(), rewritten.end()), rewritten.end());  // as paths collapse repeats
    if (rewritten == endpoint.states) {
      a.agree = true;
      a.rules = std::move(used);
      return a;
    }
  }
  a.why = both + (sites.empty() ? " (no allowed difference's evidence holds)" : " (no allowed difference explains it)");
  return a;
}

}  // namespace wirestate::tcp::testing
