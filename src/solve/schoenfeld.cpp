// Group-sequential power by Schoenfeld's approximation, the analytic answer that
// `trialsim solve` prints next to the simulated one.
//
// Schoenfeld D (1981). The asymptotic properties of nonparametric tests for
// comparing survival distributions. Biometrika 68:316-319: under proportional
// hazards the log-rank statistic after D events is approximately normal with
// mean |ln HR| sqrt(pi (1 - pi) D), pi the share randomised to treatment, and the
// statistics at the looks form the canonical joint distribution, so the power of
// the whole procedure is the boundary recursion's upper crossing probability
// (analytic.hpp's sequential_power, the one implementation of that recursion).

#include <cmath>

#include "trialsim/analytic.hpp"
#include "trialsim/boundaries.hpp"
#include "trialsim/model.hpp"
#include "trialsim/names.hpp"
#include "trialsim/solve.hpp"

namespace trialsim {

namespace {

bool constant_hazard(const SurvivalModel& model) {
  return model.base.family == BaseHazard::Family::piecewise_exponential && model.base.hazards.size() == 1 &&
         model.cure_fraction == 0.0 && model.hazard_ratios.size() == 1;
}

bool same_base(const SurvivalModel& a, const SurvivalModel& b) {
  return a.base.family == b.base.family && a.base.breaks == b.base.breaks && a.base.hazards == b.base.hazards &&
         a.base.weibull_shape == b.base.weibull_shape && a.base.weibull_scale == b.base.weibull_scale &&
         a.cure_fraction == b.cure_fraction;
}

// The treatment : control hazard ratio when it is one constant, in every stratum alike.
std::optional<double> constant_hazard_ratio(const Design& design) {
  std::optional<double> ratio;
  for (const auto& row : design.survival) {
    const SurvivalModel& control = row[CONTROL];
    const SurvivalModel& treatment = row[TREATMENT];
    double r = 0.0;
    if (constant_hazard(control) && constant_hazard(treatment)) {
      r = treatment.base.hazards[0] * treatment.hazard_ratios[0] / (control.base.hazards[0] * control.hazard_ratios[0]);
    } else if (same_base(control, treatment) && control.hazard_ratios.size() == 1 &&
               treatment.hazard_ratios.size() == 1 && control.cure_fraction == 0.0) {
      r = treatment.hazard_ratios[0] / control.hazard_ratios[0];
    } else {
      return std::nullopt;
    }
    if (ratio && std::abs(*ratio - r) > 1e-12 * r) return std::nullopt;
    ratio = r;
  }
  return ratio;
}

// Expected events at the last look, when the design fixes them: with fixed follow-up,
// every patient's probability of an analysed event within it (dropout, exclusions and
// crossover included, as the analytic event model has them).
std::optional<double> final_events(const Design& design) {
  const Look& last = design.looks.back();
  if (last.triggers.size() != 1) return std::nullopt;
  const Trigger& trigger = last.triggers.front();
  if (trigger.kind == Trigger::Kind::events) return trigger.value;
  if (trigger.kind == Trigger::Kind::all_completed && design.fixed_follow_up) {
    return design.enrollment.sample_size * EventModel(design).event_probability(*design.fixed_follow_up);
  }
  return std::nullopt;
}

std::string caveat_of(const Design& design) {
  std::string caveat;
  const auto add = [&caveat](const std::string& what) { caveat += (caveat.empty() ? "ignores " : ", ") + what; };
  // Dropout and exclusions only thin the events, which the event count has; crossover
  // also dilutes the hazard ratio, which the power formula does not see.
  if (design.crossover[0] > 0 || design.crossover[1] > 0) add("crossover");
  // The Cox tests are the log-rank test's asymptotic equivalents; these are not.
  const Statistic statistic = design.test.statistic.kind;
  if (statistic == Statistic::milestone || statistic == Statistic::fleming_harrington ||
      statistic == Statistic::maxcombo || statistic == Statistic::rmst) {
    add("the " + std::string(name_of(STATISTIC_NAMES, statistic).key) + " statistic (computed as log-rank)");
  }
  return caveat;
}

}  // namespace

AnalyticPower schoenfeld_power(const Design& design) {
  AnalyticPower result;
  const auto ratio = constant_hazard_ratio(design);
  if (!ratio) {
    result.reason = "the hazard ratio is not one constant";
    return result;
  }
  const auto events = final_events(design);
  if (!events) {
    result.reason =
        "the last look's events are not fixed (give it an events trigger, or fixed follow-up with "
        "completed_follow_up: all)";
    return result;
  }
  result.hazard_ratio = *ratio;
  result.events = *events;
  result.caveat = caveat_of(design);
  const double share =
      static_cast<double>(design.allocation.ratio[1]) / (design.allocation.ratio[0] + design.allocation.ratio[1]);
  // The looks at their planned information fractions of the final events.
  const BoundaryPlan plan = compute_boundaries(design.test, design.test.information_fractions);
  std::vector<double> events_at_looks;
  for (const double fraction : plan.information_fractions) events_at_looks.push_back(fraction * *events);
  result.power = sequential_power(plan, design.test.futility, events_at_looks, *ratio, share).power;
  return result;
}

}  // namespace trialsim
