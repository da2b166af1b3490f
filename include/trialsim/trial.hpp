#pragma once
//! \file trial.hpp
//! One simulated trial: enrolment, randomisation, event and dropout times, the
//! calendar time of each look, the data cut at each look, the look statistics
//! and the group-sequential decision. It knows nothing of threads, files or YAML:
//! it is given a replicate index and a per-thread workspace, and returns a small
//! record. Simulating a trial in a workspace from make_workspace allocates nothing.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

#include "trialsim/boundaries.hpp"
#include "trialsim/design.hpp"
#include "trialsim/event_calendar.hpp"
#include "trialsim/model.hpp"
#include "trialsim/monitoring.hpp"
#include "trialsim/outcome.hpp"
#include "trialsim/random.hpp"
#include "trialsim/statistics.hpp"

namespace trialsim {

//! Patient-level data of one trial, as each look analysed it (for --keep-patients).
struct PatientRecords {
  std::vector<double> entry;
  std::vector<std::uint8_t> arm;       //!< as assigned
  std::vector<std::uint8_t> received;  //!< arm whose hazard the patient followed
  std::vector<std::uint16_t> stratum;
  std::vector<std::uint8_t> analysed;
  //! Follow-up from entry to the event, dropout or end of fixed follow-up, with no data cut
  //! (infinite for open follow-up without an event), and 1 when it ends in the event:
  //! the whole trial as it would run on, for accrual curves.
  std::vector<double> follow_up;
  std::vector<std::uint8_t> event;
  //! [look][patient]: follow-up time and status at the look's cut (time NaN when not in that look's data)
  std::vector<std::vector<double>> time;
  std::vector<std::vector<std::uint8_t>> status;
};

//! The named streams of one trial's random numbers (StreamId), of the scenario whose streams
//! it uses: each patient purpose draws from its own, so that none shifts another's numbers.
struct TrialStreams {
  TrialStreams() = default;
  TrialStreams(std::uint64_t seed, std::uint64_t scenario);
  //! Positions every stream at the start of replicate `replicate`.
  void start(std::uint64_t replicate);
  RandomStream arrival, stratum, allocation, crossover, exclusion, event, dropout;
};

//! Which per-patient streams a design's trials draw: a stream that no patient needs is not
//! drawn, which leaves every other stream's numbers in place. The one rule for both the
//! simulator and a sweep's shared draws (CommonDraws).
struct DrawnStreams {
  explicit DrawnStreams(const Design& design);
  bool crossover = false;
  bool exclusion = false;
  bool dropout = false;  // one Exp(1) per patient of an arm with dropout
};

//! Scratch space of one thread: sized for the largest trial by make_workspace, so that
//! simulating allocates nothing (tests/test_hot_path.cpp counts).
struct TrialWorkspace {
  std::vector<double> entry;
  std::vector<std::uint16_t> stratum;
  std::vector<std::uint8_t> assigned;
  std::vector<std::uint8_t> received;
  std::vector<std::uint8_t> analysed;
  //! The first `completed` patients' received, analysed, follow_up and status are drawn:
  //! patients are completed in entry order as the looks need them.
  std::size_t completed = 0;
  std::vector<double> follow_up;     //!< min(event, dropout, fixed follow-up) from entry
  std::vector<std::uint8_t> status;  //!< 1 when follow_up ends in an event
  //! The completed patients' analysed events, when the design has event triggers.
  EventCalendar event_calendar;
  std::vector<Observation> observations;  //!< one slot per patient; the first `observed` hold the look's data
  std::size_t observed = 0;
  EventTotals observed_totals;     //!< of the look's observations, counted by the cut
  double observed_last_event = 0;  //!< their latest event time (0 without events)
  StatisticsWorkspace statistics;
  StatisticsWorkspace unstratified_statistics;  //!< the Kaplan-Meier statistics' table when stratified
  Allocator allocator;
  //! `information: observed`: this thread's table of critical values by observed counts,
  //! and the counts of the current trial's looks.
  ObservedBoundaries observed_boundaries;
  std::array<ObservedInformation, MAX_LOOKS> observed_information{};
  TrialStreams streams;
};

//! The random numbers of one replicate as one scenario of a sweep takes them from the draws
//! that the sweep's scenarios share (CommonDraws): each span holds at least the scenario's
//! sample size of values, the first n exactly what the scenario's own streams would give.
//! An empty span: the scenario draws nothing from that stream.
struct PatientDraws {
  std::span<const double> entry;           //!< entry times (empty with deterministic arrivals)
  std::span<const std::uint16_t> stratum;  //!< allocation stratum of each patient
  std::span<const std::uint8_t> assigned;  //!< arm of each patient, as randomised
  std::span<const double> crossover;       //!< one uniform per patient
  std::span<const double> exclusion;       //!< one uniform per patient
  std::span<const double> event;           //!< one Exp(1) per patient
  std::span<const double> dropout;         //!< the dropout stream's Exp(1) draws, in order
};

//! The design prepared for simulation: distributions built, boundaries computed.
class TrialSimulator {
 public:
  TrialSimulator(const Design& design, const BoundaryPlan& plan, std::uint64_t scenario = 0);

