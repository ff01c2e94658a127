#pragma once
// JSON Lines form of the event stream: one object per event, keys documented in README.
#include <ostream>

#include <nlohmann/json.hpp>

#include "wirestate/trace/event.hpp"

namespace wirestate::trace {

// {"t": seconds as a decimal string, "kind": ..., then the kind's fields}. Connections
// print by their name in `names` (a scenario run), else as "client-server".
nlohmann::json to_json(const Event& event, const ConnNames* names = nullptr);

// Writes each event as one line of JSON to a stream it does not own.
class JsonlWriter {
 public:
  explicit JsonlWriter(std::ostream& out, const ConnNames* names = nullptr) : out_(out), names_(names) {}
  void write(const Event& event);

 private:
  std::ostream& out_;
  const ConnNames* names_;
};

}  // namespace wirestate::trace
