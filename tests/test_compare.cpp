// Statistics decided on the same trials (test.compare), and the type I error of every
// statistic under H0 at one and three looks.
//
// Level tests: both arms share one survival law (H0), so each procedure's probability of
// rejecting for benefit or harm should be its alpha. With R replicates its Monte Carlo SE
// is sqrt(alpha (1 - alpha) / R); every test states R and checks |estimate - alpha| < 3 SE.
// The Kaplan-Meier statistics (milestone, RMST) are undefined, and cannot reject, at looks
// where an arm has fewer than MIN_AT_RISK_AT_LANDMARK patients at risk at the landmark,
// which is what keeps their level at early interims (docs/edge_cases.md).

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "null_trial.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/names.hpp"

using namespace trialsim;

namespace {

// Every new statistic, compared beside the log-rank test.
const std::string COMPARE_ALL = R"(
  compare:
    - {statistic: fleming_harrington, rho: 0, gamma: 1}
    - {statistic: fleming_harrington, rho: 1, gamma: 0}
    - {statistic: maxcombo}
    - {statistic: rmst, tau: 180}
    - {statistic: milestone, milestone: 180}
)";

Design design_from(const std::string& yaml) {
  return parse_design(yaml, "test.yaml");
}

// One look at complete follow-up, two-sided 0.05.
Design one_look(std::int64_t replicates) {
  return design_from("name: H0, one look\n" + NULL_EARLY_HAZARD_TRIAL + R"(
follow_up: {fixed: 180}
analyses:
  - {name: final, when: {completed_follow_up: all}}
test:
  statistic: logrank
  sides: 2
  alpha: 0.05
)" + COMPARE_ALL +
                     "simulation: {replicates: " + std::to_string(replicates) + ", seed: 20240101}\n");
}

// Three looks triggered by events with open follow-up (an early interim comes before most
// patients can reach the 180-day landmark), one-sided 0.025, O'Brien-Fleming-type spending.
Design three_event_looks(std::int64_t replicates) {
  return design_from("name: H0, three looks\n" + NULL_EARLY_HAZARD_TRIAL + R"(
analyses:
  - {name: first, when: {events: 60}}
  - {name: second, when: {events: 120}}
  - {name: final, when: {events: 180}}
test:
  statistic: logrank
  sides: 1
  alpha: 0.025
  boundary: {family: spending, function: obrien_fleming}
)" + COMPARE_ALL +
                     "simulation: {replicates: " + std::to_string(replicates) + ", seed: 20240102}\n");
}

// Three looks at patients with complete follow-up, two-sided 0.05, classical Pocock (which
// spends much of alpha at the interims, where small-sample behaviour shows). The interims
// analyse only the patients who completed follow-up, so that their information fractions
// are the planned 1/3 and 2/3 (all randomised, with the early hazard, would carry more).
Design three_patient_looks(std::int64_t replicates) {
  return design_from("name: H0, three patient looks\n" + NULL_EARLY_HAZARD_TRIAL + R"(
follow_up: {fixed: 180}
analysis_population: first_completed
analyses:
  - {name: first, when: {completed_follow_up: 100}}
  - {name: second, when: {completed_follow_up: 200}}
  - {name: final, when: {completed_follow_up: all}}
test:
  statistic: logrank
  sides: 2
  alpha: 0.05
  boundary: {family: pocock}
)" + COMPARE_ALL +
                     "simulation: {replicates: " + std::to_string(replicates) + ", seed: 20240103}\n");
}

Results run(const Design& design) {
  RunOptions options;
  options.threads = 2;
  return run_simulation(design, plan_boundaries(design), options);
}

// Checks, and prints for the record, each procedure's level.
void expect_level(const Design& design, const Results& results) {
  const double alpha = design.test.alpha;
  const double se = std::sqrt(alpha * (1.0 - alpha) / static_cast<double>(results.replicates));
  const auto check = [&](const std::string& label, double level) {
    std::cout << "  " << design.name << " | " << label << " | level " << level << " (alpha " << alpha << ", SE " << se
              << ", " << results.replicates << " replicates)\n";
    EXPECT_NEAR(level, alpha, 3.0 * se) << design.name << ": " << label;
  };
  check(statistic_label(design.test.statistic), design.test.sides == 2 ? results.reject_probability : results.power);
  for (const ComparedSummary& compared : results.compared) {
    check(compared.label, design.test.sides == 2 ? compared.reject_probability : compared.power);
  }
}

}  // namespace

// 20,000 replicates: SE 0.00154 at alpha 0.05, 0.00110 at 0.025.
constexpr std::int64_t LEVEL_REPLICATES = 20000;

TEST(TypeOneError, EveryStatisticKeepsItsLevelAtOneLook) {
  const Design design = one_look(LEVEL_REPLICATES);
  const Results results = run(design);
  ASSERT_EQ(results.compared.size(), 5U);
  expect_level(design, results);
}

