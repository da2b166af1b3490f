#pragma once
//! \file statistics.hpp
//! Two-arm survival statistics computed from one event table: log-rank
//! (hypergeometric variance, exact for ties), unadjusted Cox model (Breslow or
//! Efron ties, Halley's method on a logit transform of the score with step
//! halving), and the Kaplan-Meier milestone difference with Greenwood variance.
//! Sign convention throughout: z > 0 means the treatment arm (arm 1) does
//! better, i.e. HR < 1.
//! Nothing here allocates once the workspace vectors have reached their capacity.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "trialsim/design.hpp"
#include "trialsim/multivariate_normal.hpp"

namespace trialsim {

//! One analysed patient as a look sees them.
struct Observation {
  double time = 0.0;       //!< from entry to event or censoring
  std::uint8_t arm = 0;    //!< 0 control, 1 treatment (as analysed)
  std::uint8_t event = 0;  //!< 1 event, 0 censored
  std::uint16_t stratum = 0;
};

//! Risk-set counts at one distinct event time (rows exist only where events > 0).
struct EventRow {
  double time = 0.0;
  std::int32_t at_risk[2] = {0, 0};  //!< per arm, just before `time` (censored at `time` included)
  std::int32_t events[2] = {0, 0};   //!< per arm, at `time`
};

//! Distinct event times of one stratum, ascending.
struct EventTable {
  std::vector<EventRow> rows;
  std::int32_t patients[2] = {0, 0};  //!< analysed per arm
  std::int32_t events[2] = {0, 0};    //!< total events per arm
  //! Every row has exactly one event (no tied event times), as build_event_tables
  //! finds it; false when not known, which is always safe.
  bool single_events = false;
};

//! A stratum's patients and events per arm: what its table needs besides its event rows.
struct EventTotals {
  std::int32_t patients = 0;
  std::int32_t treatment_patients = 0;
  std::int32_t events = 0;
  std::int32_t treatment_events = 0;
};

//! Reusable scratch for build_event_tables (one per thread).
struct StatisticsWorkspace {
  //! The observations that can change a risk set between events (the first of its slots; the
  //! rest is scratch), and then the first `sorted_count` slots of `sorted`: those by time (by
  //! stratum, then time, when stratified). Both only grow, so that no slot is filled twice.
  std::vector<Observation> kept;
  std::vector<Observation> sorted;
  std::size_t sorted_count = 0;
  std::vector<EventTable> tables;           //!< one per stratum
  std::vector<std::uint32_t> sort_buckets;  //!< bucket counts of the time sort
  std::vector<EventTotals> totals;          //!< per stratum

