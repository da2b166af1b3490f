#include "interrupt.hpp"

#include <csignal>

namespace trialsim::cli {

namespace {
volatile std::sig_atomic_t received_signal = 0;
extern "C" void record_signal(int signal) { received_signal = signal; }
} // namespace

void catch_interrupts() {
  std::signal(SIGINT, record_signal);
  std::signal(SIGTERM, record_signal);
}

bool interrupt_requested() { return received_signal != 0; }
int interrupt_signal() { return received_signal; }

} // namespace trialsim::cli
