#pragma once
// Helpers shared by the simulator tests.
#include <cstdint>

#include "wirestate/net/time.hpp"

namespace wirestate::sim::test {

// The virtual instant `ms` milliseconds after the start.
inline net::Time at_ms(std::int64_t ms) { return net::Time() + net::Duration::milliseconds(ms); }

}  // namespace wirestate::sim::test
