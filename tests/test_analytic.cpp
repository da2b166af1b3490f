// The analytic side: textbook formulas against published or independently computed
// values, the boundary recursion's power against rpact, and the expected events,
// enrolment and look times of the integration against the simulator's means within
// Monte Carlo error, for designs with fixed and open follow-up, piecewise rates,
// piecewise survival and dropout.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "trialsim/analytic.hpp"
#include "input_error.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"

using namespace trialsim;

namespace {

// Monte Carlo comparisons: the fixed seeds make each test deterministic; the tolerance
// is 4 SE because the file makes about 40 such comparisons, and a correct
// implementation exceeds 4 SE in any of them with probability below 0.3%.
constexpr double SES = 4.0;

Results simulate(const Design& design) {
  RunOptions options;
  options.threads = 2;
  return run_simulation(design, plan_boundaries(design), options);
}

double se_of_mean(const Distribution& d) { return d.sd / std::sqrt(static_cast<double>(d.count)); }

// Compares the analytic looks with the simulated means of time, events per arm and enrolment.
void expect_course_matches(const std::string& yaml, bool compare_enrolled_at_event_looks = false) {
  const Design design = parse_design(yaml, "design");
  const DesignAnalysis analysis = analyse_design(design, plan_boundaries(design));
  const Results results = simulate(design);
  for (std::size_t k = 0; k < design.looks.size(); ++k) {
    const ExpectedLook& look = analysis.looks[k];
    const LookSummary& sim = results.looks[k];
    SCOPED_TRACE(design.name + ", look " + look.name);
    ASSERT_EQ(sim.performed_probability, 1.0); // the looks compared are unconditional
    if (se_of_mean(sim.time) > 0.0) EXPECT_NEAR(look.time, sim.time.mean, SES * se_of_mean(sim.time));
    else EXPECT_NEAR(look.time, sim.time.mean, 1e-9 * look.time);
    EXPECT_NEAR(look.events_per_arm[CONTROL], sim.events_control.mean, SES * se_of_mean(sim.events_control) + 1e-9);
    EXPECT_NEAR(look.events_per_arm[TREATMENT], sim.events_treatment.mean,
                SES * se_of_mean(sim.events_treatment) + 1e-9);
    const bool event_look = design.looks[k].triggers[0].kind == Trigger::Kind::events;
    if (!event_look || compare_enrolled_at_event_looks) {
      EXPECT_NEAR(look.enrolled, sim.enrolled.mean, SES * se_of_mean(sim.enrolled) + 1e-9);
    }
  }
}

// Interim looks that never stop (nominal alpha 1e-300) keep every look unconditional.
const std::string NEVER_STOP = "boundary: {family: nominal, alpha: [1e-300, 1e-300, 0.05]}";

} // namespace

// ---------------------------------------------------------------------------------
// Formulas. Reference values from rpact 3.3.4 (getSampleSizeSurvival with
// typeOfComputation "Schoenfeld" / "Freedman", getSampleSizeRates), which implements
// the same published formulas independently; one-sided 0.025 and 80% power.

TEST(AnalyticFormulas, SchoenfeldAndFreedmanEventsMatchRpact) {
  EXPECT_NEAR(schoenfeld_events(0.025, 1, 0.8, 0.5, 0.5), 65.3456592589, 1e-8);
  EXPECT_NEAR(freedman_events(0.025, 1, 0.8, 0.5, 0.5), 70.6399176091, 1e-8);
  // Two patients on treatment for each on control (rpact allocationRatioPlanned = 2).
  EXPECT_NEAR(schoenfeld_events(0.025, 1, 0.8, 0.5, 2.0 / 3.0), 73.5138666662, 1e-8);
  EXPECT_NEAR(freedman_events(0.025, 1, 0.8, 0.5, 2.0 / 3.0), 62.7910378748, 1e-8);
  // A two-sided 0.05 test needs what a one-sided 0.025 test needs.
  EXPECT_NEAR(schoenfeld_events(0.05, 2, 0.8, 0.5, 0.5), 65.3456592589, 1e-8);
}

