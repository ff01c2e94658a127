#include "cli/run_command.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/diagram_output.hpp"
#include "cli/output_streams.hpp"
#include "wirestate/check/scenario_checks.hpp"
#include "wirestate/io/pcap_writer.hpp"
#include "wirestate/scenario/load.hpp"
#include "wirestate/sim/runner.hpp"
#include "wirestate/trace/jsonl.hpp"
#include "wirestate/trace/timeline.hpp"

namespace wirestate::cli {

namespace {

struct RunArgs {
  std::string scenario;
  std::string pcap;
  std::string events;
  std::optional<std::uint64_t> seed;
  bool quiet = false;
  bool line_buffered = false;
  DiagramArgs diagram;
};

tl::expected<void, std::string> write_pcap(const std::string& path, const sim::Simulator& sim) {
  auto writer = io::PcapWriter::open(path, {.link_type = 1, .precision = io::TimePrecision::kNano});
  if (!writer) return tl::unexpected(writer.error());
  for (const auto& f : sim.frames()) {
    if (auto ok = writer->write(f.time, *f.bytes); !ok) return ok;
  }
  return writer->close();
}

int run_scenario(const RunArgs& args) {
  auto loaded = scenario::load_file(args.scenario);
  if (!loaded) {
    std::fprintf(stderr, "wirestate run: %s\n", loaded.error().to_string().c_str());
    return 2;
  }
  const scenario::Scenario& sc = *loaded;
  if (auto ok = validate(args.diagram); !ok) {
    std::fprintf(stderr, "wirestate run: %s\n", ok.error().c_str());
    return 2;
  }

  // Open the outputs first: a path we cannot write is bad input, found before the run.
  auto text = text_stream({{"-w", &args.pcap}, {"--events", &args.events}}, args.line_buffered);
  if (!text) {
    std::fprintf(stderr, "wirestate run: %s\n", text.error().c_str());
    return 2;
  }
  std::FILE* out = *text;
  if (out == stderr && args.diagram.ladder == 1) {
    std::fprintf(stderr, "wirestate run: --ladder draws on stdout, which already carries data here\n");
    return 2;
  }
  std::ofstream events_file;
  std::ostream* events_out = nullptr;
  if (!args.events.empty()) {
    events_out = open_events(args.events, events_file);
    if (events_out == nullptr) {
      std::fprintf(stderr, "wirestate run: cannot write events to %s\n", args.events.c_str());
      return 2;
    }
  }

  std::fprintf(out, "scenario: %s\n", sc.name.c_str());
  if (!sc.description.empty()) std::fprintf(out, "%s\n", sc.description.c_str());
  std::fprintf(out, "\n");

  sim::RunOptions options;
  options.seed = args.seed;
  const sim::RunResult run = sim::run(sc, options);
  if (!args.quiet) {
    // In time order: the observer reports some changes (TIME_WAIT expiry) only when the
    // run ends, after later frames were already recorded.
    std::vector<const trace::Event*> timeline;
    for (const auto& e : run.sim->events()) timeline.push_back(&e);
    std::stable_sort(timeline.begin(), timeline.end(),
                     [](const trace::Event* a, const trace::Event* b) { return a->time < b->time; });
    for (const auto* e : timeline) {
      std::fprintf(out, "%s\n", trace::timeline_line(*e, net::Time(), &run.sim->names()).c_str());
    }
  }
  const auto verdicts = check::evaluate(sc, run);

  if (!args.pcap.empty()) {
    if (auto ok = write_pcap(args.pcap, *run.sim); !ok) {
      std::fprintf(stderr, "wirestate run: %s\n", ok.error().c_str());
      return 2;
    }
  }
  if (events_out != nullptr) {
    trace::JsonlWriter writer(*events_out, &run.sim->names());
    for (const auto& e : run.sim->events()) writer.write(e);
    for (const auto& v : verdicts) {
      writer.write({run.end, trace::VerdictEvent{v.name, v.pass, v.detail}});
    }
    events_out->flush();
  }

  {
    auto drawn = emit_run_diagram(args.diagram, run, sc.name);
    if (!drawn) {
      std::fprintf(stderr, "wirestate run: %s\n", drawn.error().c_str());
      return 2;
    }
  }

  std::size_t passed = 0;
  std::fprintf(out, "\nexpectations (seed %llu, %zu frames, run ended at %s):\n",
              static_cast<unsigned long long>(run.seed), run.sim->frames().size(),
              run.end.since_epoch().to_string().c_str());
  for (const auto& v : verdicts) {
    if (v.pass) ++passed;
    std::fprintf(out, "  %s  %-10s %s%s\n", v.pass ? "PASS" : "FAIL", v.pointer.c_str(), v.name.c_str(),
                v.pass ? "" : fmt::format("\n        {}", v.detail).c_str());
  }
  std::fprintf(out, "%zu passed, %zu failed\n", passed, verdicts.size() - passed);
  if (!args.pcap.empty()) {
    std::fprintf(out, "wrote %s (%zu frames)\n", args.pcap == "-" ? "stdout" : args.pcap.c_str(),
                 run.sim->frames().size());
  }
  return passed == verdicts.size() ? 0 : 1;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Simulate a scenario: timeline, pcap, expectations");
  cmd->add_option("SCENARIO", args->scenario, "scenario file (JSON, see docs/scenario-format.md)")->required();
  cmd->add_option("-w,--write", args->pcap, "write the frames on the wire to this pcap file (- for stdout)");
  cmd->add_option("--events", args->events, "write the event trace as JSON Lines (- for stdout)");
  cmd->add_flag("-l", args->line_buffered, "line-buffered output (each line as soon as it is made)");
  // CLI11 reads "-1" into an unsigned as 2^64-1 (strtoull): only digits are a seed.
  cmd->add_option("--seed", args->seed, "override the scenario's seed (0..2^64-1)")
      ->check(CLI::Validator(
          [](std::string& s) {
            return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos
                       ? std::string()
                       : "expected a seed (a non-negative integer), got " + s;
          },
          "SEED"));
  cmd->add_flag("-q,--quiet", args->quiet, "print only the expectations");
  add_diagram_options(*cmd, args->diagram);
  cmd->callback([args] { set_exit_code(run_scenario(*args)); });
}

}  // namespace wirestate::cli
