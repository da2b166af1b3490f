// Statistics decided on the same trials (test.compare), and the type I error of every
// statistic under H0 at one and three looks.
//
// Level tests: both arms share one survival law (H0), so each procedure's probability of
// rejecting for benefit or harm should be its alpha. With R replicates its Monte Carlo SE
// is sqrt(alpha (1 - alpha) / R); every test states R and checks |estimate - alpha| < 3 SE,
// except where a statistic's true level differs from alpha in small samples: there it is
// checked against that level established by an independent simulation (patient looks).
// The Kaplan-Meier statistics (milestone, RMST) are undefined, and cannot reject, at looks
// where an arm has fewer than MIN_AT_RISK_AT_LANDMARK patients at risk at the landmark,
// which is what keeps their level at early interims (docs/edge_cases.md).

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "null_trial.hpp"
#include "reference_table.hpp"
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

// An independently established level and its Monte Carlo SE.
struct KnownLevel {
  double level = 0.0;
  double se = 0.0;
};

// Checks, and prints for the record, each procedure's level: alpha, or the known level of
// the statistics named in `known` (by label), within 3 SE of the difference.
void expect_level(const Design& design, const Results& results, const std::map<std::string, KnownLevel>& known = {}) {
  const double alpha = design.test.alpha;
  const double replicates = static_cast<double>(results.replicates);
  const auto check = [&](const std::string& label, double level) {
    const auto found = known.find(label);
    const KnownLevel expected = found != known.end() ? found->second : KnownLevel{alpha, 0.0};
    const double se = std::sqrt(expected.level * (1.0 - expected.level) / replicates + expected.se * expected.se);
    std::cout << "  " << design.name << " | " << label << " | level " << level << " (expected " << expected.level
              << ", SE " << se << ", " << results.replicates << " replicates)\n";
    EXPECT_NEAR(level, expected.level, 3.0 * se) << design.name << ": " << label;
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

// At patient looks of 50, 100 and 150 per arm under Pocock's boundary the Kaplan-Meier
// statistics' Wald tests exceed 0.05: RMST(180) 0.0545 and milestone(180) 0.0549 (SE
// 0.00036), by an independent simulation of 400,000 trials (tests/reference/
// patient_looks_level.R, tests/data/patient_looks_level.csv). The excess is theirs, not
// the plan's: the z's at nested looks correlate as sqrt(n_j / n_k), the planned fractions
// (0.705, 0.575, 0.815 against 0.707, 0.577, 0.816, worth 0.0001 of level); it comes from
// the small samples of the interims, where |z| >= 2.289 has probability 0.0244 (RMST) and
// 0.0246 (milestone) at the first look instead of the nominal 0.0221 (docs/edge_cases.md).
// So the log-rank family is checked against 0.05, and RMST and milestone against their
// true level, overall and at each interim (their probability of stopping there), within
// 3 SE of the difference (20,000 replicates here: SE 0.0016 overall, 0.0011 at the first
// interim; the reference's SE is added in quadrature).
TEST(TypeOneError, EveryStatisticKeepsItsLevelAtThreePatientLooks) {
  const Design design = three_patient_looks(LEVEL_REPLICATES);
  const Results results = run(design);
  std::map<std::string, KnownLevel> known;
  std::map<std::string, trialsim::testing::Row> reference;
  for (const trialsim::testing::Row& row : trialsim::testing::read_table("patient_looks_level.csv")) {
    const double level = trialsim::testing::number(row, "level");
    StatisticSpec spec;
    spec.kind = row.at("statistic") == "rmst" ? Statistic::rmst : Statistic::milestone;
    spec.landmark = 180.0;
    known[statistic_label(spec)] = {level, trialsim::testing::number(row, "level_se")};
    reference[statistic_label(spec)] = row;
  }
  ASSERT_EQ(known.size(), 2U);
  expect_level(design, results, known);
  const double reference_replicates = trialsim::testing::number(reference.begin()->second, "replicates");
  const double replicates = static_cast<double>(results.replicates);
  for (const ComparedSummary& compared : results.compared) {
    const auto row = reference.find(compared.label);
    if (row == reference.end()) continue;
    for (std::size_t k = 0; k < 2; ++k) {
      const double p = trialsim::testing::number(row->second, "look" + std::to_string(k + 1));
      const double se = std::sqrt(p * (1.0 - p) * (1.0 / replicates + 1.0 / reference_replicates));
      std::cout << "    " << compared.label << " | look " << k + 1 << " | P(reject) "
                << compared.look_stop_probability[k] << " (reference " << p << ", SE " << se << ")\n";
      EXPECT_NEAR(compared.look_stop_probability[k], p, 3.0 * se) << compared.label << " look " << k + 1;
    }
  }
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
