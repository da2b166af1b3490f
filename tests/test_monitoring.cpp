// Monitoring as a data monitoring committee does it: conditional power at each look,
// Lan-DeMets boundaries at each trial's observed information, futility by conditional
// power (binding or not), non-inferiority margins, and the summary of where trials stop.
// Reference numbers and their sources:
//  - tests/data/conditional_power_rpact.csv: rpact 3.3.4 getConditionalPower
//    (tests/reference/conditional_power.R);
//  - tests/data/observed_spending_rpact.csv: rpact 3.3.4 critical values of user-given
//    spending at observed information rates (tests/reference/observed_spending.R);
//  - type I errors: the design's alpha, by simulation, with the replicates and the Monte
//    Carlo SE sqrt(a (1 - a) / R) stated at each test; tolerance 3 SE.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "input_error.hpp"
#include "reference_table.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/monitoring.hpp"
#include "trialsim/trial.hpp"

using namespace trialsim;
using trialsim::testing::input_error_of;
using trialsim::testing::number;
using trialsim::testing::read_table;
using trialsim::testing::Row;

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
// rpact stops its search when the alpha spent is within 1e-8 of the target: about 1e-7 in
// z near z = 2, less than that in conditional power (whose density in z is below 0.4).
constexpr double RPACT_TOLERANCE = 1e-6;

const std::string CONFIGS = std::string(TRIALSIM_SOURCE_DIR) + "/configs/";

Design danger_shock(std::vector<Override> overrides, const std::string& file = "danger_shock.yaml") {
  return load_design(CONFIGS + file, overrides);
}

double binomial_se(double p, double replicates) {
  return std::sqrt(p * (1.0 - p) / replicates);
}

struct KeptRun {
  Results results;
  std::vector<TrialOutcome> outcomes;
};

KeptRun run_keeping_outcomes(const Design& design) {
  KeptRun run;
  RunOptions options;
  options.on_block = [&run](std::int64_t, std::span<const TrialOutcome> block) {
    run.outcomes.insert(run.outcomes.end(), block.begin(), block.end());
  };
  run.results = run_simulation(design, plan_boundaries(design), options);
  return run;
}

Boundary::Family family_of(const std::string& rpact_design) {
  if (rpact_design == "OF") return Boundary::Family::obrien_fleming;
  if (rpact_design == "P") return Boundary::Family::pocock;
  return Boundary::Family::spending;
}

}  // namespace

// ---------------------------------------------------------------------------------
// Conditional power

TEST(ConditionalPower, MatchesRpactAtTheSecondLastLook) {
  // 384 cases: classical O'Brien-Fleming, Lan-DeMets O'Brien-Fleming type and classical Pocock;
  // one- and two-sided; z from -1 to 2.5; HR 0.6, 0.8, 1 and the current trend; allocation 1:1
  // and 2:1; two looks at the first and three at the second. Our own final critical value is
  // used (it matches rpact's to 1e-6, checked here too), so the test covers the whole chain.
  const std::vector<Row> rows = read_table("conditional_power_rpact.csv");
  ASSERT_EQ(rows.size(), 384u);
  for (const Row& row : rows) {
    const double events = number(row, "events");
    const double final_events = events + number(row, "planned");
    const int looks = static_cast<int>(number(row, "looks"));
    std::vector<double> fractions;
    if (looks == 3) fractions.push_back(number(row, "previous_events") / final_events);
    fractions.push_back(events / final_events);
    fractions.push_back(1.0);
    TestPlan test;
    test.sides = static_cast<int>(number(row, "sided"));
    test.alpha = number(row, "alpha");
    test.boundary.family = family_of(row.at("design"));
    const BoundaryPlan plan = compute_boundaries(test, fractions);
    SCOPED_TRACE(row.at("design") + " sided " + row.at("sided") + " z " + row.at("z") + " HR " +
                 row.at("hazard_ratio") + " looks " + row.at("looks"));
    ASSERT_NEAR(plan.efficacy_z.back(), number(row, "final_critical"), RPACT_TOLERANCE);
    const double z = number(row, "z");
    const double t = events / final_events;
    const double hazard_ratio = number(row, "hazard_ratio");
    const double ratio = number(row, "allocation");
    const double share = ratio / (1.0 + ratio);
    const double power =
        std::isnan(hazard_ratio)
            ? conditional_power_trend(z, t, plan.efficacy_z.back())
            : conditional_power(z, t, plan.efficacy_z.back(),
                                -std::log(hazard_ratio) * std::sqrt(share * (1 - share) * final_events));
    EXPECT_NEAR(power, number(row, "conditional_power"), RPACT_TOLERANCE);
  }
}

