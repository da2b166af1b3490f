#include <cmath>

#include "trialsim/names.hpp"
#include "trialsim/results.hpp"

namespace trialsim {

namespace {

// Binomial Monte Carlo standard error of a proportion estimated from n replicates.
double proportion_se(double p, std::int64_t n) {
  return n > 0 ? std::sqrt(p * (1.0 - p) / static_cast<double>(n)) : std::nan("");
}

double fraction(std::int64_t count, std::int64_t total) {
  return total > 0 ? static_cast<double>(count) / static_cast<double>(total) : std::nan("");
}

// Mean of a per-look value over the replicates where it is defined.
void add_defined(double value, double& sum, std::int64_t& count) {
  if (std::isnan(value)) return;
  sum += value;
  ++count;
}

double mean_of(double sum, std::int64_t count) {
  return count > 0 ? sum / static_cast<double>(count) : std::nan("");
}

// Monte Carlo SE of a mean.
double mean_se(const Distribution& distribution) {
  return distribution.count > 1 ? distribution.sd / std::sqrt(static_cast<double>(distribution.count)) : std::nan("");
}

}  // namespace

ResultsAccumulator::ResultsAccumulator(const Design& design, const BoundaryPlan& plan)
    : design_(design), plan_(plan), looks_(design.looks.size()), compared_(design.test.compare.size()) {
  for (ComparedCounts& counts : compared_) {
    counts.look_efficacy.assign(looks_.size(), 0);
    counts.look_stopped.assign(looks_.size(), 0);
  }
}

void ResultsAccumulator::add_compared(const TrialOutcome& outcome, bool design_efficacy) {
  for (std::size_t c = 0; c < compared_.size(); ++c) {
    ComparedCounts& counts = compared_[c];
    bool efficacy = false;
    for (std::size_t k = 0; k < looks_.size(); ++k) {
      const std::int8_t decision = outcome.looks[k].compared_decision[c];
      if (decision == NOT_PERFORMED) break;
      if (decision == CONTINUE) continue;
      ++counts.look_stopped[k];
      if (decision == EFFICACY) {
        efficacy = true;
        ++counts.efficacy;
        ++counts.look_efficacy[k];
      }
      if (decision == HARM) ++counts.harm;
    }
    counts.gained += efficacy && !design_efficacy;
    counts.lost += !efficacy && design_efficacy;
  }
}

// The planned boundaries' own procedure on the same trial (observed information), paired
// with the design's by replicate.
void ResultsAccumulator::add_planned(const TrialOutcome& outcome, bool design_efficacy) {
  bool efficacy = false;
  for (std::size_t k = 0; k < looks_.size(); ++k) {
    const std::int8_t decision = outcome.looks[k].planned_decision;
    if (decision == NOT_PERFORMED) break;
    efficacy = efficacy || decision == EFFICACY;
    planned_efficacy_ += decision == EFFICACY;
    planned_harm_ += decision == HARM;
  }
  planned_gained_ += design_efficacy && !efficacy;
  planned_lost_ += !design_efficacy && efficacy;
}

void ResultsAccumulator::add(const TrialOutcome& outcome) {
  ++replicates_;
  for (std::size_t k = 0; k < looks_.size(); ++k) {
    const LookOutcome& o = outcome.looks[k];
    if (o.decision == NOT_PERFORMED) break;
    LookCounts& c = looks_[k];
    ++c.performed;
    if (!o.trigger_reached) ++c.missed;
    // The mean z is over the replicates where the statistic is defined.
    if (!std::isnan(o.z)) {
      c.z_sum += o.z;
      ++c.z_count;
    }
    add_defined(o.conditional_power_design, c.cp_design_sum, c.cp_design_count);
    add_defined(o.conditional_power_trend, c.cp_trend_sum, c.cp_trend_count);
    c.events.add(o.events[CONTROL] + o.events[TREATMENT]);
    c.events_control.add(o.events[CONTROL]);
    c.events_treatment.add(o.events[TREATMENT]);
    c.enrolled.add(o.enrolled);
    c.time.add(o.time);
    c.hr.add(o.hr);
    switch (o.decision) {
      case EFFICACY:
        ++c.efficacy;
        ++efficacy_;
        break;
      case HARM:
        ++c.harm;
        ++harm_;
        break;
      case FUTILITY:
        ++c.futility;
        ++futility_;
        break;
      default: break;
    }
    if (o.decision != CONTINUE) ++c.stopped;
  }
  const LookOutcome& last = outcome.looks[static_cast<std::size_t>(outcome.stop_look)];
  add_compared(outcome, last.decision == EFFICACY);
  add_planned(outcome, last.decision == EFFICACY);
  events_at_stop_.add(last.events[CONTROL] + last.events[TREATMENT]);
  enrolled_at_stop_.add(last.enrolled);
  time_at_stop_.add(last.time);
}

Results ResultsAccumulator::results() const {
  Results r;
  r.replicates = replicates_;
  r.seed = design_.simulation.seed;
  r.power = fraction(efficacy_, replicates_);
  r.power_se = proportion_se(r.power, replicates_);
  r.reject_probability = fraction(efficacy_ + harm_, replicates_);
  r.reject_se = proportion_se(r.reject_probability, replicates_);
  r.events_at_stop = events_at_stop_.summary();
  r.enrolled_at_stop = enrolled_at_stop_.summary();
  r.time_at_stop = time_at_stop_.summary();
  r.futility_probability = fraction(futility_, replicates_);
  r.futility_se = proportion_se(r.futility_probability, replicates_);
  r.harm_probability = fraction(harm_, replicates_);
  r.harm_se = proportion_se(r.harm_probability, replicates_);
  r.expected_events = r.events_at_stop.mean;
  r.expected_events_se = mean_se(r.events_at_stop);
  r.expected_enrolled = r.enrolled_at_stop.mean;
  r.expected_enrolled_se = mean_se(r.enrolled_at_stop);
  r.expected_time = r.time_at_stop.mean;
  r.expected_time_se = mean_se(r.time_at_stop);
  r.planned_power = fraction(planned_efficacy_, replicates_);
  r.planned_power_se = proportion_se(r.planned_power, replicates_);
  r.planned_reject_probability = fraction(planned_efficacy_ + planned_harm_, replicates_);
  r.planned_reject_se = proportion_se(r.planned_reject_probability, replicates_);
  if (replicates_ > 0) {
    const PowerDifference difference =
        paired_power_difference(efficacy_, planned_efficacy_, planned_gained_, planned_lost_, replicates_);
    r.observed_minus_planned_power = difference.difference;
    r.observed_minus_planned_se = difference.se;
    r.observed_minus_planned_independent_se = difference.independent_se;
  }
  for (std::size_t k = 0; k < looks_.size(); ++k) {
    const LookCounts& c = looks_[k];
    LookSummary s;
    s.name = design_.looks[k].name;
    s.information_fraction = plan_.information_fractions[k];
    s.boundary_z = plan_.efficacy_z[k];
    s.nominal_alpha = plan_.nominal_alpha[k];
    s.futility_z = plan_.futility_z[k];
    s.performed_probability = fraction(c.performed, replicates_);
    s.reject_probability = fraction(c.efficacy, replicates_);
    s.reject_se = proportion_se(s.reject_probability, replicates_);
    s.harm_probability = fraction(c.harm, replicates_);
    s.harm_se = proportion_se(s.harm_probability, replicates_);
    s.futility_probability = fraction(c.futility, replicates_);
    s.futility_se = proportion_se(s.futility_probability, replicates_);
    s.stop_probability = fraction(c.stopped, replicates_);
    s.stop_se = proportion_se(s.stop_probability, replicates_);
    s.trigger_missed_probability = fraction(c.missed, c.performed);
    s.mean_z = mean_of(c.z_sum, c.z_count);
    s.mean_conditional_power_design = mean_of(c.cp_design_sum, c.cp_design_count);
    s.mean_conditional_power_trend = mean_of(c.cp_trend_sum, c.cp_trend_count);
    s.events = c.events.summary();
    s.events_control = c.events_control.summary();
    s.events_treatment = c.events_treatment.summary();
    s.enrolled = c.enrolled.summary();
    s.time = c.time.summary();
    s.hr = c.hr.summary();
    r.looks.push_back(std::move(s));
  }
  for (std::size_t c = 0; c < compared_.size(); ++c) {
    const ComparedCounts& counts = compared_[c];
    ComparedSummary s;
    s.key = statistic_key(design_.test.compare[c]);
    s.label = statistic_label(design_.test.compare[c]);
    s.power = fraction(counts.efficacy, replicates_);
    s.power_se = proportion_se(s.power, replicates_);
    s.reject_probability = fraction(counts.efficacy + counts.harm, replicates_);
    s.reject_se = proportion_se(s.reject_probability, replicates_);
    if (replicates_ > 0) {
      s.difference = paired_power_difference(counts.efficacy, efficacy_, counts.gained, counts.lost, replicates_);
    }
    for (std::size_t k = 0; k < looks_.size(); ++k) {
      s.look_reject_probability.push_back(fraction(counts.look_efficacy[k], replicates_));
      s.look_stop_probability.push_back(fraction(counts.look_stopped[k], replicates_));
      s.look_boundary_z.push_back(c < plan_.compared_efficacy_z.size() ? plan_.compared_efficacy_z[c][k]
                                                                       : plan_.efficacy_z[k]);
    }
    r.compared.push_back(std::move(s));
  }
  return r;
}

}  // namespace trialsim
