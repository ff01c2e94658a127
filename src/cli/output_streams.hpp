#pragma once
// Where a command's outputs go. "-" names stdout, for one data output at most (the pcap of
// -w -, the events of --events -); then every message goes to stderr, so that stdout
// carries data only and pipes into tcpdump, tshark or jq (DESIGN: stdout is text or data,
// never both).
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <ostream>
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace wirestate::cli {

// One data output: its option name ("-w") and its path as given.
using DataOutput = std::pair<const char*, const std::string*>;

// The stream for messages and reports: stdout, or stderr when a data output is "-". Two
// outputs on stdout are bad input. line_buffered (-l) makes that stream line-buffered,
// as tcpdump -l does, so a pipe sees each line as it is made.
tl::expected<std::FILE*, std::string> text_stream(std::initializer_list<DataOutput> data, bool line_buffered);

// The stream for JSON Lines events: std::cout for "-", otherwise `file` opened on path
// (truncated); nullptr when it cannot be opened.
std::ostream* open_events(const std::string& path, std::ofstream& file);

}  // namespace wirestate::cli