TEST(AnalyticFormulas, PowerInvertsTheEventCount) {
  for (const double power : {0.5, 0.8, 0.9, 0.975}) {
    const double events = schoenfeld_events(0.05, 2, power, 0.7, 0.4);
    EXPECT_NEAR(schoenfeld_power(events, 0.05, 2, 0.7, 0.4), power, 1e-12);
    const double freedman = freedman_events(0.05, 2, power, 1.3, 0.6);
    EXPECT_NEAR(freedman_power(freedman, 0.05, 2, 1.3, 0.6), power, 1e-12);
  }
}

TEST(AnalyticFormulas, TwoProportionSampleSizeMatchesRpactAndFleiss) {
  // rpact getSampleSizeRates(pi1 = 0.42, pi2 = 0.60): 119.8905066813 per group.
  const ArmSizes equal = two_proportion_sample_size(0.60, 0.42, 0.025, 1, 0.8, 0.5, false);
  EXPECT_NEAR(equal.control, 119.8905066813, 1e-8);
  EXPECT_NEAR(equal.treatment, 119.8905066813, 1e-8);
  // allocationRatioPlanned = 2: 89.7757250413 control, 179.5514500826 treatment.
  const ArmSizes unequal = two_proportion_sample_size(0.60, 0.42, 0.025, 1, 0.8, 2.0 / 3.0, false);
  EXPECT_NEAR(unequal.control, 89.7757250413, 1e-8);
  EXPECT_NEAR(unequal.treatment, 179.5514500826, 1e-8);
  // Fleiss, Tytun and Ury (1980): n' = n/4 (1 + sqrt(1 + 4 / (n |d|)))^2 for equal groups,
  // by hand: 119.8905066813 / 4 * (1 + sqrt(1 + 4 / (119.8905066813 * 0.18)))^2.
  const double n = 119.8905066813;
  const double corrected = n / 4.0 * std::pow(1.0 + std::sqrt(1.0 + 4.0 / (n * 0.18)), 2.0);
  EXPECT_NEAR(two_proportion_sample_size(0.60, 0.42, 0.025, 1, 0.8, 0.5, true).control, corrected, 1e-8);
  // The power at the computed size is the target, with and without the correction (the
  // corrected power formula inverts Fleiss's approximation only approximately).
  EXPECT_NEAR(two_proportion_power(equal, 0.60, 0.42, 0.05, 2, false), 0.8, 1e-12);
  EXPECT_NEAR(two_proportion_power({corrected, corrected}, 0.60, 0.42, 0.05, 2, true), 0.8, 2e-3);
}

// ---------------------------------------------------------------------------------
// Group-sequential power and events, against rpact 3.3.4: a one-sided 0.025 design with
// Lan-DeMets O'Brien-Fleming-type spending at information 0.3, 0.6, 1 and HR 0.7.

TEST(AnalyticSequential, PowerMatchesRpactGetPowerSurvival) {
  TestPlan test;
  test.sides = 1;
  test.alpha = 0.025;
  test.boundary.family = Boundary::Family::spending;
  test.boundary.spending = Boundary::Spending::obrien_fleming;
  const BoundaryPlan plan = compute_boundaries(test, std::vector<double>{0.3, 0.6, 1.0});
  // getPowerSurvival(maxNumberOfEvents = 200): overallReject and rejectPerStage.
  const SequentialPower power = sequential_power(plan, test.futility, {60, 120, 200}, 0.7, 0.5);
  EXPECT_NEAR(power.power, 0.7090931330, 1e-6);
  EXPECT_NEAR(power.efficacy[0], 0.0054299257, 1e-6);
  EXPECT_NEAR(power.efficacy[1], 0.2316471169, 1e-6);
  EXPECT_NEAR(power.efficacy[2], 0.4720160904, 1e-6);
  // getSampleSizeSurvival(beta = 0.1): maxNumberOfEvents 332.9914794530.
  EXPECT_NEAR(sequential_events(plan, 0.9, 0.7, 0.5), 332.9914794530, 1e-4);
}

