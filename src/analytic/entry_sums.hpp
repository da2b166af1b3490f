#pragma once
// Sums over the patients of a design with deterministic arrivals (patient i enters at
// Lambda^-1(i)) of a function of their follow-up at calendar time t, at a cost that does
// not grow with the sample size.
//
// Within a recruiting period the entries are evenly spaced, 1 / rate apart, so the sum
// over a period is a sum of value(s0 - j h) over an arithmetic progression. The
// follow-up axis is cut at the panel ends of the EventModel (breaks of the hazards,
// the fixed follow-up, the horizon, panels where the cumulative hazard grows by at
// most 0.5), so value is smooth between two panel ends; a run of terms inside one
// panel is summed exactly when short and by Gregory's formula when long:
//   sum_{j=0}^{n} f(j) = int_0^n f + (f(0) + f(n)) / 2 + sum_k c_k (nabla^k f(n) + (-1)^k Delta^k f(0)),
// the Euler-Maclaurin formula with end differences in place of derivatives
// (Hildebrand FB 1956, Introduction to Numerical Analysis, section 5.9; the c_k are
// Gregory's coefficients 1/12, 1/24, 19/720, 3/160, 863/60480, 275/24192). With at
// least MIN_GREGORY_TERMS terms per panel the omitted seventh differences are below
// 1e-12 of the terms, and the integral is taken by 8-point Gauss-Legendre over the
// run, which the panel's width makes exact to about 1e-13.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "numerics.hpp"
#include "trialsim/design.hpp"
#include "trialsim/model.hpp"

namespace trialsim::analytic {

//! Patients first, ..., first + count - 1 (counted from 1), the first entering at `entry`,
//! the next ones `spacing` apart.
struct EntryRun {
  long long first = 1;
  long long count = 0;
  double entry = 0.0;
  double spacing = 0.0;
};

//! The deterministic entries of `sample_size` patients as runs, one per recruiting period.
std::vector<EntryRun> entry_runs(const std::vector<RatePeriod>& periods, long long sample_size);

//! Number of the first `population` patients who entered strictly before t.
long long entered_before(const std::vector<EntryRun>& runs, double t, long long population);

// Runs shorter than this are summed term by term.
constexpr long long MIN_GREGORY_TERMS = 32;

namespace detail {

template <std::size_t K>
void add(std::array<double, K>& sum, const std::array<double, K>& term, double factor = 1.0) {
  for (std::size_t c = 0; c < K; ++c) sum[c] += factor * term[c];
}

// sum_{j=a}^{b} value(s0 - j h), value smooth over the follow-ups of the run.
template <std::size_t K, typename Value>
std::array<double, K> run_sum(const Value& value, double s0, double h, long long a, long long b) {
  std::array<double, K> sum{};
  const auto f = [&](long long j) { return value(s0 - static_cast<double>(j) * h); };
  if (b - a + 1 < MIN_GREGORY_TERMS) {
    for (long long j = a; j <= b; ++j) add(sum, f(j));
    return sum;
  }
  static constexpr std::array<double, 6> GREGORY{1.0 / 12.0,  1.0 / 24.0,      19.0 / 720.0,
                                                 3.0 / 160.0, 863.0 / 60480.0, 275.0 / 24192.0};
  constexpr std::size_t ORDER = GREGORY.size();
  // The integral of f(j) over [a, b]: of value over the follow-ups, divided by h.
  const double high = s0 - static_cast<double>(a) * h;
  const double low = s0 - static_cast<double>(b) * h;
  const double half = 0.5 * (high - low);
  const double middle = 0.5 * (high + low);
  for (int i = 0; i < GaussLegendre::ORDER; ++i) {
    add(sum, value(middle + half * GaussLegendre::nodes[i]), half * GaussLegendre::weights[i] / h);
  }
  std::array<std::array<double, K>, ORDER + 1> head{}, tail{};
  for (std::size_t i = 0; i <= ORDER; ++i) {
    head[i] = f(a + static_cast<long long>(i));
    tail[i] = f(b - static_cast<long long>(ORDER - i));
  }
  add(sum, head[0], 0.5);
  add(sum, tail[ORDER], 0.5);
  for (std::size_t k = 1; k <= ORDER; ++k) {
    // k-th forward differences at a (head[0]) and backward differences at b (tail[ORDER - k]).
    for (std::size_t i = 0; i + k <= ORDER; ++i) {
      for (std::size_t c = 0; c < K; ++c) {
        head[i][c] = head[i + 1][c] - head[i][c];
        tail[ORDER - i][c] = tail[ORDER - i][c] - tail[ORDER - i - 1][c];
      }
    }
    const double sign = k % 2 == 0 ? 1.0 : -1.0;
    for (std::size_t c = 0; c < K; ++c) sum[c] += GREGORY[k - 1] * (tail[ORDER][c] + sign * head[0][c]);
  }
  return sum;
}

}  // namespace detail

//! sum over the first `population` patients entered before t of value(t - entry), value
//! being smooth between the points of `grid` (ascending, from 0) and constant beyond its last.
template <std::size_t K, typename Value>
std::array<double, K> sum_over_entries(const std::vector<EntryRun>& runs, const std::vector<double>& grid, double t,
                                       long long population, const Value& value) {
  std::array<double, K> sum{};
  for (const EntryRun& run : runs) {
    const long long available = std::min(run.count, population - run.first + 1);
    const double s0 = t - run.entry;
    if (available <= 0 || !(s0 > 0.0)) continue;
    // Terms j = 0 .. n - 1 have follow-up s0 - j h > 0.
    const long long n = std::min(available, static_cast<long long>(std::ceil(s0 / run.spacing)));
    long long j = 0;
    while (j < n) {
      const double s = s0 - static_cast<double>(j) * run.spacing;
      // The panel (lower, upper] of the grid that holds s; the terms after j down to `lower`.
      const auto upper = std::lower_bound(grid.begin(), grid.end(), s);
      const double lower = upper == grid.begin() ? 0.0 : *(upper - 1);
      long long last = static_cast<long long>(std::ceil((s0 - lower) / run.spacing)) - 1;
      last = std::clamp(last, j, n - 1);
      detail::add(sum, detail::run_sum<K>(value, s0, run.spacing, j, last));
      j = last + 1;
    }
  }
  return sum;
}

//! P(S < d) for S a sum of independent Bernoulli variables with the given cumulant sums
//! (first to fifth), by the Edgeworth expansion to order variance^(-3/2) of S + U, U
//! uniform on (-1/2, 1/2), whose distribution function at d - 1/2 is exactly
//! P(S <= d - 1): the continuity and Sheppard corrections of a lattice variable
//! (Kolassa JE 2006, Series Approximation Methods in Statistics, 3rd ed., sections 3.2
//! and 3.10; Hall P 1992, The Bootstrap and Edgeworth Expansion, section 2.2).
double lattice_edgeworth_below(const std::array<double, 5>& cumulants, int d);

}  // namespace trialsim::analytic
