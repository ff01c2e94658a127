#pragma once
// JSON Lines form of the event stream: one object per event, keys documented in README.
#include <ostream>

#include <nlohmann/json.hpp>

#include "wirestate/trace/event.hpp"

namespace wirestate::trace {

// {"t": seconds as a decimal string, "kind": ..., then the kind's fields}.
nlohmann::json to_json(const Event& event);

// Writes each event as one line of JSON to a stream it does not own.
class JsonlWriter {
 public:
  explicit JsonlWriter(std::ostream& out) : out_(out) {}
  void write(const Event& event);

 private:
  std::ostream& out_;
};

}  // namespace wirestate::trace
