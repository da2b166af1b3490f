// Expected enrolment, events and look times of a design, by numerical integration.
//
// Arrivals form a Poisson process with cumulative rate Lambda(u); the trial takes its
// first N points. In the Lambda scale the n-th arrival is Gamma_n ~ Gamma(n, 1), and
// given Gamma_n = g the first n - 1 arrivals are independent and uniform on (0, g).
// So, with G(s) the probability of an analysed event within follow-up s (EventModel):
//  - E[enrolled by t]    = E[min(N, X)], X ~ Poisson(Lambda(t));
//  - E[events by t]      = int_0^Lambda(t) P(Poisson(x) <= N - 1) G(t - Lambda^-1(x)) dx
//    (the expected number of the first N points in dx is P(Poisson(x) < N) dx);
//  - E[n-th arrival time] = E[Lambda^-1(Gamma_n)], in closed form with Poisson tails;
//  - P(events by t < d)  = int Gamma_N(g) [ (1 - q) B(d - 1) + q B(d - 2) ] dg, with
//    B the Binomial(N - 1, pbar(g)) distribution function, pbar(g) the mean of
//    G(t - Lambda^-1(x)) over x in (0, g) and q = G(t - Lambda^-1(g)) for the N-th patient;
//    the expected time of the d-th event is the integral of that over t.
// Patients are taken to be allocated independently with the allocation shares: exact
// for simple randomisation; permuted blocks change only the spread of the event count,
// not its mean. This is the Lachin and Foulkes (1986, Biometrics 42:507-519) calculation
// without its fluid approximation of accrual; with `arrivals: deterministic` patient i
// enters at Lambda^-1(i) and every sum above is taken over the N fixed entry times:
// term by term for a few thousand patients, beyond by Gregory's formula over each rate
// period's evenly spaced entries (entry_sums.hpp), and the event count's distribution
// exactly (the Poisson-binomial recursion) or, when that would take more than EXACT_WORK
// operations, by its lattice Edgeworth expansion from the summed cumulants.

#include <algorithm>
#include <cmath>
#include <limits>

#include "entry_sums.hpp"
#include "numerics.hpp"
#include "trialsim/analytic.hpp"

