#include "interrupt.hpp"

#include <atomic>
#include <csignal>

namespace trialsim::cli {

namespace {
// Lock-free, so safe to set from a signal handler and to read from the worker threads.
std::atomic<int> received_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void record_signal(int signal) { received_signal.store(signal); }
} // namespace

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  // The first signal asks the run to stop cleanly; SA_RESETHAND restores the default
  // action, so a second Ctrl-C ends a run that does not stop at once.
  action.sa_flags = SA_RESETHAND;
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &action, nullptr);
}

bool interrupt_requested() { return received_signal.load(std::memory_order_relaxed) != 0; }
int interrupt_signal() { return received_signal.load(); }

std::string signal_name(int signal) {
  switch (signal) {
  case SIGINT: return "SIGINT";
  case SIGTERM: return "SIGTERM";
  case SIGHUP: return "SIGHUP";
  default: return "signal " + std::to_string(signal);
  }
}

} // namespace trialsim::cli
