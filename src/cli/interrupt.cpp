#include "interrupt.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>

namespace trialsim::cli {

namespace {
// Lock-free, so safe to set from a signal handler and to read from the worker threads.
std::atomic<int> received_signal{0};
std::atomic<bool> polled{false};  // set by catch_interrupts(): the command stops at its next poll
static_assert(std::atomic<int>::is_always_lock_free);
static_assert(std::atomic<bool>::is_always_lock_free);

constexpr int HANDLED[] = {SIGINT, SIGTERM, SIGHUP};

// Only async-signal-safe calls here: atomics, write and _exit.
extern "C" void on_signal(int signal) {
  if (polled.load()) {
    received_signal.store(signal);
    return;
  }
  // Nothing is being written yet (the design is being read or validated, or a file shown):
  // there is nothing to clean up, so stop now, as the default action would, but with the
  // exit code a shell gives a process ended by the signal.
  const char* name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "SIGHUP";
  const char prefix[] = "\ntrialsim: interrupted by ";
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, prefix, sizeof prefix - 1);
  ignored = ::write(STDERR_FILENO, name, std::strlen(name));
  ignored = ::write(STDERR_FILENO, "\n", 1);
  ::_exit(128 + signal);
}
}  // namespace

void handle_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (int signal : HANDLED) sigaddset(&action.sa_mask, signal);
  // The first signal asks the run to stop cleanly; SA_RESETHAND restores the default
  // action, so a second one ends a run that does not stop at once.
  action.sa_flags = SA_RESETHAND;
  // Installed even when SIGINT or SIGTERM was ignored at startup (a job started with & by a
  // script ignores SIGINT): a request to stop is never lost in the first milliseconds. A
  // SIGHUP ignored at startup stays ignored: that is nohup's request to outlive the terminal.
  for (int signal : HANDLED) {
    struct sigaction previous {};
    sigaction(signal, nullptr, &previous);
    if (signal == SIGHUP && previous.sa_handler == SIG_IGN) continue;
    sigaction(signal, &action, nullptr);
  }
  // With a file size limit (ulimit -f), the write that crosses it fails with EFBIG and is
  // reported like a full disk (the partial file removed) instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
}

void catch_interrupts() {
  polled.store(true);
}

bool interrupt_requested() {
  return received_signal.load(std::memory_order_relaxed) != 0;
}
int interrupt_signal() {
  return received_signal.load();
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "signal " + std::to_string(signal);
  }
}

}  // namespace trialsim::cli
