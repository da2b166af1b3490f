// The decision rules of beta-spending futility (binding and non-binding), user-given alpha
// spending and an interim without efficacy stop, applied by the simulator: their type I
// error under H0 and their power and futility stops under H1, each against the boundary
// recursion's exact answer for the canonical joint distribution of the log-rank z.
//
// Designs: 400 patients, exponential survival (control median 200 days), open follow-up,
// looks at 100, 200 and 300 events (information fractions 1/3, 2/3, 1), one-sided 0.025.
// The analytic side (trialsim's sequential_power, the recursion checked against rpact and
// mvtnorm in test_boundaries.cpp) applies the same plan at information D_k / 4 with drift
// -ln HR (Schoenfeld 1981); under H0 this is exact up to the normal approximation of the
// log-rank statistic. Every probability with R replicates has Monte Carlo SE
// sqrt(p (1 - p) / R):
//   H0: 20,000 replicates, SE 0.0011 at 0.025;  H1: 10,000 replicates, SE 0.0040 at 0.8,
//   SE 0.0050 at 0.45 (an H1 interim's efficacy).
// Each rule makes a family of m = 10 comparisons (H0 and H1 x (overall rejection + two
// interims x (futility stop, efficacy))). A fixed 3 SE would fail a correct rule with
// probability up to 10 x 0.0027 = 2.7% (it did: H1 look-2 efficacy 0.4506 against 0.4351,
// 3.1 SE at 10,000 replicates, 0.4357 at 100,000 with the same seed), so every check is
// |simulated - analytic| < z_{1 - 0.001 / (2 m)} SE = 3.89 SE (Bonferroni): a correct rule
// fails with probability at most 0.001.

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "trialsim/analytic.hpp"
#include "trialsim/boundaries.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"

using namespace trialsim;

