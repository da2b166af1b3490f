// Sources: Abramowitz M, Stegun IA (1964). Handbook of Mathematical Functions,
// table 25.4 (Gauss-Legendre nodes and weights). The discrete distribution
// functions sum probability masses outward from k, computed in log space
// (lgamma), until the terms no longer change the sum.

#include "numerics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace trialsim::analytic {

const std::array<double, GaussLegendre::ORDER> GaussLegendre::nodes{
    -0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
    0.1834346424956498,  0.5255324099163290,  0.7966664774136267,  0.9602898564975363};
const std::array<double, GaussLegendre::ORDER> GaussLegendre::weights{
    0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
    0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};

namespace {

// Terms below this fraction of the running sum no longer change a double.
constexpr double NEGLIGIBLE = 1e-18;

// Sum of the masses from j = from outward (step -1 or +1) while they matter: the first
// from its logarithm, each next one by the ratio of consecutive masses.
template <typename LogMass, typename Ratio>
double tail_sum(LogMass log_mass, Ratio next_over_this, double from, double step, double low, double high) {
  double term = std::exp(log_mass(from));
  double sum = 0.0;
  for (double j = from; j >= low && j <= high && term > 0.0; j += step) {
    sum += term;
    if (term <= NEGLIGIBLE * sum) break;
    term *= next_over_this(j);
  }
  return sum;
}

} // namespace

double integrate(const std::function<double(double)>& f, double a, double b, int panels) {
  if (!(b > a)) return 0.0;
  const double width = (b - a) / panels;
  double sum = 0.0;
  for (int p = 0; p < panels; ++p) {
    const double mid = a + (p + 0.5) * width;
    for (int i = 0; i < GaussLegendre::ORDER; ++i) {
      sum += GaussLegendre::weights[i] * f(mid + 0.5 * width * GaussLegendre::nodes[i]);
    }
  }
  return 0.5 * width * sum;
}

double integrate_pieces(const std::function<double(double)>& f, double a, double b, std::vector<double> splits,
                        int panels) {
  splits.push_back(a);
  splits.push_back(b);
  std::sort(splits.begin(), splits.end());
  double sum = 0.0;
  for (std::size_t i = 0; i + 1 < splits.size(); ++i) {
    const double from = std::max(a, splits[i]);
    const double to = std::min(b, splits[i + 1]);
    if (to > from) sum += integrate(f, from, to, panels);
  }
  return sum;
}

double bisect(const std::function<double(double)>& f, double lower, double upper, double tolerance) {
  const bool rising = f(lower) < 0.0;
  while (upper - lower > tolerance * std::max(1.0, std::abs(upper))) {
    const double middle = 0.5 * (lower + upper);
    if ((f(middle) < 0.0) == rising) {
      lower = middle;
    } else {
      upper = middle;
    }
  }
  return 0.5 * (lower + upper);
}

double poisson_cdf(double k, double mean) {
  k = std::floor(k);
  if (k < 0.0) return 0.0;
  if (mean <= 0.0) return 1.0;
  const auto log_mass = [mean](double j) { return j * std::log(mean) - mean - std::lgamma(j + 1.0); };
  // P(j - 1) / P(j) = j / mean and P(j + 1) / P(j) = mean / (j + 1).
  if (k < mean) return std::min(1.0, tail_sum(log_mass, [mean](double j) { return j / mean; }, k, -1.0, 0.0, k));
  const auto up = [mean](double j) { return mean / (j + 1.0); };
  return std::max(0.0, 1.0 - tail_sum(log_mass, up, k + 1.0, 1.0, k + 1.0, std::numeric_limits<double>::infinity()));
}

double binomial_cdf(double k, double n, double p) {
  k = std::floor(k);
  if (k < 0.0) return 0.0;
  if (k >= n || p <= 0.0) return 1.0;
  if (p >= 1.0) return 0.0;
  const double log_p = std::log(p);
  const double log_q = std::log1p(-p);
  const double odds = p / (1.0 - p);
  const double log_n = std::lgamma(n + 1.0);
  const auto log_mass = [&](double j) {
    return log_n - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0) + j * log_p + (n - j) * log_q;
  };
  // P(j - 1) / P(j) = j / ((n - j + 1) odds) and P(j + 1) / P(j) = (n - j) odds / (j + 1).
  if (k < n * p) {
    const auto down = [&](double j) { return j / ((n - j + 1.0) * odds); };
    return std::min(1.0, tail_sum(log_mass, down, k, -1.0, 0.0, k));
  }
  const auto up = [&](double j) { return (n - j) * odds / (j + 1.0); };
  return std::max(0.0, 1.0 - tail_sum(log_mass, up, k + 1.0, 1.0, k + 1.0, n));
}

double gamma_density(double shape, double x) {
  if (x <= 0.0) return 0.0;
  return std::exp((shape - 1.0) * std::log(x) - x - std::lgamma(shape));
}

} // namespace trialsim::analytic