// Event-driven looks: the recursion's power is that of the simulated procedure.
// 6000 replicates: SE of the power about 0.006.
TEST(AnalyticSequential, PowerAgreesWithSimulationForEventDrivenLooks) {
  const Design design = parse_design(R"(name: event-driven O'Brien-Fleming
arms:
  - {id: control, survival: {exponential: {median: 200}}}
  - {id: treatment, survival: {relative_to_control: {hazard_ratio: 0.7}}}
allocation: {block_size: 0}
enrollment: {sample_size: 400, rates: [{from: 0, rate: 1}]}
analyses:
  - {name: a, when: {events: 70}}
  - {name: b, when: {events: 140}}
  - {name: c, when: {events: 210}}
test: {sides: 2, alpha: 0.05, boundary: {family: obrien_fleming}}
simulation: {replicates: 6000, seed: 11}
)",
                                     "design");
  const DesignAnalysis analysis = analyse_design(design, plan_boundaries(design));
  const Results results = simulate(design);
  EXPECT_NEAR(analysis.sequential.power, results.power, 3.0 * results.power_se);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_NEAR(analysis.sequential.efficacy[k], results.looks[k].reject_probability, 3.0 * results.looks[k].reject_se);
    EXPECT_DOUBLE_EQ(analysis.looks[k].events, 70.0 * static_cast<double>(k + 1));
  }
}

// ---------------------------------------------------------------------------------
// Expected arrivals: closed forms.

TEST(AnalyticCourse, ExpectedArrivalTimesHaveTheirClosedForms) {
  const Design design = parse_design(R"(name: arrivals
arms:
  - {id: control, survival: {exponential: {hazard: 0.01}}}
  - {id: treatment, survival: {exponential: {hazard: 0.01}}}
enrollment: {sample_size: 50, rates: [{from: 0, rate: 2}, {from: 10, rate: 0}, {from: 20, rate: 0.5}]}
analyses: [{name: final, when: {enrolled: 50}}]
)",
                                     "design");
  const EventModel model(design);
  const ExpectedCourse course(design, model);
  // Constant rate 2 up to 10 (Lambda(10) = 20): E[T_n] = n / 2 while the 20th arrival is
  // almost surely before 10; here n = 1: Gamma(1) = Exp(1), and
  // E[T_1] = E[min(G, 20)] / 2 + P(G > 20) (10 + (E[G | G > 20] - 20) / 0.5) = (1 - e^-20) / 2 + e^-20 (10 + 2).
  EXPECT_NEAR(course.expected_arrival_time(1), (1.0 - std::exp(-20.0)) / 2.0 + std::exp(-20.0) * 12.0, 1e-12);
  // Far beyond the gap every arrival pays it: E[T_50] = 10 + 10 + (50 - 20) / 0.5 up to the
  // chance of fewer than 20 arrivals by time 10 (P(Gamma_50 < 20) < 1e-9).
  EXPECT_NEAR(course.expected_arrival_time(50), 80.0, 1e-6);
  // E[min(N, Poisson(Lambda))] at Lambda = 20 (t = 10) and N = 50: 20 up to the tail.
  EXPECT_NEAR(course.expected_enrolled(10.0), 20.0, 1e-6);
}

TEST(AnalyticCourse, DeterministicArrivalsEnterWhenExpectedEnrolmentReachesThem) {
  std::vector<double> entry(5);
  RandomStream unused;
  ArrivalProcess({{0.0, 0.5}, {4.0, 2.0}}, true).sample(unused, entry);
  // Lambda(t) = t / 2 up to 4 (2 patients), then 2 per unit: entries 2, 4, 4.5, 5, 5.5.
  const std::vector<double> expected{2.0, 4.0, 4.5, 5.0, 5.5};
  for (std::size_t i = 0; i < entry.size(); ++i) EXPECT_NEAR(entry[i], expected[i], 1e-12);
}

// ---------------------------------------------------------------------------------
// Expected looks against the simulated means. Each design: 4000 replicates.

// Open follow-up, exponential survival, two rate periods, event-driven and time looks.
TEST(AnalyticCourse, OpenFollowUpEventLooksAgreeWithSimulation) {
  expect_course_matches(R"(name: open follow-up
arms:
  - {id: control, survival: {exponential: {median: 300}}}
  - {id: treatment, survival: {relative_to_control: {hazard_ratio: 0.7}}}
allocation: {block_size: 0}
enrollment: {sample_size: 300, rates: [{from: 0, rate: 0.5}, {from: 200, rate: 1.5}]}
analyses:
  - {name: a, when: {time: 250}}
  - {name: b, when: {events: 120}}
  - {name: c, when: {events: 180}}
test: {sides: 2, alpha: 0.05, )" + NEVER_STOP + R"(, information_fractions: [0.2, 0.6, 1]}
simulation: {replicates: 4000, seed: 21}
)");
}

