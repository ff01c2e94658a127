#pragma once
// Runs a loaded scenario: builds its hosts and link, performs its steps at their virtual
// times, and records the frames, the events and what each host ended with. The checks of
// its expectations live in the check module; this only runs.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wirestate/scenario/scenario.hpp"
#include "wirestate/sim/simulator.hpp"

namespace wirestate::sim {

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  // Called with every event as it happens (the live timeline).
  std::function<void(const trace::Event&)> on_event;
  // Called with every frame put on the wire (pcap writer, passive monitor).
  std::function<void(const WireFrame&)> on_frame;
};

// A step that could not be performed at run time (e.g. send on a connection the peer
// already reset): reported, the run goes on.
struct StepFailure {
  std::string pointer;  // "/steps/4"
  std::string message;
};

struct RunResult {
  std::unique_ptr<Simulator> sim;
  std::vector<StepFailure> failures;
  net::Time end;  // virtual time when the run stopped
  std::uint64_t seed = 0;
};

// The run's length: the scenario's duration, or the last step plus 2·MSL (the longest
// of any host) plus 10 s, so that TIME_WAIT can expire.
net::Time run_end(const scenario::Scenario& scenario);

// Runs the scenario to its end.
RunResult run(const scenario::Scenario& scenario, const RunOptions& options = {});

// The link parameters of scenario settings applied over base.
LinkParams apply(const scenario::LinkSettings& settings, LinkParams base);

// The host configuration a scenario host describes (defaults where unset).
HostConfig host_config(const scenario::Host& host, std::uint64_t seed, std::size_t index);

}  // namespace wirestate::sim
