#pragma once
//! \file analytic.hpp
//! The analytic side of a design, no simulation: textbook event counts and sample
//! sizes, the expected course of the trial (enrolment, events and calendar time of
//! each look) by numerical integration of the design's own model, and the
//! group-sequential power from the boundary recursion. Pure functions of the
//! Design and its BoundaryPlan: no random numbers, no I/O.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "trialsim/boundaries.hpp"
#include "trialsim/design.hpp"
#include "trialsim/model.hpp"

namespace trialsim {

// ---------------------------------------------------------------------------------
// Fixed-sample formulas. `alpha` is the level of the `sides`-sided test, `power`
// the probability of rejecting in the direction of the effect, `treatment_share`
// the fraction randomised to treatment.

//! Schoenfeld (1981, 1983): D = (z_{1-alpha/sides} + z_power)^2 / (r (1 - r) ln^2 HR).
double schoenfeld_events(double alpha, int sides, double power, double hazard_ratio, double treatment_share);
//! Freedman (1982): D = (z_{1-alpha/sides} + z_power)^2 (1 + k HR)^2 / (k (1 - HR)^2), k = r / (1 - r).
double freedman_events(double alpha, int sides, double power, double hazard_ratio, double treatment_share);
//! The power that `events` buy by each formula (the other tail ignored).
double schoenfeld_power(double events, double alpha, int sides, double hazard_ratio, double treatment_share);
double freedman_power(double events, double alpha, int sides, double hazard_ratio, double treatment_share);

//! Patients per arm, unrounded.
struct ArmSizes {
  double control = 0.0;
  double treatment = 0.0;
  double total() const { return control + treatment; }
};

//! Two-proportion (chi-square) test of event probabilities p_control vs p_treatment
//! (Fleiss, Levin and Paik 2003, section 4.2, eq. 4.19 for unequal allocation), and
//! with the Fleiss, Tytun and Ury (1980) continuity correction.
ArmSizes two_proportion_sample_size(double p_control, double p_treatment, double alpha, int sides, double power,
                                    double treatment_share, bool continuity_correction);
//! The power of the same test with the given arm sizes (the correction subtracts
//! (1/n_control + 1/n_treatment) / 2 from the difference).
double two_proportion_power(const ArmSizes& sizes, double p_control, double p_treatment, double alpha, int sides,
                            bool continuity_correction);

// ---------------------------------------------------------------------------------
// The expected course of the trial

//! One look as the design's model expects it.
struct ExpectedLook {
  std::string name;
  double time = 0.0;           //!< expected calendar time of the look
  double time_reached = 0.0;   //!< event-driven looks: when the expected events reach the target (else = time)
  double events = 0.0;         //!< expected analysed events at the look
  std::array<double, 2> events_per_arm{0.0, 0.0};
  double enrolled = 0.0;       //!< expected patients randomised by the look (in its population)
  double information = 0.0;    //!< expected events / expected events at the last look
  bool exact = true;           //!< false: an approximation, explained in the notes
  double never_reached = 0.0;  //!< probability that an event trigger never fires
};

//! Probability that an analysed patient's follow-up ends in an event by follow-up
//! time s (fixed follow-up, dropout, crossover, strata and exclusion included),
//! per arm as assigned, and the survival curves the textbook formulas need.
class EventModel {
public:
  explicit EventModel(const Design& design);

  //! P(analysed event within follow-up s) for a patient assigned to `arm`,
  //! including the probability of being analysed (1 - exclusion).
  double event_probability(int arm, double s) const;
  //! The same for a randomised patient of either arm (allocation shares).
  double event_probability(double s) const;
  //! Survival of the assigned arm (strata and crossover mixed in), no dropout.
  double survival(int arm, double t) const;
  //! Hazard of the assigned arm at t (d/dt of -ln survival).
  double hazard(int arm, double t) const;
  double treatment_share() const { return share_[TREATMENT]; }
  //! Allocation share of `arm`, or 1 for arm = -1 (both arms).
  double share(int arm) const { return arm < 0 ? 1.0 : share_[static_cast<std::size_t>(arm)]; }
  //! Follow-up beyond which no more events are expected (the fixed follow-up, or where the tail ends).
  double horizon() const { return panel_ends_.back(); }
  //! The follow-up axis as integrated: panel ends from 0 to the horizon, finer where events are.
  const std::vector<double>& grid() const { return panel_ends_; }

private:
  // Sub-density of an analysed event at follow-up x for a patient assigned to `arm`.
  double event_density(int arm, double x) const;
  // Mixture over strata and arm received of `value(stratum, received)` for an assigned arm.
  template <typename Value>
  double mixed(int arm, Value value) const;
  void build_panels(const Design& design);

  std::vector<std::array<SurvivalModel, 2>> models_;        // [stratum][received]
  std::vector<std::array<SurvivalDistribution, 2>> laws_;  // the same, evaluable
  std::array<std::optional<SurvivalModel>, 2> dropout_models_;
  std::array<SurvivalDistribution, 2> dropout_;
  std::vector<double> prevalence_;
  std::array<double, 2> crossover_{0.0, 0.0};
  std::array<double, 2> share_{0.5, 0.5};
  double analysed_ = 1.0;
  double follow_up_ = INFINITE_TIME;
  // The follow-up axis cut into panels, and the event probability at each panel end, per arm.
  std::vector<double> panel_ends_;
  std::array<std::vector<double>, 2> cumulative_;
};

//! Expected enrolment and events over calendar time, and the expected looks.
//! Poisson arrivals: the expectation over the first N points of the process
//! (exact, no fluid approximation); deterministic arrivals: the exact sums.
class ExpectedCourse {
public:
  ExpectedCourse(const Design& design, const EventModel& model);

