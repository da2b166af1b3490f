// The design file: the shipped configs, every survival form and its exact
// conversion, enrolment by sites, strata, `--set` overrides, the resolved YAML
// round trip, and bad input rejected with the exact message (file, line, key
// path, what is allowed).

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "input_error.hpp"
#include "text_replace.hpp"
#include "trialsim/config.hpp"
#include "trialsim/error.hpp"

using namespace trialsim;
namespace fs = std::filesystem;

namespace {

const std::string CONFIGS = std::string(TRIALSIM_SOURCE_DIR) + "/configs/";

// A valid design; the line numbers matter to the bad-input tests.
const std::string GOOD = R"(name: config test
arms:
  - id: control
    survival:
      exponential: {event_probability: 0.60, at: 180}
  - id: pump
    survival:
      exponential: {event_probability: 0.42, at: 180}
enrollment:
  sample_size: 360
  rates:
    - {from: 0, rate: 0.041}
    - {from: 2190, rate: 0.164}
follow_up:
  fixed: 180
analyses:
  - name: interim
    when: {completed_follow_up: 180}
  - name: final
    when: {completed_follow_up: all}
test:
  sides: 2
  alpha: 0.05
)";

using trialsim::testing::input_error_of;
using trialsim::testing::replaced;

Design parse(const std::string& yaml, std::vector<Override> overrides = {}) {
  return parse_design(yaml, "test.yaml", overrides);
}

// The what() of the InputError that parsing throws ("no InputError" when none).
std::string error_of(const std::string& yaml, std::vector<Override> overrides = {}) {
  return input_error_of([&] { parse(yaml, overrides); });
}

// The survival function of a model, from its definition in design.hpp.
double base_cumulative(const BaseHazard& base, double t) {
  if (base.family == BaseHazard::Family::weibull) return std::pow(t / base.weibull_scale, base.weibull_shape);
  double h = 0.0;
  for (std::size_t k = 0; k < base.breaks.size() && base.breaks[k] < t; ++k) {
    const double end = k + 1 < base.breaks.size() ? std::min(t, base.breaks[k + 1]) : t;
    h += base.hazards[k] * (end - base.breaks[k]);
  }
  return h;
}

double population_survival(const SurvivalModel& model, double t) {
  return model.cure_fraction + (1.0 - model.cure_fraction) * std::exp(-base_cumulative(model.base, t));
}

double survival(const SurvivalModel& model, double t) {
  double h = 0.0;
  for (std::size_t j = 0; j < model.ratio_breaks.size() && model.ratio_breaks[j] < t; ++j) {
    const double end = j + 1 < model.ratio_breaks.size() ? std::min(t, model.ratio_breaks[j + 1]) : t;
    h += model.hazard_ratios[j] *
         (std::log(population_survival(model, model.ratio_breaks[j])) - std::log(population_survival(model, end)));
  }
  return std::exp(-h);
}

// The arms' survival of a design whose arms are given by `control` and `treatment`.
Design with_survival(const std::string& control, const std::string& treatment) {
  std::string yaml = replaced(GOOD, "exponential: {event_probability: 0.60, at: 180}", control);
  return parse(replaced(yaml, "exponential: {event_probability: 0.42, at: 180}", treatment));
}

void expect_same_model(const SurvivalModel& a, const SurvivalModel& b) {
  EXPECT_EQ(a.base.family, b.base.family);
  EXPECT_EQ(a.base.breaks, b.base.breaks);
  EXPECT_EQ(a.base.hazards, b.base.hazards);
  EXPECT_EQ(a.base.weibull_shape, b.base.weibull_shape);
  EXPECT_EQ(a.base.weibull_scale, b.base.weibull_scale);
  EXPECT_EQ(a.cure_fraction, b.cure_fraction);
  EXPECT_EQ(a.ratio_breaks, b.ratio_breaks);
  EXPECT_EQ(a.hazard_ratios, b.hazard_ratios);
}

void expect_same_looks(const std::vector<Look>& a, const std::vector<Look>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].name, b[k].name);
    ASSERT_EQ(a[k].triggers.size(), b[k].triggers.size());
    for (std::size_t t = 0; t < a[k].triggers.size(); ++t) {
      EXPECT_EQ(a[k].triggers[t].kind, b[k].triggers[t].kind);
      EXPECT_EQ(a[k].triggers[t].value, b[k].triggers[t].value);
    }
    EXPECT_EQ(a[k].combine, b[k].combine);
    EXPECT_EQ(a[k].lag, b[k].lag);
    EXPECT_EQ(a[k].population, b[k].population);
  }
}

void expect_same_test(const TestPlan& a, const TestPlan& b) {
  EXPECT_EQ(a.statistic, b.statistic);
  EXPECT_EQ(a.ties, b.ties);
  EXPECT_EQ(a.sides, b.sides);
  EXPECT_EQ(a.alpha, b.alpha);
  EXPECT_EQ(a.boundary.family, b.boundary.family);
  EXPECT_EQ(a.boundary.spending, b.boundary.spending);
  EXPECT_EQ(a.boundary.parameter, b.boundary.parameter);
  EXPECT_EQ(a.boundary.interim_z, b.boundary.interim_z);
  EXPECT_EQ(a.boundary.nominal_alpha, b.boundary.nominal_alpha);
  EXPECT_EQ(a.boundary.alpha_spent, b.boundary.alpha_spent);
  EXPECT_EQ(a.information_fractions, b.information_fractions);
  EXPECT_EQ(a.futility.scale, b.futility.scale);
  EXPECT_EQ(a.futility.values, b.futility.values);
  EXPECT_EQ(a.futility.binding, b.futility.binding);
  EXPECT_EQ(a.futility.beta_spending, b.futility.beta_spending);
  EXPECT_EQ(a.futility.beta_parameter, b.futility.beta_parameter);
  EXPECT_EQ(a.futility.beta, b.futility.beta);
  EXPECT_EQ(a.stratified, b.stratified);
  EXPECT_EQ(a.milestone, b.milestone);
}

