#include "cli/commands.hpp"
#include "cli/analyze_command.hpp"
#include "cli/capture_command.hpp"
#include "cli/decode_command.hpp"
#include "cli/check_command.hpp"
#include "cli/run_command.hpp"

namespace wirestate::cli {

namespace {
int g_exit_code = 0;
}  // namespace

void register_commands(CLI::App& app) {
  (void)app;  // subcommands are added here as their modules land
  add_decode_command(app);
  add_analyze_command(app);
  add_capture_command(app);
  add_run_command(app);
  add_check_command(app);
}

int exit_code() { return g_exit_code; }
void set_exit_code(int code) { g_exit_code = code; }

}  // namespace wirestate::cli
