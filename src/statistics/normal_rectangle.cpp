// Multivariate normal rectangle probabilities of any dimension up to 40, for the
// group-sequential MaxCombo critical values (multivariate_normal.hpp).
//
// Separation of variables (Genz 1992): with R = L L' (L lower triangular), X = L Y and
// Y ~ N(0, I), the constraints a_i < L_i Y <= b_i bound Y_j given Y_1 .. Y_{j-1}, and
// P = E[prod_j (Phi(hi_j) - Phi(lo_j))] over Y_j = Phi^-1(Phi(lo_j) + w_j (Phi(hi_j) - Phi(lo_j))),
// w uniform on the unit cube. The expectation is taken over a Kronecker (Richtmyer) lattice
// w_n = frac(n sqrt(p_j) + shift_j), p_j the j-th prime, with the baker's (tent) transform
// that makes the integrand periodic (Genz & Bretz 2009, section 4.2.2), and averaged over
// SHIFTS fixed pseudo-random shifts, whose spread gives the error estimate.
//
// The variables are ordered for each rectangle as Genz & Bretz (2009, section 4.1.3) advise:
// at each step the variable whose interval is least likely, given the earlier ones at their
// expected values within their intervals, comes next. A rare event (a MaxCombo statistic past
// its critical value) then becomes the first variable's interval, integrated exactly, and the
// rest is smooth; in the order given, the estimate of such an event can be off by 1%.
//
// Singular R (MaxCombo's default weights are linearly dependent): the factor stops at the
// rank, so every variable is a combination of the first `rank` pivots. A row whose last
// non-zero coefficient is in column j then bounds Y_j (from above or below with the
// coefficient's sign) alongside the pivot row of column j itself.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <stdexcept>

#include "trialsim/boundaries.hpp"
#include "trialsim/multivariate_normal.hpp"

namespace trialsim {
namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
constexpr double PI = std::numbers::pi;
// Residual variance below which a variable is a combination of the pivots before it: the
// correlations come from estimated covariances whose exact linear relations hold up to rounding.
constexpr double RANK_TOLERANCE = 1e-10;
// Coefficients this small are zero: dropping them moves a limit by at most 1e-8 standard deviations.
constexpr double ZERO_COEFFICIENT = 1e-8;
// Entries of R further than this from a correlation matrix's are an error of the caller.
constexpr double CORRELATION_TOLERANCE = 1e-9;
constexpr int SHIFTS = 12;
constexpr int POINTS_PER_SHIFT = 2000;
// Uniforms are kept inside (0, 1) so that Phi^-1 stays finite (|Y| < 8.3).
constexpr double SMALLEST_UNIFORM = 1e-16;

constexpr std::array<int, MAX_RECTANGLE_DIMENSION> PRIMES{
    2,  3,  5,  7,  11, 13,  17,  19,  23,  29,  31,  37,  41,  43,  47,  53,  59,  61,  67,  71,
    73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173};

// SplitMix64 (Steele, Lea & Flood 2014): the fixed shifts of the lattice, from a fixed seed.
std::uint64_t split_mix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

struct Lattice {
  std::array<double, MAX_RECTANGLE_DIMENSION> generator{};
  std::array<std::array<double, MAX_RECTANGLE_DIMENSION>, SHIFTS> shift{};
};

const Lattice& lattice() {
  static const Lattice rule = [] {
    Lattice l;
    for (int j = 0; j < MAX_RECTANGLE_DIMENSION; ++j) {
      const double root = std::sqrt(static_cast<double>(PRIMES[static_cast<std::size_t>(j)]));
      l.generator[static_cast<std::size_t>(j)] = root - std::floor(root);
    }
    std::uint64_t state = 20260101;
    for (auto& shift : l.shift) {
      for (double& s : shift) s = static_cast<double>(split_mix(state) >> 11) * 0x1.0p-53;
    }
    return l;
  }();
  return rule;
}

// The probability of lo < Y <= hi for standard normal Y and a uniform w mapped into that
// interval. Upper-tail intervals are computed from the upper tail, where Phi(hi) - Phi(lo)
// would cancel.
struct Interval {
  double probability;
  double draw;
};

Interval draw_within(double lo, double hi, double w) {
  w = std::clamp(w, SMALLEST_UNIFORM, 1.0 - SMALLEST_UNIFORM);
  if (lo > 0.0) {
    const double upper_lo = normal_cdf(-lo);
    const double upper_hi = normal_cdf(-hi);
    const double p = upper_lo - upper_hi;
    return {p, -normal_quantile(upper_lo - w * p)};
  }
  const double cdf_lo = normal_cdf(lo);
  const double p = normal_cdf(hi) - cdf_lo;
  return {p, normal_quantile(cdf_lo + w * p)};
}

}  // namespace