TEST(ConditionalPower, FutilityZIsWhereItEqualsTheThreshold) {
  // The inverse in closed form (monitoring.hpp) against the forward formula.
  for (const double t : {0.2, 0.5, 0.8}) {
    for (const double threshold : {0.05, 0.2, 0.5}) {
      const double drift = 2.8;
      const double c = 1.96;
      const double design = conditional_power_futility_z(threshold, Futility::Effect::design, t, c, drift);
      EXPECT_NEAR(conditional_power(design, t, c, drift), threshold, 1e-12);
      const double trend = conditional_power_futility_z(threshold, Futility::Effect::trend, t, c, drift);
      EXPECT_NEAR(conditional_power_trend(trend, t, c), threshold, 1e-12);
    }
  }
  // Nothing left to observe: the final decision itself.
  EXPECT_EQ(conditional_power(2.0, 1.0, 1.96, 0.0), 1.0);
  EXPECT_EQ(conditional_power(1.9, 1.2, 1.96, 5.0), 0.0);
  EXPECT_TRUE(std::isnan(conditional_power(std::nan(""), 0.5, 1.96, 1.0)));
}

TEST(ConditionalPower, StoredPerLookFromTheLooksZAndEvents) {
  // Every interim row of the results is the formula at that replicate's z and events: the
  // information fraction is events / 183.6 (the expected deaths at the final analysis of
  // configs/danger_shock.yaml) and the drift -ln(HR) sqrt(183.6 / 4) with HR = ln 0.58 / ln 0.4.
  const Design design = danger_shock({{"simulation.replicates", "2000"}});
  const BoundaryPlan plan = plan_boundaries(design);
  EXPECT_NEAR(plan.planned_final_events, 183.6, 1e-9);
  EXPECT_NEAR(plan.design_drift, -std::log(std::log(0.58) / std::log(0.4)) * std::sqrt(183.6 / 4.0), 1e-9);
  const KeptRun run = run_keeping_outcomes(design);
  for (const TrialOutcome& outcome : run.outcomes) {
    const LookOutcome& interim = outcome.looks[0];
    const double t = (interim.events[0] + interim.events[1]) / 183.6;
    // To rounding: the simulator evaluates the same formula in its own expression order.
    EXPECT_NEAR(interim.conditional_power_design,
                conditional_power(interim.z, t, plan.efficacy_z.back(), plan.design_drift), 1e-12);
    EXPECT_NEAR(interim.conditional_power_trend, conditional_power_trend(interim.z, t, plan.efficacy_z.back()),
                1e-12);
    EXPECT_TRUE(std::isnan(outcome.looks[1].conditional_power_design));
  }
  // The mean conditional power under the design effect at the interim, over all trials, is
  // the power given the interim reached: P(final rejection | no interim stop) is not it, but
  // its mean over every trial is P(Z_2 >= c_2) = 1 - Phi(c_2 - drift) to within Monte Carlo
  // error and the random information (checked loosely: 0.02).
  const double unconditional = normal_cdf(plan.design_drift - plan.efficacy_z.back());
  EXPECT_NEAR(run.results.looks[0].mean_conditional_power_design, unconditional, 0.02);
}

// ---------------------------------------------------------------------------------
// Boundaries at the observed information

