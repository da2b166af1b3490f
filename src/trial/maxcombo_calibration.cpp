// Group-sequential boundaries of a MaxCombo statistic (trial.hpp, maxcombo_efficacy_z).
//
// The critical values of a maximum of weighted log-rank statistics over several looks come
// from the joint normal distribution of every component at every look under H0 (Karrison
// 2016, Stat Med 35:2427-2439; as gsDesign2's gs_design_combo), which needs the components'
// covariance at each look. That covariance depends on the enrolment, survival, dropout and
// look timing of the design, so it is taken from the design itself: the average of the
// estimated score covariances (sum w_a w_b v) over null trials of the design (the treatment
// arm following the control arm's survival), every look performed. Across looks the
// weighted log-rank scores have independent increments (Tsiatis 1982, JASA 77:855-861),
// which max_statistic_boundaries uses. The null trials use a stream of their own, so that
// the boundaries are a pure function of the design and its seed, whatever the threads,
// shards or scenarios of the run.

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "trialsim/max_statistic_boundaries.hpp"
#include "trialsim/trial.hpp"

namespace trialsim {
namespace {

// The null trials' streams: a scenario index no run uses (a sweep's scenarios use scenario 0),
// the last that random streams take.
constexpr std::uint64_t CALIBRATION_SCENARIO = STREAM_SCENARIOS - 1;

// The design under H0, with nothing that stops a trial early: every look is analysed.
Design null_design_of(const Design& design) {
  Design null = design;
  for (auto& row : null.survival) row[TREATMENT] = row[CONTROL];
  null.test.statistic = StatisticSpec{};
  null.test.compare.clear();
  null.test.futility = Futility{};
  return null;
}

BoundaryPlan never_stopping(const BoundaryPlan& plan) {
  BoundaryPlan open = plan;
  std::fill(open.efficacy_z.begin(), open.efficacy_z.end(), std::numeric_limits<double>::infinity());
  std::fill(open.futility_z.begin(), open.futility_z.end(), -std::numeric_limits<double>::infinity());
  return open;
}

}  // namespace

std::vector<Eigen::MatrixXd> null_component_covariances(const Design& design, const BoundaryPlan& plan,
                                                        const StatisticSpec& spec, int trials) {
  const Design null = null_design_of(design);
  const TrialSimulator simulator(null, never_stopping(plan), CALIBRATION_SCENARIO);
  const int looks = simulator.looks();
  const int components = static_cast<int>(spec.components.size());
  const int strata = design.test.stratified ? static_cast<int>(design.allocation.strata.size()) : 1;
  std::vector<Eigen::MatrixXd> sum(static_cast<std::size_t>(looks), Eigen::MatrixXd::Zero(components, components));
  std::vector<Observation> observations;
  StatisticsWorkspace workspace;
  for (int r = 0; r < trials; ++r) {
    const PatientRecords records = simulator.patients(static_cast<std::uint64_t>(r));
    const std::vector<std::uint8_t>& arm = design.as_treated ? records.received : records.arm;
    for (int look = 0; look < looks; ++look) {
      const auto& time = records.time[static_cast<std::size_t>(look)];
      const auto& status = records.status[static_cast<std::size_t>(look)];
      observations.clear();
      for (std::size_t p = 0; p < time.size(); ++p) {
        if (std::isnan(time[p])) continue;  // not in this look's data
        observations.push_back(
            {time[p], arm[p], status[p], static_cast<std::uint16_t>(strata > 1 ? records.stratum[p] : 0)});
      }
      workspace.reserve(observations.size(), strata);
      const ComboScores scores = combo_scores(build_event_tables(observations, strata, workspace), spec.components);
      sum[static_cast<std::size_t>(look)] += scores.covariance.topLeftCorner(components, components);
    }
  }
  for (Eigen::MatrixXd& covariance : sum) covariance /= static_cast<double>(std::max(trials, 1));
  return sum;
}

std::vector<double> maxcombo_efficacy_z(const Design& design, const BoundaryPlan& plan, const StatisticSpec& spec) {
  if (spec.kind != Statistic::maxcombo || plan.efficacy_z.size() < 2) return plan.efficacy_z;
  const std::vector<Eigen::MatrixXd> covariance =
      null_component_covariances(design, plan, spec, MAXCOMBO_CALIBRATION_TRIALS);
  return max_statistic_boundaries(covariance, plan.alpha_spent, plan.sides).nominal_z;
}

}  // namespace trialsim