NormalRectangle::NormalRectangle(const Eigen::MatrixXd& correlation) : correlation_(correlation) {
  const auto d = correlation.rows();
  if (d < 1 || d > MAX_RECTANGLE_DIMENSION || correlation.cols() != d) {
    throw std::invalid_argument("normal rectangle: the correlation matrix must be square, of dimension 1 to " +
                                std::to_string(MAX_RECTANGLE_DIMENSION));
  }
  for (Eigen::Index i = 0; i < d; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) {
      const double expected = i == j ? 1.0 : correlation(j, i);
      if (!(std::abs(correlation(i, j) - expected) <= CORRELATION_TOLERANCE) ||
          std::abs(correlation(i, j)) > 1.0 + CORRELATION_TOLERANCE) {
        throw std::invalid_argument("normal rectangle: not a correlation matrix");
      }
    }
  }
}

NormalRectangle::Factor NormalRectangle::factor(const Eigen::VectorXd& lower, const Eigen::VectorXd& upper) const {
  const auto d = correlation_.rows();
  Factor f;
  Eigen::MatrixXd a = correlation_;
  Eigen::MatrixXd l = Eigen::MatrixXd::Zero(d, d);
  Eigen::VectorXd lo = lower;
  Eigen::VectorXd hi = upper;
  f.variable.resize(static_cast<std::size_t>(d));
  std::iota(f.variable.begin(), f.variable.end(), 0);
  Eigen::VectorXd expected = Eigen::VectorXd::Zero(d);  // E[Y_j | Y_j in its interval] of the pivots so far
  Eigen::Index columns = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    // The least likely interval among the rows with variance left, given the pivots so far
    // at their expected values.
    Eigen::Index pivot = -1;
    double least = INF;
    for (Eigen::Index i = j; i < d; ++i) {
      if (a(i, i) <= RANK_TOLERANCE) continue;
      const double known = l.row(i).head(columns).dot(expected.head(columns));
      const double sd = std::sqrt(a(i, i));
      const double p = normal_cdf((hi(i) - known) / sd) - normal_cdf((lo(i) - known) / sd);
      if (pivot < 0 || p < least) {
        least = p;
        pivot = i;
      }
    }
    if (pivot < 0) break;  // the rest are combinations of the pivots
    a.row(j).swap(a.row(pivot));
    a.col(j).swap(a.col(pivot));
    l.row(j).swap(l.row(pivot));
    std::swap(lo(j), lo(pivot));
    std::swap(hi(j), hi(pivot));
    std::swap(f.variable[static_cast<std::size_t>(j)], f.variable[static_cast<std::size_t>(pivot)]);
    const double diagonal = std::sqrt(a(j, j));
    l(j, columns) = diagonal;
    for (Eigen::Index i = j + 1; i < d; ++i) l(i, columns) = a(i, j) / diagonal;
    // The Schur complement of the pivot.
    for (Eigen::Index i = j + 1; i < d; ++i) {
      for (Eigen::Index k = j + 1; k <= i; ++k) {
        a(i, k) -= l(i, columns) * l(k, columns);
        a(k, i) = a(i, k);
      }
    }
    // The pivot's expected value within its interval, (phi(from) - phi(to)) / mass.
    const double known = l.row(j).head(columns).dot(expected.head(columns));
    const double from = (lo(j) - known) / diagonal;
    const double to = (hi(j) - known) / diagonal;
    const double mass = normal_cdf(to) - normal_cdf(from);
    const auto density = [](double z) { return std::isinf(z) ? 0.0 : std::exp(-0.5 * z * z) / std::sqrt(2.0 * PI); };
    expected(columns) = mass > 0.0 ? (density(from) - density(to)) / mass : std::clamp(0.0, from, to);
    ++columns;
  }
  f.rows = l.leftCols(columns);
  f.bounding.assign(static_cast<std::size_t>(columns), {});
  for (Eigen::Index i = 0; i < d; ++i) {
    Eigen::Index last = columns - 1;
    while (last > 0 && std::abs(f.rows(i, last)) <= ZERO_COEFFICIENT) --last;
    f.bounding[static_cast<std::size_t>(last)].push_back(static_cast<int>(i));
  }
  return f;
}

