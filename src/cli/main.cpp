// trialsim command line: parses arguments, runs one subcommand, and maps
// failures to exit codes (0 success, 2 invalid input, 1 internal error).

#include <cerrno>
#include <cstring>
#include <iostream>

#include "commands.hpp"
#include "interrupt.hpp"
#include "trialsim/error.hpp"
#include "trialsim/version.hpp"

namespace {

// A table or message that cannot be written (stdout on a full disk, /dev/full) is a failure too.
int checked_output(int code) {
  std::cout.flush();
  if (std::cout) return code;
  std::cerr << "trialsim: error: cannot write to standard output (" << std::strerror(errno) << ")\n";
  return code == 0 ? 2 : code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace trialsim;
  cli::handle_interrupts();
  CLI::App app{"trialsim: Monte Carlo operating characteristics of two-arm time-to-event trial designs"};
  app.set_version_flag("--version", std::string("trialsim ") + VERSION + " (" + GIT_SHA + ")");
  app.require_subcommand(1);
  cli::Action action;
  cli::add_run_command(app, action);
  cli::add_check_command(app, action);
  cli::add_boundaries_command(app, action);
  cli::add_show_command(app, action);
  cli::add_merge_command(app, action);
  cli::add_design_command(app, action);
  cli::add_solve_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  try {
    return checked_output(action());
  } catch (const InputError& error) {
    std::cerr << "trialsim: error: " << error.what() << '\n';
    return checked_output(2);
  } catch (const std::exception& error) {
    std::cerr << "trialsim: internal error: " << error.what() << '\n';
    return 1;
  }
}
