#pragma once
// Ctrl-C, SIGTERM and SIGHUP ask a run to stop between replicates, so that the
// partial results file is removed instead of being left behind.

#include <string>

namespace trialsim::cli {

//! Installs SIGINT / SIGTERM / SIGHUP handlers that only record the request
//! (a second signal of the same kind then ends the process at once).
void catch_interrupts();
bool interrupt_requested();
//! The signal received (0 when none), for the exit code 128 + signal.
int interrupt_signal();
//! "SIGINT", "SIGTERM" or "SIGHUP".
std::string signal_name(int signal);

} // namespace trialsim::cli
