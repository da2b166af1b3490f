// Samplers of one trial against their distributions. Every Monte Carlo check
// states its replicates and standard error; tolerances are 4 SE (the streams are
// seeded, so the tests are deterministic; 4 SE keeps them meaningful without
// being fragile to a deliberate change of the random stream).

#include <gtest/gtest.h>

#include <boost/random/exponential_distribution.hpp>

#include <cmath>
#include <vector>

#include "trialsim/model.hpp"

using namespace trialsim;

namespace {

constexpr int DRAWS = 200000;

SurvivalModel exponential(double hazard) {
  SurvivalModel m;
  m.base.hazards = {hazard};
  return m;
}

// Fraction of DRAWS sampled event times <= t.
double sampled_probability(const SurvivalDistribution& d, double t, std::uint64_t seed = 11) {
  RandomStream stream(seed, 0, StreamId::event);
  stream.start(0);
  int below = 0;
  for (int i = 0; i < DRAWS; ++i) below += d.event_time(stream.exponential()) <= t ? 1 : 0;
  return static_cast<double>(below) / DRAWS;
}

double binomial_se(double p, int n) {
  return std::sqrt(p * (1 - p) / n);
}

void expect_sampled_probability(const SurvivalDistribution& d, double t, double expected) {
  const double se = binomial_se(expected, DRAWS);  // e.g. p = 0.6: SE 0.0011
  EXPECT_NEAR(sampled_probability(d, t), expected, 4 * se) << "t = " << t;
}

// H = -ln(1 - p): piecewise hazards from cumulative event probabilities at landmarks.
SurvivalModel landmarks_model(const std::vector<double>& times, const std::vector<double>& probabilities) {
  SurvivalModel m;
  m.base.breaks = {0.0};
  m.base.hazards.clear();
  double previous_time = 0.0, previous_h = 0.0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double h = -std::log(1.0 - probabilities[i]);
    m.base.hazards.push_back((h - previous_h) / (times[i] - previous_time));
    if (i + 1 < times.size()) m.base.breaks.push_back(times[i]);
    previous_time = times[i];
    previous_h = h;
  }
  return m;
}

}  // namespace

TEST(SurvivalDistribution, ExponentialEventProbabilityAtLandmark) {
  // DanGer Shock control arm: 60% mortality at 180 days, hazard -ln(0.4)/180.
  const SurvivalDistribution control(exponential(-std::log(0.4) / 180));
  EXPECT_NEAR(1 - control.survival(180), 0.60, 1e-14);
  expect_sampled_probability(control, 180, 0.60);
  expect_sampled_probability(control, 30, 1 - std::pow(0.4, 30.0 / 180));
}

TEST(SurvivalDistribution, ExponentialMedian) {
  const SurvivalDistribution d(exponential(std::log(2.0) / 140));
  expect_sampled_probability(d, 140, 0.5);
}

TEST(SurvivalDistribution, PiecewiseLandmarksReproduceTheirProbabilities) {
  // Front-loaded shock mortality: 25% by day 2, 45% by day 30, 60% by day 180.
  const SurvivalDistribution d(landmarks_model({2, 30, 180}, {0.25, 0.45, 0.60}));
  for (auto [t, p] : {std::pair{2.0, 0.25}, {30.0, 0.45}, {180.0, 0.60}}) {
    EXPECT_NEAR(1 - d.survival(t), p, 1e-14);
    expect_sampled_probability(d, t, p);
  }
  // Past the last landmark the last hazard continues.
  const double last_hazard = (std::log(0.55) - std::log(0.40)) / 150;
  EXPECT_NEAR(d.survival(365), 0.40 * std::exp(-last_hazard * 185), 1e-14);
}

TEST(SurvivalDistribution, WeibullMedian) {
  SurvivalModel m;
  m.base.family = BaseHazard::Family::weibull;
  m.base.weibull_shape = 0.6;
  m.base.weibull_scale = 60 / std::pow(std::log(2.0), 1 / 0.6);  // median 60
  const SurvivalDistribution d(m);
  EXPECT_NEAR(d.survival(60), 0.5, 1e-14);
  expect_sampled_probability(d, 60, 0.5);
  expect_sampled_probability(d, 10, 1 - std::exp(-std::pow(10 / m.base.weibull_scale, 0.6)));
}