// Field by field: Design has no operator==.
void expect_same_design(const Design& a, const Design& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.time_unit, b.time_unit);
  EXPECT_EQ(a.start_date, b.start_date);
  for (std::size_t arm = 0; arm < 2; ++arm) {
    EXPECT_EQ(a.arms[arm].id, b.arms[arm].id);
    EXPECT_EQ(a.arms[arm].label, b.arms[arm].label);
    EXPECT_EQ(a.dropout[arm].has_value(), b.dropout[arm].has_value());
    if (a.dropout[arm] && b.dropout[arm]) expect_same_model(*a.dropout[arm], *b.dropout[arm]);
    EXPECT_EQ(a.crossover[arm], b.crossover[arm]);
  }
  EXPECT_EQ(a.allocation.ratio, b.allocation.ratio);
  EXPECT_EQ(a.allocation.block_size, b.allocation.block_size);
  ASSERT_EQ(a.allocation.strata.size(), b.allocation.strata.size());
  for (std::size_t s = 0; s < a.allocation.strata.size(); ++s) {
    EXPECT_EQ(a.allocation.strata[s].name, b.allocation.strata[s].name);
    EXPECT_EQ(a.allocation.strata[s].prevalence, b.allocation.strata[s].prevalence);
  }
  EXPECT_EQ(a.enrollment.sample_size, b.enrollment.sample_size);
  ASSERT_EQ(a.enrollment.periods.size(), b.enrollment.periods.size());
  for (std::size_t k = 0; k < a.enrollment.periods.size(); ++k) {
    EXPECT_EQ(a.enrollment.periods[k].from, b.enrollment.periods[k].from);
    EXPECT_EQ(a.enrollment.periods[k].rate, b.enrollment.periods[k].rate);
  }
  EXPECT_EQ(a.enrollment.sites.size(), b.enrollment.sites.size());
  EXPECT_EQ(a.fixed_follow_up, b.fixed_follow_up);
  ASSERT_EQ(a.survival.size(), b.survival.size());
  for (std::size_t s = 0; s < a.survival.size(); ++s) {
    expect_same_model(a.survival[s][CONTROL], b.survival[s][CONTROL]);
    expect_same_model(a.survival[s][TREATMENT], b.survival[s][TREATMENT]);
  }
  EXPECT_EQ(a.exclusion, b.exclusion);
  EXPECT_EQ(a.as_treated, b.as_treated);
  expect_same_looks(a.looks, b.looks);
  expect_same_test(a.test, b.test);
  EXPECT_EQ(a.simulation.replicates, b.simulation.replicates);
  EXPECT_EQ(a.simulation.seed, b.simulation.seed);
  EXPECT_EQ(a.resolved_yaml, b.resolved_yaml);
}

void expect_round_trip(const Design& design) {
  const Design again = parse_design(design.resolved_yaml, "resolved");
  expect_same_design(design, again);
  EXPECT_EQ(again.resolved_yaml, design.resolved_yaml) << design.resolved_yaml;
}

}  // namespace

// ---- the shipped configs ----

TEST(Config, ShippedDefaultIsDanGerShockAsPlanned) {
  const Design d = load_design(CONFIGS + "danger_shock.yaml");
  EXPECT_EQ(d.name, "DanGer Shock as planned");
  EXPECT_EQ(d.time_unit, "day");
  EXPECT_EQ(d.start_date, "2013-01-27");
  EXPECT_EQ(d.arms[CONTROL].id, "control");
  EXPECT_EQ(d.arms[CONTROL].label, "Standard care");
  EXPECT_EQ(d.arms[TREATMENT].id, "pump");
  EXPECT_EQ(d.arms[TREATMENT].label, "Microaxial flow pump plus standard care");
  ASSERT_EQ(d.survival.size(), 1u);
  const SurvivalModel& control = d.survival[0][CONTROL];
  const SurvivalModel& pump = d.survival[0][TREATMENT];
  EXPECT_EQ(control.base.family, BaseHazard::Family::piecewise_exponential);
  EXPECT_EQ(control.base.breaks, std::vector<double>{0.0});
  ASSERT_EQ(control.base.hazards.size(), 1u);
  EXPECT_DOUBLE_EQ(control.base.hazards[0], -std::log(0.4) / 180);
  ASSERT_EQ(pump.base.hazards.size(), 1u);
  EXPECT_DOUBLE_EQ(pump.base.hazards[0], -std::log(0.58) / 180);
  EXPECT_EQ(pump.hazard_ratios, std::vector<double>{1.0});
  EXPECT_EQ(control.cure_fraction, 0.0);
  EXPECT_EQ(d.allocation.ratio, (std::array<int, 2>{1, 1}));
  EXPECT_EQ(d.allocation.block_size, 4);
  ASSERT_EQ(d.allocation.strata.size(), 1u);
  EXPECT_EQ(d.allocation.strata[0].name, "all");
  EXPECT_EQ(d.allocation.strata[0].prevalence, 1.0);
  EXPECT_EQ(d.enrollment.sample_size, 360);
  ASSERT_EQ(d.enrollment.periods.size(), 2u);
  EXPECT_EQ(d.enrollment.periods[0].from, 0.0);
  EXPECT_EQ(d.enrollment.periods[0].rate, 0.041);
  EXPECT_EQ(d.enrollment.periods[1].from, 2190.0);
  EXPECT_EQ(d.enrollment.periods[1].rate, 0.164);
  EXPECT_TRUE(d.enrollment.sites.empty());
  EXPECT_EQ(d.fixed_follow_up, 180.0);
  EXPECT_FALSE(d.dropout[0] || d.dropout[1]);
  EXPECT_EQ(d.crossover, (std::array<double, 2>{0.0, 0.0}));
  EXPECT_EQ(d.exclusion, 0.0);
  EXPECT_FALSE(d.as_treated);
  ASSERT_EQ(d.looks.size(), 2u);
  EXPECT_EQ(d.looks[0].name, "interim");
  ASSERT_EQ(d.looks[0].triggers.size(), 1u);
  EXPECT_EQ(d.looks[0].triggers[0].kind, Trigger::Kind::completed_follow_up);
  EXPECT_EQ(d.looks[0].triggers[0].value, 180.0);
  EXPECT_EQ(d.looks[0].lag, 0.0);
  // The protocol's interim: the first 180 patients who completed follow-up.
  EXPECT_EQ(d.looks[0].population, Population::first_completed);
  EXPECT_EQ(d.looks[1].name, "final");
  EXPECT_EQ(d.looks[1].triggers[0].kind, Trigger::Kind::all_completed);
  EXPECT_EQ(d.looks[1].triggers[0].value, 360.0);
  EXPECT_EQ(d.test.statistic.kind, Statistic::logrank);
  EXPECT_EQ(d.test.ties, Ties::efron);
  EXPECT_EQ(d.test.sides, 2);
  EXPECT_EQ(d.test.alpha, 0.05);
  EXPECT_EQ(d.test.boundary.family, Boundary::Family::obrien_fleming);
  EXPECT_EQ(d.test.information_fractions, (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(d.test.futility.scale, Futility::Scale::none);
  EXPECT_FALSE(d.test.stratified);
  EXPECT_EQ(d.test.milestone, 180.0);  // the fixed follow-up
  EXPECT_EQ(d.simulation.replicates, 100000);
  EXPECT_EQ(d.simulation.seed, 20130127u);
}

TEST(Config, ShippedVariants) {
  const Design front = load_design(CONFIGS + "danger_shock_front_loaded.yaml");
  // Front-loaded: 60% and 42% at day 180 all the same (HR given to 10 digits).
  EXPECT_NEAR(1 - survival(front.survival[0][CONTROL], 180), 0.60, 1e-12);
  EXPECT_NEAR(1 - survival(front.survival[0][TREATMENT], 180), 0.42, 1e-9);
  EXPECT_NEAR(1 - survival(front.survival[0][CONTROL], 2), 0.25, 1e-12);

  const Design timeline = load_design(CONFIGS + "danger_shock_timeline.yaml");
  ASSERT_EQ(timeline.enrollment.periods.size(), 3u);
  EXPECT_EQ(timeline.enrollment.periods[1].from, 2190.0);
  EXPECT_DOUBLE_EQ(timeline.enrollment.periods[1].rate, 0.13);
  EXPECT_EQ(timeline.enrollment.periods[2].from, 2920.0);
  EXPECT_DOUBLE_EQ(timeline.enrollment.periods[2].rate, 0.14);
  EXPECT_EQ(timeline.crossover, (std::array<double, 2>{0.017, 0.017}));
  EXPECT_EQ(timeline.exclusion, 0.014);
  EXPECT_EQ(timeline.test.statistic.kind, Statistic::cox_wald);
  ASSERT_EQ(timeline.allocation.strata.size(), 2u);
  EXPECT_EQ(timeline.survival.size(), 2u);

  const Design spending = load_design(CONFIGS + "danger_shock_spending.yaml");
  EXPECT_EQ(spending.test.boundary.family, Boundary::Family::spending);
  EXPECT_EQ(spending.test.boundary.spending, Boundary::Spending::obrien_fleming);
  EXPECT_EQ(spending.test.futility.scale, Futility::Scale::z);
  EXPECT_EQ(spending.test.futility.values, std::vector<double>{0.0});
  EXPECT_FALSE(spending.test.futility.binding);
}

TEST(Config, EveryShippedConfigLoadsAndRoundTrips) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(CONFIGS)) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const Design design = load_design(entry.path().string());
    expect_round_trip(design);
    ++count;
  }
  EXPECT_GE(count, 4);
}

