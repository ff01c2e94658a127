#pragma once
// Test helper: loads a trace written by tests/render/fixtures/make_fixtures.cpp (the
// events in the JSONL vocabulary of trace::to_json, the frames as hex) back into the
// types the render module takes.
#include <string>
#include <vector>

#include "wirestate/render/ladder.hpp"
#include "wirestate/trace/event.hpp"

namespace wirestate::render::testing {

struct Fixture {
  std::string name;
  std::vector<trace::Event> events;
  std::vector<FrameBytes> frames;
  trace::ConnNames names;  // the run's connection names (none for a capture)
};

// Reads tests/render/golden/<name>.trace.json; fails the current test when it cannot.
Fixture load_fixture(const std::string& name);

// Path of a file under tests/render/golden/.
std::string golden_path(const std::string& file);

// The whole file, or "" when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace wirestate::render::testing
