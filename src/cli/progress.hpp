#pragma once
// A one-line progress bar with rate and ETA on stderr, drawn only when stderr is a terminal.

#include <chrono>
#include <cstdint>

namespace trialsim::cli {

class ProgressBar {
public:
  explicit ProgressBar(bool enabled);
  void update(std::int64_t done, std::int64_t total);
  void finish();
  //! Replicates done when a bar was last updated (drawn or not), for messages.
  static std::int64_t last_done();
  static std::int64_t last_total();

private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

} // namespace trialsim::cli