TEST(ObservedBoundaries, MatchRpactUserSpendingAtTheObservedEvents) {
  // 40 cases: O'Brien-Fleming- and Pocock-type, HSD(-4) and power(3) spending, one- and
  // two-sided, two and three looks whose events fall short of or overrun the planned 184.
  const std::vector<Row> rows = read_table("observed_spending_rpact.csv");
  ASSERT_EQ(rows.size(), 40u);
  for (const Row& row : rows) {
    TestPlan test;
    test.sides = static_cast<int>(number(row, "sided"));
    test.alpha = number(row, "alpha");
    test.boundary.family = Boundary::Family::spending;
    const std::string& function = row.at("design");
    test.boundary.spending = function == "asOF"    ? Boundary::Spending::obrien_fleming
                             : function == "asP"   ? Boundary::Spending::pocock
                             : function == "asHSD" ? Boundary::Spending::hsd
                                                   : Boundary::Spending::power;
    if (!std::isnan(number(row, "parameter"))) test.boundary.parameter = number(row, "parameter");
    const int looks = static_cast<int>(number(row, "looks"));
    ObservedBoundaries boundaries(test, looks, number(row, "planned"), std::vector<double>(looks, -INF), 64);
    std::vector<ObservedInformation> history;
    for (int k = 0; k < looks; ++k) {
      const auto events = static_cast<std::int32_t>(number(row, "events" + std::to_string(k + 1)));
      history.push_back({events, events});
    }
    for (int k = 0; k < looks; ++k) {
      SCOPED_TRACE(function + " sided " + row.at("sided") + " look " + std::to_string(k + 1));
      EXPECT_NEAR(boundaries.critical_value(k, history), number(row, "critical" + std::to_string(k + 1)),
                  RPACT_TOLERANCE);
    }
  }
}

TEST(ObservedBoundaries, AtThePlannedInformationTheyAreThePlannedBoundaries) {
  TestPlan test;
  test.sides = 1;
  test.alpha = 0.025;
  test.boundary.family = Boundary::Family::spending;
  test.boundary.spending = Boundary::Spending::hsd;
  test.boundary.parameter = -2;
  const BoundaryPlan plan = compute_boundaries(test, std::vector<double>{0.25, 0.5, 0.75, 1.0});
  ObservedBoundaries boundaries(test, 4, 200, std::vector<double>(4, -INF), 64);
  const std::vector<ObservedInformation> history{{50, 50}, {100, 100}, {150, 150}, {200, 200}};
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(boundaries.critical_value(k, history), plan.efficacy_z[k], 1e-12);
  EXPECT_EQ(boundaries.computed(), 4);
  // The same history again comes from the table.
  for (int k = 0; k < 4; ++k) boundaries.critical_value(k, history);
  EXPECT_EQ(boundaries.computed(), 4);
}

TEST(ObservedBoundaries, ALookWithoutNewEventsCannotRejectAndLaterLooksSkipIt) {
  TestPlan test;
  test.boundary.family = Boundary::Family::spending;
  ObservedBoundaries boundaries(test, 3, 200, std::vector<double>(3, -INF), 64);
  ObservedBoundaries without(test, 2, 200, std::vector<double>(2, -INF), 64);
  const std::vector<ObservedInformation> stalled{{100, 100}, {100, 100}, {210, 210}};
  const std::vector<ObservedInformation> two_looks{{100, 100}, {210, 210}};
  EXPECT_EQ(boundaries.critical_value(1, stalled), INF);
  // The last look spends all that is left, correlated with the first look only.
  EXPECT_NEAR(boundaries.critical_value(2, stalled), without.critical_value(1, two_looks), 1e-12);
}

TEST(ObservedInformation, TypeOneErrorUnderTheNullAndThePlannedBoundariesOnTheSameTrials) {
  // DanGer Shock with Lan-DeMets O'Brien-Fleming-type spending, both arms 60% mortality.
  // Both readings of the interim: the first 180 completed, and all randomised at the cut
  // (counting patients: 209 of 360 on average). 100,000 replicates each: the two-sided
  // level 0.05 has Monte Carlo SE 0.00069; tolerance 3 SE.
  for (const std::string population : {"first_completed", "all_randomised"}) {
    for (const std::string information : {"observed", "observed_events"}) {
      SCOPED_TRACE(population + ", " + information);
      // The plan stays the design's: 183.6 expected deaths at the final analysis.
      const Design design = danger_shock({{"simulation.replicates", "100000"},
                                          {"arms[1].survival.exponential.event_probability", "0.60"},
                                          {"test.planned_final_events", "183.6"},
                                          {"analyses[0].population", population},
                                          {"test.boundary",
                                           "{family: spending, function: obrien_fleming, "
                                           "information: " +
                                               information + "}"}});
      const Results results = run_simulation(design, plan_boundaries(design), RunOptions{});
      const double se = binomial_se(0.05, 1e5);
      EXPECT_NEAR(results.reject_probability, 0.05, 3 * se);
      EXPECT_NEAR(results.planned_reject_probability, 0.05, 3 * se);
      // Paired on the same trials, the difference is known far better than either level.
      EXPECT_LT(results.observed_minus_planned_se, results.observed_minus_planned_independent_se);
    }
  }
}

