// Log-rank test (Mantel 1966; Peto & Peto 1972) with the hypergeometric
// variance, which is exact under tied event times: at each distinct event time
// the d events are a draw without replacement from the n at risk
// (Kalbfleisch & Prentice 2002; Collett 2015, "Modelling Survival Data in
// Medical Research", ch. 2). The stratified test sums O - E and V over strata
// (Mantel & Haenszel 1959), matching R's survdiff with strata().

#include <cmath>
#include <span>

#include "logrank_terms.hpp"
#include "trialsim/statistics.hpp"

namespace trialsim {
namespace {

struct LogrankSums {
  double observed_minus_expected = 0.0;
  double variance = 0.0;
};

void add_table(const EventTable& table, LogrankSums& sums) {
  for (const EventRow& row : table.rows) {
    const LogrankTerms terms = logrank_terms(row);
    sums.observed_minus_expected += terms.observed_minus_expected;
    sums.variance += terms.variance;
  }
}

}  // namespace

LogrankResult logrank(std::span<const EventTable> tables) {
  LogrankSums sums;
  for (const EventTable& table : tables) {
    add_table(table, sums);
  }
  LogrankResult result;
  result.observed_minus_expected = sums.observed_minus_expected;
  result.variance = sums.variance;
  // Fewer treatment events than expected (O - E < 0) is benefit: z > 0.
  result.z = sums.variance > 0.0 ? -sums.observed_minus_expected / std::sqrt(sums.variance) : 0.0;
  return result;
}

// With one event per event time, each time adds d1 - p to U(0) and p (1 - p) to I(0),
// p the treatment share of the risk set: O - E and the hypergeometric variance
// n1 n0 / n^2 term by term: the score test is the log-rank test (Therneau & Grambsch
// 2000, ch. 3). The two sums differ only in rounding.
double logrank_z(std::span<const EventTable> tables, const CoxResult& cox) {
  for (const EventTable& table : tables) {
    if (!table.single_events) {
      return logrank(tables).z;
    }
  }
  return cox.z_score;
}

}  // namespace trialsim
