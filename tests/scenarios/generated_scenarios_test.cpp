// Property test: hundreds of generated scenarios (random sizes, loss, duplication,
// reordering, latency and closing orders) deliver their data intact and both ends finish
// in CLOSED (TIME_WAIT has expired by the end). On runs where the link lost nothing, the
// passive observer agrees with the endpoints; with loss it may not, and that is a limit of
// any single capture point: it sees a FIN or ACK the link then drops (or, placed after
// the loss, misses a crossing FIN), so it cannot know what the receiver went through.
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "wirestate/check/scenario_checks.hpp"
#include "wirestate/scenario/load.hpp"
#include "wirestate/sim/rng.hpp"
#include "wirestate/sim/runner.hpp"

namespace wirestate {
namespace {

std::string generate(std::uint64_t seed) {
  sim::Rng rng(seed);
  const auto to_server = rng.uniform(20000);
  const auto to_client = rng.uniform(20000);
  const double loss = static_cast<double>(rng.uniform(8)) / 100.0;       // 0..7 %
  const double dup = static_cast<double>(rng.uniform(4)) / 100.0;        // 0..3 %
  const double reorder = static_cast<double>(rng.uniform(10)) / 100.0;   // 0..9 %
  const auto latency_us = 100 + rng.uniform(20000);
  // Who closes first: 0 client, 1 server, 2 both at once (simultaneous close).
  const auto order = rng.uniform(3);
  const char* first = order == 1 ? "server" : "client";
  const char* second = order == 1 ? "client" : "server";
  const char* gap = order == 2 ? "+0ms" : "+200ms";
  return fmt::format(R"({{
    "name": "generated {}", "seed": {},
    "hosts": {{ "client": {{ "mac": "02:00:00:00:00:01", "ip": "10.0.0.1", "tcp": {{ "msl": "1s" }} }},
               "server": {{ "mac": "02:00:00:00:00:02", "ip": "10.0.0.2", "tcp": {{ "msl": "1s" }} }} }},
    "link": {{ "latency": "{}us", "loss": {}, "duplicate": {}, "reorder": {} }},
    "duration": "600s",
    "steps": [
      {{ "at": "0ms", "host": "server", "listen": 80 }},
      {{ "at": "1ms", "host": "client", "connect": "server:80", "as": "c" }},
      {{ "at": "5s", "host": "client", "send": {{ "conn": "c", "bytes": {} }} }},
      {{ "at": "+0ms", "host": "server", "send": {{ "conn": "c", "bytes": {} }} }},
      {{ "at": "60s", "host": "{}", "close": "c" }},
      {{ "at": "{}", "host": "{}", "close": "c" }}
    ],
    "expect": [
      {{ "delivered": {{ "conn": "c", "to": "server", "bytes": {}, "intact": true }} }},
      {{ "delivered": {{ "conn": "c", "to": "client", "bytes": {}, "intact": true }} }}
    ]
  }})",
                     seed, seed, latency_us, loss, dup, reorder, to_server, to_client, first, gap, second,
                     to_server, to_client);
}

TEST(GeneratedScenarios, DeliverIntactAndEndClosed) {
  constexpr std::uint64_t kRuns = 200;
  std::uint64_t lossless_runs = 0;
  for (std::uint64_t seed = 1; seed <= kRuns; ++seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    const std::string text = generate(seed);
    auto sc = scenario::load_string(text, fmt::format("generated-{}", seed));
    ASSERT_TRUE(sc) << sc.error().to_string();
    const auto run = sim::run(*sc);
    const bool lossless = run.sim->link_stats().lost == 0;
    for (const auto& v : check::evaluate(*sc, run)) {
      if (!lossless && v.pointer.rfind("/observer/", 0) == 0) continue;
      EXPECT_TRUE(v.pass) << v.pointer << " " << v.name << ": " << v.detail << "\n" << text;
    }
    if (lossless) ++lossless_runs;
    for (const char* side : {"client", "server"}) {
      const auto path = check::state_path(run.sim->events(), "c", side, trace::Origin::kEndpoint);
      ASSERT_FALSE(path.states.empty());
      // With MSL 1 s and a 600 s run, TIME_WAIT has expired too.
      EXPECT_EQ(path.states.back(), tcp::State::kClosed) << side << " " << check::to_string(path.states);
    }
  }
  // The agreement check must have had something to check.
  EXPECT_GE(lossless_runs, 20U);
}

}  // namespace
}  // namespace wirestate
