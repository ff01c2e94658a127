#pragma once
// The two ends of a connection or flow. The one side vocabulary of the tree: the observer,
// the simulator, the scenario's expectations and the trace events all say which end with it.
#include <cstdint>
#include <string_view>

namespace wirestate::net {

// The client opened the connection (sent the first SYN; with no SYN seen, the first
// packet); the server is the other end.
enum class Side : std::uint8_t { kClient, kServer };

// "client" or "server".
constexpr std::string_view to_string(Side side) noexcept { return side == Side::kClient ? "client" : "server"; }

constexpr Side opposite(Side side) noexcept { return side == Side::kClient ? Side::kServer : Side::kClient; }

}  // namespace wirestate::net