// ---- survival forms ----

TEST(Config, ExponentialForms) {
  const Design by_hazard = with_survival("exponential: {hazard: 0.005}", "exponential: {median: 140}");
  EXPECT_EQ(by_hazard.survival[0][CONTROL].base.hazards, std::vector<double>{0.005});
  EXPECT_DOUBLE_EQ(by_hazard.survival[0][TREATMENT].base.hazards[0], std::log(2.0) / 140);
  EXPECT_NEAR(survival(by_hazard.survival[0][TREATMENT], 140), 0.5, 1e-15);
}

TEST(Config, PiecewiseLandmarksAreConvertedExactly) {
  const Design d = with_survival("piecewise_exponential: {event_probability: {2: 0.25, 30: 0.45, 180: 0.60}}",
                                 "piecewise_exponential: {breaks: [0, 30], hazards: [0.017, 0.0027]}");
  const SurvivalModel& control = d.survival[0][CONTROL];
  EXPECT_EQ(control.base.breaks, (std::vector<double>{0, 2, 30}));
  ASSERT_EQ(control.base.hazards.size(), 3u);
  EXPECT_DOUBLE_EQ(control.base.hazards[0], -std::log(0.75) / 2);
  EXPECT_DOUBLE_EQ(control.base.hazards[1], (std::log(0.75) - std::log(0.55)) / 28);
  EXPECT_DOUBLE_EQ(control.base.hazards[2], (std::log(0.55) - std::log(0.40)) / 150);
  // exp(-H(t_i)) = 1 - p_i at every landmark; the last hazard extends beyond.
  EXPECT_NEAR(survival(control, 2), 0.75, 1e-14);
  EXPECT_NEAR(survival(control, 30), 0.55, 1e-14);
  EXPECT_NEAR(survival(control, 180), 0.40, 1e-14);
  EXPECT_NEAR(survival(control, 330), 0.40 * 0.40 / 0.55, 1e-14);
  const SurvivalModel& pump = d.survival[0][TREATMENT];
  EXPECT_EQ(pump.base.breaks, (std::vector<double>{0, 30}));
  EXPECT_EQ(pump.base.hazards, (std::vector<double>{0.017, 0.0027}));
}

TEST(Config, EqualLandmarkProbabilitiesGiveAZeroHazard) {
  const Design d = with_survival("piecewise_exponential: {event_probability: {30: 0.4, 60: 0.4, 90: 0.5}}",
                                 "relative_to_control: {hazard_ratio: 0.7}");
  EXPECT_EQ(d.survival[0][CONTROL].base.hazards[1], 0.0);
}

TEST(Config, WeibullByMedianOrScale) {
  const Design d = with_survival("weibull: {shape: 0.6, median: 60}", "weibull: {shape: 1.5, scale: 200}");
  const SurvivalModel& control = d.survival[0][CONTROL];
  EXPECT_EQ(control.base.family, BaseHazard::Family::weibull);
  EXPECT_EQ(control.base.weibull_shape, 0.6);
  EXPECT_DOUBLE_EQ(control.base.weibull_scale, 60 / std::pow(std::log(2.0), 1 / 0.6));
  EXPECT_NEAR(survival(control, 60), 0.5, 1e-14);
  EXPECT_EQ(d.survival[0][TREATMENT].base.weibull_scale, 200.0);
  EXPECT_EQ(d.survival[0][TREATMENT].base.weibull_shape, 1.5);
}

TEST(Config, RelativeToControlCopiesTheControlLaw) {
  const Design one = with_survival("{weibull: {shape: 1.2, median: 300}, cure_fraction: 0.25}",
                                   "relative_to_control: {hazard_ratio: 0.594}");
  const SurvivalModel& control = one.survival[0][CONTROL];
  const SurvivalModel& pump = one.survival[0][TREATMENT];
  EXPECT_EQ(control.cure_fraction, 0.25);
  EXPECT_EQ(pump.base.family, BaseHazard::Family::weibull);
  EXPECT_EQ(pump.base.weibull_scale, control.base.weibull_scale);
  EXPECT_EQ(pump.cure_fraction, 0.25);
  EXPECT_EQ(pump.ratio_breaks, std::vector<double>{0.0});
  EXPECT_EQ(pump.hazard_ratios, std::vector<double>{0.594});
  EXPECT_EQ(control.hazard_ratios, std::vector<double>{1.0});
  // Mixture cure: the survival plateaus at the cure fraction; the HR multiplies the population hazard.
  EXPECT_NEAR(survival(control, 1e7), 0.25, 1e-12);
  EXPECT_NEAR(survival(pump, 1000), std::pow(survival(control, 1000), 0.594), 1e-14);

  const Design delayed = with_survival("exponential: {hazard: 0.005}",
                                       "relative_to_control: {breaks: [0, 30], hazard_ratios: [1.0, 0.6]}");
  EXPECT_EQ(delayed.survival[0][TREATMENT].ratio_breaks, (std::vector<double>{0, 30}));
  EXPECT_EQ(delayed.survival[0][TREATMENT].hazard_ratios, (std::vector<double>{1.0, 0.6}));
  EXPECT_EQ(delayed.survival[0][TREATMENT].base.hazards, std::vector<double>{0.005});
}

TEST(Config, CureFractionBesideAnyForm) {
  const Design d = with_survival("{exponential: {median: 100}, cure_fraction: 0.3}",
                                 "{piecewise_exponential: {event_probability: {30: 0.2}}, cure_fraction: 0}");
  EXPECT_EQ(d.survival[0][CONTROL].cure_fraction, 0.3);
  // The form describes the non-cured: S(median) = c + (1 - c) / 2.
  EXPECT_NEAR(survival(d.survival[0][CONTROL], 100), 0.3 + 0.7 * 0.5, 1e-14);
  EXPECT_EQ(d.survival[0][TREATMENT].cure_fraction, 0.0);
}

// ---- enrolment, allocation, strata ----

