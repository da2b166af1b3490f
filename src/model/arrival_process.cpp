#include <cassert>

#include "trialsim/double_pair.hpp"
#include "trialsim/model.hpp"

namespace trialsim {

ArrivalProcess::ArrivalProcess(const std::vector<RatePeriod>& periods, bool deterministic)
    : deterministic_(deterministic) {
  from_.reserve(periods.size());
  rate_.reserve(periods.size());
  cumulative_at_from_.reserve(periods.size());
  double cumulative = 0.0;
  for (std::size_t k = 0; k < periods.size(); ++k) {
    if (k > 0) cumulative += periods[k - 1].rate * (periods[k].from - periods[k - 1].from);
    from_.push_back(periods[k].from);
    rate_.push_back(periods[k].rate);
    cumulative_at_from_.push_back(cumulative);
  }
}

double ArrivalProcess::cumulative_rate(double t) const {
  if (t <= 0.0) return 0.0;
  std::size_t k = 0;
  while (k + 1 < from_.size() && from_[k + 1] <= t) ++k;
  return cumulative_at_from_[k] + rate_[k] * (t - from_[k]);
}

double ArrivalProcess::time_of_cumulative(double g) const {
  // The last period whose cumulative start is <= g and that recruits; periods with
  // rate 0 add nothing to Lambda, so arrivals skip over them.
  std::size_t k = 0;
  while (k + 1 < from_.size() && cumulative_at_from_[k + 1] <= g) ++k;
  while (rate_[k] <= 0.0 && k + 1 < from_.size()) ++k;
  assert(rate_[k] > 0.0);
  return from_[k] + (g - cumulative_at_from_[k]) / rate_[k];
}

void ArrivalProcess::sample(RandomStream& arrivals, std::vector<double>& entry) const {
  if (deterministic_) {
    // Patient i enters when the expected enrolment reaches i; no draws are taken.
    for (std::size_t i = 0; i < entry.size(); ++i) entry[i] = time_of_cumulative(static_cast<double>(i + 1));
    return;
  }
  // Gaps of a unit-rate Poisson process mapped through Lambda^-1 (time change).
  // Arrivals are ascending, so the period index only moves forward. The gaps first, then
  // in one pass their running sums and each sum mapped into its period: the chain of
  // additions, one after the other, then overlaps the mapping's divisions instead of
  // preceding them. Two sums at a time share one division instruction when they fall in
  // the same period (nearly always); a pair that straddles a period's start is mapped one
  // by one. Each sum is mapped by the same operations either way.
  arrivals.exponentials(entry);
  const std::size_t last = from_.size() - 1;
  std::size_t k = 0;
  // Period k's start on the cumulative scale, its own start and its rate.
  const auto enter_period_of = [&](double g) {
    while (k < last && cumulative_at_from_[k + 1] <= g) ++k;
    while (rate_[k] <= 0.0 && k < last) ++k;
  };
  const auto in_period = [&](double g) { return k == last || g < cumulative_at_from_[k + 1]; };
  const auto map = [&](double g) {
    enter_period_of(g);
    return from_[k] + (g - cumulative_at_from_[k]) / rate_[k];
  };
  enter_period_of(0.0);
  double g = 0.0;
  const std::size_t n = entry.size();
  std::size_t i = 0;
  for (; i + 2 <= n; i += 2) {
    const double first = g + entry[i];
    const double second = first + entry[i + 1];
    g = second;
    if (in_period(second)) [[likely]] {
      const DoublePair sums = {first, second};
      const DoublePair times = from_[k] + (sums - cumulative_at_from_[k]) / rate_[k];
      entry[i] = times[0];
      entry[i + 1] = times[1];
    } else {
      entry[i] = map(first);
      entry[i + 1] = map(second);
    }
  }
  if (i < n) entry[i] = map(g + entry[i]);
}

}  // namespace trialsim
