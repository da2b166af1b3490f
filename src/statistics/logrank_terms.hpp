#pragma once
// What one event row adds to the log-rank test, shared by the log-rank and the weighted
// log-rank tests (which weight these same terms); private to the statistics module.

#include "trialsim/statistics.hpp"

namespace trialsim {

struct LogrankTerms {
  double observed_minus_expected;  // d1 - e1 in the treatment arm
  double variance;                 // hypergeometric, exact under ties
  double survival_factor;          // (n - d) / n: the pooled Kaplan-Meier step at this time
};

inline LogrankTerms logrank_terms(const EventRow& row) {
  const double at_risk_treatment = row.at_risk[TREATMENT];
  const double at_risk = row.at_risk[CONTROL] + at_risk_treatment;
  const double events = row.events[CONTROL] + row.events[TREATMENT];
  const double treatment_share = at_risk_treatment / at_risk;
  const double expected = events * treatment_share;
  // With one patient at risk the draw is certain and contributes no variance.
  const double variance =
      at_risk > 1.0 ? expected * (1.0 - treatment_share) * (at_risk - events) / (at_risk - 1.0) : 0.0;
  return {row.events[TREATMENT] - expected, variance, (at_risk - events) / at_risk};
}

}  // namespace trialsim
