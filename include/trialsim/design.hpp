#pragma once
//! \file design.hpp
//! The validated, immutable description of one trial design. Built only by
//! config (load_design); every value here has already been checked, so no
//! module downstream re-validates user input. Times are in `time_unit`.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "trialsim/outcome.hpp"

namespace trialsim {

inline constexpr double INFINITE_TIME = std::numeric_limits<double>::infinity();

//! A cumulative hazard H0(t) with a closed-form inverse.
struct BaseHazard {
  enum class Family { piecewise_exponential, weibull };
  Family family = Family::piecewise_exponential;
  std::vector<double> breaks{0.0};   //!< interval starts; breaks[0] == 0, strictly increasing
  std::vector<double> hazards{0.0};  //!< hazard on each interval; the last one extends forever
  double weibull_shape = 1.0;        //!< H0(t) = (t / scale)^shape
  double weibull_scale = 1.0;
};

//! Time-to-event law of one arm (or of dropout), sampled by inverting its
//! cumulative hazard with one Exp(1) draw:
//!   population survival  Sp(t) = c + (1 - c) exp(-H0(t))   (c = cure_fraction)
//!   arm cumulative hazard H(t)  = sum_j ratio_j * [Hp(min(t, b_{j+1})) - Hp(b_j)],  Hp = -ln Sp
//! so `relative_to_control` hazard ratios multiply the control arm's population hazard
//! (proportional hazards hold exactly when there is one ratio).
struct SurvivalModel {
  BaseHazard base;
  double cure_fraction = 0.0;
  std::vector<double> ratio_breaks{0.0};   //!< starts of the hazard-ratio intervals
  std::vector<double> hazard_ratios{1.0};  //!< one per interval; the last extends forever
};

struct Arm {
  std::string id;
  std::string label;
};

struct Stratum {
  std::string name;
  double prevalence = 1.0;
};

struct Allocation {
  std::array<int, 2> ratio{1, 1};  //!< control : treatment
  int block_size = 4;              //!< 0 = simple randomisation
  std::vector<Stratum> strata;     //!< at least one (a single "all" stratum when none given)
};

//! Arrival rate from `from` until the next period starts (the last extends forever).
struct RatePeriod {
  double from = 0.0;
  double rate = 0.0;
};

//! A recruiting site group or country, as the user gave it (kept for reports).
struct Site {
  std::string name;
  double from = 0.0;
  double to = INFINITE_TIME;
  double rate = 0.0;
};

//! A named enrolment timeline (`enrollment.timelines`): rates or sites, as given.
struct Timeline {
  std::string name;
  std::vector<RatePeriod> periods;  //!< summed piecewise-constant rate
  std::vector<Site> sites;          //!< empty when given as rates
};

struct Enrollment {
  //! poisson: a Poisson process with the summed rate; deterministic: patient i (from 1)
  //! enters when the expected enrolment reaches i (the fixed accrual of rpact and
  //! Lachin-Foulkes-type calculations).
  enum class Arrivals { poisson, deterministic };
  int sample_size = 0;
  Arrivals arrivals = Arrivals::poisson;
  std::vector<RatePeriod> periods;  //!< summed piecewise-constant rate, periods[0].from == 0
  std::vector<Site> sites;          //!< empty when rates were given directly
  std::string timeline;             //!< the named timeline in use; empty when rates or sites are given directly
  std::vector<Timeline> timelines;  //!< every named timeline, in the order given
};

//! What makes a look happen, in calendar time of the simulated trial.
struct Trigger {
  enum class Kind {
    events,               //!< `value` analysed events have occurred
    time,                 //!< calendar time `value`
    enrolled,             //!< `value` patients randomised
    completed_follow_up,  //!< `value` patients have completed the fixed follow-up
    all_completed,        //!< every patient has completed follow-up (or the trial's data end)
  };
  Kind kind = Kind::time;
  double value = 0.0;
};

enum class Population {
  all_randomised,   //!< everyone randomised before the cut-off, censored at it
  first_completed,  //!< only the first n patients (n of a completed_follow_up trigger)
};

struct Look {
  std::string name;
  std::vector<Trigger> triggers;  //!< one or more
  enum class Combine { first, last };
  Combine combine = Combine::first;  //!< with several triggers: whichever comes first / last
  double lag = 0.0;                  //!< added to the trigger time
  Population population = Population::all_randomised;
};

//! The test statistic of a look. Adding one: docs/extending.md.
enum class Statistic { logrank, cox_wald, cox_score, cox_lr, milestone, fleming_harrington, maxcombo, rmst };

//! Fleming-Harrington weight S(t-)^rho (1 - S(t-))^gamma of the pooled Kaplan-Meier estimate.
struct FlemingHarringtonWeight {
  double rho = 0.0;
  double gamma = 0.0;
  bool operator==(const FlemingHarringtonWeight&) const = default;
};

//! Most components of a MaxCombo test (the size of its correlation matrix).
inline constexpr int MAX_COMBO_COMPONENTS = 4;

//! One statistic with its parameters, as the design's test or one of `test.compare`.
struct StatisticSpec {
  Statistic kind = Statistic::logrank;
  FlemingHarringtonWeight weight;                   //!< fleming_harrington
  std::vector<FlemingHarringtonWeight> components;  //!< maxcombo: 1 to MAX_COMBO_COMPONENTS weights
  double landmark = INFINITE_TIME;                  //!< milestone: the landmark; rmst: tau
  bool operator==(const StatisticSpec&) const = default;
};
enum class Ties { breslow, efron };

struct Boundary {
  enum class Family { nominal, haybittle_peto, obrien_fleming, pocock, wang_tsiatis, spending, user_spending };
  enum class Spending { obrien_fleming, pocock, hsd, power };
  Family family = Family::obrien_fleming;
  Spending spending = Spending::obrien_fleming;
  double parameter = 0.0;             //!< HSD gamma, power rho, or Wang-Tsiatis Delta
  double interim_z = 3.0;             //!< Haybittle-Peto interim critical value
  std::vector<double> nominal_alpha;  //!< per look, as given (sides-sided p-value thresholds)
  //! Where the spending function is evaluated (spending family only): at the planned
  //! information fractions; at each simulated trial's observed information, counted in
  //! events for event-driven looks and in patients for patient-count looks (`observed`);
  //! or in events over the planned final events whatever the triggers (`observed_events`).
  enum class Information { planned, observed, observed_events };
  Information information = Information::planned;
  //! user_spending: cumulative type I error spent by each look (sides-sided), the last == alpha;
  //! a look that spends nothing has no efficacy stop (critical value +infinity).
  std::vector<double> alpha_spent;
};

struct Futility {
  //! z and hazard_ratio: bounds as given; beta_spending: z bounds computed by spending the
  //! type II error `beta` under the design's alternative (rpact's typeBetaSpending);
  //! conditional_power: stop when the conditional power at the look is below the value.
  enum class Scale { none, z, hazard_ratio, conditional_power, beta_spending };
  //! The effect the conditional power assumes for the rest of the trial: the design's
  //! hazard ratio, or the current trend (the estimate at the look).
  enum class Effect { design, trend };
  Scale scale = Scale::none;
  std::vector<double> values;      //!< z, hazard_ratio or conditional_power: one per interim look (looks - 1)
  Effect effect = Effect::design;  //!< conditional_power only
  bool binding = false;
  Boundary::Spending beta_spending = Boundary::Spending::obrien_fleming;  //!< beta_spending: the function
  double beta_parameter = 0.0;                                            //!< beta_spending: HSD gamma or power rho
  double beta = 0.2;  //!< beta_spending: the type II error spent by the last look
  //! Whether the bounds are z values in BoundaryPlan::futility_z (given or computed).
  bool on_z_scale() const { return scale == Scale::z || scale == Scale::beta_spending; }
};

struct TestPlan {
  StatisticSpec statistic;
  //! Statistics decided beside `statistic` on the same trials, each by its own procedure
  //! with the same boundaries (at most MAX_COMPARED).
  std::vector<StatisticSpec> compare;
  Ties ties = Ties::efron;
  int sides = 2;
  double alpha = 0.05;  //!< overall, of the `sides`-sided test
  Boundary boundary;
  //! Planned information fraction per look (last == 1); given, or derived from the triggers.
  std::vector<double> information_fractions;
  Futility futility;
  //! Hazard ratio of the null hypothesis: 1 for superiority, the margin for non-inferiority
  //! (logrank and cox_wald only); the z of a look tests HR = null_hazard_ratio.
  double null_hazard_ratio = 1.0;
  //! What a monitoring committee plans with, whatever the simulated truth: the hazard ratio of
  //! the design's effect (conditional power under the design effect) and the planned events
  //! at the last look (information fractions of conditional power and of observed_events
  //! spending). Absent: the design's own hazard ratio and expected final events (analytic.hpp),
  //! or the last look's events trigger. Give them when simulating other truths (H0, say), so
  //! that every scenario runs the same procedure.
  std::optional<double> design_hazard_ratio;
  std::optional<double> planned_final_events;
  bool stratified = false;             //!< stratified log-rank / Cox by allocation strata
  std::optional<double> target_power;  //!< the power the design was sized for (trialsim design)
  //! Landmark of the milestone statistic and of the analytic landmark mortality.
  double milestone = INFINITE_TIME;
};

struct Simulation {
  std::int64_t replicates = 10000;
  std::uint64_t seed = 1;
};

struct Design {
  std::string name;
  std::string time_unit = "day";
  std::optional<std::string> start_date;  //!< ISO yyyy-mm-dd, for showing dates
  std::array<Arm, 2> arms;
  Allocation allocation;
  Enrollment enrollment;
  std::optional<double> fixed_follow_up;  //!< absent: followed until the cut-off
  //! survival[stratum][arm]; one row per allocation stratum.
  std::vector<std::array<SurvivalModel, 2>> survival;
  //! Dropout (censoring) law per arm; absent = no loss to follow-up.
  std::array<std::optional<SurvivalModel>, 2> dropout;
  std::array<double, 2> crossover{0.0, 0.0};  //!< P(receive the other arm), from control / treatment
  double exclusion = 0.0;                     //!< P(randomised but not analysed)
  bool as_treated = false;                    //!< analyse by arm received instead of assigned
  std::vector<Look> looks;
  TestPlan test;
  Simulation simulation;
  std::string resolved_yaml;  //!< the whole design, every default filled in
};

}  // namespace trialsim
