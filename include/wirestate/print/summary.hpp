#pragma once
// One-line packet summaries in the style of `tcpdump -nn -S` (absolute sequence numbers).
#include <string>

#include "wirestate/print/frame_info.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::print {

// How the time column is printed.
enum class TimeFormat {
  kMicro,  // "20:40:24.639644" (UTC), as tcpdump prints by default
  kNano,   // "20:40:24.639644123" (UTC), as tcpdump --nano
};

// Appends the summary of one decoded frame (no trailing newline) to out:
//   "20:40:24.720675 IP 10.77.0.1.34216 > 10.77.0.2.5000: Flags [S], seq 3153029685,
//    win 64240, options [mss 1460,sackOK,TS val 1430011069 ecr 0,nop,wscale 10], length 0"
// VLAN tags come first ("vlan 10, "); malformations are appended as
// " [malformed: ipv4 total_length bad_total_length @16]"; a header cut by the capture
// ends in tcpdump's "[|tcp]".
void append_summary(std::string& out, const FrameInfo& frame, const wire::DecodedPacket& packet,
                    TimeFormat time_format = TimeFormat::kMicro);

// The same as a new string.
std::string summary(const FrameInfo& frame, const wire::DecodedPacket& packet,
                    TimeFormat time_format = TimeFormat::kMicro);

// "HH:MM:SS.uuuuuu" (or 9 decimals) of t in UTC, as tcpdump's default time column.
std::string time_of_day(net::Time t, TimeFormat time_format = TimeFormat::kMicro);

}  // namespace wirestate::print