TEST(Config, SitesAreSummedIntoOnePiecewiseRate) {
  const Design d = parse(replaced(GOOD, R"(  rates:
    - {from: 0, rate: 0.041}
    - {from: 2190, rate: 0.164})",
                                  R"(  sites:
    - {name: Germany, from: 100, to: 400, rate: 0.09}
    - {name: Denmark, rate: 0.04}
    - {name: UK, from: 300, rate: 0.01})"));
  ASSERT_EQ(d.enrollment.sites.size(), 3u);
  EXPECT_EQ(d.enrollment.sites[0].to, 400.0);
  EXPECT_EQ(d.enrollment.sites[1].from, 0.0);
  EXPECT_EQ(d.enrollment.sites[1].to, INFINITE_TIME);
  const std::vector<std::pair<double, double>> expected{
      {0, 0.04}, {100, 0.09 + 0.04}, {300, 0.09 + 0.04 + 0.01}, {400, 0.04 + 0.01}};
  ASSERT_EQ(d.enrollment.periods.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_EQ(d.enrollment.periods[k].from, expected[k].first);
    EXPECT_DOUBLE_EQ(d.enrollment.periods[k].rate, expected[k].second);
  }
  expect_round_trip(d);
}

TEST(Config, SitesStartingLaterLeaveAnEmptyFirstPeriod) {
  const Design d = parse(GOOD, {{"enrollment", "{sample_size: 360, sites: [{name: late, from: 50, rate: 0.5}]}"}});
  ASSERT_EQ(d.enrollment.periods.size(), 2u);
  EXPECT_EQ(d.enrollment.periods[0].rate, 0.0);
  EXPECT_EQ(d.enrollment.periods[1].from, 50.0);
}

TEST(Config, AllocationDefaultsAndStrata) {
  const Design two_to_one = parse(GOOD + "allocation: {ratio: [1, 2]}\n");
  EXPECT_EQ(two_to_one.allocation.ratio, (std::array<int, 2>{1, 2}));
  EXPECT_EQ(two_to_one.allocation.block_size, 6);  // two cycles of the ratio
  const Design simple = parse(GOOD + "allocation: {block_size: 0}\n");
  EXPECT_EQ(simple.allocation.block_size, 0);

  const Design strata = parse(GOOD + R"(allocation:
  block_size: 8
  strata:
    - {name: anterior, prevalence: 0.72}
    - {name: non_anterior, prevalence: 0.28}
)");
  ASSERT_EQ(strata.allocation.strata.size(), 2u);
  EXPECT_EQ(strata.allocation.strata[1].name, "non_anterior");
  EXPECT_EQ(strata.allocation.strata[1].prevalence, 0.28);
  ASSERT_EQ(strata.survival.size(), 2u);  // one row per stratum, the arms' laws in each
  expect_same_model(strata.survival[1][CONTROL], strata.survival[0][CONTROL]);
  expect_same_model(strata.survival[1][TREATMENT], strata.survival[0][TREATMENT]);
}

TEST(Config, StrataWithTheirOwnControlSurvivalShareTheHazardRatio) {
  std::string yaml = replaced(GOOD, R"(  - id: control
    survival:
      exponential: {event_probability: 0.60, at: 180}
)",
                              "  - id: control\n");
  yaml = replaced(yaml, "exponential: {event_probability: 0.42, at: 180}", "relative_to_control: {hazard_ratio: 0.6}");
  const Design d = parse(yaml + R"(allocation:
  strata:
    - {name: anterior, prevalence: 0.72, survival: {exponential: {event_probability: 0.65, at: 180}}}
    - {name: non_anterior, prevalence: 0.28, survival: {exponential: {event_probability: 0.45, at: 180}}}
)");
  ASSERT_EQ(d.survival.size(), 2u);
  EXPECT_DOUBLE_EQ(d.survival[0][CONTROL].base.hazards[0], -std::log(0.35) / 180);
  EXPECT_DOUBLE_EQ(d.survival[1][CONTROL].base.hazards[0], -std::log(0.55) / 180);
  EXPECT_EQ(d.survival[1][TREATMENT].base.hazards, d.survival[1][CONTROL].base.hazards);
  EXPECT_EQ(d.survival[0][TREATMENT].hazard_ratios, std::vector<double>{0.6});
  EXPECT_EQ(d.survival[1][TREATMENT].hazard_ratios, std::vector<double>{0.6});
  expect_round_trip(d);
}

// ---- looks and the test ----

TEST(Config, LookDefaultsTriggersAndPopulation) {
  const Design d = parse(replaced(GOOD, R"(  - name: interim
    when: {completed_follow_up: 180}
  - name: final
    when: {completed_follow_up: all})",
                                  R"(  - when: {completed_follow_up: 180, lag: 10}
  - when: {time: 4000, completed_follow_up: all, combine: last}
    population: all_randomised)") +
                         "  information_fractions: [0.4, 1]\nanalysis_population: first_completed\n");
  ASSERT_EQ(d.looks.size(), 2u);
  EXPECT_EQ(d.looks[0].name, "look1");
  EXPECT_EQ(d.looks[1].name, "look2");
  EXPECT_EQ(d.looks[0].lag, 10.0);
  EXPECT_EQ(d.looks[0].population, Population::first_completed);
  EXPECT_EQ(d.looks[1].population, Population::all_randomised);
  ASSERT_EQ(d.looks[1].triggers.size(), 2u);
  EXPECT_EQ(d.looks[1].triggers[0].kind, Trigger::Kind::time);
  EXPECT_EQ(d.looks[1].triggers[1].kind, Trigger::Kind::all_completed);
  EXPECT_EQ(d.looks[1].combine, Look::Combine::last);
  EXPECT_EQ(d.test.information_fractions, (std::vector<double>{0.4, 1.0}));
  expect_round_trip(d);
}

TEST(Config, InformationFractionsPlannedFromTheTriggers) {
  const std::string looks = R"(  - name: interim
    when: {completed_follow_up: 180}
  - name: final
    when: {completed_follow_up: all})";
  const Design events =
      parse(replaced(GOOD, looks, "  - when: {events: 55}\n  - when: {events: 110}\n  - when: {events: 165}"));
  EXPECT_EQ(events.test.information_fractions, (std::vector<double>{55.0 / 165, 110.0 / 165, 1.0}));
  const Design enrolled =
      parse(replaced(GOOD, looks, "  - when: {enrolled: 90, lag: 180}\n  - when: {completed_follow_up: 300}"));
  EXPECT_EQ(enrolled.test.information_fractions, (std::vector<double>{90.0 / 300, 1.0}));
  const Design one = parse(replaced(GOOD, looks, "  - when: {time: 3000}"));
  EXPECT_EQ(one.test.information_fractions, std::vector<double>{1.0});
}

