#include "progress.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace trialsim::cli {

namespace {
std::atomic<std::int64_t> replicates_done{0};
std::atomic<std::int64_t> replicates_total{0};
}  // namespace

ProgressBar::ProgressBar(bool enabled)
    : mode_(!enabled                     ? Mode::off
            : isatty(STDERR_FILENO) != 0 ? Mode::terminal
                                         : Mode::lines),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

std::int64_t ProgressBar::last_done() {
  return replicates_done.load();
}
std::int64_t ProgressBar::last_total() {
  return replicates_total.load();
}

void ProgressBar::update(std::int64_t done, std::int64_t total) {
  replicates_done.store(done);
  replicates_total.store(total);
  if (mode_ == Mode::off || total <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
  if (mode_ == Mode::lines) {
    write_line(done, total, rate, eta);
    return;
  }
  // Redraw at most ten times a second, and always at the end.
  if (done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw_bar(done, total, rate, eta);
}

void ProgressBar::draw_bar(std::int64_t done, std::int64_t total, double rate, double eta) {
  constexpr int WIDTH = 30;
  const int filled = static_cast<int>(WIDTH * done / total);
  char bar[WIDTH + 1];
  for (int i = 0; i < WIDTH; ++i) bar[i] = i < filled ? '#' : '.';
  bar[WIDTH] = '\0';
  std::fprintf(stderr, "\r[%s] %3d%%  %lld/%lld  %.0f replicates/s  ETA %.0f s ", bar,
               static_cast<int>(100 * done / total), static_cast<long long>(done), static_cast<long long>(total), rate,
               eta);
  std::fflush(stderr);
}

// One line when the run passes the next tenth (one line for several tenths passed in one block).
void ProgressBar::write_line(std::int64_t done, std::int64_t total, double rate, double eta) {
  const std::int64_t tenth = 10 * done / total;
  if (tenth <= last_tenth_) return;
  last_tenth_ = tenth;
  std::fprintf(stderr, "trialsim: %d%% (%lld/%lld replicates, %.0f replicates/s, ETA %.0f s)\n",
               static_cast<int>(100 * done / total), static_cast<long long>(done), static_cast<long long>(total), rate,
               eta);
  std::fflush(stderr);
}

void ProgressBar::scenario(std::size_t index, std::size_t count, const std::string& label) {
  if (mode_ != Mode::lines) return;
  // k/K counts from 1; "#k" is the scenario's number in the table and the file (from 0).
  std::fprintf(stderr, "trialsim: scenario %zu/%zu: #%zu %s\n", index + 1, count, index, label.c_str());
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (mode_ == Mode::terminal) std::fprintf(stderr, "\r%*s\r", 90, "");
}

}  // namespace trialsim::cli