TEST(TypeOneError, EveryStatisticKeepsItsLevelAtThreeEventLooks) {
  const Design design = three_event_looks(LEVEL_REPLICATES);
  expect_level(design, run(design));
}

TEST(TypeOneError, EveryStatisticKeepsItsLevelAtThreePatientLooks) {
  const Design design = three_patient_looks(LEVEL_REPLICATES);
  expect_level(design, run(design));
}

// The milestone test with an interim after few events: without the at-risk rule it
// rejected 0.060 to 0.080 (20,000 replicates, SE 0.0017) instead of 0.05.
TEST(TypeOneError, MilestoneKeepsItsLevelWithAnInterimBeforeMostReachTheLandmark) {
  for (const std::string interim : {"{events: 10}", "{events: 20}", "{enrolled: 40}"}) {
    const Design design = design_from("name: 'H0 milestone, early interim " + interim + "'\n" +
                                      NULL_EARLY_HAZARD_TRIAL + R"(
follow_up: {fixed: 180}
analyses:
  - {name: interim, when: )" + interim +
                                      R"(}
  - {name: final, when: {completed_follow_up: all}}
test:
  statistic: milestone
  information_fractions: [0.5, 1]
  sides: 2
  alpha: 0.05
simulation: {replicates: 20000, seed: 20240104}
)");
    expect_level(design, run(design));
  }
}

// A compared statistic is decided by its own procedure, which goes on after the design's
// has stopped: its decisions are those of a run with it as the design's statistic, replicate
// for replicate.
TEST(Compare, AComparedStatisticDecidesAsIfItWereTheDesignsOwn) {
  const std::string looks = R"(
follow_up: {fixed: 180}
analyses:
  - {name: first, when: {completed_follow_up: 100}}
  - {name: final, when: {completed_follow_up: all}}
)";
  const std::string effect = R"(
  - id: pump
    survival:
      relative_to_control: {breaks: [0, 7], hazard_ratios: [1.0, 0.5]}
)";
  std::string arms = NULL_EARLY_HAZARD_TRIAL;
  arms.replace(arms.find("  - id: treatment"), arms.find("allocation:") - arms.find("  - id: treatment"), effect);
  const Design compared = design_from("name: compared\n" + arms + looks + R"(
test:
  statistic: logrank
  compare: [{statistic: maxcombo}, {statistic: rmst, tau: 180}]
  boundary: {family: pocock}
simulation: {replicates: 3000, seed: 7}
)");
  const Results together = run(compared);
  ASSERT_EQ(together.compared.size(), 2U);
  for (std::size_t c = 0; c < 2; ++c) {
    Design alone = compared;
    alone.test.statistic = compared.test.compare[c];
    alone.test.compare.clear();
    const Results own = run(alone);
    EXPECT_EQ(together.compared[c].power, own.power) << together.compared[c].label;
    EXPECT_EQ(together.compared[c].reject_probability, own.reject_probability) << together.compared[c].label;
    for (std::size_t k = 0; k < own.looks.size(); ++k) {
      EXPECT_EQ(together.compared[c].look_reject_probability[k], own.looks[k].reject_probability);
      EXPECT_EQ(together.compared[c].look_stop_probability[k], own.looks[k].stop_probability);
    }
    // The paired difference and its SE, from the two runs' per-replicate decisions.
    const double difference = own.power - together.power;
    EXPECT_NEAR(together.compared[c].difference.difference, difference, 1e-12);
  }
  // The design's own results do not depend on what is compared beside it.
  Design plain = compared;
  plain.test.compare.clear();
  const Results alone = run(plain);
  EXPECT_EQ(alone.power, together.power);
  EXPECT_EQ(alone.looks[0].events.mean, together.looks[0].events.mean);
  EXPECT_EQ(alone.looks[1].time.mean, together.looks[1].time.mean);
}

// FH(0, 0) is the log-rank test: compared beside it, it decides the same in every
// replicate, so the paired difference is 0 with SE 0 (an unpaired comparison of the same
// two powers would have SE sqrt(2 p (1 - p) / R)).
TEST(Compare, AStatisticEqualToTheDesignsHasAPairedDifferenceOfZero) {
  Design design = one_look(4000);
  design.test.compare = {StatisticSpec{Statistic::fleming_harrington, {0.0, 0.0}, {}, INFINITE_TIME}};
  const Results results = run(design);
  ASSERT_EQ(results.compared.size(), 1U);
  EXPECT_EQ(results.compared[0].power, results.power);
  EXPECT_EQ(results.compared[0].difference.difference, 0.0);
  EXPECT_EQ(results.compared[0].difference.se, 0.0);
  EXPECT_GT(results.compared[0].difference.independent_se, 0.0);
}