// Fixed follow-up, three rate periods (one without arrivals), completed-follow-up looks
// with the first-completed population, enrolled + lag and all completed.
TEST(AnalyticCourse, FixedFollowUpPatientLooksAgreeWithSimulation) {
  expect_course_matches(R"(name: fixed follow-up
arms:
  - {id: control, survival: {exponential: {event_probability: 0.6, at: 180}}}
  - {id: treatment, survival: {exponential: {event_probability: 0.42, at: 180}}}
enrollment: {sample_size: 240, rates: [{from: 0, rate: 0.3}, {from: 100, rate: 0}, {from: 150, rate: 1}]}
follow_up: {fixed: 180}
analyses:
  - {name: a, when: {completed_follow_up: 80}, population: first_completed}
  - {name: b, when: {enrolled: 230, lag: 120}}
  - {name: c, when: {completed_follow_up: all}}
test: {sides: 2, alpha: 0.05, )" + NEVER_STOP + R"(, information_fractions: [0.3, 0.6, 1]}
simulation: {replicates: 4000, seed: 22}
)");
}

// Piecewise-exponential survival by landmarks (control) and by hazards (treatment),
// exponential dropout per arm, 1:2 allocation.
TEST(AnalyticCourse, PiecewiseSurvivalWithDropoutAgreesWithSimulation) {
  expect_course_matches(R"(name: piecewise survival and dropout
arms:
  - {id: control, survival: {piecewise_exponential: {event_probability: {10: 0.2, 60: 0.35, 200: 0.5}}}}
  - {id: treatment, survival: {piecewise_exponential: {breaks: [0, 20], hazards: [0.01, 0.002]}}}
allocation: {ratio: [1, 2], block_size: 0}
enrollment: {sample_size: 240, rates: [{from: 0, rate: 0.6}]}
dropout:
  control: {exponential: {event_probability: 0.1, at: 365}}
  treatment: {exponential: {hazard: 0.001}}
analyses:
  - {name: a, when: {time: 250}}
  - {name: b, when: {events: 80}}
  - {name: c, when: {time: 800}}
test: {sides: 2, alpha: 0.05, )" + NEVER_STOP + R"(, information_fractions: [0.3, 0.6, 1]}
simulation: {replicates: 4000, seed: 23}
)");
}

// Piecewise hazard ratios (delayed effect) over a Weibull control with a cure fraction,
// crossover and exclusion, fixed follow-up, and deterministic arrivals.
TEST(AnalyticCourse, PiecewiseRatesCureCrossoverDeterministicArrivalsAgreeWithSimulation) {
  expect_course_matches(R"(name: delayed effect with cure
arms:
  - {id: control, survival: {weibull: {shape: 0.7, median: 100}, cure_fraction: 0.2}}
  - {id: treatment, survival: {relative_to_control: {breaks: [0, 30], hazard_ratios: [1.0, 0.6]}}}
allocation: {block_size: 0}
enrollment: {sample_size: 200, arrivals: deterministic, rates: [{from: 0, rate: 0.4}, {from: 250, rate: 1}]}
follow_up: {fixed: 120}
crossover: {control_to_treatment: 0.05, treatment_to_control: 0.1}
exclusion: 0.05
analyses:
  - {name: a, when: {time: 200}}
  - {name: b, when: {events: 40}}
  - {name: c, when: {completed_follow_up: all}}
test: {sides: 2, alpha: 0.05, )" + NEVER_STOP + R"(, information_fractions: [0.3, 0.6, 1]}
simulation: {replicates: 4000, seed: 24}
)");
}

// ---------------------------------------------------------------------------------
// The DanGer Shock design: the protocol's 162 per group and 165 deaths are the
// two-proportion and Freedman figures for 90% power at two-sided alpha 0.048, by hand:
// two-proportion, p = 0.51: [1.97743 sqrt(2 * 0.51 * 0.49) + 1.28155 sqrt(0.24 + 0.2436)]^2 / 0.18^2 = 161.7;
// Freedman, HR = ln(0.58) / ln(0.4) = 0.594492: (1.97743 + 1.28155)^2 (1.594492 / 0.405508)^2 = 164.2.

