#pragma once
// Progress of a long run on stderr. On a terminal: a one-line bar with rate and
// ETA, redrawn in place. Otherwise (a batch or Slurm log, a pipe): a line at every
// tenth of the run and one as each scenario of a sweep starts, so a log shows how
// far a job got. Nothing with --quiet.

#include <chrono>
#include <cstdint>
#include <string>

namespace trialsim::cli {

class ProgressBar {
 public:
  //! `enabled` false (--quiet) draws nothing.
  explicit ProgressBar(bool enabled);
  void update(std::int64_t done, std::int64_t total);
  //! Scenario `index` (from 0) of `count` starts; a line in a log, nothing on a terminal.
  void scenario(std::size_t index, std::size_t count, const std::string& label);
  void finish();
  //! Replicates done when a bar was last updated (drawn or not), for messages.
  static std::int64_t last_done();
  static std::int64_t last_total();

 private:
  enum class Mode { off, terminal, lines };
  void draw_bar(std::int64_t done, std::int64_t total, double rate, double eta);
  void write_line(std::int64_t done, std::int64_t total, double rate, double eta);
  Mode mode_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::int64_t last_tenth_ = 0;  // the last tenth of the run written as a line
};

}  // namespace trialsim::cli
