#include <cmath>

#include "trialsim/results.hpp"

namespace trialsim {

namespace {

// Buckets (gamma^(k-1), gamma^k] with gamma = (1 + a) / (1 - a): the bucket's
// representative value 2 gamma^k / (gamma + 1) is within a relative error a of
// every value in it (Masson, Rim and Lee 2019, DDSketch).
constexpr double RELATIVE_ACCURACY = 1e-4;
const double LOG_GAMMA = std::log((1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY));

} // namespace

void QuantileSketch::add(double x) {
  ++count_;
  if (!(x > 0.0)) {
    ++zeros_; // zero (and, defensively, anything not positive)
  } else if (std::isinf(x)) {
    ++infinities_;
  } else {
    ++buckets_[static_cast<std::int64_t>(std::ceil(std::log(x) / LOG_GAMMA))];
  }
}

double QuantileSketch::quantile(double level) const {
  if (count_ == 0) return std::nan("");
  // Inverse of the empirical distribution function: the smallest x with F(x) >= level.
  const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(level * count_)));
  std::int64_t seen = zeros_;
  if (seen >= rank) return 0.0;
  for (const auto& [key, n] : buckets_) {
    seen += n;
    if (seen >= rank) {
      const double gamma = std::exp(LOG_GAMMA);
      return 2.0 * std::exp(static_cast<double>(key) * LOG_GAMMA) / (gamma + 1.0);
    }
  }
  return INFINITE_TIME;
}

void DistributionAccumulator::add(double x) {
  if (std::isnan(x)) return; // no value (an HR that does not exist): neither in the mean nor in the quantiles
  sketch_.add(x);
  if (!std::isfinite(x)) return;
  // Welford's running mean and sum of squared deviations.
  ++finite_count_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(finite_count_);
  sum_squares_ += delta * (x - mean_);
}

Distribution DistributionAccumulator::summary() const {
  Distribution d;
  d.count = finite_count_;
  d.mean = finite_count_ > 0 ? mean_ : std::nan("");
  d.sd = finite_count_ > 1 ? std::sqrt(sum_squares_ / static_cast<double>(finite_count_ - 1)) : std::nan("");
  for (std::size_t q = 0; q < QUANTILE_LEVELS.size(); ++q) {
    const double value = sketch_.quantile(QUANTILE_LEVELS[q]);
    // Counts are integers: report them as such (buckets are narrower than 1 below 5000).
    d.quantiles[q] = integer_ && std::isfinite(value) ? std::round(value) : value;
  }
  return d;
}

} // namespace trialsim
