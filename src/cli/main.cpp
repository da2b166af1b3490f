// trialsim command line: parses arguments, runs one subcommand, and maps
// failures to exit codes (0 success, 2 invalid input, 1 internal error).

#include <cerrno>
#include <cstring>
#include <iostream>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "commands.hpp"
#include "interrupt.hpp"
#include "suggestions.hpp"
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

// A parse error as every other input error: "trialsim: error: ...", exit code 2.
// Help and --version are not errors.
int parse_failure(const CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == 0) return app.exit(error);
  std::cerr << "trialsim: error: " << trialsim::cli::parse_error_message(app, error) << '\n';
  return 2;
}

// HDF5's filter pipeline and zlib allocate and free buffers of 64 to 256 KB for every chunk
// written. Under glibc's default thresholds those come from mmap, or from a heap top that is
// trimmed again on free, so every chunk paid fresh page faults: 7% of a one-core run. A
// process that runs one job can keep the freed memory for the next chunk.
void keep_freed_memory() {
#ifdef __GLIBC__
  constexpr int MMAP_THRESHOLD = 64 << 20;   // bytes; only larger blocks are mapped
  constexpr int TRIM_THRESHOLD = 256 << 20;  // bytes of free heap top kept before it is returned
  mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
  mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  using namespace trialsim;
  keep_freed_memory();
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
  if (argc > 1) {
    if (const auto unknown = cli::unknown_command_message(app, argv[1])) {
      std::cerr << "trialsim: error: " << *unknown << '\n';
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return parse_failure(app, error);
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
