#pragma once
// Reading `wirestate analyze --json` reports in the CLI tests.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wirestate::test {

// The state path of one side ("client" or "server") of a connection of the report.
inline std::vector<std::string> side_states(const nlohmann::json& conn, const char* side) {
  return conn.at(side).at("states").get<std::vector<std::string>>();
}

}  // namespace wirestate::test
