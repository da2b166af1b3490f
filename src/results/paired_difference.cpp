#include "trialsim/paired_difference.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace trialsim {

namespace {

bool efficacy(const TrialOutcome& outcome) {
  return outcome.looks[static_cast<std::size_t>(outcome.stop_look)].decision == EFFICACY;
}

}  // namespace

PowerDifference paired_power_difference(std::int64_t efficacy, std::int64_t reference_efficacy, std::int64_t gained,
                                        std::int64_t lost, std::int64_t replicates) {
  const auto n = static_cast<double>(replicates);
  // d_r = e_r - e0_r takes the values +1 (gained), -1 (lost) and 0.
  const double gained_share = static_cast<double>(gained) / n;
  const double lost_share = static_cast<double>(lost) / n;
  const double mean = gained_share - lost_share;
  const double variance = gained_share + lost_share - mean * mean;
  const double p = static_cast<double>(efficacy) / n;
  const double p0 = static_cast<double>(reference_efficacy) / n;
  return {mean, std::sqrt(std::max(variance, 0.0) / n), std::sqrt((p * (1 - p) + p0 * (1 - p0)) / n)};
}

PairedPowerDifference::PairedPowerDifference(std::int64_t replicates)
    : reference_(static_cast<std::size_t>(replicates), false) {}

void PairedPowerDifference::add(std::size_t scenario, std::int64_t offset, std::span<const TrialOutcome> outcomes) {
  if (scenario > sums_.size() || offset < 0 || static_cast<std::size_t>(offset) + outcomes.size() > reference_.size()) {
    throw std::out_of_range("paired difference: scenario or replicates out of order");
  }
  if (scenario == sums_.size()) sums_.emplace_back();
  Sums& sums = sums_[scenario];
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const std::size_t r = static_cast<std::size_t>(offset) + i;
    const bool here = efficacy(outcomes[i]);
    if (scenario == 0) reference_[r] = here;
    sums.efficacy += here;
    sums.gained += here && !reference_[r];
    sums.lost += !here && reference_[r];
  }
}

std::vector<PowerDifference> PairedPowerDifference::differences() const {
  const auto n = static_cast<std::int64_t>(reference_.size());
  std::vector<PowerDifference> result;
  if (sums_.empty() || n == 0) return result;
  for (const Sums& sums : sums_) {
    result.push_back(paired_power_difference(sums.efficacy, sums_.front().efficacy, sums.gained, sums.lost, n));
  }
  return result;
}

}  // namespace trialsim
