#include "cli/diagram_output.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "wirestate/render/svg.hpp"
#include "wirestate/render/terminal.hpp"

namespace wirestate::cli {

namespace {
bool ends_with(const std::string& s, const char* suffix) {
  const std::string t(suffix);
  return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}
}  // namespace

void add_diagram_options(CLI::App& cmd, DiagramArgs& args) {
  cmd.add_option("--diagram", args.path, "write a ladder diagram: FILE.svg or FILE.html (self-contained)");
  cmd.add_flag("--ladder{1},--no-ladder{0}", args.ladder,
               "draw the ladder in the terminal (default: when stdout is a terminal)");
  cmd.add_option("--conn", args.conn,
                 "draw only these connections: N (1-based), a name, ip, ip:port ([v6]:port) or :port; `check` also "
                 "checks only those an address, endpoint or client-server pair selects");
}

tl::expected<void, std::string> validate(const DiagramArgs& args) {
  if (!args.path.empty() && !ends_with(args.path, ".svg") && !ends_with(args.path, ".html")) {
    return tl::unexpected(fmt::format("--diagram {}: expected a file name ending in .svg or .html", args.path));
  }
  return {};
}

tl::expected<void, std::string> emit_diagram(const DiagramArgs& args, const std::vector<trace::Event>& events,
                                             const std::vector<render::FrameBytes>& frames,
                                             render::LadderOptions options) {
  const bool terminal = args.ladder == 1 || (args.ladder == -1 && ::isatty(STDOUT_FILENO) != 0);
  if (!terminal && args.path.empty()) return {};
  options.select = args.conn;
  const render::Ladder ladder = render::build_ladder(events, frames, options);
  if (terminal) {
    const bool color = ::isatty(STDOUT_FILENO) != 0;
    std::printf("\n%s\n", render::to_terminal(ladder, {.width = 100, .color = color}).c_str());
  }
  if (!args.path.empty()) {
    std::ofstream out(args.path, std::ios::trunc);
    out << (ends_with(args.path, ".html") ? render::to_html(ladder) : render::to_svg(ladder));
    if (!out) return tl::unexpected(fmt::format("cannot write the diagram to {}", args.path));
  }
  return {};
}

tl::expected<void, std::string> emit_run_diagram(const DiagramArgs& args, const sim::RunResult& run,
                                                 const std::string& title) {
  std::vector<render::FrameBytes> frames;
  for (const auto& f : run.sim->frames()) frames.push_back({f.number, f.time, *f.bytes, wire::LinkType::kEthernet});
  std::vector<trace::Event> own;
  for (const auto& e : run.sim->events()) {
    const auto* s = std::get_if<trace::TcpStateEvent>(&e.body);
    if (!s || s->origin == trace::Origin::kEndpoint) own.push_back(e);
  }
  return emit_diagram(args, own, frames, {.title = title, .names = &run.sim->names()});
}

}  // namespace wirestate::cli