  TrialWorkspace make_workspace() const;
  //! Simulates replicate `replicate`; a pure function of (seed, scenario, replicate).
  void simulate(std::uint64_t replicate, TrialWorkspace& workspace, TrialOutcome& outcome) const;
  //! Simulates the trial whose random numbers are `draws` (a replicate's draws shared by the
  //! scenarios of a sweep): bit for bit simulate(replicate, ...) of the replicate they were drawn for.
  void simulate(const PatientDraws& draws, TrialWorkspace& workspace, TrialOutcome& outcome) const;
  //! Simulates replicate `replicate` again and returns its patients as each look saw them.
  PatientRecords patients(std::uint64_t replicate) const;

  int looks() const { return static_cast<int>(design_.looks.size()); }
  const Design& design() const { return design_; }

  // The steps of simulate, public for the micro-benchmarks of the hot path.
  //! Draws every patient of replicate `replicate` into the workspace.
  void generate_patients(std::uint64_t replicate, TrialWorkspace& w) const;
  //! The data of look `look` cut at calendar time `time` (into the first w.observed of
  //! w.observations), and its counts into `outcome`.
  void cut(int look, double time, TrialWorkspace& w, LookOutcome& outcome) const;

 private:
  //! Completes patients w.completed..end-1: fills their received, analysed, follow_up and
  //! status from w.entry, w.stratum, w.assigned and the draws of `source` (the workspace's
  //! streams, or a sweep's shared draws), and adds their events to the event calendar.
  template <class Source>
  void complete_patients(Source& source, TrialWorkspace& w, std::size_t end) const;
  //! Starts replicate `replicate`: streams, entries and arms; no patient completed yet.
  void start_patients(std::uint64_t replicate, TrialWorkspace& w) const;
  //! Completes, from the trial's own streams, the next `count` patients (fewer at the end),
  //! or every patient randomised by calendar time `time`.
  void complete_next(std::size_t count, TrialWorkspace& w) const;
  void complete_through(double time, TrialWorkspace& w) const;
  //! Calendar time of the trial's count-th analysed event (infinite if there are fewer).
  double event_time(std::size_t count, TrialWorkspace& w) const;
  //! The looks and decisions of the trial whose patients are in `w`.
  void run_looks(TrialWorkspace& w, TrialOutcome& outcome) const;
  double look_time(int look, double previous, TrialWorkspace& w, bool& reached) const;
  double trigger_time(const Trigger& trigger, TrialWorkspace& w) const;
  double data_end(TrialWorkspace& w) const;
  //! Number of patients that look `look` can analyse (first n, or everyone).
  int population_size(int look) const;
  struct LookData;
  const EventTable& unstratified_table(LookData& data, TrialWorkspace& w) const;
  double statistic_z(const StatisticSpec& spec, LookData& data, TrialWorkspace& w) const;
  //! The look's statistics and decisions: the design's when `primary` (its procedure goes
  //! on), and those of the compared statistics whose procedures go on.
  //! `planned`: whether the planned boundaries' own procedure goes on (observed information only).
  void analyse(TrialWorkspace& w, bool primary, bool planned, LookOutcome& outcome, int look) const;
  //! The decision at `look` with efficacy critical value `critical`; `outcome` gives the
  //! hazard ratio and conditional power of the futility rules.
  std::int8_t decide(int look, double z, double critical, const LookOutcome& outcome) const;
  //! The z of HR = null_hazard_ratio from the statistic's z of HR = 1 (logrank, cox_wald).
  double shifted_to_margin(const StatisticSpec& spec, double z, const LookData& data, const LookOutcome& look) const;
  //! The conditional powers of the look into `outcome` (interim looks).
  void add_conditional_power(int look, LookOutcome& outcome) const;
  //! The efficacy critical value the design's procedure applies at `look`.
  double efficacy_critical(int look, TrialWorkspace& w, const LookOutcome& outcome) const;