TEST(SurvivalDistribution, DelayedEffectHazardRatios) {
  // HR 1 for 30 days, 0.6 afterwards, relative to a control hazard of 0.005 per day:
  // H(t) = 0.005 * 30 + 0.6 * 0.005 * (t - 30) for t > 30.
  SurvivalModel m = exponential(0.005);
  m.ratio_breaks = {0, 30};
  m.hazard_ratios = {1.0, 0.6};
  const SurvivalDistribution d(m);
  const double h180 = 0.005 * 30 + 0.6 * 0.005 * 150;
  EXPECT_NEAR(d.cumulative_hazard(180), h180, 1e-14);
  expect_sampled_probability(d, 20, 1 - std::exp(-0.1));
  expect_sampled_probability(d, 180, 1 - std::exp(-h180));
}

TEST(SurvivalDistribution, CureFractionNeverHasTheEvent) {
  // S(t) = c + (1 - c) exp(-H0(t)): with c = 0.25 the event probability tends to 0.75.
  SurvivalModel m = exponential(0.01);
  m.cure_fraction = 0.25;
  const SurvivalDistribution d(m);
  EXPECT_NEAR(d.survival(100), 0.25 + 0.75 * std::exp(-1.0), 1e-14);
  expect_sampled_probability(d, 100, 0.75 * (1 - std::exp(-1.0)));
  expect_sampled_probability(d, 1e9, 0.75);
}

TEST(SurvivalDistribution, CureFractionWithHazardRatioInverts) {
  // Treatment relative to a cured control population: inversion must agree with H.
  SurvivalModel m = exponential(0.01);
  m.cure_fraction = 0.3;
  m.ratio_breaks = {0, 50};
  m.hazard_ratios = {0.5, 0.8};
  const SurvivalDistribution d(m);
  for (double t : {1.0, 10.0, 49.0, 50.0, 51.0, 200.0, 2000.0}) {
    EXPECT_NEAR(d.event_time(d.cumulative_hazard(t)), t, 1e-9 * t) << t;
  }
  // Beyond the plateau of H the event never happens.
  EXPECT_TRUE(std::isinf(d.event_time(d.cumulative_hazard(1e7) + 1.0)));
}

TEST(SurvivalDistribution, InversionIsExactForEveryForm) {
  const SurvivalDistribution piecewise(landmarks_model({2, 30, 180}, {0.25, 0.45, 0.60}));
  for (double t : {0.5, 2.0, 2.5, 29.0, 30.0, 100.0, 180.0, 1000.0}) {
    EXPECT_NEAR(piecewise.event_time(piecewise.cumulative_hazard(t)), t, 1e-10 * t) << t;
  }
}

TEST(ArrivalProcess, CountsArePoissonWithThePeriodRates) {
  // DanGer Shock planned rates: 0.041 per day until day 2190, then 0.164.
  // Arrivals by day 2190 ~ Poisson(89.79); in [2190, 3000) ~ Poisson(132.84).
  const ArrivalProcess process({{0, 0.041}, {2190, 0.164}});
  EXPECT_NEAR(process.cumulative_rate(3000), 0.041 * 2190 + 0.164 * 810, 1e-10);
  EXPECT_NEAR(process.time_of_cumulative(process.cumulative_rate(2500)), 2500, 1e-9);
  constexpr int TRIALS = 20000;
  RandomStream stream(5, 0, StreamId::arrival);
  std::vector<double> entry(360);
  double first_phase = 0, second_phase = 0;
  for (int r = 0; r < TRIALS; ++r) {
    stream.start(static_cast<std::uint64_t>(r));
    process.sample(stream, entry);
    ASSERT_TRUE(std::is_sorted(entry.begin(), entry.end()));
    for (double t : entry) {
      first_phase += t < 2190 ? 1 : 0;
      second_phase += (t >= 2190 && t < 3000) ? 1 : 0;
    }
  }
  // SE of a mean of TRIALS Poisson(mu) counts: sqrt(mu / TRIALS) (0.067 and 0.081).
  EXPECT_NEAR(first_phase / TRIALS, 89.79, 4 * std::sqrt(89.79 / TRIALS));
  EXPECT_NEAR(second_phase / TRIALS, 132.84, 4 * std::sqrt(132.84 / TRIALS));
}