namespace trialsim {

namespace {

using analytic::binomial_cdf;
using analytic::gamma_density;
using analytic::integrate;
using analytic::integrate_pieces;
using analytic::poisson_cdf;

constexpr double INF = std::numeric_limits<double>::infinity();
// Panels per smooth piece of a calendar-time integral.
constexpr int PANELS = 6;
// The Gamma(n, 1) law is integrated over n +- SPREAD sqrt(n) (+- SPREAD), beyond which
// it has no mass a double can see, in GAMMA_PANELS panels.
constexpr double SPREAD = 10.0;
constexpr int GAMMA_PANELS = 12;
// Probabilities this close to 0 or 1 end the integration range of an expected time.
constexpr double EDGE = 1e-12;
// An event target missed with at most this probability still has an expected time
// (that of the trials that reach it, to this precision).
constexpr double NEVER = 1e-6;
// Relative tolerance of the calendar times found by bisection.
constexpr double TIME_TOLERANCE = 1e-11;
// ... and of the edges of the window over which an expected event time is integrated.
constexpr double EDGE_TOLERANCE = 1e-6;
// Deterministic arrivals: sums over at most this many entered patients are taken term by
// term, larger ones by analytic::sum_over_entries (Gregory's formula), whose cost does not
// grow with the sample size.
constexpr long long EXACT_TERMS = 4096;
// ... and the distribution of the event count is taken exactly (a pass over the patients
// per count below the target) while patients x target stays below this, else by the
// lattice Edgeworth expansion, whose error is O(1 / variance^2).
constexpr double EXACT_WORK = 2e6;

// E[min(M, X)] for X ~ Poisson(mean).
double expected_capped(double cap, double mean) {
  if (cap <= 0.0) return 0.0;
  return mean * poisson_cdf(cap - 2.0, mean) + cap * (1.0 - poisson_cdf(cap - 1.0, mean));
}

// E[min(Gamma_n, b)] = n P(Gamma_{n+1} <= b) + b P(Gamma_n > b).
double expected_gamma_capped(double n, double b) {
  if (b == INF) return n;
  return n * (1.0 - poisson_cdf(n, b)) + b * poisson_cdf(n - 1.0, b);
}

// Gauss-Legendre nodes and weights of the Gamma(n, 1) density over its mass.
struct GammaNodes {
  std::vector<double> g;
  std::vector<double> weight;
};
GammaNodes gamma_nodes(double n) {
  const double spread = SPREAD * std::sqrt(n) + SPREAD;
  const double low = std::max(0.0, n - spread);
  const double width = (n + spread - low) / GAMMA_PANELS;
  GammaNodes nodes;
  for (int p = 0; p < GAMMA_PANELS; ++p) {
    const double mid = low + (p + 0.5) * width;
    for (int i = 0; i < analytic::GaussLegendre::ORDER; ++i) {
      const double g = mid + 0.5 * width * analytic::GaussLegendre::nodes[i];
      nodes.g.push_back(g);
      nodes.weight.push_back(0.5 * width * analytic::GaussLegendre::weights[i] * gamma_density(n, g));
    }
  }
  return nodes;
}

// P(sum of independent Bernoulli(p_i) < d), by the distribution of the running count (capped at d).
double poisson_binomial_below(const std::vector<double>& probabilities, int d) {
  if (d <= 0) return 0.0;
  std::vector<double> count(static_cast<std::size_t>(d), 0.0); // P(count == k), k < d
  count[0] = 1.0;
  for (const double p : probabilities) {
    if (p <= 0.0) continue;
    for (std::size_t k = count.size(); k-- > 0;) count[k] = count[k] * (1.0 - p) + (k > 0 ? count[k - 1] * p : 0.0);
  }
  double below = 0.0;
  for (const double c : count) below += c;
  return below;
}

} // namespace

ExpectedCourse::ExpectedCourse(const Design& design, const EventModel& model)
    : design_(design), model_(model), arrivals_(design.enrollment.periods),
      sample_size_(design.enrollment.sample_size),
      deterministic_(design.enrollment.arrivals == Enrollment::Arrivals::deterministic) {
  for (const RatePeriod& period : design.enrollment.periods) {
    period_starts_.push_back(period.from);
    cumulative_starts_.push_back(arrivals_.cumulative_rate(period.from));
  }
}

double ExpectedCourse::weighted_probability(int arm, double s) const {
  if (s <= 0.0) return 0.0;
  return arm < 0 ? model_.event_probability(s) : model_.share(arm) * model_.event_probability(arm, s);
}

double ExpectedCourse::deterministic_events(double t, int arm, int population) const {
  const std::vector<analytic::EntryRun> runs = analytic::entry_runs(design_.enrollment.periods, sample_size_);
  if (analytic::entered_before(runs, t, population) > EXACT_TERMS) {
    return analytic::sum_over_entries<1>(runs, model_.grid(), t, population, [&](double s) {
      return std::array<double, 1>{weighted_probability(arm, s)};
    })[0];
  }
  double sum = 0.0;
  for (int i = 1; i <= population; ++i) {
    const double entry = arrivals_.time_of_cumulative(i);
    if (!(entry < t)) break;
    sum += weighted_probability(arm, t - entry);
  }
  return sum;
}

std::vector<double> ExpectedCourse::kinks(double t) const {
  std::vector<double> points = cumulative_starts_;
  for (const double follow_up : {model_.horizon(), design_.fixed_follow_up.value_or(INF)}) {
    if (follow_up < t) points.push_back(arrivals_.cumulative_rate(t - follow_up));
  }
  const double n = sample_size_;
  for (const double sds : {-4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0}) points.push_back(n + sds * std::sqrt(n));
  return points;
}

double ExpectedCourse::expected_enrolled(double t) const {
  const double mean = arrivals_.cumulative_rate(t);
  if (deterministic_) return std::min<double>(sample_size_, std::floor(mean * (1.0 + 1e-12)));
  return expected_capped(sample_size_, mean);
}

double ExpectedCourse::expected_events(double t, int arm) const {
  if (deterministic_) return deterministic_events(t, arm, sample_size_);
  const auto integrand = [&](double x) {
    return poisson_cdf(sample_size_ - 1, x) * weighted_probability(arm, t - arrivals_.time_of_cumulative(x));
  };
  return integrate_pieces(integrand, 0.0, arrivals_.cumulative_rate(t), kinks(t), PANELS);
}

double ExpectedCourse::expected_arrival_time(int n) const {
  if (deterministic_) return arrivals_.time_of_cumulative(n);
  // Lambda^-1(g) grows by 1 / rate_k per unit of g inside period k, and jumps over
  // periods without arrivals: E sums those pieces over the law of Gamma_n.
  double expected = 0.0;
  const auto& rates = design_.enrollment.periods;
  for (std::size_t k = 0; k < rates.size(); ++k) {
    const double from = cumulative_starts_[k];
    if (rates[k].rate > 0.0) {
      const double to = k + 1 < rates.size() ? cumulative_starts_[k + 1] : INF;
      expected += (expected_gamma_capped(n, to) - expected_gamma_capped(n, from)) / rates[k].rate;
    } else if (k + 1 < rates.size()) {
      expected += (period_starts_[k + 1] - period_starts_[k]) * (from > 0.0 ? poisson_cdf(n - 1, from) : 1.0);
    }
  }
  return expected;
}

double ExpectedCourse::time_expected_events_reach(double events) const {
  if (sample_size_ * model_.event_probability(INF) < events) return INF;
  double upper = expected_arrival_time(sample_size_) + 1.0;
  while (expected_events(upper) < events) upper *= 2.0;
  return analytic::bisect([&](double t) { return expected_events(t) - events; }, 0.0, upper, TIME_TOLERANCE);
}

double ExpectedCourse::probability_fewer_events(double t, int events) const {
  if (t <= 0.0) return 1.0;
  if (deterministic_) {
    const std::vector<analytic::EntryRun> runs = analytic::entry_runs(design_.enrollment.periods, sample_size_);
    const auto entered = static_cast<double>(analytic::entered_before(runs, t, sample_size_));
    if (entered > EXACT_TERMS || entered * events > EXACT_WORK) {
      // Cumulants of the count: sums over the patients of those of Bernoulli(p).
      const auto cumulants = analytic::sum_over_entries<5>(runs, model_.grid(), t, sample_size_, [&](double s) {
        const double p = weighted_probability(-1, s);
        const double pq = p * (1.0 - p);
        return std::array<double, 5>{p, pq, pq * (1.0 - 2.0 * p), pq * (1.0 - 6.0 * pq),
                                     pq * (1.0 - 2.0 * p) * (1.0 - 12.0 * pq)};
      });
      return analytic::lattice_edgeworth_below(cumulants, events);
    }
    std::vector<double> probabilities;
    for (int i = 1; i <= sample_size_; ++i) {
      const double entry = arrivals_.time_of_cumulative(i);
      if (!(entry < t)) break;
      probabilities.push_back(weighted_probability(-1, t - entry));
    }
    return poisson_binomial_below(probabilities, events);
  }
  const double n = sample_size_;
  const GammaNodes nodes = gamma_nodes(n);
  const double reach = arrivals_.cumulative_rate(t);
  const std::vector<double> splits = kinks(t);
  const auto observed = [&](double x) { return weighted_probability(-1, t - arrivals_.time_of_cumulative(x)); };
  // Running integral of `observed` from 0 to each node (the nodes ascend).
  double area = 0.0;
  double previous = 0.0;
  double below = 0.0;
  for (std::size_t i = 0; i < nodes.g.size(); ++i) {
    const double g = nodes.g[i];
    area += integrate_pieces(observed, previous, std::min(g, reach), splits, i == 0 ? PANELS : 1);
    previous = std::min(g, reach);
    const double mean_probability = std::clamp(area / g, 0.0, 1.0);
    const double last = g < reach ? observed(g) : 0.0;
    // When the N-th patient's own event counts, the others need one fewer.
    const double at_most_one_less = binomial_cdf(events - 1, n - 1.0, mean_probability);
    const double at_most_two_less = last > 0.0 ? binomial_cdf(events - 2, n - 1.0, mean_probability) : 0.0;
    below += nodes.weight[i] * ((1.0 - last) * at_most_one_less + last * at_most_two_less);
  }
  return std::clamp(below, 0.0, 1.0);
}

double ExpectedCourse::probability_never(int events) const {
  return binomial_cdf(events - 1, sample_size_, model_.event_probability(INF));
}

double ExpectedCourse::expected_event_time(int events) const {
  const double never = probability_never(events);
  if (never > NEVER) return INF;
  // E[T_d] = int P(T_d > t) dt, over the trials that reach d events.
  const auto still_below = [&](double t) { return (probability_fewer_events(t, events) - never) / (1.0 - never); };
  const double reached = time_expected_events_reach(events);
  // The integrand falls from 1 to 0 around `reached`, over a window that narrows (relative
  // to the time) as the trial grows: bracket its edges by steps, then find them by
  // bisection, so that the panels cover the window and not the flat parts beside it.
  double low = reached;
  double low_outside = reached;
  while (low > 0.0 && still_below(low) < 1.0 - EDGE) {
    low_outside = low;
    low = low > 1e-9 * reached ? low * 0.8 : 0.0;
  }
  if (low_outside > low) {
    low = analytic::bisect([&](double t) { return still_below(t) - (1.0 - EDGE); }, low, low_outside, EDGE_TOLERANCE);
  }
  double high = reached;
  double high_inside = reached;
  while (still_below(high) > EDGE) {
    high_inside = high;
    high *= 1.25;
  }
  if (high > high_inside) {
    high = analytic::bisect([&](double t) { return still_below(t) - EDGE; }, high_inside, high, EDGE_TOLERANCE);
  }
  // Below `low` the probability is 1 to within EDGE, above `high` 0 to within EDGE.
  return low + integrate(still_below, low, high, 2 * PANELS);
}

ExpectedCourse::AtArrival ExpectedCourse::at_arrival(int n, double delay, bool first_only) const {
  AtArrival result;
  const int population = first_only ? n : sample_size_;
  if (deterministic_) {
    result.time = arrivals_.time_of_cumulative(n) + delay;
    for (int i = 1; i <= population && arrivals_.time_of_cumulative(i) <= result.time; ++i) result.enrolled += 1.0;
    for (int arm : {CONTROL, TREATMENT}) result.events[arm] = deterministic_events(result.time, arm, population);
    return result;
  }
  result.time = expected_arrival_time(n) + delay;
  const GammaNodes nodes = gamma_nodes(n);
  for (std::size_t i = 0; i < nodes.g.size(); ++i) {
    const double g = nodes.g[i];
    const double entry = arrivals_.time_of_cumulative(g);
    const double s = entry + delay;
    const double reach = arrivals_.cumulative_rate(s);
    const int later = population - n; // patients who may arrive after the n-th
    result.enrolled += nodes.weight[i] * (n + expected_capped(later, reach - g));
    for (int arm : {CONTROL, TREATMENT}) {
      const auto observed = [&](double x) { return weighted_probability(arm, s - arrivals_.time_of_cumulative(x)); };
      // The first n - 1 patients are uniform on (0, g) in the Lambda scale; then the n-th; then
      // up to `later` more from a Poisson process started at g.
      double events = (n - 1) / g * integrate_pieces(observed, 0.0, g, kinks(s), 2) + observed(g);
      if (later > 0 && reach > g) {
        events += integrate_pieces([&](double x) { return poisson_cdf(later - 1, x - g) * observed(x); }, g, reach,
                                   kinks(s), 2);
      }
      result.events[arm] += nodes.weight[i] * events;
    }
  }
  return result;
}

}  // namespace trialsim
