#pragma once
// The spoof detectors' options shared by analyze and capture: --bindings FILE (static
// IPv4/IPv6 -> MAC bindings, for both detectors) and --router ADDR (the link's routers:
// an IPv6 link-local address or a MAC, repeatable; RAs from anyone else are rogue).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <tl/expected.hpp>

#include "wirestate/monitor/monitor.hpp"

namespace wirestate::cli {

struct DetectorArgs {
  std::string bindings;              // --bindings: JSON file, "" for none
  std::vector<std::string> routers;  // --router: IPv6 addresses or MACs
};

// Adds --bindings and --router to a subcommand.
void add_detector_options(CLI::App& cmd, DetectorArgs& args);

// Loads the bindings and parses the routers into the monitor's detector settings; a bad
// file or address is bad input (the message names it).
tl::expected<void, std::string> apply(const DetectorArgs& args, monitor::MonitorConfig& config);

}  // namespace wirestate::cli