TEST(ObservedInformation, PlannedDecisionsEqualTheDesignsWithoutIt) {
  const Design design = danger_shock({{"simulation.replicates", "3000"}});
  const KeptRun run = run_keeping_outcomes(design);
  for (const TrialOutcome& outcome : run.outcomes) {
    for (int k = 0; k < 2; ++k) EXPECT_EQ(outcome.looks[k].planned_decision, outcome.looks[k].decision);
  }
  EXPECT_EQ(run.results.observed_minus_planned_power, 0.0);
  EXPECT_EQ(run.results.planned_power, run.results.power);
}

TEST(ObservedInformation, EachTrialsBoundaryIsTheSpendingAtItsEvents) {
  // With observed_events the interim of configs/danger_shock.yaml spends alpha(d_1 / 183.6) and the
  // final look the rest, correlated as sqrt(d_1 / d_2): recomputed here for every replicate.
  const Design design = danger_shock({{"simulation.replicates", "300"},
                                      {"test.boundary",
                                       "{family: spending, function: obrien_fleming, "
                                       "information: observed_events}"}});
  const KeptRun run = run_keeping_outcomes(design);
  for (const TrialOutcome& outcome : run.outcomes) {
    const double d1 = outcome.looks[0].events[0] + outcome.looks[0].events[1];
    std::vector<double> efficacy(2);
    SpendingScratch scratch;
    const bool final_look = outcome.stop_look == 1;
    const double d2 = outcome.looks[1].events[0] + outcome.looks[1].events[1];
    const std::vector<double> times{std::min(d1 / 183.6, 1.0), 1.0};
    const std::vector<double> information{d1, final_look ? d2 : 2 * d1};
    spending_critical_values(design.test, times, information, std::vector<double>(2, -INF), efficacy, scratch);
    // Critical values are solved to 1e-10 in z; the two computations take different brackets.
    EXPECT_NEAR(outcome.looks[0].boundary_z, efficacy[0], 1e-9);
    if (final_look) {
      EXPECT_NEAR(outcome.looks[1].boundary_z, efficacy[1], 1e-9);
    }
  }
}

// ---------------------------------------------------------------------------------
// Futility by conditional power

TEST(ConditionalPowerFutility, TypeOneErrorNonBindingAndBinding) {
  // One-sided 0.025, the interim of configs/danger_shock_event_driven.yaml at 92 of 184 events,
  // both arms 60% mortality. 100,000 replicates: SE sqrt(0.025 * 0.975 / 1e5) = 0.00049.
  // Non-binding: the efficacy boundary ignores futility, so the level falls below 0.025.
  // Binding: the boundary relies on the futility stops and the level is 0.025 again.
  for (const std::string under : {"design", "trend"}) {
    SCOPED_TRACE(under);
    // The design effect stays the design's HR, ln 0.58 / ln 0.4 = 0.594492.
    const std::vector<Override> common{{"simulation.replicates", "100000"},
                                       {"arms[1].survival.exponential.event_probability", "0.60"},
                                       {"test.design_hazard_ratio", "0.594492"}};
    std::vector<Override> non_binding = common;
    non_binding.push_back({"test.futility", "{conditional_power: 0.2, under: " + under + "}"});
    std::vector<Override> binding = common;
    binding.push_back({"test.futility", "{conditional_power: 0.2, under: " + under + ", binding: true}"});
    const double se = binomial_se(0.025, 1e5);
    const Design loose = danger_shock(non_binding, "danger_shock_event_driven.yaml");
    const BoundaryPlan loose_plan = plan_boundaries(loose);
    const Results loose_results = run_simulation(loose, loose_plan, RunOptions{});
    EXPECT_LT(loose_results.power, 0.025 + 3 * se);
    EXPECT_GT(loose_results.futility_probability, 0.2);  // many null trials look futile (0.296 under the design effect)
    const Design tight = danger_shock(binding, "danger_shock_event_driven.yaml");
    const BoundaryPlan tight_plan = plan_boundaries(tight);
    EXPECT_LT(tight_plan.efficacy_z.back(), loose_plan.efficacy_z.back());
    const Results tight_results = run_simulation(tight, tight_plan, RunOptions{});
    EXPECT_NEAR(tight_results.power, 0.025, 3 * se);
    // The recursion's own level with the futility z it amounts to.
    EXPECT_NEAR(tight_plan.alpha_spent.back(), 0.025, 1e-9);
    EXPECT_NEAR(tight_results.futility_probability, tight_results.looks[0].futility_probability, 1e-15);
  }
}

