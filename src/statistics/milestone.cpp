// Milestone comparison: Kaplan-Meier (1958) event probabilities per arm at a
// landmark, Greenwood's (1926) variance, and their difference (Klein et al.
// 2007, "Analyzing survival curves at a fixed point in time", Stat Med
// 26:4505-4519). With complete follow-up to the landmark the KM estimate is
// the observed proportion, Greenwood's variance is p(1-p)/n, and z is the
// unpooled two-proportion test.

#include <cmath>

#include "trialsim/statistics.hpp"

namespace trialsim {
namespace {

struct KaplanMeier {
  double survival = 1.0;
  double greenwood_sum = 0.0;  // sum of d / (n (n - d))
};

void add_event_time(int at_risk, int events, KaplanMeier& estimate) {
  if (events == 0) {
    return;
  }
  const double n = at_risk;
  const double d = events;
  estimate.survival *= (n - d) / n;
  // When everyone at risk has the event S drops to 0 and so does its variance;
  // the infinite Greenwood term is skipped so that 0 * infinity never arises.
  if (at_risk > events) {
    estimate.greenwood_sum += d / (n * (n - d));
  }
}

}  // namespace

// KM needs the risk sets only where events happen, which is what the event
// table holds; rows at times after the landmark do not count, rows exactly at
// it do (S is right-continuous).
MilestoneResult milestone(const EventTable& table, double landmark) {
  KaplanMeier estimates[2];
  for (const EventRow& row : table.rows) {
    if (row.time > landmark) {
      break;
    }
    for (int arm : {CONTROL, TREATMENT}) {
      add_event_time(row.at_risk[arm], row.events[arm], estimates[arm]);
    }
  }
  MilestoneResult result;
  for (int arm : {CONTROL, TREATMENT}) {
    const double survival = estimates[arm].survival;
    result.event_probability[arm] = 1.0 - survival;
    result.variance[arm] = survival * survival * estimates[arm].greenwood_sum;
  }
  result.difference = result.event_probability[CONTROL] - result.event_probability[TREATMENT];
  result.se = std::sqrt(result.variance[CONTROL] + result.variance[TREATMENT]);
  result.z = result.se > 0.0 ? result.difference / result.se : 0.0;
  return result;
}

}  // namespace trialsim

namespace trialsim {

bool reaches_landmark(std::span<const Observation> observations, const EventTable& table, double landmark,
                      int minimum_at_risk) {
  int at_risk[2] = {0, 0};
  for (const Observation& observation : observations) at_risk[observation.arm] += observation.time >= landmark ? 1 : 0;
  bool reached[2] = {at_risk[CONTROL] >= minimum_at_risk, at_risk[TREATMENT] >= minimum_at_risk};
  // A curve that has dropped to 0 stays there: its value at the landmark is known.
  for (const EventRow& row : table.rows) {
    if (row.time > landmark) break;
    for (int arm : {CONTROL, TREATMENT}) reached[arm] |= row.events[arm] > 0 && row.events[arm] == row.at_risk[arm];
  }
  return reached[CONTROL] && reached[TREATMENT];
}

}  // namespace trialsim
