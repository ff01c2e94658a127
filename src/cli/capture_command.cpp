#include "cli/capture_command.hpp"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analyze_command.hpp"
#include "cli/checksum_options.hpp"
#include "cli/commands.hpp"
#include "cli/detector_options.hpp"
#include "cli/output_streams.hpp"
#include "wirestate/io/live_capture.hpp"
#include "wirestate/io/pcap_writer.hpp"
#include "wirestate/monitor/monitor.hpp"
#include "wirestate/trace/jsonl.hpp"
#include "wirestate/trace/timeline.hpp"

namespace wirestate::cli {

namespace {

struct CaptureArgs {
  DetectorArgs detectors;
  std::string interface;
  std::string filter;
  std::string write;
  std::string events;
  std::uint64_t count = 0;   // 0 = unlimited
  double duration = 0;       // seconds; 0 = unlimited
  bool quiet = false;        // no live event lines
  bool line_buffered = false;  // -l
  ChecksumArgs checksums;
  std::size_t max_connections = 65536;
};

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int) { g_stop = 1; }

// Installs the SIGINT/SIGTERM handlers without SA_RESTART (so the wait in poll() ends at
// once) and restores the previous ones when it goes out of scope.
class StopSignals {
 public:
  StopSignals() {
    g_stop = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// Live lines: every event except per-packet ones.
bool printable(const trace::Event& e) { return !std::holds_alternative<trace::PacketEvent>(e.body); }

int run_capture(const CaptureArgs& args) {
  // The handlers come first: a Ctrl-C while the interface opens ends the capture cleanly (an
  // empty but valid pcap) instead of killing the process before the file has its header.
  StopSignals signals;
  auto text = text_stream({{"-w", &args.write}, {"--events", &args.events}}, args.line_buffered);
  if (!text) {
    std::fprintf(stderr, "wirestate capture: %s\n", text.error().c_str());
    return 2;
  }
  std::FILE* out = *text;
  auto capture = io::LiveCapture::open({.interface = args.interface, .filter = args.filter});
  if (!capture) {
    std::fprintf(stderr, "wirestate capture: %s\n", capture.error().c_str());
    return 2;
  }
  std::optional<io::PcapWriter> writer;
  if (!args.write.empty()) {
    auto w = io::PcapWriter::open(args.write, {.link_type = capture->link_type(),
                                               .precision = io::TimePrecision::kMicro,
                                               .snaplen = static_cast<std::uint32_t>(capture->snaplen()),
                                               .flush_each_packet = true});
    if (!w) {
      std::fprintf(stderr, "wirestate capture: %s\n", w.error().c_str());
      return 2;
    }
    writer.emplace(std::move(*w));
  }
  std::ofstream events_file;
  std::ostream* events_out = nullptr;
  std::unique_ptr<trace::JsonlWriter> jsonl;
  if (!args.events.empty()) {
    events_out = open_events(args.events, events_file);
    if (events_out == nullptr) {
      std::fprintf(stderr, "wirestate capture: cannot write events file %s\n", args.events.c_str());
      return 2;
    }
    jsonl = std::make_unique<trace::JsonlWriter>(*events_out);
  }

  monitor::MonitorConfig config;
  config.observer.max_connections = args.max_connections;
  if (auto ok = apply(args.detectors, config); !ok) {
    std::fprintf(stderr, "wirestate %s: %s\n", "capture", ok.error().c_str());
    return 2;
  }
  // The capturing host's own segments are captured before the NIC computes their
  // checksums (offload): flagged and counted by default, never dropped unless asked.
  config.checksums = checksum_policy(args.checksums);
  monitor::Monitor mon(std::move(config));
  const wire::LinkType link = wire::link_type_from_dlt(capture->link_type());

  // tcpdump's readiness line: from here on, packets are captured and a signal stops cleanly.
  std::fprintf(stderr, "wirestate capture: listening on %s, link-type %s, snapshot length %d bytes%s%s\n",
               args.interface.c_str(), std::string(wire::to_string(link)).c_str(), capture->snaplen(),
               args.filter.empty() ? "" : ", filter: ", args.filter.c_str());

  const net::Time started = io::LiveCapture::now();
  const std::optional<net::Time> deadline =
      args.duration > 0 ? std::optional(started + net::Duration::nanoseconds(static_cast<std::int64_t>(args.duration * 1e9)))
                        : std::nullopt;
  std::optional<net::Time> origin;
  net::Time last = started;
  std::uint64_t packets = 0;
  std::vector<trace::Event> events;
  std::optional<std::string> failure;

  auto emit = [&](std::vector<trace::Event>& batch) {
    for (const auto& e : batch) {
      if (jsonl) jsonl->write(e);
      if (!args.quiet && printable(e)) {
        std::fprintf(out, "%s\n", trace::timeline_line(e, origin.value_or(e.time)).c_str());
      }
    }
    if (!batch.empty()) {
      std::fflush(out);
      if (events_out != nullptr) events_out->flush();  // a live stream: each batch as it comes
    }
    batch.clear();
  };

  auto on_packet = [&](const io::Packet& p) {
    if (!origin) origin = p.timestamp;
    last = p.timestamp;
    ++packets;
    if (writer && !failure) {
      if (auto w = writer->write(p.timestamp, p.data, p.wire_len); !w) failure = w.error();
    }
    mon.on_frame({p.data, link, p.wire_len, p.number, p.timestamp}, events);
    emit(events);
  };

  while (g_stop == 0 && !failure) {
    if (args.count != 0 && packets >= args.count) break;
    int wait_ms = 200;
    if (deadline) {
      const net::Time now = io::LiveCapture::now();
      if (now >= *deadline) break;
      wait_ms = static_cast<int>(std::min<std::int64_t>(200, (*deadline - now).ns() / 1'000'000 + 1));
    }
    const int budget = args.count != 0 ? static_cast<int>(std::min<std::uint64_t>(args.count - packets, 1 << 20)) : 0;
    auto got = capture->poll(wait_ms, on_packet, budget);
    if (!got) failure = got.error();
  }

  // Packets already in the kernel's buffer when we were told to stop still count.
  for (int round = 0; round < 64 && !failure; ++round) {
    if (args.count != 0 && packets >= args.count) break;
    const int budget = args.count != 0 ? static_cast<int>(std::min<std::uint64_t>(args.count - packets, 1 << 20)) : 0;
    auto got = capture->poll(0, on_packet, budget);
    if (!got || *got == 0) break;
  }

  mon.finish(last, events);
  emit(events);
  if (writer) {
    if (auto c = writer->close(); !c && !failure) failure = c.error();
  }
  if (events_out != nullptr) events_out->flush();

  write_text_report(out, mon);
  std::fflush(out);
  note_offloaded_senders(mon, "capture");
  // tcpdump's closing lines, with pcap_stats(3PCAP) figures.
  std::fprintf(stderr, "%llu packets captured\n", static_cast<unsigned long long>(packets));
  if (auto s = capture->stats()) {
    std::fprintf(stderr, "%llu packets received by filter\n%llu packets dropped by kernel\n"
                         "%llu packets dropped by interface\n",
                 static_cast<unsigned long long>(s->received), static_cast<unsigned long long>(s->dropped),
                 static_cast<unsigned long long>(s->interface_dropped));
  } else {
    std::fprintf(stderr, "wirestate capture: %s\n", s.error().c_str());
  }
  if (failure) {
    std::fprintf(stderr, "wirestate capture: %s\n", failure->c_str());
    return 2;
  }
  return 0;
}

}  // namespace

void add_capture_command(CLI::App& app) {
  auto args = std::make_shared<CaptureArgs>();
  CLI::App* cmd = app.add_subcommand(
      "capture", "Capture live from an interface: TCP states and ARP/NDP alerts as they happen (needs CAP_NET_RAW)");
  cmd->add_option("-i,--interface", args->interface, "interface to capture on")->required();
  cmd->add_option("-f,--filter", args->filter, "BPF filter expression (libpcap syntax)");
  cmd->add_option("-w,--write", args->write, "save every captured packet to this pcap file (- for stdout)");
  cmd->add_option("-c,--count", args->count, "stop after N packets");
  cmd->add_option("--duration", args->duration, "stop after S seconds")->check(CLI::NonNegativeNumber);
  cmd->add_option("--events", args->events, "write every event as JSON Lines to this file (- for stdout)");
  cmd->add_flag("-l", args->line_buffered, "line-buffered output (each line as soon as it is made)");
  add_checksum_options(*cmd, args->checksums);
  cmd->add_flag("-q,--quiet", args->quiet, "no live event lines, only the final report");
  add_detector_options(*cmd, args->detectors);
  cmd->add_option("--max-connections", args->max_connections, "TCP connection table cap (default 65536)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 26));
  cmd->callback([args] { set_exit_code(run_capture(*args)); });
}

}  // namespace wirestate::cli