  const Design& design_;
  BoundaryPlan plan_;
  //! The efficacy boundary of each statistic's procedure, from the plan: [0] the design's
  //! statistic, [1 + c] compared statistic c.
  std::vector<std::vector<double>> efficacy_z_;
  std::uint64_t scenario_;
  std::vector<std::array<SurvivalDistribution, 2>> survival_;  // [stratum][arm]
  std::vector<double> constant_hazards_;  // [2 * stratum + arm] when every law is exponential, else empty
  std::array<SurvivalDistribution, 2> dropout_;
  std::array<bool, 2> has_dropout_{false, false};
  ArrivalProcess arrivals_;
  std::vector<double> fixed_entry_;  // deterministic arrivals: the same in every replicate, computed once
  Allocator allocator_;
  int table_strata_ = 1;        // strata of the event tables: allocation strata when stratified
  bool any_crossover_ = false;  // streams that no patient needs are not drawn
  bool any_exclusion_ = false;
  bool event_triggers_ = false;        // some look waits for a number of events
  bool observed_information_ = false;  // test.boundary.information: observed
  bool spending_by_events_ = true;     // observed information counts events (else patients)
  double log_null_hazard_ratio_ = 0.0;
  double information_per_event_ = 0.25;  // r (1 - r), r the planned treatment share
};

//! Null trials of a design whose average estimated component covariances give a MaxCombo
//! statistic's group-sequential boundaries: the covariances' relative error is about
//! 0.1 / sqrt(trials), a small fraction of the Monte Carlo error of any run.
inline constexpr int MAXCOMBO_CALIBRATION_TRIALS = 2000;

//! The H0 covariance of a MaxCombo statistic's component scores at each look of `design`
//! (spec.components), averaged over `trials` null trials of the design: the treatment arm
//! follows the control arm's survival, and every look is analysed. A pure function of the
//! design (its seed included): the trials use streams that no run uses.
std::vector<Eigen::MatrixXd> null_component_covariances(const Design& design, const BoundaryPlan& plan,
                                                        const StatisticSpec& spec, int trials);

//! The efficacy boundary, on the MaxCombo z (its per-look p-value's normal quantile, as
//! MaxComboResult gives it), of each look of a MaxCombo statistic's procedure. It spends the
//! plan's cumulative alpha look by look, from the joint normal distribution of the components
//! at every look (max_statistic_boundaries) with their null covariances
//! (null_component_covariances). With one look, or another statistic, the plan's boundary.
std::vector<double> maxcombo_efficacy_z(const Design& design, const BoundaryPlan& plan, const StatisticSpec& spec);

}  // namespace trialsim