TEST(Config, TestPlanChoices) {
  const Design d = parse(replaced(GOOD, "test:\n  sides: 2\n  alpha: 0.05\n", R"(test:
  statistic: milestone
  ties: breslow
  sides: 1
  alpha: 0.025
  boundary: {family: spending, function: hsd, parameter: -4}
  futility: {hazard_ratio: [1.1], binding: true}
  stratified: true
  milestone: 90
)"));
  EXPECT_EQ(d.test.statistic.kind, Statistic::milestone);
  EXPECT_EQ(d.test.ties, Ties::breslow);
  EXPECT_EQ(d.test.sides, 1);
  EXPECT_EQ(d.test.alpha, 0.025);
  EXPECT_EQ(d.test.boundary.spending, Boundary::Spending::hsd);
  EXPECT_EQ(d.test.boundary.parameter, -4.0);
  EXPECT_EQ(d.test.futility.scale, Futility::Scale::hazard_ratio);
  EXPECT_EQ(d.test.futility.values, std::vector<double>{1.1});
  EXPECT_TRUE(d.test.futility.binding);
  EXPECT_TRUE(d.test.stratified);
  EXPECT_EQ(d.test.milestone, 90.0);
  expect_round_trip(d);

  const std::string boundary = "  alpha: 0.05\n";
  const Design hp = parse(replaced(GOOD, boundary, boundary + "  boundary: {family: haybittle_peto}\n"));
  EXPECT_EQ(hp.test.boundary.interim_z, 3.0);
  const Design wt = parse(replaced(GOOD, boundary, boundary + "  boundary: {family: wang_tsiatis, parameter: 0.25}\n"));
  EXPECT_EQ(wt.test.boundary.parameter, 0.25);
  const Design nominal =
      parse(replaced(GOOD, boundary, boundary + "  boundary: {family: nominal, alpha: [0.0052, 0.048]}\n"));
  EXPECT_EQ(nominal.test.boundary.nominal_alpha, (std::vector<double>{0.0052, 0.048}));
  const Design power =
      parse(replaced(GOOD, boundary, boundary + "  boundary: {family: spending, function: power, parameter: 3}\n"));
  EXPECT_EQ(power.test.boundary.spending, Boundary::Spending::power);
  for (const Design* each : {&hp, &wt, &nominal, &power}) expect_round_trip(*each);
}

TEST(Config, BetaSpendingFutilityAndUserAlphaSpending) {
  const std::string one_sided = "  sides: 1\n  alpha: 0.025\n";
  const Design beta = parse(replaced(GOOD, "  sides: 2\n  alpha: 0.05\n",
                                     one_sided + R"(  boundary: {family: spending, function: obrien_fleming}
  futility: {beta_spending: hsd, parameter: -2, beta: 0.1, binding: true}
)"));
  EXPECT_EQ(beta.test.futility.scale, Futility::Scale::beta_spending);
  EXPECT_EQ(beta.test.futility.beta_spending, Boundary::Spending::hsd);
  EXPECT_EQ(beta.test.futility.beta_parameter, -2.0);
  EXPECT_EQ(beta.test.futility.beta, 0.1);
  EXPECT_TRUE(beta.test.futility.binding);
  EXPECT_TRUE(beta.test.futility.values.empty());
  // beta defaults to 1 - target_power, else to rpact's 0.2.
  const Design by_power = parse(replaced(GOOD, "  sides: 2\n  alpha: 0.05\n", one_sided + R"(  target_power: 0.9
  futility: {beta_spending: obrien_fleming}
)"));
  EXPECT_NEAR(by_power.test.futility.beta, 0.1, 1e-15);
  EXPECT_FALSE(by_power.test.futility.binding);
  const Design by_default =
      parse(replaced(GOOD, "  sides: 2\n  alpha: 0.05\n", one_sided + "  futility: {beta_spending: pocock}\n"));
  EXPECT_EQ(by_default.test.futility.beta, 0.2);
  const Design user = parse(replaced(GOOD, "  alpha: 0.05\n",
                                     "  alpha: 0.05\n  boundary: {family: user_spending, alpha_spent: [0, 0.05]}\n"));
  EXPECT_EQ(user.test.boundary.family, Boundary::Family::user_spending);
  EXPECT_EQ(user.test.boundary.alpha_spent, (std::vector<double>{0.0, 0.05}));
  for (const Design* each : {&beta, &by_power, &by_default, &user}) expect_round_trip(*each);
}

TEST(Config, OptionalBlocksAndTheirDefaults) {
  const Design d = parse(GOOD + R"(time_unit: week
dropout:
  pump: {exponential: {event_probability: 0.02, at: 365}}
crossover: {treatment_to_control: 0.02}
exclusion: 0.014
as_treated: true
simulation: {replicates: 1e3, seed: 18446744073709551615}
)");
  EXPECT_EQ(d.time_unit, "week");
  EXPECT_FALSE(d.dropout[CONTROL].has_value());
  ASSERT_TRUE(d.dropout[TREATMENT].has_value());
  EXPECT_EQ(d.dropout[TREATMENT]->base.hazards[0], -std::log1p(-0.02) / 365);
  EXPECT_EQ(d.crossover, (std::array<double, 2>{0.0, 0.02}));
  EXPECT_TRUE(d.as_treated);
  EXPECT_EQ(d.simulation.replicates, 1000);
  EXPECT_EQ(d.simulation.seed, 18446744073709551615u);
  expect_round_trip(d);
}

// ---- overrides ----

TEST(Config, OverridesReplaceValuesBeforeValidation) {
  const Design d = parse(
      GOOD, {parse_override("enrollment.sample_size=300"),
             parse_override("arms[1].survival.exponential.event_probability=0.45"),
             parse_override("enrollment.rates[1]={from: 1000, rate: 0.2}"), parse_override("follow_up={fixed: 90}"),
             parse_override("test.boundary={family: pocock}"), parse_override("simulation.seed=5")});
  EXPECT_EQ(d.enrollment.sample_size, 300);
  EXPECT_DOUBLE_EQ(d.survival[0][TREATMENT].base.hazards[0], -std::log(0.55) / 180);
  EXPECT_EQ(d.enrollment.periods[1].from, 1000.0);
  EXPECT_EQ(d.fixed_follow_up, 90.0);
  EXPECT_EQ(d.test.boundary.family, Boundary::Family::pocock);
  EXPECT_EQ(d.simulation.seed, 5u);  // `simulation:` was not in the file
  EXPECT_EQ(d.looks[1].triggers[0].value, 300.0);
  EXPECT_EQ(parse(d.resolved_yaml).enrollment.sample_size, 300);

  // An empty block takes keys like a mapping; a value replaces a whole list item.
  const Design empty_block = parse(GOOD + "simulation:\n", {parse_override("simulation.replicates=7"),
                                                            parse_override("analyses[0]={when: {events: 100}}"),
                                                            parse_override("test.information_fractions=[0.3, 1]")});
  EXPECT_EQ(empty_block.simulation.replicates, 7);
  EXPECT_EQ(empty_block.looks[0].triggers[0].kind, Trigger::Kind::events);
  EXPECT_EQ(empty_block.looks[0].name, "look1");
}

TEST(Config, OverrideErrors) {
  const auto error_of_set = [](const std::string& assignment) {
    return input_error_of([&] { parse(GOOD, {parse_override(assignment)}); });
  };
  EXPECT_EQ(error_of_set("enrollment.sample_size=-3"),
            "--set: enrollment.sample_size: must be a positive integer, got -3");
  EXPECT_EQ(error_of_set("arms[1].survival.exponential.event_probability=1.2"),
            "--set: arms[1].survival.exponential.event_probability: must be a probability in (0, 1), got 1.2");
  EXPECT_EQ(error_of_set("follow_up={fixd: 90}"), "--set: follow_up.fixd: unknown key 'fixd'; allowed: fixed");
  EXPECT_EQ(error_of_set("arms[2].id=x"), "--set: arms[2]: index out of range; the list has 2 items");
  EXPECT_EQ(error_of_set("name[0]=x"), "--set: name: is not a list, so name[0] does not exist");
  EXPECT_EQ(error_of_set("enrollment.sample_size.x=3"),
            "--set: enrollment.sample_size: is not a mapping, so enrollment.sample_size.x does not exist");
  EXPECT_EQ(error_of_set("enrollment.sample_size=[1"),
            "--set: enrollment.sample_size: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(error_of_set("test.sidez=1"),
            "--set: test.sidez: unknown key 'sidez'; allowed: statistic, ties, sides, alpha, boundary, "
            "information_fractions, futility, stratified, milestone, target_power, rho, gamma, weights, tau, compare, "
            "null_hazard_ratio, design_hazard_ratio, planned_final_events");

  const auto parse_error = [](const std::string& assignment) {
    return input_error_of([&] { parse_override(assignment); });
  };
  EXPECT_EQ(parse_error("enrollment.sample_size"), "--set: expected path=value, got 'enrollment.sample_size'");
  EXPECT_EQ(parse_error("=3"), "--set: expected path=value, got '=3'");
  EXPECT_EQ(parse_error("arms[x].id=a"),
            "--set: malformed path 'arms[x].id'; use keys joined by '.' and [i] for list items, e.g. "
            "arms[1].survival.exponential.at");
  EXPECT_EQ(parse_error("a..b=1"),
            "--set: malformed path 'a..b'; use keys joined by '.' and [i] for list items, "
            "e.g. arms[1].survival.exponential.at");
  const Override empty_value = parse_override("name=");
  EXPECT_EQ(empty_value.path, "name");
  EXPECT_EQ(empty_value.value, "");
  const Override with_equals = parse_override("name=a=b");
  EXPECT_EQ(with_equals.value, "a=b");
}

// ---- bad input: the exact message ----

struct BadCase {
  const char* from;  // text of GOOD to replace ("" appends `to`)
  const char* to;
  const char* message;
};

// The enrolment limit: the expected arrivals may reach the sample size at time
// 1,000,000 and no later (500 patients at 0.0005 a day: 500 / 0.0005 is exactly 1e6 in
// doubles), whether given as rates, sites or any named timeline, chosen or not.
TEST(Config, EnrolmentMayTakeUpToAMillionTimeUnits) {
  const auto with_enrolment = [](const std::string& enrolment) {
    return std::vector<Override>{{"enrollment", "{sample_size: 500, " + enrolment + "}"}};
  };
  EXPECT_NO_THROW(parse(GOOD, with_enrolment("rates: [{from: 0, rate: 0.0005}]")));
  EXPECT_NO_THROW(parse(GOOD, with_enrolment("sites: [{name: a, rate: 0.0002}, {name: b, rate: 0.0003}]")));
  EXPECT_EQ(error_of(GOOD, with_enrolment("rates: [{from: 0, rate: 0.000499}]")),
            "--set: enrollment.rates: at these rates the expected arrivals reach 500 patients only at time "
            "1002004.008016032; they must by time 1000000 (rates are arrivals per time unit)");
  EXPECT_EQ(error_of(GOOD, with_enrolment("timelines: {fast: {rates: [{from: 0, rate: 1}]}, "
                                          "slow: {rates: [{from: 0, rate: 1e-6}]}}, timeline: fast")),
            "--set: enrollment.timelines.slow.rates: at these rates the expected arrivals reach 500 patients only "
            "at time 5e+08; they must by time 1000000 (rates are arrivals per time unit)");
}

TEST(Config, BadInputIsRejectedWithTheExactMessage) {
  const BadCase cases[] = {
      {"follow_up:\n  fixed: 180", "follow_up:\n  fixd: 180",
       "test.yaml:15: follow_up.fixd: unknown key 'fixd'; allowed: fixed"},
      {"", "surival: 1\n",
       "test.yaml:24: surival: unknown key 'surival'; allowed: name, time_unit, start_date, arms, allocation, "
       "enrollment, follow_up, dropout, crossover, exclusion, as_treated, analyses, test, analysis_population, "
       "simulation, sweep"},
      {"    survival:\n      exponential: {event_probability: 0.60",
       "    surival:\n      exponential: {event_probability: 0.60",
       "test.yaml:4: arms[0].surival: unknown key 'surival'; allowed: id, label, survival"},
      {"      exponential: {event_probability: 0.60, at: 180}",
       "      exponential: {event_probability: 0.60, at: 180}\n      surival: 1",
       "test.yaml:6: arms[0].survival.surival: unknown key 'surival'; allowed: exponential, piecewise_exponential, "
       "weibull, relative_to_control, cure_fraction"},
      {"sample_size: 360", "sample_size: many", "test.yaml:10: enrollment.sample_size: must be an integer, got many"},
      {"  fixed: 180", "  fixed: [180]", "test.yaml:15: follow_up.fixed: must be a number, got a list"},
      {"follow_up:\n  fixed: 180", "follow_up: 180", "test.yaml:14: follow_up: must be a mapping, got 180"},
      {"{event_probability: 0.42, at: 180}", "{event_probability: 1.2, at: 180}",
       "test.yaml:8: arms[1].survival.exponential.event_probability: must be a probability in (0, 1), got 1.2"},
      {"{event_probability: 0.60, at: 180}", "{event_probability: 0, at: 180}",
       "test.yaml:5: arms[0].survival.exponential.event_probability: must be a probability in (0, 1), got 0"},
      {"{event_probability: 0.60, at: 180}", "{event_probability: 0.6}",
       "test.yaml:5: arms[0].survival.exponential.at: is required"},
      {"exponential: {event_probability: 0.60, at: 180}", "exponential: {hazard: 0.01, median: 20}",
       "test.yaml:5: arms[0].survival.exponential.median: give only one of hazard, median, event_probability"},
      {"exponential: {event_probability: 0.60, at: 180}",
       "piecewise_exponential: {event_probability: {30: 0.45, 2: 0.25, 180: 0.60}}",
       "test.yaml:5: arms[0].survival.piecewise_exponential.event_probability.2: landmark times must be strictly "
       "increasing, got 2 after 30"},
      {"exponential: {event_probability: 0.60, at: 180}",
       "piecewise_exponential: {event_probability: {2: 0.45, 30: 0.25}}",
       "test.yaml:5: arms[0].survival.piecewise_exponential.event_probability.30: cumulative event probabilities "
       "must not decrease, got 0.25 after 0.45"},
      {"exponential: {event_probability: 0.60, at: 180}",
       "piecewise_exponential: {breaks: [0, 30, 20], hazards: [1, 1, 1]}",
       "test.yaml:5: arms[0].survival.piecewise_exponential.breaks[2]: interval starts must be strictly increasing, "
       "got "
       "20 after 30"},
      {"exponential: {event_probability: 0.60, at: 180}", "piecewise_exponential: {breaks: [0, 30], hazards: [0.1]}",
       "test.yaml:5: arms[0].survival.piecewise_exponential.hazards: must give one value per interval of breaks (2), "
       "got 1"},
      {"exponential: {event_probability: 0.60, at: 180}", "relative_to_control: {hazard_ratio: 0.6}",
       "test.yaml:5: arms[0].survival.relative_to_control: only the treatment arm (the second) can be relative to "
       "the control; allowed: exponential, piecewise_exponential or weibull"},
      {"exponential: {event_probability: 0.60, at: 180}", "{weibull: {shape: 1}, cure_fraction: 1}",
       "test.yaml:5: arms[0].survival.weibull: needs shape with one of scale or median"},
      {"exponential: {event_probability: 0.60, at: 180}", "{weibull: {shape: 1, scale: 3}, cure_fraction: 1}",
       "test.yaml:5: arms[0].survival.cure_fraction: must be in [0, 1), got 1"},
      {"    - {from: 2190, rate: 0.164}", "    - {from: 2190, rate: -0.164}",
       "test.yaml:13: enrollment.rates[1].rate: must be a non-negative number, got -0.164"},
      {"    - {from: 2190, rate: 0.164}", "    - {from: 2190, rate: 0}",
       "test.yaml:13: enrollment.rates[1].rate: the last period's rate must be positive, or enrolment never completes"},
      // 2190 days at 0.041 enrol 89.79; the other 270.21 at 1e-6 a day take 270,210,000 days more.
      {"    - {from: 2190, rate: 0.164}", "    - {from: 2190, rate: 1e-6}",
       "test.yaml:11: enrollment.rates: at these rates the expected arrivals reach 360 patients only at time "
       "270212190; they must by time 1000000 (rates are arrivals per time unit)"},
      // Exactly at the limit is allowed: (360 - 89.79) / (1e6 - 2190) a day reaches 360 at 1e6 (see
      // EnrolmentMayTakeUpToAMillionTimeUnits); sites are checked the same way.
      {"  rates:\n    - {from: 0, rate: 0.041}\n    - {from: 2190, rate: 0.164}",
       "  sites:\n    - {name: slow, rate: 0.0002}",
       "test.yaml:11: enrollment.sites: at these rates the expected arrivals reach 360 patients only at time "
       "1800000; they must by time 1000000 (rates are arrivals per time unit)"},
      {"    - {from: 0, rate: 0.041}", "    - {from: 10, rate: 0.041}",
       "test.yaml:12: enrollment.rates[0].from: the first period must start at 0, got 10"},
      {"{completed_follow_up: 180}", "{events: 400}",
       "test.yaml:18: analyses[0].when.events: can never be reached: at most 360 patients (enrollment.sample_size), "
       "got 400"},
      {"{completed_follow_up: 180}", "{completed_follow_up: 400}",
       "test.yaml:18: analyses[0].when.completed_follow_up: can never be reached: at most 360 patients "
       "(enrollment.sample_size), got 400"},
      {"follow_up:\n  fixed: 180\n", "",
       "test.yaml:16: analyses[0].when.completed_follow_up: needs follow_up.fixed (with open follow-up no patient "
       "completes it)"},
      {"{completed_follow_up: all}", "{completed_follow_up: 100}",
       "test.yaml:20: analyses[1].when.completed_follow_up: must not be below the 180 of analyses[0] (looks are "
       "listed in the order they happen), got 100"},
      {"{completed_follow_up: all}", "{time: 3000}",
       "test.yaml:21: test.information_fractions: required when the looks are not all event- or patient-count "
       "triggered; give one fraction per look"},
      {"{completed_follow_up: all}", "{completed_follow_up: all, combine: last}",
       "test.yaml:20: analyses[1].when.combine: only used with several triggers"},
      {"    when: {completed_follow_up: 180}",
       "    when: {completed_follow_up: 180}\n    population: first_completed\n"
       "  - name: middle\n    when: {time: 2000}\n    population: first_completed",
       "test.yaml:22: analyses[1].population: first_completed needs a completed_follow_up: N trigger in this look"},
      {"  - id: pump\n    survival:\n      exponential: {event_probability: 0.42, at: 180}\n", "",
       "test.yaml:2: arms: must list exactly two arms (the control first, then the treatment), got 1"},
      {"enrollment:", "  - id: third\n    survival:\n      exponential: {hazard: 0.01}\nenrollment:",
       "test.yaml:2: arms: must list exactly two arms (the control first, then the treatment), got 3"},
      {"  - id: pump", "  - id: control",
       "test.yaml:6: arms[1].id: duplicate arm id 'control'; arm ids must be unique"},
      {"  - id: pump", "  - id: 2nd arm",
       "test.yaml:6: arms[1].id: must be an identifier (letters, digits and _, not starting with a digit), got '2nd "
       "arm'"},
      {"", "allocation:\n  strata: [{name: a, prevalence: 0.7}, {name: b, prevalence: 0.2}]\n",
       "test.yaml:25: allocation.strata: prevalences must sum to 1, got 0.8999999999999999"},
      {"", "allocation: {ratio: [1, 2], block_size: 4}\n",
       "test.yaml:24: allocation.block_size: must be 0 (simple randomisation) or a positive multiple of 3 (the sum of "
       "the ratio), got 4"},
      {"  alpha: 0.05", "  alpha: 0.05\n  boundary: {family: obf}",
       "test.yaml:24: test.boundary.family: unknown value 'obf'; allowed: obrien_fleming, pocock, haybittle_peto, "
       "wang_tsiatis, nominal, spending, user_spending"},
      {"  alpha: 0.05", "  alpha: 0.05\n  boundary: {family: pocock, interim_z: 3}",
       "test.yaml:24: test.boundary.interim_z: unknown key 'interim_z'; allowed: family (with family pocock)"},
      {"  alpha: 0.05", "  alpha: 0.05\n  boundary: {family: nominal, alpha: [0.0052, 0.01, 0.048]}",
       "test.yaml:24: test.boundary.alpha: must give one value per look (2), got 3"},
      {"  alpha: 0.05", "  alpha: 0.05\n  boundary: {family: spending, function: hsd}",
       "test.yaml:24: test.boundary.parameter: is required"},
      {"  alpha: 0.05", "  alpha: 0.05\n  futility: {z: [0], binding: true}",
       "test.yaml:24: test.futility.binding: a binding futility boundary needs a one-sided test (test.sides: 1)"},
      {"  alpha: 0.05", "  alpha: 0.05\n  futility: {z: [0, 0]}",
       "test.yaml:24: test.futility.z: must give one value per interim look (1), got 2"},
      {"  alpha: 0.05", "  alpha: 0.05\n  futility: {beta_spending: obrien_fleming}",
       "test.yaml:24: test.futility.beta_spending: beta-spending futility needs a one-sided test (test.sides: 1), as "
       "rpact computes it; with a two-sided test give futility z: [...] or hazard_ratio: [...]"},
      {"  sides: 2", "  sides: 1\n  futility: {beta_spending: power}",
       "test.yaml:23: test.futility.parameter: is required"},
      {"  sides: 2", "  sides: 1\n  futility: {beta_spending: pocock, parameter: 2}",
       "test.yaml:23: test.futility.parameter: only used by the hsd and power spending functions"},
      {"  sides: 2", "  sides: 1\n  futility: {beta_spending: pocock, beta: 0.96}",
       "test.yaml:23: test.futility.beta: beta (0.96) must be below 1 - test.alpha (0.95)"},
      {"  sides: 2", "  sides: 1\n  futility: {z: [0], beta: 0.1}",
       "test.yaml:23: test.futility.beta: only used with beta_spending"},
      {"  sides: 2", "  sides: 1\n  futility: {z: [0], beta_spending: pocock}",
       "test.yaml:23: test.futility.beta_spending: give only one of z, hazard_ratio, conditional_power, beta_spending"},
      {"  sides: 2", "  sides: 1\n  futility: {beta_spending: pocock, binding: true}",
       "test.yaml:23: test.futility.binding: binding beta-spending futility needs an alpha-spending boundary "
       "(family spending or user_spending), as in rpact"},
      {"  alpha: 0.05", "  alpha: 0.05\n  boundary: {family: user_spending, alpha_spent: [0.01]}",
       "test.yaml:24: test.boundary.alpha_spent: must give one value per look (2), got 1"},
      {"  alpha: 0.05", "  alpha: 0.05\n  boundary: {family: user_spending, alpha_spent: [0.03, 0.02]}",
       "test.yaml:24: test.boundary.alpha_spent[1]: must be cumulative: non-decreasing in [0.03, test.alpha = 0.05], "
       "got 0.02"},
      {"  alpha: 0.05", "  alpha: 0.05\n  boundary: {family: user_spending, alpha_spent: [0.01, 0.04]}",
       "test.yaml:24: test.boundary.alpha_spent[1]: the last look spends all of test.alpha (0.05), got 0.04"},
      {"  alpha: 0.05", "  alpha: 0.05\n  information_fractions: [0.5, 0.9]",
       "test.yaml:24: test.information_fractions[1]: the last look's fraction must be 1, got 0.9"},
      {"  sides: 2\n  alpha: 0.05", "  sides: 1\n  alpha: 0.6",
       "test.yaml:23: test.alpha: a one-sided alpha must be at most 0.5, got 0.6"},
      {"  sides: 2", "  sides: 3", "test.yaml:22: test.sides: must be 1 or 2, got 3"},
      {"", "start_date: 2013-02-30\n",
       "test.yaml:24: start_date: must be a calendar date written yyyy-mm-dd, got 2013-02-30"},
      {"", "time_unit: fortnight\n",
       "test.yaml:24: time_unit: unknown value 'fortnight'; allowed: day, week, month, year"},
      {"", "as_treated: maybe\n", "test.yaml:24: as_treated: must be true or false, got maybe"},
      {"", "simulation: {seed: -1}\n",
       "test.yaml:24: simulation.seed: must be a non-negative integer up to 18446744073709551615, got -1"},
      {"", "dropout: {placebo: {exponential: {hazard: 0.001}}}\n",
       "test.yaml:24: dropout.placebo: unknown key 'placebo'; allowed: control, pump"},
      {"",
       "allocation:\n  strata:\n    - {name: a, prevalence: 0.5, survival: {exponential: {hazard: 0.1}}}\n"
       "    - {name: b, prevalence: 0.5}\n",
       "test.yaml:27: allocation.strata[1].survival: is required when any stratum gives its own survival"},
      {"", "allocation:\n  strata: [{name: a, prevalence: 1, survival: {exponential: {hazard: 0.1}}}]\n",
       "test.yaml:4: arms[0].survival: not allowed when the strata give their own control survival"},
      {"", "dropout: {control: {relative_to_control: {hazard_ratio: 2}}}\n",
       "test.yaml:24: dropout.control.relative_to_control: dropout needs a law of its own; allowed: exponential, "
       "piecewise_exponential or weibull"},
      {"  alpha: 0.05", "  alpha: 0.05\n  statistic: milestone\n  milestone: -1",
       "test.yaml:25: test.milestone: must be a positive number, got -1"},
      {"  alpha: 0.05", "  alpha: 0.05\n  rho: 1",
       "test.yaml:24: test.rho: only used with statistic fleming_harrington, not logrank"},
      {"  alpha: 0.05", "  alpha: 0.05\n  statistic: fleming_harrington\n  gamma: -1",
       "test.yaml:25: test.gamma: must be a non-negative number, got -1"},
      {"  alpha: 0.05",
       "  alpha: 0.05\n  statistic: maxcombo\n  weights: [{rho: 0}, {rho: 1}, {gamma: 1}, {rho: 2}, {rho: 3}]",
       "test.yaml:25: test.weights: must list 1 to 4 weights {rho: R, gamma: G}, got 5"},
      {"  alpha: 0.05", "  alpha: 0.05\n  statistic: maxcombo\n  weights: [{rho: 0, gamma: 1}, {gamma: 1}]",
       "test.yaml:25: test.weights[1]: repeats an earlier weight"},
      {"  alpha: 0.05", "  alpha: 0.05\n  statistic: rmst\n  tau: 200",
       "test.yaml:25: test.tau: must be at most follow_up.fixed (180): no patient is followed beyond it, got 200"},
      {"  alpha: 0.05", "  alpha: 0.05\n  compare: [logrank]",
       "test.yaml:24: test.compare[0]: is the design's own statistic (test.statistic), which is always decided"},
      {"  alpha: 0.05", "  alpha: 0.05\n  compare: [cox_wald, {statistic: cox_wald}]",
       "test.yaml:24: test.compare[1]: repeats an earlier statistic"},
      {"  alpha: 0.05",
       "  alpha: 0.05\n  compare: [cox_wald, cox_score, cox_lr, maxcombo, rmst, milestone, fleming_harrington]",
       "test.yaml:24: test.compare: must list 1 to 6 statistics, got 7"},
      {"  alpha: 0.05", "  alpha: 0.05\n  compare: [{statistic: rmst, rho: 1}]",
       "test.yaml:24: test.compare[0].rho: only used with statistic fleming_harrington, not rmst"},
      {"  alpha: 0.05", "  alpha: 0.05\n  compare: [median]",
       "test.yaml:24: test.compare[0]: unknown value 'median'; allowed: logrank, cox_wald, cox_score, cox_lr, "
       "milestone, fleming_harrington, maxcombo, rmst"},
      {"    when: {completed_follow_up: 180}\n  - name: final\n    when: {completed_follow_up: all}\ntest:\n",
       "    when: {time: 120}\n  - name: final\n    when: {completed_follow_up: all}\ntest:\n  statistic: milestone\n"
       "  information_fractions: [0.5, 1]\n",
       "test.yaml:22: test.statistic: milestone at 180 cannot be estimated at look 'interim', which cuts the data by "
       "time 120, before any patient can be followed to 180"},
      {"name: config test\n", "", "test.yaml:1: name: is required"},
      {"  fixed: 180", "  fixed: [180", "test.yaml:16: invalid YAML: end of sequence flow not found"},
  };
  for (const BadCase& bad : cases) {
    const std::string yaml = std::string(bad.from).empty() ? GOOD + bad.to : replaced(GOOD, bad.from, bad.to);
    EXPECT_EQ(error_of(yaml), bad.message) << yaml;
  }
}

TEST(Config, ErrorsInAFileNameThePathAsGiven) {
  const fs::path path = fs::temp_directory_path() / "trialsim_config_test_bad.yaml";
  std::ofstream(path) << replaced(GOOD, "{event_probability: 0.42, at: 180}", "{event_probability: 1.2, at: 180}");
  EXPECT_EQ(
      input_error_of([&] { load_design(path.string()); }),
      path.string() + ":8: arms[1].survival.exponential.event_probability: must be a probability in (0, 1), got 1.2");
  fs::remove(path);
}

TEST(Config, MissingFileAndEmptyText) {
  const std::string path = std::string(TRIALSIM_TEST_DATA) + "/config/no_such_design.yaml";
  EXPECT_EQ(input_error_of([&] { load_design(path); }), path + ": cannot read design file (no such file or directory)");
  EXPECT_EQ(error_of(""), "test.yaml: the design file is empty");
  EXPECT_EQ(error_of("- a\n- b\n"),
            "test.yaml:1: the design file must be a mapping of keys (name, arms, enrollment, analyses, ...)");
}