TEST(ConditionalPowerFutility, StopsExactlyWhenTheConditionalPowerIsBelowTheThreshold) {
  const Design design = danger_shock({{"simulation.replicates", "3000"},
                                      {"arms[1].survival.exponential.event_probability", "0.55"},
                                      {"test.futility", "{conditional_power: 0.3, under: trend}"}});
  const KeptRun run = run_keeping_outcomes(design);
  int futile = 0;
  for (const TrialOutcome& outcome : run.outcomes) {
    const LookOutcome& interim = outcome.looks[0];
    if (interim.decision == EFFICACY || interim.decision == HARM) continue;
    EXPECT_EQ(interim.decision == FUTILITY, interim.conditional_power_trend < 0.3);
    futile += interim.decision == FUTILITY;
  }
  EXPECT_GT(futile, 100);
}

// ---------------------------------------------------------------------------------
// Non-inferiority

TEST(NonInferiority, TypeOneErrorAtTheMarginForLogrankAndCoxWald) {
  // Treatment hazard 1.3 times the control's, margin 1.3: H0 holds at its boundary. One-sided
  // 0.025 with the DanGer Shock looks. 100,000 replicates: SE 0.00049; tolerance 3 SE.
  for (const std::string statistic : {"logrank", "cox_wald"}) {
    SCOPED_TRACE(statistic);
    const Design design = danger_shock({{"simulation.replicates", "100000"},
                                        {"arms[1].survival", "{relative_to_control: {hazard_ratio: 1.3}}"},
                                        {"test.sides", "1"},
                                        {"test.alpha", "0.025"},
                                        {"test.statistic", statistic},
                                        {"test.null_hazard_ratio", "1.3"}});
    const Results results = run_simulation(design, plan_boundaries(design), RunOptions{});
    EXPECT_NEAR(results.power, 0.025, 3 * binomial_se(0.025, 1e5));
  }
}

TEST(NonInferiority, TheLogrankShiftIsTheMarginTimesTheRootInformation) {
  // rpact's thetaH0 for the log-rank test: z + ln(HR0) sqrt(r (1 - r) d), here r = 1/2.
  const std::vector<Override> base{{"simulation.replicates", "500"}, {"test.sides", "1"}, {"test.alpha", "0.025"}};
  std::vector<Override> shifted = base;
  shifted.push_back({"test.null_hazard_ratio", "1.25"});
  const KeptRun plain = run_keeping_outcomes(danger_shock(base));
  const KeptRun margin = run_keeping_outcomes(danger_shock(shifted));
  for (std::size_t r = 0; r < plain.outcomes.size(); ++r) {
    const LookOutcome& a = plain.outcomes[r].looks[0];
    const LookOutcome& b = margin.outcomes[r].looks[0];
    ASSERT_EQ(a.events[0], b.events[0]);
    EXPECT_NEAR(b.z - a.z, std::log(1.25) * std::sqrt(0.25 * (a.events[0] + a.events[1])), 1e-12);
  }
}

// ---------------------------------------------------------------------------------
// The summary of where trials stop

