#pragma once
//! \file results.hpp
//! Operating characteristics of a design, folded from trial outcomes one at a
//! time so that no run needs every replicate in memory. The accumulator is fed
//! in replicate order, so its results do not depend on how the replicates were
//! computed (threads, shards).

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "trialsim/boundaries.hpp"
#include "trialsim/design.hpp"
#include "trialsim/outcome.hpp"
#include "trialsim/paired_difference.hpp"

namespace trialsim {

inline constexpr std::array<double, 5> QUANTILE_LEVELS{0.05, 0.25, 0.50, 0.75, 0.95};

//! Mean, SD and quantiles of one quantity over the replicates where it exists.
struct Distribution {
  std::int64_t count = 0;
  double mean = 0.0;
  double sd = 0.0;
  std::array<double, QUANTILE_LEVELS.size()> quantiles{}; //!< at QUANTILE_LEVELS
};

struct LookSummary {
  std::string name;
  double information_fraction = 0.0;
  double boundary_z = 0.0;    //!< efficacy critical value
  double nominal_alpha = 0.0; //!< sides-sided nominal p-value threshold
  double futility_z = 0.0;    //!< -infinity when none
  double performed_probability = 0.0; //!< P(the trial reaches this look)
  double reject_probability = 0.0;    //!< P(stop here for efficacy)
  double reject_se = 0.0;
  double harm_probability = 0.0;      //!< P(stop here for harm), two-sided designs
  double harm_se = 0.0;
  double futility_probability = 0.0;  //!< P(stop here for futility)
  double futility_se = 0.0;
  double stop_probability = 0.0;      //!< P(the trial ends here, for any reason)
  double stop_se = 0.0;
  double trigger_missed_probability = 0.0; //!< P(the trigger never fired | performed)
  //! Over the replicates that performed the look (hr: where the estimate exists; count and
  //! mean over finite values, quantiles including 0 and infinity):
  Distribution events, events_control, events_treatment, enrolled, time, hr;
  double mean_z = 0.0;
  //! Mean conditional power over the replicates that performed the look (interim looks;
  //! NaN at the last look), under the design effect and under the current trend.
  double mean_conditional_power_design = 0.0;
  double mean_conditional_power_trend = 0.0;
};

//! A statistic of `test.compare`, decided by its own procedure on the design's trials.
struct ComparedSummary {
  std::string key;   //!< statistic_key (names.hpp)
  std::string label; //!< statistic_label
  double power = 0.0; //!< P(efficacy at some look)
  double power_se = 0.0;
  double reject_probability = 0.0; //!< P(efficacy or harm at some look)
  double reject_se = 0.0;
  //! Its power minus the design statistic's, paired by replicate (paired_difference.hpp).
  PowerDifference difference;
  std::vector<double> look_reject_probability; //!< P(efficacy at look k)
  std::vector<double> look_stop_probability;   //!< P(its procedure ends at look k)
  std::vector<double> look_boundary_z;         //!< its efficacy boundary at look k, on its own z
};

struct Results {
  std::int64_t replicates = 0;
  std::uint64_t seed = 0;
  double power = 0.0;      //!< P(efficacy at some look), the benefit direction
  double power_se = 0.0;
  double reject_probability = 0.0; //!< P(efficacy or harm at some look)
  double reject_se = 0.0;
  //! Where the trial stopped, for any reason.
  double futility_probability = 0.0;  //!< P(stop for futility at some look)
  double futility_se = 0.0;
  double harm_probability = 0.0;  //!< P(stop for harm at some look), two-sided designs
  double harm_se = 0.0;
  Distribution events_at_stop, enrolled_at_stop, time_at_stop;
  //! Expected events, patients randomised and duration (calendar time) at the end of the
  //! trial, with their Monte Carlo SEs sd / sqrt(R).
  double expected_events = 0.0, expected_events_se = 0.0;
  double expected_enrolled = 0.0, expected_enrolled_se = 0.0;
  double expected_time = 0.0, expected_time_se = 0.0;
  //! The planned boundaries decided on the same trials (with `information: observed`; without
  //! it they are the design's own, and the difference is 0): their power, and the design's
  //! power minus theirs, paired by replicate.
  double planned_power = 0.0;
  double planned_power_se = 0.0;
  double planned_reject_probability = 0.0;
  double planned_reject_se = 0.0;
  double observed_minus_planned_power = 0.0;
  double observed_minus_planned_se = 0.0;              //!< paired by replicate
  double observed_minus_planned_independent_se = 0.0;  //!< what two independent runs would give
  std::vector<LookSummary> looks;
  std::vector<ComparedSummary> compared; //!< one per statistic of test.compare
};

//! Quantiles of a positive quantity to a relative accuracy of 1e-4 in bounded
//! memory (logarithmic buckets, as in DDSketch); zero and infinity counted apart.
//! Answers are clamped to the smallest and largest value added, so that a
//! quantile never lies outside the data (enrolled above the sample size).
class QuantileSketch {
public:
  //! The sketch's relative accuracy (README and the files' quantile attributes state it).
  static constexpr double RELATIVE_ACCURACY = 1e-4;
  void add(double x);
  double quantile(double level) const;
  std::int64_t count() const { return count_; }

private:
  // Counts of the buckets first_key_, first_key_ + 1, ...: a dense array that grows
  // to cover each new key up to MAX_DENSE buckets (a factor of 10 in value is
  // about 11,500 buckets); the rare keys beyond it (an HR estimate of 1e-9, say)
  // are counted in `outliers`.
  static constexpr std::size_t MAX_DENSE = 1U << 16;
  double bucket_quantile(double level) const;  // before clamping
  std::vector<std::int64_t> buckets_;
  std::int64_t first_key_ = 0;
  std::map<std::int64_t, std::int64_t> outliers_;
  std::int64_t zeros_ = 0;
  std::int64_t infinities_ = 0;
  std::int64_t count_ = 0;
  double smallest_ = std::numeric_limits<double>::infinity();
  double largest_ = -std::numeric_limits<double>::infinity();
  double last_value_ = std::numeric_limits<double>::quiet_NaN();  // the last positive finite value added
  std::int64_t last_key_ = 0;                                      // and its key
};

//! Running mean / SD (Welford) plus a sketch for the quantiles.
class DistributionAccumulator {
public:
  //! `integer`: the quantity is a count, so quantiles are rounded to integers.
  explicit DistributionAccumulator(bool integer = false) : integer_(integer) {}
  void add(double x);
  Distribution summary() const;

private:
  QuantileSketch sketch_;
  bool integer_ = false;
  std::int64_t finite_count_ = 0;
  double mean_ = 0.0;
  double sum_squares_ = 0.0;
};

class ResultsAccumulator {
public:
  ResultsAccumulator(const Design& design, const BoundaryPlan& plan);
  void add(const TrialOutcome& outcome);
  Results results() const;

private:
  void add_compared(const TrialOutcome& outcome, bool design_efficacy);
  void add_planned(const TrialOutcome& outcome, bool design_efficacy);
  struct LookCounts {
    std::int64_t performed = 0, efficacy = 0, harm = 0, futility = 0, stopped = 0, missed = 0;
    double z_sum = 0.0;
    std::int64_t z_count = 0;
    double cp_design_sum = 0.0, cp_trend_sum = 0.0;
    std::int64_t cp_design_count = 0, cp_trend_count = 0;
    DistributionAccumulator events{true}, events_control{true}, events_treatment{true}, enrolled{true}, time, hr;
  };
  const Design& design_;
  BoundaryPlan plan_;
  std::int64_t replicates_ = 0;
  std::int64_t efficacy_ = 0;
  std::int64_t harm_ = 0;
  std::int64_t futility_ = 0;
  std::int64_t planned_efficacy_ = 0, planned_harm_ = 0, planned_gained_ = 0, planned_lost_ = 0;
  std::vector<LookCounts> looks_;
  struct ComparedCounts {
    std::int64_t efficacy = 0, harm = 0, gained = 0, lost = 0;
    std::vector<std::int64_t> look_efficacy, look_stopped;
  };
  std::vector<ComparedCounts> compared_;
  DistributionAccumulator events_at_stop_{true}, enrolled_at_stop_{true}, time_at_stop_;
};

} // namespace trialsim