TEST(ArrivalProcess, SkipsPeriodsWithoutRecruitment) {
  // Sites that start late leave an initial period with rate 0.
  const ArrivalProcess process({{0, 0.0}, {100, 1.0}});
  RandomStream stream(5, 0, StreamId::arrival);
  stream.start(0);
  std::vector<double> entry(50);
  process.sample(stream, entry);
  EXPECT_GE(entry.front(), 100.0);
}

// The pass that maps the running sums two at a time must give each arrival exactly what
// Lambda^-1 of its sum gives alone (time_of_cumulative, one sum at a time): short periods so
// that pairs straddle period starts, periods without recruitment, odd and even sizes.
TEST(ArrivalProcess, SampleIsLambdaInverseOfEachRunningSum) {
  const std::vector<std::vector<RatePeriod>> schedules = {
      {{0, 0.041}, {2190, 0.164}},
      {{0, 0.5}, {3, 2.0}, {4, 0.0}, {6, 1.5}, {7, 0.25}, {15, 3.0}},
      {{0, 0.0}, {10, 1.0}, {11, 0.0}, {12, 4.0}},
  };
  for (std::size_t s = 0; s < schedules.size(); ++s) {
    const ArrivalProcess process(schedules[s]);
    for (std::size_t size : {1, 2, 7, 40, 41}) {
      RandomStream stream(9, 0, StreamId::arrival);
      stream.start(s);
      std::vector<double> entry(size);
      process.sample(stream, entry);
      stream.start(s);
      double sum = 0.0;
      for (std::size_t i = 0; i < size; ++i) {
        sum += stream.exponential();
        ASSERT_EQ(entry[i], process.time_of_cumulative(sum))
            << "schedule " << s << ", size " << size << ", arrival " << i;
      }
    }
  }
}

TEST(Allocator, PermutedBlocksBalanceEveryBlock) {
  Allocation allocation;
  allocation.block_size = 4;
  allocation.strata = {{"all", 1.0}};
  Allocator allocator(allocation);
  RandomStream stream(3, 0, StreamId::allocation);
  for (std::uint64_t r = 0; r < 100; ++r) {
    stream.start(r);
    allocator.reset();
    int treatment = 0;
    for (int i = 1; i <= 360; ++i) {
      treatment += allocator.draw_arm(0, stream);
      if (i % 4 == 0) {
        ASSERT_EQ(treatment, i / 2);
      }
    }
  }
}

// assign's loops for one stratum (two patients to each 64-bit word, and blocks of two one
// word each) must give exactly the arms that draw_arm gives patient by patient from the same
// stream: block sizes 2, 4 and 3, ratios 1:1, 2:1 and 1:2, odd and even sample sizes.
TEST(Allocator, AssignDrawsWhatDrawArmDraws) {
  for (const int block_size : {2, 4, 3}) {
    for (const std::array<int, 2> ratio : {std::array<int, 2>{1, 1}, {2, 1}, {1, 2}}) {
      Allocation allocation;
      allocation.ratio = ratio;
      allocation.block_size = block_size;
      allocation.strata = {{"all", 1.0}};
      for (const std::size_t n : {1, 2, 9, 360}) {
        Allocator fast(allocation);
        Allocator one_by_one(allocation);
        RandomStream strata(3, 0, StreamId::stratum);
        RandomStream stream(3, 0, StreamId::allocation);
        RandomStream reference(3, 0, StreamId::allocation);
        stream.start(n);
        reference.start(n);
        std::vector<std::uint16_t> stratum(n);
        std::vector<std::uint8_t> arm(n);
        fast.assign(strata, stream, stratum, arm);
        for (std::size_t i = 0; i < n; ++i) {
          ASSERT_EQ(arm[i], one_by_one.draw_arm(0, reference)) << "block " << block_size << ", ratio " << ratio[0]
                                                               << ":" << ratio[1] << ", n " << n << ", patient " << i;
        }
        EXPECT_EQ(stream.bits32(), reference.bits32());  // both streams left at the same place
      }
    }
  }
}

