#include <cassert>

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
  // Arrivals are ascending, so the period index only moves forward.
  // The gaps first, then their running sums, then each run of sums that falls in one
  // period mapped in a loop of its own (constant from, cumulative and rate: the
  // divisions go two or four to an instruction), all in place.
  arrivals.exponentials(entry);
  double g = 0.0;
  for (double& t : entry) {
    g += t;
    t = g;
  }
  std::size_t k = 0;
  const std::size_t last = from_.size() - 1;
  for (std::size_t i = 0; i < entry.size();) {
    while (k < last && cumulative_at_from_[k + 1] <= entry[i]) ++k;
    while (rate_[k] <= 0.0 && k < last) ++k;
    // The sums below the next period's start stay in period k.
    std::size_t end = i + 1;
    if (k < last) {
      while (end < entry.size() && entry[end] < cumulative_at_from_[k + 1]) ++end;
    } else {
      end = entry.size();
    }
    const double from = from_[k];
    const double cumulative = cumulative_at_from_[k];
    const double rate = rate_[k];
    for (std::size_t j = i; j < end; ++j) entry[j] = from + (entry[j] - cumulative) / rate;
    i = end;
  }
}

} // namespace trialsim
