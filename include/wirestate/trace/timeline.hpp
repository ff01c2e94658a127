#pragma once
// The readable timeline: one line per event, time first, aligned so that packets and
// the state changes they cause read top to bottom.
#include <string>

#include "wirestate/trace/event.hpp"

namespace wirestate::trace {

// Seconds since `origin` with microseconds: "   1.002000".
std::string relative_time(net::Time t, net::Time origin);

// One line (no newline) for an event, times relative to origin:
//   "   0.001000  #1  client > *  ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28"
//   "   0.002000      client  c[client] SYN_SENT -> ESTABLISHED  (rcv S. ...)"
//   "   0.003000  #4  client > server  LOST (loss)  IP 10.0.0.1.32768 > ..."
// Connections print by their name in `names` (a scenario run), else as "client-server".
std::string timeline_line(const Event& event, net::Time origin, const ConnNames* names = nullptr);

}  // namespace wirestate::trace
