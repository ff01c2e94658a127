#pragma once
// The loader's parts, each reading one section into the Scenario. Each records the first
// problem in the Reader and leaves the Scenario partly filled (the caller discards it).
// Internal to src/scenario.
#include <string>

#include "reader.hpp"
#include "wirestate/scenario/scenario.hpp"

namespace wirestate::scenario::detail {

// "hosts": an object of name -> host.
void read_hosts(Reader& r, const Json& j, const std::string& ptr, Scenario& sc);
// A link object (top-level "link" or a link-change step); hosts must be read already.
LinkSpec read_link(Reader& r, const Json& j, const std::string& ptr, const Scenario& sc);
// "steps": in file order, times non-decreasing; defines sc.conns.
void read_steps(Reader& r, const Json& j, const std::string& ptr, Scenario& sc);
// "inject" of a step sent by host.
InjectFrame read_inject(Reader& r, const Json& j, const std::string& ptr, const Host& host);
// "expect": steps must be read already (connections are known).
void read_expect(Reader& r, const Json& j, const std::string& ptr, Scenario& sc);
// "host:port" / "ip:port" (need_port) or "host" / "ip" (!need_port).
Target read_target(Reader& r, const Json& j, const std::string& ptr, const Scenario& sc, bool need_port);

}  // namespace wirestate::scenario::detail
