#pragma once
// Helpers for the monitor tests: run a capture file through a Monitor, craft frames.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wirestate/monitor/monitor.hpp"
#include "wirestate/wire/frame_builder.hpp"

namespace wirestate::monitor::testing {

// The real Linux captures of ../shared/pcaps/kernel, each NAME.pcap beside NAME.json, its
// ground truth (the kernel's own states, taken with ss/ip while it ran).
std::filesystem::path kernel_dir();
// The sidecar NAME.json of kernel_dir() (fails the test, and is an empty object, when absent).
nlohmann::json kernel_sidecar(const std::string& name);

// A monitor that has read a whole file (and been finished), with every event it emitted.
struct FileRun {
  Monitor monitor;
  std::vector<trace::Event> events;
  std::uint64_t packets = 0;
  bool read_ok = true;           // the file opened
  bool complete = true;          // no truncation / bad record
  std::string error;
};

// Reads path (pcap/pcapng) through io::PcapReader into a fresh Monitor.
FileRun run_file(const std::string& path, MonitorConfig config = {});

// Called with the monitor as it stands after `frames` frames: once with 0 before the first
// frame, then after each one (before finish()), so a test can compare it with a snapshot
// "after frame N".
using AfterFrame = std::function<void(std::uint64_t frames, const Monitor& monitor)>;
// run_file, calling after_frame along the way.
FileRun run_file(const std::string& path, MonitorConfig config, const AfterFrame& after_frame);

// The names of a state path ("CLOSED", "SYN_SENT", ...).
std::vector<std::string> names_of(const std::vector<tcp::State>& path);

// The observer's tcp_state events of one connection and side, in order.
std::vector<trace::TcpStateEvent> state_events(const std::vector<trace::Event>& events, const std::string& conn,
                                               net::Side side);

// Crafting: Ethernet + IPv4 + TCP between 10.0.0.1 (02:..:01) and 10.0.0.2 (02:..:02).
struct Crafter {
  // One TCP frame; from_client picks the direction; flags as tcpdump prints them.
  std::vector<std::uint8_t> tcp(bool from_client, std::string_view flags, std::uint32_t seq, std::uint32_t ack,
                                std::vector<std::uint8_t> payload = {}, std::uint16_t client_port = 40000,
                                std::uint16_t server_port = 80);
  std::vector<std::uint8_t> udp(bool from_client, std::size_t payload_len, std::uint16_t client_port = 5353,
                                std::uint16_t server_port = 53);
  // Feeds a frame numbered packets+1 at `ms` milliseconds.
  void feed(Monitor& m, const std::vector<std::uint8_t>& frame, double ms, std::vector<trace::Event>& out);
  std::uint64_t packets = 0;
};

// tcpdump flags ("S", "S.", ".", "P.", "F.", "R", "R.") as TcpFlags.
wire::TcpFlags flags_of(std::string_view text);

}  // namespace wirestate::monitor::testing
