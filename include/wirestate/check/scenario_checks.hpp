#pragma once
// Evaluates a scenario's expectations on its run: the endpoints' own state sequences,
// states at given times, data delivered, alerts, ARP caches at the end, packet counts
// and ordered packet patterns.
#include <string>
#include <vector>

#include "wirestate/check/verdict.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/scenario/scenario.hpp"
#include "wirestate/sim/runner.hpp"
#include "wirestate/tcp/state.hpp"
#include "wirestate/trace/event.hpp"

namespace wirestate::check {

// One verdict per expectation, in the scenario's order.
std::vector<Verdict> evaluate(const scenario::Scenario& scenario, const sim::RunResult& run);

// The state sequence of one side of a connection from tcp_state events of one origin:
// the first event's from-state when it is not CLOSED, then every to-state, with
// consecutive repeats collapsed. Also gives the packet that caused each entry (0 for the
// first from-state, a timer or a user call) and when it was entered.
struct StatePath {
  std::vector<tcp::State> states;
  std::vector<std::uint64_t> packets;
  std::vector<net::Time> times;
};
StatePath state_path(const std::vector<trace::Event>& events, trace::ConnNameId conn, net::Side side,
                     trace::Origin origin);

// The observer's verdict on one side of TCP connection `conn` (id in the run's names): its
// inferred path against the endpoint's, from a run's events, where `segments_on_wire`
// segments of the connection crossed the wire. An empty path never passes silently: with
// no segment on the wire the observer must have inferred nothing; with segments, a side
// empty on one view only fails and says which; both empty (the endpoint never had the
// connection, e.g. a refused SYN, and the observer inferred nothing) agree.
Verdict observer_verdict(const std::vector<trace::Event>& events, trace::ConnNameId id, const std::string& conn,
                         net::Side side, std::uint64_t segments_on_wire);

// "[SYN_SENT, ESTABLISHED]".
std::string to_string(const std::vector<tcp::State>& states);

}  // namespace wirestate::check