namespace {

constexpr std::int64_t NULL_REPLICATES = 20000;
constexpr std::int64_t ALTERNATIVE_REPLICATES = 10000;
const std::vector<double> EVENTS{100.0, 200.0, 300.0};

// The comparisons check_rule makes for one rule (H0 and H1 x (rejection + each interim's
// futility stop and efficacy)), and the Bonferroni multiplier of the SE for a family-wise
// false-failure probability of 0.001 (header): 3.89 for m = 10.
const int COMPARISONS_PER_RULE = 2 * (1 + 2 * (static_cast<int>(EVENTS.size()) - 1));
const double TOLERANCE_SE = normal_quantile(1.0 - 0.001 / (2.0 * COMPARISONS_PER_RULE));

// The design with `test_block` (indented keys of test:) and the treatment arm's hazard ratio.
Design design_with(const std::string& test_block, double hazard_ratio, std::int64_t replicates, int seed) {
  const std::string yaml = R"(name: spending rules
time_unit: day
arms:
  - id: control
    survival: {exponential: {median: 200}}
  - id: treatment
    survival: {relative_to_control: {hazard_ratio: )" +
                           std::to_string(hazard_ratio) + R"(}}
allocation: {ratio: [1, 1], block_size: 4}
enrollment:
  sample_size: 400
  rates: [{from: 0, rate: 2}]
analyses:
  - {name: first, when: {events: 100}}
  - {name: second, when: {events: 200}}
  - {name: final, when: {events: 300}}
test:
  statistic: logrank
  sides: 1
  alpha: 0.025
)" + test_block +
                           "simulation: {replicates: " + std::to_string(replicates) +
                           ", seed: " + std::to_string(seed) + "}\n";
  return parse_design(yaml, "test.yaml");
}

Results run(const Design& design, const BoundaryPlan& plan) {
  RunOptions options;
  options.threads = 2;
  return run_simulation(design, plan, options);
}

double se_of(double p, std::int64_t replicates) {
  return std::sqrt(p * (1.0 - p) / static_cast<double>(replicates));
}

// Under H0 and under H1 (the hazard ratio whose log-rank drift at the last look is
// `drift`): rejection and, per interim, futility-stop probabilities against the recursion.
void check_rule(const std::string& label, const std::string& test_block, double drift, int seed) {
  const double alternative = std::exp(-drift / std::sqrt(EVENTS.back() / 4.0));
  for (const double hazard_ratio : {1.0, alternative}) {
    const bool null = hazard_ratio == 1.0;
    const std::int64_t replicates = null ? NULL_REPLICATES : ALTERNATIVE_REPLICATES;
    const Design design = design_with(test_block, hazard_ratio, replicates, seed + (null ? 0 : 1));
    const BoundaryPlan plan = plan_boundaries(design);
    const Results results = run(design, plan);
    const SequentialPower expected = sequential_power(plan, design.test.futility, EVENTS, hazard_ratio, 0.5);
    const double se = se_of(expected.power, replicates);
    std::cout << "  " << label << (null ? " | H0 | level " : " | H1 (HR " + std::to_string(hazard_ratio) + ") | power ")
              << results.power << " (analytic " << expected.power << ", SE " << se << ", " << replicates
              << " replicates)\n";
    EXPECT_NEAR(results.power, expected.power, TOLERANCE_SE * se) << label << " HR " << hazard_ratio;
    if (null) {
      EXPECT_LE(expected.power, design.test.alpha + 1e-9) << label;
    }
    for (std::size_t k = 0; k + 1 < EVENTS.size(); ++k) {
      const double futility = expected.other_stop[k];
      const double futility_se = se_of(futility, replicates);
      std::cout << "    look " << k + 1 << ": P(futility stop) " << results.looks[k].futility_probability
                << " (analytic " << futility << ", SE " << futility_se << "), P(efficacy) "
                << results.looks[k].reject_probability << " (analytic " << expected.efficacy[k] << ")\n";
      EXPECT_NEAR(results.looks[k].futility_probability, futility, TOLERANCE_SE * futility_se + 1e-12)
          << label << " HR " << hazard_ratio << " look " << k + 1;
      const double efficacy_se = se_of(expected.efficacy[k], replicates);
      EXPECT_NEAR(results.looks[k].reject_probability, expected.efficacy[k], TOLERANCE_SE * efficacy_se + 1e-12)
          << label << " HR " << hazard_ratio << " look " << k + 1;
    }
  }
}

// The drift theta at which a beta-spending design has power 1 - beta.
double design_drift(const std::string& test_block) {
  const Design design = design_with(test_block, 1.0, 1, 1);
  return plan_boundaries(design).alternative_drift;
}

TEST(SpendingRules, NonBindingBetaSpendingFutility) {
  // Non-binding: the efficacy bounds ignore the futility stops, so under H0 the level with
  // the stops applied is below alpha (analytic 0.0225 here); under the design's alternative
  // the power is 1 - beta = 0.8 and the futility stops carry beta(t_k) of O'Brien-Fleming type.
  const std::string block = R"(  boundary: {family: spending, function: obrien_fleming}
  futility: {beta_spending: obrien_fleming, beta: 0.2, binding: false}
)";
  check_rule("non-binding beta spending", block, design_drift(block), 31);
}

TEST(SpendingRules, BindingBetaSpendingFutility) {
  // Binding: the efficacy bounds count on the futility stops; the level is alpha exactly.
  const std::string block = R"(  boundary: {family: spending, function: hsd, parameter: -2}
  futility: {beta_spending: power, parameter: 2, beta: 0.15, binding: true}
)";
  check_rule("binding beta spending", block, design_drift(block), 33);
}

TEST(SpendingRules, UserAlphaSpending) {
  const std::string block = R"(  boundary: {family: user_spending, alpha_spent: [0.001, 0.01, 0.025]}
)";
  check_rule("user alpha spending", block, 2.8, 35);
}

TEST(SpendingRules, InterimWithoutEfficacyStop) {
  // No alpha at the first look: it can only stop for futility (never for efficacy), here
  // by binding O'Brien-Fleming-type beta spending.
  const std::string block = R"(  boundary: {family: user_spending, alpha_spent: [0, 0.01, 0.025]}
  futility: {beta_spending: obrien_fleming, beta: 0.2, binding: true}
)";
  const Design design = design_with(block, 1.0, 1, 1);
  EXPECT_EQ(plan_boundaries(design).efficacy_z[0], std::numeric_limits<double>::infinity());
  check_rule("interim without efficacy stop", block, design_drift(block), 37);
}

}  // namespace
