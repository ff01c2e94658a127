#include "cli/check_command.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/checksum_options.hpp"
#include "cli/commands.hpp"
#include "cli/diagram_output.hpp"
#include "wirestate/check/capture_checks.hpp"
#include "wirestate/check/junit.hpp"
#include "wirestate/check/scenario_checks.hpp"
#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/monitor/monitor.hpp"
#include "wirestate/scenario/load.hpp"
#include "wirestate/sim/runner.hpp"

namespace wirestate::cli {

namespace {

struct CheckArgs {
  std::string target;
  std::vector<std::string> expect;  // files or preset names
  std::string junit;
  std::string filter;   // -f: a BPF expression choosing the packets (and so the connections) checked
  DiagramArgs diagram;  // its --conn selectors also choose what is checked
  ChecksumArgs checksums;
};

// With --verify-checksums a bad TCP checksum is an error of the capture: one verdict
// that fails when any segment had one (the segments themselves moved no state).
check::Verdict checksum_verdict(const monitor::Monitor& mon) {
  check::Verdict v{"--verify-checksums", "every TCP checksum verifies", true, "", 0};
  std::uint64_t bad = 0;
  std::uint64_t segments = 0;
  for (const auto& s : mon.checksum_senders().senders()) {
    bad += s.bad;
    segments += s.segments;
  }
  v.pass = bad == 0 && segments != 0;
  if (segments == 0) v.detail = "no TCP segment was seen";
  else if (bad != 0) v.detail = fmt::format("{} of {} TCP segments have bad checksums", bad, segments);
  return v;
}

// The --conn values that are connection selectors (addresses, endpoints, pairs; the
// diagram's other forms, N and :port and names, choose only what is drawn).
std::vector<check::ConnSelector> selectors(const std::vector<std::string>& conn) {
  std::vector<check::ConnSelector> out;
  for (const auto& text : conn) {
    if (auto sel = check::ConnSelector::parse(text)) out.push_back(*sel);
  }
  return out;
}

// Keeps the connections one of the selectors picks (all when there are none).
void narrow(check::Observation& seen, const std::vector<check::ConnSelector>& sel,
            const std::vector<std::string>& conn) {
  if (sel.empty()) return;
  seen.scope = fmt::format("--conn {}", fmt::join(conn, ","));
  std::erase_if(seen.connections, [&](const tcp::ConnectionSummary& c) {
    return std::none_of(sel.begin(), sel.end(), [&](const check::ConnSelector& s) { return s.matches(c); });
  });
}

bool wants_diagram(const DiagramArgs& d) { return !d.path.empty() || d.ladder == 1; }

bool is_scenario(const std::string& path) {
  return path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

tl::expected<std::string, std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected(fmt::format("{}: cannot read the file", path));
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The scenario with its expectations replaced by those of an expectation file (the
// scenario's own when no file is given), validated by the strict loader.
tl::expected<scenario::Scenario, std::string> load_with(const std::string& target, const std::string* expect_file) {
  if (!expect_file) {
    auto sc = scenario::load_file(target);
    if (!sc) return tl::unexpected(sc.error().to_string());
    return *sc;
  }
  auto target_text = read_file(target);
  if (!target_text) return tl::unexpected(target_text.error());
  auto expect_text = read_file(*expect_file);
  if (!expect_text) return tl::unexpected(expect_text.error());
  // The scenario alone must be valid first, so that its errors name its own file.
  if (auto alone = scenario::load_string(*target_text, target); !alone) return tl::unexpected(alone.error().to_string());
  auto expect_doc = nlohmann::ordered_json::parse(*expect_text, nullptr, false);
  if (expect_doc.is_discarded() || !expect_doc.is_object() || !expect_doc.contains("expect") || expect_doc.size() != 1) {
    // Let the loader report where: it gives line:column for syntax errors.
    auto probe = scenario::load_string(*expect_text, *expect_file);
    return tl::unexpected(fmt::format("{}: /: expected {{\"expect\": [ ... ]}} in the scenario expectation language{}",
                                      *expect_file, probe ? "" : " (" + probe.error().to_string() + ")"));
  }
  auto doc = nlohmann::ordered_json::parse(*target_text);
  doc["expect"] = expect_doc["expect"];
  auto sc = scenario::load_string(doc.dump(), *expect_file);
  if (!sc) return tl::unexpected(sc.error().to_string());
  return *sc;
}

check::Observation observe_frames(const sim::Simulator& sim) {
  monitor::Monitor m;
  std::vector<trace::Event> sink;
  for (const auto& f : sim.frames()) {
    m.on_frame(monitor::FrameIn{*f.bytes, wire::LinkType::kEthernet, static_cast<std::uint32_t>(f.bytes->size()),
                                f.number, f.time},
               sink);
    sink.clear();
  }
  if (!sim.frames().empty()) m.finish(sim.frames().back().time, sink);
  return {m.connections(), m.arp_alerts(), m.ndp_alerts(), m.counters().frames, {}};
}

// The verdicts on the target, or why there are none (bad input: exit 2).
tl::expected<std::vector<check::Verdict>, std::string> evaluate_target(const CheckArgs& args) {
  std::vector<std::string> files;
  std::vector<std::string> presets;
  for (const auto& e : args.expect) (check::is_preset(e) ? presets : files).push_back(e);
  std::vector<check::Verdict> verdicts;
  const auto sel = selectors(args.diagram.conn);
  if (auto ok = validate(args.diagram); !ok) return tl::unexpected(ok.error());

  if (is_scenario(args.target)) {
    if (!args.filter.empty()) return tl::unexpected(std::string("-f filters a capture; for a scenario, choose connections with --conn"));
    if (files.size() > 1) return tl::unexpected(std::string("give at most one expectation file for a scenario"));
    auto sc = load_with(args.target, files.empty() ? nullptr : &files.front());
    if (!sc) return tl::unexpected(sc.error());
    const auto run = sim::run(*sc);
    if (wants_diagram(args.diagram)) {
      if (auto ok = emit_run_diagram(args.diagram, run, sc->name); !ok) return tl::unexpected(ok.error());
    }
    if (!files.empty() || presets.empty()) verdicts = check::evaluate(*sc, run);
    if (!presets.empty()) {
      auto seen = observe_frames(*run.sim);
      narrow(seen, sel, args.diagram.conn);
      for (const auto& p : presets) verdicts.push_back(check::evaluate_preset(p, seen));
    }
  } else {
    std::vector<check::CaptureExpectations> loaded;
    for (const auto& f : files) {
      auto e = check::load_capture_expectations(f);
      if (!e) return tl::unexpected(e.error());
      loaded.push_back(std::move(*e));
    }
    if (loaded.empty() && presets.empty()) {
      return tl::unexpected(fmt::format("a capture needs --expect FILE or a preset ({})",
                                        fmt::join(check::preset_names(), ", ")));
    }
    auto reader = io::PcapReader::open(args.target, {.filter = args.filter});
    if (!reader) return tl::unexpected(reader.error());
    const wire::LinkType link = wire::link_type_from_dlt(reader->link_type());
    monitor::MonitorConfig config;
    config.checksums = checksum_policy(args.checksums);
    const bool draw = wants_diagram(args.diagram);
    config.packet_events = draw;
    monitor::Monitor m(config);
    std::vector<trace::Event> events;
    std::vector<render::FrameBytes> frames;
    net::Time last;
    while (auto p = reader->next()) {
      m.on_frame(monitor::FrameIn{p->data, link, p->wire_len, p->number, p->timestamp}, events);
      if (draw) frames.push_back({p->number, p->timestamp, {p->data.begin(), p->data.end()}, link});
      else events.clear();
      last = p->timestamp;
    }
    m.finish(last, events);
    if (draw) {
      if (auto ok = emit_diagram(args.diagram, events, frames, {.per_connection = true, .title = args.target}); !ok) return tl::unexpected(ok.error());
    }
    if (const auto& problem = reader->problem()) return tl::unexpected(problem->message);
    note_offloaded_senders(m, "check");
    check::Observation seen{m.connections(), m.arp_alerts(), m.ndp_alerts(), m.counters().frames, {}};
    narrow(seen, sel, args.diagram.conn);
    if (args.checksums.enforce) verdicts.push_back(checksum_verdict(m));
    for (const auto& e : loaded) {
      auto v = check::evaluate(e, seen);
      verdicts.insert(verdicts.end(), v.begin(), v.end());
    }
    for (const auto& p : presets) verdicts.push_back(check::evaluate_preset(p, seen));
  }

  return verdicts;
}

// Prints the verdicts and writes the JUnit report: on bad input too, as one errored
// testcase, so that a report left by an earlier run never survives this one.
int run_check(const CheckArgs& args) {
  const std::string suite = "wirestate check " + args.target;
  auto result = evaluate_target(args);
  if (!result) std::fprintf(stderr, "wirestate check: %s\n", result.error().c_str());
  if (!args.junit.empty()) {
    std::ofstream out(args.junit, std::ios::trunc);
    out << (result ? check::junit_xml(suite, *result) : check::junit_error_xml(suite, result.error()));
    if (!out) {
      std::fprintf(stderr, "wirestate check: cannot write %s\n", args.junit.c_str());
      return 2;
    }
  }
  if (!result) return 2;
  const auto& verdicts = *result;
  std::size_t passed = 0;
  for (const auto& v : verdicts) {
    if (v.pass) ++passed;
    std::printf("  %s  %-10s %s\n", v.pass ? "PASS" : "FAIL", v.pointer.c_str(), v.name.c_str());
    if (!v.pass) {
      std::printf("        %s%s\n", v.detail.c_str(), v.packet ? fmt::format(" [packet {}]", v.packet).c_str() : "");
    }
  }
  std::printf("%zu passed, %zu failed\n", passed, verdicts.size() - passed);
  return passed == verdicts.size() ? 0 : 1;
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Check expectations on a scenario run or a capture (exit 0/1/2, JUnit)");
  cmd->add_option("TARGET", args->target, "a scenario (.json) or a capture (pcap/pcapng)")->required();
  cmd->add_option("--expect", args->expect,
                  "an expectation file, or a preset: handshake, clean-close, no-rst, no-retransmissions, no-arp-alerts");
  cmd->add_option("--junit", args->junit, "write the verdicts as JUnit XML");
  cmd->add_option("-f,--filter", args->filter,
                  "BPF filter expression (libpcap syntax): check only the packets, and so the connections, it keeps");
  add_diagram_options(*cmd, args->diagram);
  add_checksum_options(*cmd, args->checksums);
  cmd->callback([args] { set_exit_code(run_check(*args)); });
}

}  // namespace wirestate::cli
