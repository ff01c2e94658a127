#pragma once
// The fuzz harnesses (fuzz/harness/*.hpp), shared with the normal test build so every
// regression input is replayed through exactly the entry point that found it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../../fuzz/harness/arp.hpp"
#include "../../fuzz/harness/bindings.hpp"
#include "../../fuzz/harness/decode.hpp"
#include "../../fuzz/harness/ipv6.hpp"
#include "../../fuzz/harness/monitor.hpp"
#include "../../fuzz/harness/pcap.hpp"
#include "../../fuzz/harness/scenario.hpp"
#include "../../fuzz/harness/tcp_endpoint.hpp"

namespace wirestate::robustness {

using Harness = int (*)(const std::uint8_t*, std::size_t);

// The harness of a fuzz target by its name (the folder under tests/regressions/), or
// nullptr for an unknown name.
inline Harness harness_for(std::string_view target) {
  if (target == "decode") return &fuzz::fuzz_decode;
  if (target == "pcap") return &fuzz::fuzz_pcap;
  if (target == "scenario") return &fuzz::fuzz_scenario;
  if (target == "tcp_endpoint") return &fuzz::fuzz_tcp_endpoint;
  if (target == "arp") return &fuzz::fuzz_arp;
  if (target == "monitor") return &fuzz::fuzz_monitor;
  if (target == "bindings") return &fuzz::fuzz_bindings;
  if (target == "ipv6") return &fuzz::fuzz_ipv6;
  return nullptr;
}

}  // namespace wirestate::robustness