  //! Grows every buffer to what `observations` observations in `strata` strata can
  //! need, so that building event tables allocates nothing afterwards.
  void reserve(std::size_t observations, int strata);
};

//! Sorts the observations by time and fills one EventTable per stratum
//! (`strata` tables; a single table when strata == 1). Returns the tables.
std::span<const EventTable> build_event_tables(std::span<const Observation> observations, int strata,
                                               StatisticsWorkspace& workspace);
//! The one table of unstratified observations whose totals and latest event time (0 without
//! events) are known: a caller that made the observations may have counted them as it went,
//! which saves the pass that build_event_tables makes to count them.
std::span<const EventTable> build_event_table(std::span<const Observation> observations, const EventTotals& totals,
                                              double last_event, StatisticsWorkspace& workspace);

struct LogrankResult {
  double observed_minus_expected = 0.0;  //!< O - E in the treatment arm
  double variance = 0.0;                 //!< hypergeometric
  double z = 0.0;                        //!< -(O - E) / sqrt(V); 0 when V == 0
};

//! Log-rank (Mantel-Haenszel) test; with several tables, the stratified test (sums over strata).
LogrankResult logrank(std::span<const EventTable> tables);

struct CoxResult {
  double log_hr = 0.0;          //!< beta; +-infinity when one arm has no events
  double se = 0.0;              //!< 1 / sqrt(information at beta); infinity when beta is infinite
  double z_wald = 0.0;          //!< -beta / se; 0 when the MLE does not exist
  double z_score = 0.0;         //!< -U(0) / sqrt(I(0)); 0 when I(0) == 0
  double z_lr = 0.0;            //!< signed root of the likelihood ratio statistic, sign of -beta
  double log_likelihood = 0.0;  //!< at beta
  int iterations = 0;
  bool converged = false;
};

//! Unadjusted Cox proportional hazards fit with one binary covariate (treatment),
//! stratified (separate baseline hazards) when given several tables.
CoxResult cox_fit(std::span<const EventTable> tables, Ties ties);

//! The log-rank z of `tables`, given their Cox fit. Without tied event times the
//! log-rank test is the Cox score test at beta = 0 (U(0) = O - E, and I(0) is the
//! hypergeometric variance), which the fit has computed: cox.z_score, equal to
//! logrank(tables).z but for rounding. With ties, logrank(tables).z.
double logrank_z(std::span<const EventTable> tables, const CoxResult& cox);

struct MilestoneResult {
  double event_probability[2] = {0.0, 0.0};  //!< 1 - KM survival at the landmark, per arm
  double variance[2] = {0.0, 0.0};           //!< Greenwood variance of the KM estimate
  double difference = 0.0;                   //!< control minus treatment event probability
  double se = 0.0;
  double z = 0.0;  //!< difference / se; 0 when se == 0
};

//! Kaplan-Meier event probabilities at `landmark` per arm and their difference.
//! The milestone comparison is unstratified: pass the table of all analysed patients.
MilestoneResult milestone(const EventTable& table, double landmark);

struct WeightedLogrankResult {
  double score = 0.0;     //!< sum of w (O - E) in the treatment arm
  double variance = 0.0;  //!< sum of w^2 times the hypergeometric variance
  double z = 0.0;         //!< -score / sqrt(variance); 0 when the variance is 0
};

//! Fleming-Harrington G(rho, gamma) weighted log-rank test, weights S(t-)^rho (1 - S(t-))^gamma
//! of each stratum's pooled Kaplan-Meier estimate; stratified when given several tables.
//! G(0, 0) is the log-rank test: the same sums, term by term.
WeightedLogrankResult fleming_harrington(std::span<const EventTable> tables, const FlemingHarringtonWeight& weight);

//! The scores of several Fleming-Harrington statistics on the same tables and their estimated
//! covariance under H0: U_a = sum w_a (O - E), cov(U_a, U_b) = sum w_a w_b v.
struct ComboScores {
  int components = 0;
  std::array<double, MAX_COMBO_COMPONENTS> score{};
  CorrelationMatrix covariance = CorrelationMatrix::Zero();  //!< the first `components` rows and columns
};

ComboScores combo_scores(std::span<const EventTable> tables, std::span<const FlemingHarringtonWeight> weights);

struct MaxComboResult {
  int components = 0;
  std::array<double, MAX_COMBO_COMPONENTS> z{};  //!< each component's weighted log-rank z
  //! Estimated correlation of the components (identity where a component has no variance).
  CorrelationMatrix correlation = CorrelationMatrix::Identity();
  double p_benefit = 1.0;  //!< P(max Z >= observed max) under H0, from the estimated correlation
  double p_harm = 1.0;     //!< P(min Z <= observed min) under H0
  double z_benefit = 0.0;  //!< the normal quantile of p_benefit: -Phi^-1(p_benefit)
  //! For two-sided tests: z_benefit, or Phi^-1(p_harm) when harm is the more significant tail.
  double z_two_sided = 0.0;
};

//! The MaxCombo test: the largest of several Fleming-Harrington statistics, with its p-value
//! from their estimated joint normal distribution. Components without variance are left
//! out; with none left every z is 0.
MaxComboResult maxcombo(std::span<const EventTable> tables, std::span<const FlemingHarringtonWeight> weights);

struct RmstResult {
  double rmst[2] = {0.0, 0.0};      //!< restricted mean survival time to tau, per arm
  double variance[2] = {0.0, 0.0};  //!< its variance (Greenwood-type, as R's survfit)
  double difference = 0.0;          //!< treatment minus control
  double se = 0.0;
  double z = 0.0;  //!< difference / se; 0 when se == 0
};

//! Restricted mean survival time to `tau` per arm, the area under each arm's Kaplan-Meier
//! curve, and its difference. Unstratified: pass the table of all analysed patients.
RmstResult rmst(const EventTable& table, double tau);

//! Patients each arm must have at risk at the landmark for the milestone and RMST tests to
//! be computed. With fewer the Kaplan-Meier tail is estimated from a handful of patients,
//! Greenwood's variance is far too small, and an early interim rejects several times as
//! often as its alpha (docs/edge_cases.md gives the measured levels).
inline constexpr int MIN_AT_RISK_AT_LANDMARK = 10;

//! True when both arms' Kaplan-Meier curves are estimable at `landmark` in `observations`:
//! at least `minimum_at_risk` patients of the arm are observed at the landmark or later, or
//! the arm's curve has dropped to 0 before it. Otherwise the milestone and RMST statistics
//! are undefined at the look (NaN), and the look cannot reject (docs/edge_cases.md).
bool reaches_landmark(std::span<const Observation> observations, const EventTable& table, double landmark,
                      int minimum_at_risk = MIN_AT_RISK_AT_LANDMARK);

}  // namespace trialsim
