#include <algorithm>
#include <cassert>
#include <cmath>

#include "trialsim/model.hpp"

namespace trialsim {

namespace {

// Index of the last interval start <= x in an ascending vector whose first element is 0.
std::size_t interval_of(const std::vector<double>& starts, double x) {
  std::size_t k = 0;
  while (k + 1 < starts.size() && starts[k + 1] <= x) ++k;
  return k;
}

} // namespace

SurvivalDistribution::SurvivalDistribution(const SurvivalModel& model)
    : base_(model.base), cure_(model.cure_fraction), ratio_breaks_(model.ratio_breaks),
      hazard_ratios_(model.hazard_ratios) {
  if (base_.family == BaseHazard::Family::piecewise_exponential) {
    base_cumulative_at_break_.assign(base_.breaks.size(), 0.0);
    for (std::size_t k = 1; k < base_.breaks.size(); ++k) {
      base_cumulative_at_break_[k] =
          base_cumulative_at_break_[k - 1] + base_.hazards[k - 1] * (base_.breaks[k] - base_.breaks[k - 1]);
    }
  }
  population_at_ratio_break_.resize(ratio_breaks_.size());
  arm_at_ratio_break_.assign(ratio_breaks_.size(), 0.0);
  for (std::size_t j = 0; j < ratio_breaks_.size(); ++j) {
    population_at_ratio_break_[j] = population_cumulative(ratio_breaks_[j]);
    if (j > 0) {
      arm_at_ratio_break_[j] = arm_at_ratio_break_[j - 1] +
                               hazard_ratios_[j - 1] * (population_at_ratio_break_[j] - population_at_ratio_break_[j - 1]);
    }
  }
  single_rate_ = base_.family == BaseHazard::Family::piecewise_exponential && base_.hazards.size() == 1 &&
                 cure_ == 0.0 && hazard_ratios_.size() == 1;
  if (single_rate_) rate_ = base_.hazards[0] * hazard_ratios_[0];
}

double SurvivalDistribution::base_cumulative(double t) const {
  if (base_.family == BaseHazard::Family::weibull) {
    return std::pow(t / base_.weibull_scale, base_.weibull_shape);
  }
  const std::size_t k = interval_of(base_.breaks, t);
  return base_cumulative_at_break_[k] + base_.hazards[k] * (t - base_.breaks[k]);
}

double SurvivalDistribution::base_inverse(double h) const {
  if (base_.family == BaseHazard::Family::weibull) {
    return base_.weibull_scale * std::pow(h, 1.0 / base_.weibull_shape);
  }
  // Last interval whose cumulative start is <= h; zero-hazard intervals are skipped
  // because the cumulative does not grow across them.
  std::size_t k = interval_of(base_cumulative_at_break_, h);
  while (k + 1 < base_.breaks.size() && base_cumulative_at_break_[k + 1] <= h) ++k;
  if (base_.hazards[k] <= 0.0) return INFINITE_TIME;
  return base_.breaks[k] + (h - base_cumulative_at_break_[k]) / base_.hazards[k];
}

double SurvivalDistribution::population_cumulative(double t) const {
  const double h0 = base_cumulative(t);
  if (cure_ == 0.0) return h0;
  return -std::log(cure_ + (1.0 - cure_) * std::exp(-h0));
}

double SurvivalDistribution::population_inverse(double y) const {
  if (cure_ == 0.0) return base_inverse(y);
  // Solve c + (1 - c) e^-H0 = e^-y; no solution below the cure plateau.
  const double s = std::exp(-y);
  if (s <= cure_) return INFINITE_TIME;
  return base_inverse(-std::log((s - cure_) / (1.0 - cure_)));
}

double SurvivalDistribution::cumulative_hazard(double t) const {
  if (t <= 0.0) return 0.0;
  const std::size_t j = interval_of(ratio_breaks_, t);
  return arm_at_ratio_break_[j] + hazard_ratios_[j] * (population_cumulative(t) - population_at_ratio_break_[j]);
}

double SurvivalDistribution::invert_general(double e) const {
  // The hazard-ratio interval in which the arm's cumulative hazard reaches e.
  const std::size_t j = interval_of(arm_at_ratio_break_, e);
  const double y = population_at_ratio_break_[j] + (e - arm_at_ratio_break_[j]) / hazard_ratios_[j];
  const double t = population_inverse(y);
  // With a cure fraction Hp is bounded, so e may exceed what interval j can reach.
  if (j + 1 < ratio_breaks_.size() && t > ratio_breaks_[j + 1]) return INFINITE_TIME;
  return t;
}

} // namespace trialsim