TEST(Allocator, UnequalRatioAndSimpleRandomisation) {
  Allocation allocation;
  allocation.ratio = {1, 2};
  allocation.block_size = 6;
  allocation.strata = {{"all", 1.0}};
  Allocator blocks(allocation);
  RandomStream stream(3, 0, StreamId::allocation);
  stream.start(0);
  int treatment = 0;
  for (int i = 0; i < 600; ++i) treatment += blocks.draw_arm(0, stream);
  EXPECT_EQ(treatment, 400);

  allocation.block_size = 0;  // simple randomisation: Binomial(n, 2/3)
  Allocator simple(allocation);
  constexpr int N = 300000;
  treatment = 0;
  stream.start(1);
  for (int i = 0; i < N; ++i) treatment += simple.draw_arm(0, stream);
  EXPECT_NEAR(static_cast<double>(treatment) / N, 2.0 / 3, 4 * binomial_se(2.0 / 3, N));  // SE 0.00086
}

TEST(Allocator, StrataFollowPrevalencesAndBalanceWithin) {
  Allocation allocation;
  allocation.block_size = 4;
  allocation.strata = {{"anterior", 0.72}, {"non_anterior", 0.28}};
  Allocator allocator(allocation);
  RandomStream strata(9, 0, StreamId::stratum), arms(9, 0, StreamId::allocation);
  strata.start(0);
  arms.start(0);
  constexpr int N = 200000;
  int anterior = 0;
  int treatment[2] = {0, 0}, total[2] = {0, 0};
  for (int i = 0; i < N; ++i) {
    const int s = allocator.draw_stratum(strata);
    anterior += s == 0 ? 1 : 0;
    treatment[s] += allocator.draw_arm(s, arms);
    ++total[s];
    // Within a stratum the imbalance never exceeds half a block.
    ASSERT_LE(std::abs(2 * treatment[s] - total[s]), 4);
  }
  EXPECT_NEAR(static_cast<double>(anterior) / N, 0.72, 4 * binomial_se(0.72, N));  // SE 0.001
}

TEST(RandomStream, IsAPureFunctionOfSeedScenarioStreamAndReplicate) {
  RandomStream a(42, 0, StreamId::event), b(42, 0, StreamId::event);
  a.start(7);
  for (int i = 0; i < 10; ++i) a.uniform();
  const double a_next = a.uniform();
  b.start(7);
  for (int i = 0; i < 10; ++i) b.uniform();
  EXPECT_EQ(a_next, b.uniform());
  // Other replicate, stream, scenario or seed: other numbers.
  RandomStream c(42, 0, StreamId::dropout), d(42, 1, StreamId::event), e(43, 0, StreamId::event);
  a.start(8);
  b.start(7);
  c.start(7);
  d.start(7);
  e.start(7);
  const double base = b.uniform();
  EXPECT_NE(base, a.uniform());
  EXPECT_NE(base, c.uniform());
  EXPECT_NE(base, d.uniform());
  EXPECT_NE(base, e.uniform());
}

// exponentials() runs the ziggurat's fast path itself and hands every other draw
// to Boost: its numbers must be Boost's exponential_distribution on the same words,
// in order. 2,000,000 draws in spans of 1 to 9 (so that spans start at every word
// of a block) leave the fast path about 44,000 times, in the tail layer about 900.
TEST(RandomStream, ExponentialsAreBoostZigguratDrawsInOrder) {
  RandomStream bulk(20130127, 0, StreamId::event), reference(20130127, 0, StreamId::event);
  bulk.start(3);
  reference.start(3);
  boost::random::exponential_distribution<double> boost_exponential;
  std::vector<double> draws(9);
  std::size_t total = 0;
  for (std::size_t span = 1; total < 2000000; span = span % 9 + 1) {
    bulk.exponentials(std::span<double>(draws.data(), span));
    for (std::size_t k = 0; k < span; ++k) ASSERT_EQ(draws[k], boost_exponential(reference)) << "draw " << total + k;
    total += span;
  }
  EXPECT_EQ(bulk(), reference());  // both streams are at the same word
}

TEST(RandomStream, UniformsAreUniformOnTheOpenInterval) {
  // Mean 1/2 with SE sqrt(1/12 / N); Exp(1) mean 1 with SE sqrt(1 / N).
  constexpr int N = 400000;
  RandomStream stream(1, 0, StreamId::arrival);
  stream.start(0);
  double sum = 0, exp_sum = 0;
  for (int i = 0; i < N; ++i) {
    const double u = stream.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    exp_sum += -std::log(u);
  }
  EXPECT_NEAR(sum / N, 0.5, 4 * std::sqrt(1.0 / 12 / N));
  EXPECT_NEAR(exp_sum / N, 1.0, 4 * std::sqrt(1.0 / N));
}