  double expected_enrolled(double t) const;
  //! E[analysed events by calendar time t] of `arm`, or of both arms (arm = -1).
  double expected_events(double t, int arm = -1) const;
  //! Exact E[time of the n-th arrival].
  double expected_arrival_time(int n) const;
  //! The calendar time at which expected events reach `events` (infinite if never).
  double time_expected_events_reach(double events) const;
  //! P(fewer than `events` analysed events by calendar time t).
  double probability_fewer_events(double t, int events) const;
  //! Exact E[calendar time of the `events`-th analysed event] (infinite when it may never happen).
  double expected_event_time(int events) const;
  //! P(the trial never has `events` analysed events).
  double probability_never(int events) const;

  //! The expected looks of the design; `notes` gets what was assumed or approximated.
  std::vector<ExpectedLook> looks(std::vector<std::string>& notes) const;

private:
  struct AtArrival {
    double time = 0.0;
    std::array<double, 2> events{0.0, 0.0};
    double enrolled = 0.0;
  };
  //! Expected events per arm and enrolment at calendar time Lambda^-1(Gamma_n) + delay,
  //! counting only the first n patients when `first_only`.
  AtArrival at_arrival(int n, double delay, bool first_only) const;
  ExpectedLook trigger_look(const Look& look, const Trigger& trigger) const;
  //! G of `arm` weighted by its allocation share (both arms: arm = -1).
  double weighted_probability(int arm, double s) const;
  //! Calendar times (in the Lambda scale, x) where the integrand of events by time t has kinks.
  std::vector<double> kinks(double t) const;
  //! Deterministic arrivals: expected events of `arm` by t among the first `population` patients.
  double deterministic_events(double t, int arm, int population) const;

  const Design& design_;
  const EventModel& model_;
  ArrivalProcess arrivals_;
  std::vector<double> period_starts_;     //!< calendar starts of the rate periods
  std::vector<double> cumulative_starts_; //!< Lambda at those starts
  int sample_size_ = 0;
  bool deterministic_ = false;
};

//! Hazard ratio (treatment vs control) that the formulas use: exact under
//! proportional hazards, otherwise the average hazard ratio exp(mean log HR over the
//! events expected by calendar time `final_time`), as Kalbfleisch and Prentice (1981)
//! and gsDesign2's AHR.
struct DesignHazardRatio {
  double value = 1.0;
  bool proportional = true;
};
DesignHazardRatio design_hazard_ratio(const EventModel& model, const ExpectedCourse& course, double final_time);

// ---------------------------------------------------------------------------------
// Group-sequential power

//! First-crossing probabilities per look of the design's boundaries when the
//! information at look k is events_k r (1 - r) and the log-rank drift per unit of
//! information is -ln HR (Schoenfeld's approximation, canonical joint distribution).
struct SequentialPower {
  std::vector<double> efficacy;    //!< reject for benefit at look k
  std::vector<double> other_stop;  //!< harm (two-sided) or futility at look k
  double power = 0.0;              //!< sum of efficacy
  double drift = 0.0;              //!< E[Z at the last look]
};
SequentialPower sequential_power(const BoundaryPlan& plan, const Futility& futility,
                                 const std::vector<double>& expected_events, double hazard_ratio,
                                 double treatment_share);

//! Events at the last look for the group-sequential procedure to reach `power`
//! with looks at the plan's information fractions (the fixed-sample Schoenfeld
//! count times the inflation factor of the boundaries).
double sequential_events(const BoundaryPlan& plan, double power, double hazard_ratio, double treatment_share);

// ---------------------------------------------------------------------------------
// Everything `trialsim design` shows

struct FormulaRow {
  double power = 0.0;            //!< target power
  double alpha = 0.0;            //!< level used (sides-sided)
  double schoenfeld = 0.0;       //!< events
  double freedman = 0.0;         //!< events
  double sequential = 0.0;       //!< events for the group-sequential procedure (Schoenfeld-based)
  std::optional<ArmSizes> two_proportion;    //!< landmark sample size, no correction
  std::optional<ArmSizes> two_proportion_cc; //!< with continuity correction
};

struct DesignAnalysis {
  DesignHazardRatio hazard_ratio;
  //! test.null_hazard_ratio: the event counts and powers test HR = this value (Schoenfeld with
  //! ln(HR / HR0); non-inferiority).
  double null_hazard_ratio = 1.0;
  double treatment_share = 0.5;
  std::optional<double> landmark;                //!< time of the two-proportion comparison
  std::array<double, 2> landmark_probability{};  //!< P(event by the landmark) per arm (no dropout)
  std::vector<FormulaRow> formulas;              //!< per target power, at alpha and at the final nominal alpha
  std::vector<ExpectedLook> looks;
  SequentialPower sequential;
  //! The power that the design's expected final events / patients buy by each formula.
  double schoenfeld_power = 0.0;
  double freedman_power = 0.0;
  std::optional<double> two_proportion_power, two_proportion_cc_power;
  std::vector<std::string> notes; //!< assumptions and approximations, in words
};

DesignAnalysis analyse_design(const Design& design, const BoundaryPlan& plan);

} // namespace trialsim
