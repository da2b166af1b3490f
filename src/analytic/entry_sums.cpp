#include "entry_sums.hpp"

#include <cmath>
#include <numbers>

namespace trialsim::analytic {

std::vector<EntryRun> entry_runs(const std::vector<RatePeriod>& periods, long long sample_size) {
  // Patient i enters at Lambda^-1(i) (ArrivalProcess::time_of_cumulative): in the last
  // period whose cumulative start is <= i, periods without arrivals skipped, so a
  // recruiting period holds the i in [Lambda(its start), Lambda(the next start)).
  const ArrivalProcess arrivals(periods);
  std::vector<EntryRun> runs;
  for (std::size_t k = 0; k < periods.size(); ++k) {
    if (!(periods[k].rate > 0.0)) continue;
    const double from = arrivals.cumulative_rate(periods[k].from);
    const double to = k + 1 < periods.size() ? arrivals.cumulative_rate(periods[k + 1].from) : INFINITY;
    EntryRun run;
    run.first = std::max(1LL, static_cast<long long>(std::ceil(from)));
    const long long last =
        std::isfinite(to) ? std::min(sample_size, static_cast<long long>(std::ceil(to)) - 1) : sample_size;
    if (last < run.first) continue;
    run.count = last - run.first + 1;
    run.entry = arrivals.time_of_cumulative(static_cast<double>(run.first));
    run.spacing = 1.0 / periods[k].rate;
    runs.push_back(run);
  }
  return runs;
}

long long entered_before(const std::vector<EntryRun>& runs, double t, long long population) {
  long long entered = 0;
  for (const EntryRun& run : runs) {
    const long long available = std::min(run.count, population - run.first + 1);
    const double s0 = t - run.entry;
    if (available <= 0 || !(s0 > 0.0)) continue;
    entered += std::min(available, static_cast<long long>(std::ceil(s0 / run.spacing)));
  }
  return entered;
}

double lattice_edgeworth_below(const std::array<double, 5>& cumulants, int d) {
  // Cumulants of S + U: U adds 1/12 to the variance and -1/120 to the fourth cumulant.
  const double variance = cumulants[1] + 1.0 / 12.0;
  const double sd = std::sqrt(variance);
  const double g3 = cumulants[2] / std::pow(sd, 3);
  const double g4 = (cumulants[3] - 1.0 / 120.0) / std::pow(sd, 4);
  const double g5 = cumulants[4] / std::pow(sd, 5);
  const double x = (d - 0.5 - cumulants[0]) / sd;
  // Probabilists' Hermite polynomials He_1 .. He_8 at x: He_{k+1} = x He_k - k He_{k-1}.
  std::array<double, 9> he{1.0, x};
  for (std::size_t k = 1; k + 1 < he.size(); ++k) he[k + 1] = x * he[k] - static_cast<double>(k) * he[k - 1];
  // F(x) = Phi(x) - phi(x) [terms of order sd^-1, sd^-2 and sd^-3].
  const double correction = g3 / 6.0 * he[2] + g4 / 24.0 * he[3] + g3 * g3 / 72.0 * he[5] + g5 / 120.0 * he[4] +
                            g3 * g4 / 144.0 * he[6] + g3 * g3 * g3 / 1296.0 * he[8];
  const double normal = 0.5 * std::erfc(-x / std::numbers::sqrt2);
  const double density = std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi);
  return std::clamp(normal - density * correction, 0.0, 1.0);
}

}  // namespace trialsim::analytic
