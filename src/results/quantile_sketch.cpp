#include <algorithm>
#include <cmath>

#include "trialsim/results.hpp"

namespace trialsim {

namespace {

// Buckets (gamma^(k-1), gamma^k] with gamma = (1 + a) / (1 - a): the bucket's
// representative value 2 gamma^k / (gamma + 1) is within a relative error a of
// every value in it (Masson, Rim and Lee 2019, DDSketch).
constexpr double RELATIVE_ACCURACY = QuantileSketch::RELATIVE_ACCURACY;
const double LOG_GAMMA = std::log((1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY));

} // namespace

void QuantileSketch::add(double x) {
  ++count_;
  if (!std::isnan(x)) {
    smallest_ = std::min(smallest_, x);
    largest_ = std::max(largest_, x);
  }
  if (!(x > 0.0)) {
    ++zeros_; // zero (and, defensively, anything not positive)
    return;
  }
  if (std::isinf(x)) {
    ++infinities_;
    return;
  }
  // Many quantities repeat from replicate to replicate (the events at an event-driven look,
  // the time of a calendar look): their key is the last one, without the logarithm.
  if (x != last_value_) {
    last_value_ = x;
    last_key_ = static_cast<std::int64_t>(std::ceil(std::log(x) / LOG_GAMMA));
  }
  const std::int64_t key = last_key_;
  const auto end_key = first_key_ + static_cast<std::int64_t>(buckets_.size());
  if (buckets_.empty()) {
    first_key_ = key;
    buckets_.assign(1, 0);
  } else if (key < first_key_ && static_cast<std::size_t>(end_key - key) <= MAX_DENSE) {
    // Down by at least the current size, so that falling keys cost amortised constant time.
    const std::int64_t grow = std::max<std::int64_t>(first_key_ - key, static_cast<std::int64_t>(buckets_.size()));
    const std::int64_t new_first = std::max(first_key_ - grow, end_key - static_cast<std::int64_t>(MAX_DENSE));
    buckets_.insert(buckets_.begin(), static_cast<std::size_t>(first_key_ - new_first), 0);
    first_key_ = new_first;
  } else if (key >= end_key && static_cast<std::size_t>(key - first_key_) < MAX_DENSE) {
    buckets_.resize(static_cast<std::size_t>(key - first_key_) + 1, 0);
  }
  if (key < first_key_ || key - first_key_ >= static_cast<std::int64_t>(buckets_.size())) {
    ++outliers_[key];
    return;
  }
  ++buckets_[static_cast<std::size_t>(key - first_key_)];
}

double QuantileSketch::quantile(double level) const {
  if (count_ == 0) return std::nan("");
  // A bucket's representative value may lie beyond every value in it (by up to the
  // relative accuracy): 10,000,044 enrolled of a sample size of 10^7.
  return std::clamp(bucket_quantile(level), smallest_, largest_);
}

double QuantileSketch::bucket_quantile(double level) const {
  // Inverse of the empirical distribution function: the smallest x with F(x) >= level.
  const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(level * count_)));
  std::int64_t seen = zeros_;
  if (seen >= rank) return 0.0;
  const auto value_of = [](std::int64_t key) {
    const double gamma = std::exp(LOG_GAMMA);
    return 2.0 * std::exp(static_cast<double>(key) * LOG_GAMMA) / (gamma + 1.0);
  };
  // Keys in ascending order: outliers below the dense buckets, the dense buckets, outliers above.
  auto outlier = outliers_.begin();
  for (; outlier != outliers_.end() && outlier->first < first_key_; ++outlier) {
    seen += outlier->second;
    if (seen >= rank) return value_of(outlier->first);
  }
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen >= rank) return value_of(first_key_ + static_cast<std::int64_t>(b));
  }
  for (; outlier != outliers_.end(); ++outlier) {
    seen += outlier->second;
    if (seen >= rank) return value_of(outlier->first);
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