int NormalRectangle::rank() const {
  const Eigen::VectorXd open = Eigen::VectorXd::Constant(dimension(), INF);
  return static_cast<int>(factor(-open, open).rows.cols());
}

NormalRectangle::Estimate NormalRectangle::probability(const Eigen::VectorXd& lower,
                                                       const Eigen::VectorXd& upper) const {
  const int d = dimension();
  if (lower.size() != d || upper.size() != d) {
    throw std::invalid_argument("normal rectangle: limits of the wrong dimension");
  }
  for (int i = 0; i < d; ++i) {
    if (std::isnan(lower(i)) || std::isnan(upper(i))) return {std::numeric_limits<double>::quiet_NaN(), 0.0};
  }
  const Factor f = factor(lower, upper);
  const int r = static_cast<int>(f.rows.cols());
  const Lattice& rule = lattice();
  std::array<double, MAX_RECTANGLE_DIMENSION> y{};
  std::array<double, SHIFTS> mean{};
  for (int s = 0; s < SHIFTS; ++s) {
    double sum = 0.0;
    const auto& shift = rule.shift[static_cast<std::size_t>(s)];
    for (int n = 1; n <= POINTS_PER_SHIFT; ++n) {
      double product = 1.0;
      for (int j = 0; j < r; ++j) {
        double lo = -INF;
        double hi = INF;
        for (const int i : f.bounding[static_cast<std::size_t>(j)]) {
          const double known = f.rows.row(i).head(j).dot(Eigen::Map<const Eigen::RowVectorXd>(y.data(), j));
          const double coefficient = f.rows(i, j);
          const int v = f.variable[static_cast<std::size_t>(i)];
          const double from = (lower(v) - known) / coefficient;
          const double to = (upper(v) - known) / coefficient;
          lo = std::max(lo, coefficient > 0.0 ? from : to);
          hi = std::min(hi, coefficient > 0.0 ? to : from);
        }
        if (!(lo < hi)) {
          product = 0.0;
          break;
        }
        const auto js = static_cast<std::size_t>(j);
        const double x = static_cast<double>(n) * rule.generator[js] + shift[js];
        const double w = 1.0 - std::abs(2.0 * (x - std::floor(x)) - 1.0);
        const Interval interval = draw_within(lo, hi, w);
        product *= interval.probability;
        y[js] = interval.draw;
      }
      sum += product;
    }
    mean[static_cast<std::size_t>(s)] = sum / POINTS_PER_SHIFT;
  }
  double average = 0.0;
  for (double m : mean) average += m / SHIFTS;
  double spread = 0.0;
  for (double m : mean) spread += (m - average) * (m - average);
  const double se = std::sqrt(spread / (SHIFTS * (SHIFTS - 1.0)));
  return {std::clamp(average, 0.0, 1.0), 3.0 * se};
}

}  // namespace trialsim
