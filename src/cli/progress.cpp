#include "progress.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace trialsim::cli {

ProgressBar::ProgressBar(bool enabled)
    : enabled_(enabled && isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

namespace {
std::atomic<std::int64_t> replicates_done{0};
std::atomic<std::int64_t> replicates_total{0};
} // namespace

std::int64_t ProgressBar::last_done() { return replicates_done.load(); }
std::int64_t ProgressBar::last_total() { return replicates_total.load(); }

void ProgressBar::update(std::int64_t done, std::int64_t total) {
  replicates_done.store(done);
  replicates_total.store(total);
  if (!enabled_ || total <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  // Redraw at most ten times a second, and always at the end.
  if (done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
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

void ProgressBar::finish() {
  if (enabled_) std::fprintf(stderr, "\r%*s\r", 90, "");
}

} // namespace trialsim::cli
