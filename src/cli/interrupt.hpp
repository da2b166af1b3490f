#pragma once
// Ctrl-C, SIGTERM and SIGHUP: before a command writes anything they end the
// process at once (exit code 128 + signal); once it writes (run, merge, solve),
// they ask it to stop between replicates, so that the partial results file is
// removed instead of being left behind.

#include <string>

namespace trialsim::cli {

//! Installs the SIGINT / SIGTERM / SIGHUP handlers (first thing in main) and ignores SIGXFSZ.
void handle_interrupts();
//! From now on a signal is only recorded, for the command to poll with interrupt_requested()
//! (a second signal of the same kind then ends the process at once).
void catch_interrupts();
bool interrupt_requested();
//! The signal received (0 when none), for the exit code 128 + signal.
int interrupt_signal();
//! "SIGINT", "SIGTERM" or "SIGHUP".
std::string signal_name(int signal);

} // namespace trialsim::cli
