// Summaries folded one replicate at a time against exact computations on the
// full sample.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <cmath>
#include <numbers>
#include <numeric>
#include <vector>

#include "trialsim/random.hpp"
#include "trialsim/results.hpp"

using namespace trialsim;

namespace {

// Inverse of the empirical distribution function: the ceil(p n)-th smallest value.
double exact_quantile(std::vector<double> values, double level) {
  std::sort(values.begin(), values.end());
  const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(level * values.size())));
  return values[rank - 1];
}

} // namespace

TEST(QuantileSketch, QuantilesWithinRelativeAccuracy) {
  // Log-normal calendar times spanning three orders of magnitude.
  RandomStream stream(17, 0, StreamId::event);
  stream.start(0);
  std::vector<double> values;
  QuantileSketch sketch;
  for (int i = 0; i < 100000; ++i) {
    const double u1 = stream.uniform(), u2 = stream.uniform();
    const double x = std::exp(7 + 1.5 * std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2));
    values.push_back(x);
    sketch.add(x);
  }
  for (double level : {0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999}) {
    const double exact = exact_quantile(values, level);
    EXPECT_NEAR(sketch.quantile(level), exact, 1e-4 * exact) << level;
  }
}

TEST(QuantileSketch, ValuesBeyondTheDenseRangeKeepTheirOrder) {
  // Log-uniform over 1e-12..1e12 (55 units of log, some 275,000 buckets: far more
  // than the dense array holds), first falling then rising, so that keys arrive
  // below, inside and above the dense range; every quantile must still be within
  // the relative accuracy of the exact one.
  RandomStream stream(5, 0, StreamId::event);
  stream.start(0);
  std::vector<double> values;
  for (int i = 0; i < 20000; ++i) values.push_back(std::exp(-27.6 + 55.2 * stream.uniform()));
  std::sort(values.begin(), values.begin() + 10000, std::greater<>());
  QuantileSketch sketch;
  for (const double x : values) sketch.add(x);
  for (double level : {0.0001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0}) {
    const double exact = exact_quantile(values, level);
    EXPECT_NEAR(sketch.quantile(level), exact, 1e-4 * exact) << level;
  }
}

TEST(QuantileSketch, ZerosAndInfinities) {
  QuantileSketch sketch;
  for (int i = 0; i < 10; ++i) sketch.add(0.0);
  for (int i = 0; i < 80; ++i) sketch.add(5.0);
  for (int i = 0; i < 10; ++i) sketch.add(INFINITE_TIME);
  EXPECT_EQ(sketch.quantile(0.05), 0.0);
  EXPECT_NEAR(sketch.quantile(0.5), 5.0, 5e-4);
  EXPECT_TRUE(std::isinf(sketch.quantile(0.95)));
  EXPECT_EQ(sketch.count(), 100);
}

TEST(QuantileSketch, QuantilesStayWithinTheObservedRange) {
  // Every trial enrols its whole sample size of 10^7: the bucket holding 10^7 is represented
  // by a value up to a relative 1e-4 (1,000) away from it (10,000,044 enrolled was printed),
  // so answers are clamped to the smallest and largest value added. Values within 50 of 10^7
  // share one or two buckets, whose representatives may lie outside them.
  QuantileSketch sample_size;
  for (int i = 0; i < 1000; ++i) sample_size.add(1e7);
  for (double level : {0.05, 0.5, 0.95, 1.0}) EXPECT_EQ(sample_size.quantile(level), 1e7) << level;
  QuantileSketch narrow;
  for (int i = 0; i <= 100; ++i) narrow.add(9999950 + i);  // 9,999,950 to 10,000,050
  for (double level : {0.0, 0.05, 0.5, 0.95, 1.0}) {
    EXPECT_GE(narrow.quantile(level), 9999950.0) << level;
    EXPECT_LE(narrow.quantile(level), 10000050.0) << level;
    EXPECT_NEAR(narrow.quantile(level), 9999950 + std::ceil(std::max(level * 101, 1.0)) - 1, 1e-4 * 1e7) << level;
  }
}

TEST(DistributionAccumulator, MeanSdAndIntegerQuantilesAreExact) {
  DistributionAccumulator events(true);
  std::vector<double> values;
  RandomStream stream(3, 0, StreamId::event);
  stream.start(0);
  for (int i = 0; i < 5000; ++i) {
    const double x = std::floor(150 + 40 * stream.uniform());
    values.push_back(x);
    events.add(x);
  }
  const Distribution d = events.summary();
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  double squares = 0;
  for (double x : values) squares += (x - mean) * (x - mean);
  EXPECT_EQ(d.count, 5000);
  EXPECT_NEAR(d.mean, mean, 1e-10);
  EXPECT_NEAR(d.sd, std::sqrt(squares / 4999), 1e-10);
  for (std::size_t q = 0; q < QUANTILE_LEVELS.size(); ++q) {
    EXPECT_EQ(d.quantiles[q], exact_quantile(values, QUANTILE_LEVELS[q])) << QUANTILE_LEVELS[q];
  }
}

TEST(DistributionAccumulator, NonFiniteValuesStayOutOfTheMean) {
  DistributionAccumulator hr;
  hr.add(0.5);
  hr.add(1.5);
  hr.add(INFINITE_TIME);
  const Distribution d = hr.summary();
  EXPECT_EQ(d.count, 2);
  EXPECT_DOUBLE_EQ(d.mean, 1.0);
}
