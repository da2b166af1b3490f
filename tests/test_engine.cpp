#include <atomic>
// The engine: reproducibility for any thread count, block size and replicate
// slice, and the type I error of the DanGer Shock procedure under the null.

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"

using namespace trialsim;

namespace {

const std::string DANGER_SHOCK = std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock.yaml";

Design danger_shock(std::vector<Override> overrides = {}) { return load_design(DANGER_SHOCK, overrides); }

struct Captured {
  Results results;
  std::vector<TrialOutcome> outcomes;
};

Captured run_capturing(const Design& design, RunOptions options) {
  Captured captured;
  options.on_block = [&captured](std::int64_t offset, std::span<const TrialOutcome> block) {
    ASSERT_EQ(offset, static_cast<std::int64_t>(captured.outcomes.size())); // blocks arrive in order
    captured.outcomes.insert(captured.outcomes.end(), block.begin(), block.end());
  };
  captured.results = run_simulation(design, plan_boundaries(design), options);
  return captured;
}

// Bit-for-bit comparison of the fields of two outcomes (NaN == NaN when the bits agree).
void expect_identical(const TrialOutcome& a, const TrialOutcome& b, int looks, std::size_t replicate) {
  ASSERT_EQ(a.stop_look, b.stop_look) << replicate;
  for (int k = 0; k < looks; ++k) {
    const LookOutcome& x = a.looks[static_cast<std::size_t>(k)];
    const LookOutcome& y = b.looks[static_cast<std::size_t>(k)];
    ASSERT_EQ(std::memcmp(&x.time, &y.time, sizeof(double)), 0) << replicate;
    ASSERT_EQ(std::memcmp(&x.z, &y.z, sizeof(double)), 0) << replicate;
    ASSERT_EQ(std::memcmp(&x.hr, &y.hr, sizeof(double)), 0) << replicate;
    ASSERT_EQ(x.enrolled, y.enrolled);
    ASSERT_EQ(x.events[0], y.events[0]);
    ASSERT_EQ(x.events[1], y.events[1]);
    ASSERT_EQ(x.decision, y.decision);
    ASSERT_EQ(x.trigger_reached, y.trigger_reached);
  }
}

} // namespace

TEST(Engine, BitIdenticalForAnyThreadCountAndBlockSize) {
  const Design design = danger_shock({{"simulation.replicates", "20000"}});
  RunOptions one_thread;
  one_thread.threads = 1;
  RunOptions two_threads;
  two_threads.threads = 2;
  two_threads.block_size = 777; // blocks that do not divide the replicates
  const Captured a = run_capturing(design, one_thread);
  const Captured b = run_capturing(design, two_threads);
  ASSERT_EQ(a.outcomes.size(), 20000u);
  ASSERT_EQ(b.outcomes.size(), 20000u);
  for (std::size_t r = 0; r < a.outcomes.size(); ++r) expect_identical(a.outcomes[r], b.outcomes[r], 2, r);
  EXPECT_EQ(a.results.power, b.results.power);
  EXPECT_EQ(a.results.looks[1].time.quantiles, b.results.looks[1].time.quantiles);
  EXPECT_EQ(a.results.looks[1].hr.mean, b.results.looks[1].hr.mean);
}

TEST(Engine, ASliceOfReplicatesEqualsTheSameReplicatesOfAFullRun) {
  const Design design = danger_shock({{"simulation.replicates", "3000"}});
  const Captured full = run_capturing(design, RunOptions{});
  RunOptions slice;
  slice.first_replicate = 1000;
  slice.count = 1500;
  const Captured part = run_capturing(design, slice);
  ASSERT_EQ(part.outcomes.size(), 1500u);
  for (std::size_t r = 0; r < part.outcomes.size(); ++r) {
    expect_identical(part.outcomes[r], full.outcomes[1000 + r], 2, 1000 + r);
  }
}

TEST(Engine, TypeOneErrorOfTheDangerShockProcedureUnderTheNull) {
  // Both arms 60% mortality at 180 days. 60,000 replicates: the two-sided level
  // 0.05 has Monte Carlo SE sqrt(0.05 * 0.95 / 60000) = 0.00089, each tail
  // (0.025) 0.00064. Expected values: the boundary's own alpha (recursion).
  const Design design =
      danger_shock({{"simulation.replicates", "60000"}, {"arms[1].survival.exponential.event_probability", "0.60"}});
  const BoundaryPlan plan = plan_boundaries(design);
  const Results results = run_simulation(design, plan, RunOptions{});
  const double n = 60000;
  const auto se = [n](double p) { return std::sqrt(p * (1 - p) / n); };
  EXPECT_NEAR(results.reject_probability, 0.05, 3 * se(0.05));
  EXPECT_NEAR(results.power, 0.025, 3 * se(0.025));
  const double interim = plan.alpha_spent[0]; // about 0.0052 two-sided
  EXPECT_NEAR(results.looks[0].reject_probability + results.looks[0].harm_probability, interim, 3 * se(interim));
}

TEST(Engine, StopsBetweenBlocksWhenAsked) {
  const Design design = danger_shock({{"simulation.replicates", "5000"}});
  RunOptions options;
  options.block_size = 1000;
  int simulated = 0;
  std::atomic<int> folded = 0; // on_block runs on a worker, overlapping the next block
  options.on_progress = [&simulated](std::int64_t, std::int64_t) { ++simulated; };
  options.on_block = [&folded](std::int64_t, std::span<const TrialOutcome>) { ++folded; };
  options.should_stop = [&simulated] { return simulated == 2; };
  EXPECT_THROW(run_simulation(design, plan_boundaries(design), options), InterruptedError);
  EXPECT_EQ(simulated, 2);
  EXPECT_EQ(folded.load(), 2); // every simulated block was handed over before the stop
}
