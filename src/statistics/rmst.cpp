// Restricted mean survival time: the area under the Kaplan-Meier curve from 0 to tau,
// per arm, and its difference (Royston & Parmar 2013, BMC Med Res Methodol 13:152; Uno et
// al. 2014, J Clin Oncol 32:2380-2385). Its variance is the delta-method (Greenwood-type)
// sum over event times t_i <= tau of A_i^2 d_i / (n_i (n_i - d_i)), A_i the area from t_i
// to tau (Klein & Moeschberger 2003, "Survival Analysis", sec. 4.5), as R's survfit
// reports it for rmean = tau. Rows exactly at tau add no area and, with A = 0, no variance.

#include <cmath>

#include "trialsim/statistics.hpp"

namespace trialsim {

namespace {

struct ArmRmst {
  double area = 0.0;
  double variance = 0.0;
};

// Calls step(time, survival_after, at_risk, events) at each of the arm's event times up to tau.
template <class Step>
void for_each_step(const EventTable& table, int arm, double tau, Step step) {
  double survival = 1.0;
  for (const EventRow& row : table.rows) {
    if (row.time > tau) break;
    const int events = row.events[arm];
    if (events == 0) continue;
    const int at_risk = row.at_risk[arm];
    survival *= static_cast<double>(at_risk - events) / at_risk;
    step(row.time, survival, at_risk, events);
  }
}

ArmRmst arm_rmst(const EventTable& table, int arm, double tau) {
  // First pass: the whole area, a sum of rectangles under the steps.
  ArmRmst result;
  double previous_time = 0.0;
  double previous_survival = 1.0;
  for_each_step(table, arm, tau, [&](double time, double survival, int, int) {
    result.area += previous_survival * (time - previous_time);
    previous_time = time;
    previous_survival = survival;
  });
  result.area += previous_survival * (tau - previous_time);
  // Second pass: the area left after each event time, and the variance terms. When
  // everyone at risk has the event the curve is 0 from there on and the term is skipped,
  // as for Greenwood's variance.
  double area_before = 0.0;
  previous_time = 0.0;
  previous_survival = 1.0;
  for_each_step(table, arm, tau, [&](double time, double survival, int at_risk, int events) {
    area_before += previous_survival * (time - previous_time);
    previous_time = time;
    previous_survival = survival;
    if (at_risk > events) {
      const double remaining = result.area - area_before;
      result.variance += remaining * remaining * events / (static_cast<double>(at_risk) * (at_risk - events));
    }
  });
  return result;
}

}  // namespace

RmstResult rmst(const EventTable& table, double tau) {
  RmstResult result;
  for (int arm : {CONTROL, TREATMENT}) {
    const ArmRmst estimate = arm_rmst(table, arm, tau);
    result.rmst[arm] = estimate.area;
    result.variance[arm] = estimate.variance;
  }
  // Longer restricted mean survival on treatment is benefit: z > 0.
  result.difference = result.rmst[TREATMENT] - result.rmst[CONTROL];
  result.se = std::sqrt(result.variance[CONTROL] + result.variance[TREATMENT]);
  result.z = result.se > 0.0 ? result.difference / result.se : 0.0;
  return result;
}

}  // namespace trialsim
