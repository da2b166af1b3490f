// Everything `trialsim design` shows, computed from the Design and its BoundaryPlan.

#include <algorithm>
#include <cmath>

#include "trialsim/analytic.hpp"

namespace trialsim {

namespace {

// Hazard ratios that differ by less than this (relative) count as proportional.
constexpr double PROPORTIONAL = 1e-9;

std::vector<double> target_powers(const TestPlan& test) {
  std::vector<double> powers{0.8, 0.9};
  if (test.target_power && std::find(powers.begin(), powers.end(), *test.target_power) == powers.end()) {
    powers.push_back(*test.target_power);
  }
  return powers;
}

FormulaRow formula_row(const DesignAnalysis& analysis, const BoundaryPlan& plan, double plan_alpha, int sides,
                       double alpha, double power) {
  const double hr = analysis.hazard_ratio.value / analysis.null_hazard_ratio;
  const double share = analysis.treatment_share;
  FormulaRow row;
  row.power = power;
  row.alpha = alpha;
  row.schoenfeld = schoenfeld_events(alpha, sides, power, hr, share);
  row.freedman = freedman_events(alpha, sides, power, hr, share);
  // The boundaries already spend the design's alpha: the sequential count belongs to that level only.
  row.sequential = alpha == plan_alpha ? sequential_events(plan, power, hr, share) : std::nan("");
  if (analysis.landmark) {
    const auto [p0, p1] = analysis.landmark_probability;
    row.two_proportion = two_proportion_sample_size(p0, p1, alpha, sides, power, share, false);
    row.two_proportion_cc = two_proportion_sample_size(p0, p1, alpha, sides, power, share, true);
  }
  return row;
}

} // namespace

DesignHazardRatio design_hazard_ratio(const EventModel& model, const ExpectedCourse& course, double final_time) {
  // Compare the hazards along the follow-up axis, each point weighted by the events
  // expected there by the last look (patients enrolled long enough before it to be
  // followed that far), as the log-rank statistic weighs them.
  const std::vector<double>& grid = model.grid();
  double weighted_log = 0.0;
  double weight = 0.0;
  double first_ratio = 0.0;
  bool proportional = true;
  for (std::size_t i = 0; i + 1 < grid.size(); ++i) {
    const double x = 0.5 * (grid[i] + grid[i + 1]);
    const double control = model.hazard(CONTROL, x);
    const double treatment = model.hazard(TREATMENT, x);
    if (!(control > 0.0 && treatment > 0.0)) continue;
    const double ratio = treatment / control;
    if (first_ratio == 0.0) first_ratio = ratio;
    proportional = proportional && std::abs(ratio - first_ratio) <= PROPORTIONAL * first_ratio;
    const double followed = std::isfinite(final_time) ? course.expected_enrolled(final_time - x) : 1.0;
    const double events = followed * (model.event_probability(grid[i + 1]) - model.event_probability(grid[i]));
    weighted_log += events * std::log(ratio);
    weight += events;
  }
  if (proportional) return {first_ratio, true};
  return {std::exp(weighted_log / weight), false};
}

DesignAnalysis analyse_design(const Design& design, const BoundaryPlan& plan) {
  DesignAnalysis analysis;
  const EventModel model(design);
  const ExpectedCourse course(design, model);
  analysis.looks = course.looks(analysis.notes);
  analysis.hazard_ratio = design_hazard_ratio(model, course, analysis.looks.back().time);
  analysis.treatment_share = model.treatment_share();
  const TestPlan& test = design.test;
  analysis.null_hazard_ratio = test.null_hazard_ratio;
  // Against a margin the formulas' effect is HR / HR0 (the log-rank statistic shifted by ln HR0).
  const double effect = analysis.hazard_ratio.value / test.null_hazard_ratio;
  if (std::isfinite(test.milestone)) {
    analysis.landmark = test.milestone;
    analysis.landmark_probability = {1.0 - model.survival(CONTROL, test.milestone),
                                     1.0 - model.survival(TREATMENT, test.milestone)};
  }
  std::vector<double> alphas{test.alpha};
  if (design.looks.size() > 1 && plan.nominal_alpha.back() != test.alpha) alphas.push_back(plan.nominal_alpha.back());
  for (const double alpha : alphas) {
    for (const double power : target_powers(test)) analysis.formulas.push_back(formula_row(analysis, plan, test.alpha, test.sides, alpha, power));
  }

  std::vector<double> events;
  for (const ExpectedLook& look : analysis.looks) events.push_back(look.events);
  const bool increasing = std::adjacent_find(events.begin(), events.end(), std::greater_equal<>()) == events.end();
  if (increasing) {
    analysis.sequential = sequential_power(plan, test.futility, events, effect, analysis.treatment_share);
  } else {
    analysis.notes.push_back("the expected events do not increase from look to look: no group-sequential power");
  }

  const double final_events = events.back();
  const double hr = effect;
  analysis.schoenfeld_power = schoenfeld_power(final_events, test.alpha, test.sides, hr, analysis.treatment_share);
  analysis.freedman_power = freedman_power(final_events, test.alpha, test.sides, hr, analysis.treatment_share);
  if (analysis.landmark) {
    const double analysed = design.enrollment.sample_size * (1.0 - design.exclusion);
    const ArmSizes sizes{analysed * (1.0 - analysis.treatment_share), analysed * analysis.treatment_share};
    const auto [p0, p1] = analysis.landmark_probability;
    analysis.two_proportion_power = two_proportion_power(sizes, p0, p1, test.alpha, test.sides, false);
    analysis.two_proportion_cc_power = two_proportion_power(sizes, p0, p1, test.alpha, test.sides, true);
  }
  const bool random_information = std::any_of(design.looks.begin(), design.looks.end(), [](const Look& look) {
    return look.triggers.size() > 1 || look.triggers[0].kind != Trigger::Kind::events;
  });
  if (random_information && design.looks.size() > 1) {
    analysis.notes.push_back("looks not triggered by events have random information; the group-sequential power "
                             "uses its expectation, so it can differ from the simulated power by more than Monte Carlo error");
  }
  if (!analysis.hazard_ratio.proportional) {
    analysis.notes.push_back("hazards are not proportional (crossover, strata, cure fractions or period hazard ratios): "
                             "the formulas and the drift use the average hazard ratio over the expected events");
  }
  if (test.statistic.kind != Statistic::logrank) {
    analysis.notes.push_back("the design's statistic is not the log-rank test; the group-sequential power is that of "
                             "the log-rank test, which the Cox score test matches and the Wald and milestone tests "
                             "approximate (under non-proportional hazards the weighted, MaxCombo and RMST tests can "
                             "differ: simulate them, e.g. with test.compare)");
  }
  if (test.null_hazard_ratio != 1.0) {
    analysis.notes.push_back(
        "non-inferiority: Schoenfeld, Freedman and the group-sequential power use HR / HR0; the "
        "two-proportion rows test a difference of 0, not the margin");
  }
  if (design.allocation.block_size > 0) {
    analysis.notes.push_back("allocation by permuted blocks is taken as independent allocation with the same shares "
                             "(exact for the means; blocks only narrow the spread)");
  }
  return analysis;
}

} // namespace trialsim