TEST(StoppingSummary, ExpectedSizeAtStopAndStopProbabilitiesWithTheirErrors) {
  const Design design =
      danger_shock({{"simulation.replicates", "4000"}, {"test.futility", "{conditional_power: 0.1}"}});
  const KeptRun run = run_keeping_outcomes(design);
  double events = 0.0, squares = 0.0;
  int futility = 0, harm = 0;
  for (const TrialOutcome& outcome : run.outcomes) {
    const LookOutcome& last = outcome.looks[static_cast<std::size_t>(outcome.stop_look)];
    const double d = last.events[0] + last.events[1];
    events += d;
    squares += d * d;
    futility += last.decision == FUTILITY;
    harm += last.decision == HARM;
  }
  const double n = 4000;
  const double mean = events / n;
  const double sd = std::sqrt((squares - n * mean * mean) / (n - 1));
  const Results& results = run.results;
  EXPECT_NEAR(results.expected_events, mean, 1e-9);
  EXPECT_NEAR(results.expected_events_se, sd / std::sqrt(n), 1e-9);
  EXPECT_NEAR(results.futility_probability, futility / n, 1e-15);
  EXPECT_NEAR(results.futility_se, binomial_se(futility / n, n), 1e-15);
  EXPECT_NEAR(results.harm_probability, harm / n, 1e-15);
  EXPECT_GT(results.expected_time_se, 0.0);
  EXPECT_GT(results.expected_enrolled_se, 0.0);
}

// ---------------------------------------------------------------------------------
// The design file

TEST(MonitoringConfig, ExactMessagesForBadMonitoringKeys) {
  const auto error = [](std::vector<Override> overrides, const std::string& file = "danger_shock.yaml") {
    return input_error_of([&] { danger_shock(overrides, file); });
  };
  EXPECT_EQ(
      error({{"test.boundary", "{family: obrien_fleming, information: observed}"}}),
      "--set: test.boundary.information: unknown key 'information'; allowed: family (with family obrien_fleming)");
  EXPECT_EQ(error({{"test.boundary", "{family: spending, function: pocock, information: seen}"}}),
            "--set: test.boundary.information: unknown value 'seen'; allowed: planned, observed, observed_events");
  EXPECT_EQ(error({{"analyses[1].when", "{time: 5000}"},
                   {"test.information_fractions", "[0.5, 1]"},
                   {"test.boundary", "{family: spending, function: pocock, information: observed}"}}),
            "--set: test.boundary.information: observed needs every look to have a single events trigger, or every "
            "look a single patient-count trigger (completed_follow_up, or enrolled with a lag of at least the fixed "
            "follow-up)");
  EXPECT_EQ(error({{"test.futility", "{conditional_power: 1.2}"}}),
            "--set: test.futility.conditional_power: must be a probability in (0, 1), got 1.2");
  EXPECT_EQ(error({{"test.futility", "{z: [0], under: trend}"}}),
            "--set: test.futility.under: only used with conditional_power");
  EXPECT_EQ(error({{"test.futility", "{conditional_power: 0.1, under: hope}"}}),
            "--set: test.futility.under: unknown value 'hope'; allowed: design, trend");
  EXPECT_EQ(error({{"test.statistic", "milestone"}, {"test.null_hazard_ratio", "1.3"}}),
            "--set: test.null_hazard_ratio: a null hazard ratio other than 1 is tested with statistic logrank or "
            "cox_wald, not milestone");
  EXPECT_EQ(error({{"test.null_hazard_ratio", "0"}}), "--set: test.null_hazard_ratio: must be a positive number, got 0");
  EXPECT_EQ(error({{"test.planned_final_events", "-5"}}), "--set: test.planned_final_events: must be a positive number, got -5");
}

TEST(MonitoringConfig, ThePlanCanBeFixedWhateverTheTruth) {
  // Under H0 (both arms 60%) the design's own model expects 216 deaths and HR 1; given, the
  // committee's plan is the design's.
  const Design null = danger_shock({{"arms[1].survival.exponential.event_probability", "0.60"}});
  EXPECT_NEAR(plan_boundaries(null).planned_final_events, 216.0, 1e-9);
  EXPECT_NEAR(plan_boundaries(null).design_drift, 0.0, 1e-12);
  const Design fixed = danger_shock({{"arms[1].survival.exponential.event_probability", "0.60"},
                                     {"test.planned_final_events", "183.6"},
                                     {"test.design_hazard_ratio", "0.594492"}});
  const BoundaryPlan plan = plan_boundaries(fixed);
  EXPECT_EQ(plan.planned_final_events, 183.6);
  EXPECT_NEAR(plan.design_drift, -std::log(0.594492) * std::sqrt(183.6 / 4), 1e-12);
}
