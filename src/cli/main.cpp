// The wirestate command: one subcommand per job (see README).
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"wirestate: raw-packet protocol simulator and analyzer (ARP, IPv4, TCP, UDP)"};
  app.set_version_flag("--version", "wirestate 0.1.0");
  app.require_subcommand(1);
  wirestate::cli::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help; usage mistakes are bad input (exit 2, as documented).
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return wirestate::cli::exit_code();
}
