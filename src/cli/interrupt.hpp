#pragma once
// Ctrl-C and SIGTERM ask a run to stop between blocks, so that the partial
// results file is removed instead of being left behind.

namespace trialsim::cli {

//! Installs SIGINT / SIGTERM handlers that only record the request.
void catch_interrupts();
bool interrupt_requested();
//! The signal received (0 when none), for the exit code 128 + signal.
int interrupt_signal();

} // namespace trialsim::cli
