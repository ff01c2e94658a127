#include "cli/analyze_command.hpp"

#include <unistd.h>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/checksum_options.hpp"
#include "cli/commands.hpp"
#include "cli/detector_options.hpp"
#include "cli/diagram_output.hpp"
#include "cli/output_streams.hpp"
#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/monitor/report.hpp"
#include "wirestate/print/summary.hpp"
#include "wirestate/trace/jsonl.hpp"

namespace wirestate::cli {

namespace {

struct AnalyzeArgs {
  DetectorArgs detectors;
  std::string file;
  std::string filter;
  std::string events;
  bool json = false;
  bool packets = false;
  ChecksumArgs checksums;
  std::size_t max_connections = 65536;
  DiagramArgs diagram{.ladder = 0};  // the terminal ladder only when asked (captures are long)
};

// Files at least this large show progress on a terminal.
constexpr std::uintmax_t kProgressMinBytes = 32ULL << 20;
constexpr std::uint64_t kProgressEvery = 1ULL << 18;  // packets between progress lines

std::string path_text(const std::vector<tcp::State>& path) {
  std::string s;
  for (auto st : path) {
    if (!s.empty()) s += " > ";
    s += tcp::to_string(st);
  }
  return s.empty() ? "-" : s;
}

// "ARP alerts: N" and one line per warning or critical alert, then how many notices.
template <class DetectorAlert>
void print_alerts(std::FILE* out, const char* family, const std::vector<DetectorAlert>& all) {
  std::size_t alerts = 0;
  for (const auto& a : all) alerts += a.severity != trace::Severity::kInfo ? 1 : 0;
  fmt::print(out, "\n{} alerts: {}\n", family, alerts);
  for (const auto& a : all) {
    if (a.severity == trace::Severity::kInfo) continue;
    fmt::print(out, "  #{:<6} {:<8} {:<24} {}\n", a.packet, trace::to_string(a.severity), to_string(a.rule),
               a.message);
  }
  if (all.size() != alerts) fmt::print(out, "  ({} informational: new stations)\n", all.size() - alerts);
}

int run_analyze(const AnalyzeArgs& args) {
  auto reader = io::PcapReader::open(args.file, {.filter = args.filter});
  if (!reader) {
    std::fprintf(stderr, "wirestate analyze: %s\n", reader.error().c_str());
    return 2;
  }
  // The JSON report is data on stdout too: it cannot share stdout with --events -.
  const std::string json_out = args.json ? "-" : "";
  auto streams = text_stream({{"--json", &json_out}, {"--events", &args.events}}, false);
  if (!streams) {
    std::fprintf(stderr, "wirestate analyze: %s\n", streams.error().c_str());
    return 2;
  }
  std::FILE* out = args.json ? stdout : *streams;
  std::ofstream events_file;
  std::ostream* events_out = nullptr;
  std::unique_ptr<trace::JsonlWriter> writer;
  if (!args.events.empty()) {
    events_out = open_events(args.events, events_file);
    if (events_out == nullptr) {
      std::fprintf(stderr, "wirestate analyze: cannot write events file %s\n", args.events.c_str());
      return 2;
    }
    writer = std::make_unique<trace::JsonlWriter>(*events_out);
  }

  if (auto ok = validate(args.diagram); !ok) {
    std::fprintf(stderr, "wirestate analyze: %s\n", ok.error().c_str());
    return 2;
  }
  const bool draw = !args.diagram.path.empty() || args.diagram.ladder == 1;
  std::vector<trace::Event> drawn_events;
  std::vector<render::FrameBytes> drawn_frames;

  monitor::MonitorConfig config;
  config.observer.max_connections = args.max_connections;
  if (auto ok = apply(args.detectors, config); !ok) {
    std::fprintf(stderr, "wirestate %s: %s\n", "analyze", ok.error().c_str());
    return 2;
  }
  config.checksums = checksum_policy(args.checksums);
  config.packet_events = (writer && args.packets) || draw;
  if (config.packet_events) config.summarize = print_summarizer();
  monitor::Monitor mon(std::move(config));

  std::error_code ec;
  const std::uintmax_t file_size = std::filesystem::file_size(args.file, ec);
  const bool progress = isatty(STDERR_FILENO) == 1 && !ec && file_size >= kProgressMinBytes;
  std::uintmax_t bytes_read = 24;  // approximate: pcap file header + 16 bytes per record

  std::vector<trace::Event> events;
  net::Time last;
  while (auto packet = reader->next()) {
    const monitor::FrameIn frame{packet->data, wire::link_type_from_dlt(packet->link_type), packet->wire_len,
                                 packet->number, packet->timestamp};
    mon.on_frame(frame, events);
    last = packet->timestamp;
    if (writer) {
      for (const auto& e : events) {
        if (args.packets || !std::holds_alternative<trace::PacketEvent>(e.body)) writer->write(e);
      }
    }
    if (draw) {
      drawn_events.insert(drawn_events.end(), events.begin(), events.end());
      drawn_frames.push_back({packet->number, packet->timestamp, {packet->data.begin(), packet->data.end()},
                              frame.link});
    }
    events.clear();
    if (progress) {
      bytes_read += packet->caplen + 16;
      if (packet->number % kProgressEvery == 0) {
        std::fprintf(stderr, "\ranalyzed %llu packets (%.0f%%), %zu connections tracked",
                     static_cast<unsigned long long>(packet->number),
                     100.0 * static_cast<double>(bytes_read) / static_cast<double>(file_size),
                     mon.observer().size());
      }
    }
  }
  if (progress) std::fprintf(stderr, "\r\033[K");
  mon.finish(last, events);
  if (draw) {
    drawn_events.insert(drawn_events.end(), events.begin(), events.end());
    if (auto ok = emit_diagram(args.diagram, drawn_events, drawn_frames, {.per_connection = true, .title = args.file});
        !ok) {
      std::fprintf(stderr, "wirestate analyze: %s\n", ok.error().c_str());
      return 2;
    }
  }
  if (writer) {
    for (const auto& e : events) writer->write(e);
    events_out->flush();
    if (!*events_out) {
      std::fprintf(stderr, "wirestate analyze: error writing events file %s\n", args.events.c_str());
      return 2;
    }
  }

  monitor::ReportSource source{args.file, args.filter, std::nullopt};
  if (const auto& problem = reader->problem()) source.problem = problem->message;
  if (args.json) {
    const auto doc = monitor::report_json(mon, source);
    const std::string text = doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    std::fwrite(text.data(), 1, text.size(), out);
    std::fputc('\n', out);
  } else {
    std::fprintf(out, "%s: %llu packets%s%s\n", args.file.c_str(),
                 static_cast<unsigned long long>(mon.counters().frames),
                 args.filter.empty() ? "" : ", filter: ", args.filter.c_str());
    write_text_report(out, mon);
  }
  std::fflush(out);
  note_offloaded_senders(mon, "analyze");
  if (source.problem) {
    std::fprintf(stderr, "wirestate analyze: warning: %s (analyzed the %llu packets before it)\n",
                 source.problem->c_str(), static_cast<unsigned long long>(mon.counters().frames));
    return 2;
  }
  return 0;
}

}  // namespace

monitor::Summarizer print_summarizer() {
  return [](const monitor::FrameIn& frame, const wire::DecodedPacket& d) {
    const print::FrameInfo info{frame.number, frame.time, static_cast<std::uint32_t>(frame.data.size()),
                                d.wire_len};
    return print::summary(info, d);
  };
}

void write_text_report(std::FILE* out, const monitor::Monitor& mon) {
  const auto conns = mon.connections();
  const auto& c = mon.counters();
  fmt::print(out, "\nTCP connections: {}", conns.size());
  if (c.connections_not_kept != 0) fmt::print(out, " (+{} not listed: over the report limit)", c.connections_not_kept);
  fmt::print(out, "\n");
  // Columns as wide as the longest endpoint ("[2001:db8::1]:40000" is longer than IPv4's 21).
  std::size_t w = 21;
  for (const auto& s : conns) w = std::max({w, s.client.to_string().size(), s.server.to_string().size()});
  if (!conns.empty()) {
    fmt::print(out, "{:>5}  {:<{}}  {:<{}}  {:>7}  {:>10}  {:>10}  {:<6}  {}\n", "id", "client", w, "server", w,
               "packets", "bytes", "duration", "zeek", "history");
  }
  for (const auto& s : conns) {
    const auto unseen = s.unseen();
    fmt::print(out, "{:>5}  {:<{}}  {:<{}}  {:>7}  {:>10}  {:>9.6f}s  {:<6}  {}{}{}\n", s.id, s.client, w,
               s.server, w, s.client_to_server.packets + s.server_to_client.packets,
               s.client_to_server.bytes + s.server_to_client.bytes, s.duration().seconds_f(), s.conn_state,
               s.history, s.partial ? "  (partial: capture started mid-connection)" : "",
               unseen ? fmt::format("  (one-sided: no {} segment captured)", net::to_string(*unseen)) : "");
    fmt::print(out, "       client: {}\n", path_text(s.client_states));
    fmt::print(out, "       server: {}\n", path_text(s.server_states));
    std::string anomalies;
    for (std::size_t a = 0; a < tcp::kAnomalyCount; ++a) {
      if (s.anomalies[a] == 0) continue;
      if (!anomalies.empty()) anomalies += ", ";
      anomalies += fmt::format("{} {}", tcp::to_string(static_cast<tcp::Anomaly>(a)), s.anomalies[a]);
    }
    if (!anomalies.empty()) fmt::print(out, "       anomalies: {}\n", anomalies);
  }
  const auto& oc = mon.observer().counters();
  if (oc.evicted_closed + oc.evicted_idle != 0) {
    fmt::print(out, "  table cap {}: {} closed and {} idle connections evicted (peak {})\n",
               mon.observer().config().max_connections, oc.evicted_closed, oc.evicted_idle, oc.peak_connections);
  }

  print_alerts(out, "ARP", mon.arp_alerts());
  print_alerts(out, "NDP", mon.ndp_alerts());

  const auto flows = mon.udp_flows();
  fmt::print(out, "\nUDP flows: {}\n", flows.size());
  std::size_t fw = 21;
  for (const auto& f : flows) fw = std::max({fw, f.client.to_string().size(), f.server.to_string().size()});
  for (const auto& f : flows) {
    fmt::print(out, "{:>5}  {:<{}} > {:<{}}  {:>5} pkts {:>9} bytes  <  {:>5} pkts {:>9} bytes{}\n", f.id,
               f.client, fw, f.server, fw, f.client_to_server.packets, f.client_to_server.bytes,
               f.server_to_client.packets, f.server_to_client.bytes,
               f.icmp_unreachable != 0 ? fmt::format("  ({} ICMP unreachable)", f.icmp_unreachable) : "");
  }

  const auto& icmp = mon.icmp();
  fmt::print(out, "\nICMP: {} (echo request {}, echo reply {}, unreachable {}, time exceeded {}, other {})\n", c.icmp,
             icmp.echo_request, icmp.echo_reply, icmp.dest_unreachable, icmp.time_exceeded, icmp.other);
  const auto& rc = mon.reassembler().counters();
  if (rc.fragments != 0) {
    fmt::print(out, "IPv4 fragments: {} ({} datagrams reassembled, {} overlaps, {} timeouts, {} evicted)\n",
               rc.fragments, rc.completed, rc.overlaps, rc.timeouts, rc.evictions);
  }
  fmt::print(out, "Malformed packets: {}", c.malformed);
  if (!c.malformed_by_kind.empty()) {
    std::string kinds;
    for (const auto& [k, n] : c.malformed_by_kind) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", k, n);
    fmt::print(out, " ({})", kinds);
  }
  fmt::print(out, "\nIPv6: {} packets ({} ICMPv6)\nOther: {}\n", c.ipv6, c.icmpv6, c.other);
}

void add_analyze_command(CLI::App& app) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "Analyze a pcap/pcapng file: TCP connections (both sides' states), ARP and NDP alerts, UDP flows");
  cmd->add_option("FILE", args->file, "capture file (pcap or pcapng)")->required();
  cmd->add_option("-f,--filter", args->filter, "BPF filter expression (libpcap syntax)");
  cmd->add_option("--events", args->events, "write every event as JSON Lines to this file (- for stdout)");
  cmd->add_flag("--packets", args->packets, "with --events: also one packet event per frame");
  add_checksum_options(*cmd, args->checksums);
  cmd->add_flag("--json", args->json, "print one JSON document (see docs/analyze-json.md)");
  add_diagram_options(*cmd, args->diagram);
  add_detector_options(*cmd, args->detectors);
  cmd->add_option("--max-connections", args->max_connections, "TCP connection table cap (default 65536)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 26));
  cmd->callback([args] { set_exit_code(run_analyze(*args)); });
}

}  // namespace wirestate::cli