TEST(AnalyticDangerShock, PublishedSizesAreNinetyPercentPowerAtTheFinalAlpha) {
  const Design design = load_design(std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock.yaml");
  const BoundaryPlan plan = plan_boundaries(design);
  const DesignAnalysis analysis = analyse_design(design, plan);
  EXPECT_NEAR(analysis.hazard_ratio.value, std::log(0.58) / std::log(0.4), 1e-9);
  EXPECT_TRUE(analysis.hazard_ratio.proportional);
  bool found = false;
  for (const FormulaRow& row : analysis.formulas) {
    if (row.power != 0.9 || row.alpha == design.test.alpha) continue;
    found = true;
    EXPECT_NEAR(row.alpha, 0.048, 0.0005);
    EXPECT_NEAR(row.two_proportion->control, 161.7, 0.1);
    EXPECT_NEAR(row.freedman, 164.2, 0.1);
  }
  EXPECT_TRUE(found);
  // 360 patients each followed 180 days: 360 (0.6 + 0.42) / 2 = 183.6 expected deaths at the end.
  EXPECT_NEAR(analysis.looks.back().events, 183.6, 1e-6);
}

// ---------------------------------------------------------------------------------
// The command line.

namespace {

struct Output {
  int status;
  std::string text;
};

Output run_trialsim(const std::string& arguments) {
  const std::string command = std::string(TRIALSIM_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string text;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

} // namespace

TEST(AnalyticCommand, CsvHasOneFigurePerRow) {
  const Output out = run_trialsim("design " + std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock.yaml --format csv");
  ASSERT_EQ(out.status, 0) << out.text;
  EXPECT_EQ(out.text.rfind("quantity,look,power,alpha,analytic,simulated,simulated_se\n", 0), 0u);
  // The row of a quantity: its analytic value (fifth field).
  const auto analytic = [&](const std::string& prefix) {
    const std::size_t at = out.text.find("\n" + prefix);
    if (at == std::string::npos) return std::nan("");
    return std::stod(out.text.substr(at + 1 + prefix.size()));
  };
  EXPECT_NEAR(analytic("events,final,,,"), 183.6, 1e-6);
  EXPECT_NEAR(analytic("events_freedman,,0.9,0.05,"), 162.458, 1e-3);
}

TEST(AnalyticCommand, BadTargetPowerIsAnInputError) {
  const Output out = run_trialsim("design " + std::string(TRIALSIM_SOURCE_DIR) +
                                  "/configs/danger_shock.yaml --set test.target_power=1.5");
  EXPECT_EQ(out.status, 2);
  EXPECT_NE(out.text.find("test.target_power"), std::string::npos) << out.text;
}

// The two keys this module reads: kept in the resolved design, and checked.
TEST(AnalyticConfig, ArrivalsAndTargetPowerSurviveTheResolvedDesign) {
  const std::string yaml = R"(name: keys
arms:
  - {id: control, survival: {exponential: {hazard: 0.01}}}
  - {id: treatment, survival: {exponential: {hazard: 0.01}}}
enrollment: {sample_size: 10, arrivals: deterministic, rates: [{from: 0, rate: 1}]}
analyses: [{name: final, when: {events: 5}}]
test: {target_power: 0.85}
)";
  const Design design = parse_design(yaml, "design");
  EXPECT_EQ(design.enrollment.arrivals, Enrollment::Arrivals::deterministic);
  ASSERT_TRUE(design.test.target_power);
  EXPECT_EQ(*design.test.target_power, 0.85);
  const Design again = parse_design(design.resolved_yaml, "resolved");
  EXPECT_EQ(again.enrollment.arrivals, Enrollment::Arrivals::deterministic);
  EXPECT_EQ(again.test.target_power, design.test.target_power);
  EXPECT_EQ(again.resolved_yaml, design.resolved_yaml);
  std::string bad = yaml;
  bad.replace(bad.find("deterministic"), 13, "uniform");
  EXPECT_EQ(trialsim::testing::input_error_of([&] { parse_design(bad, "design"); }),
            "design:5: enrollment.arrivals: unknown value 'uniform'; allowed: poisson, deterministic");
}
