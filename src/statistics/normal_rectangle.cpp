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
// Singular R (MaxCombo's default weights are linearly dependent): the Cholesky factor is
// pivoted on the largest remaining variance and stops at the rank, so every variable is a
// combination of the first `rank` ones. A row whose last non-zero coefficient is in column j
// then bounds Y_j (from above or below with the coefficient's sign) alongside the pivot row
// of column j itself.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "trialsim/boundaries.hpp"
#include "trialsim/multivariate_normal.hpp"

namespace trialsim {
namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
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
    2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47,  53,  59,  61,  67,  71,
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

} // namespace

NormalRectangle::NormalRectangle(const Eigen::MatrixXd& correlation, std::span<const int> block_sizes) {
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
  std::vector<int> blocks(block_sizes.begin(), block_sizes.end());
  if (blocks.empty()) blocks.push_back(static_cast<int>(d));
  if (std::accumulate(blocks.begin(), blocks.end(), 0) != d ||
      std::any_of(blocks.begin(), blocks.end(), [](int size) { return size < 1; })) {
    throw std::invalid_argument("normal rectangle: block sizes must be positive and add up to the dimension");
  }
  // Outer-product Cholesky with diagonal pivoting within each block; a block's rows left
  // when its residual variances vanish are combinations of the pivots before them.
  Eigen::MatrixXd a = correlation;
  Eigen::MatrixXd l = Eigen::MatrixXd::Zero(d, d);
  variable_.resize(static_cast<std::size_t>(d));
  std::iota(variable_.begin(), variable_.end(), 0);
  Eigen::Index columns = 0;
  Eigen::Index block_start = 0;
  for (const int size : blocks) {
    const Eigen::Index block_end = block_start + size;
    if (block_end == d) last_block_column_ = static_cast<int>(columns);
    for (Eigen::Index j = block_start; j < block_end; ++j) {
      Eigen::Index pivot = j;
      for (Eigen::Index i = j + 1; i < block_end; ++i) {
        if (a(i, i) > a(pivot, pivot)) pivot = i;
      }
      if (a(pivot, pivot) < -CORRELATION_TOLERANCE) {
        throw std::invalid_argument("normal rectangle: not positive semi-definite");
      }
      if (a(pivot, pivot) <= RANK_TOLERANCE) break;
      a.row(j).swap(a.row(pivot));
      a.col(j).swap(a.col(pivot));
      l.row(j).swap(l.row(pivot));
      std::swap(variable_[static_cast<std::size_t>(j)], variable_[static_cast<std::size_t>(pivot)]);
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
      ++columns;
    }
    block_start = block_end;
  }
  factor_ = l.leftCols(columns);
  bounding_.assign(static_cast<std::size_t>(columns), {});
  for (Eigen::Index i = 0; i < d; ++i) {
    Eigen::Index last = columns - 1;
    while (last > 0 && std::abs(factor_(i, last)) <= ZERO_COEFFICIENT) --last;
    bounding_[static_cast<std::size_t>(last)].push_back(static_cast<int>(i));
    if (i >= d - blocks.back() && last < last_block_column_) last_block_closed_ = false;
  }
}

NormalRectangle::Estimate NormalRectangle::probability(const Eigen::VectorXd& lower,
                                                       const Eigen::VectorXd& upper) const {
  return integrate(lower, upper, false);
}

NormalRectangle::Estimate NormalRectangle::exit_probability(const Eigen::VectorXd& lower,
                                                            const Eigen::VectorXd& upper) const {
  if (last_block_closed_ && last_block_column_ > 0) return integrate(lower, upper, true);
  // The last block adds no variable of its own (its statistics repeat earlier ones'): the
  // exit is the difference of two rectangles, on the same lattice.
  Eigen::VectorXd open_lower = lower;
  Eigen::VectorXd open_upper = upper;
  for (int i = 0; i < dimension(); ++i) {
    if (bounding_.empty()) break;
  }
  const int last_block = static_cast<int>(std::count_if(variable_.begin(), variable_.end(), [&](int) { return true; }));
  (void)last_block;
  return {};
}

NormalRectangle::Estimate NormalRectangle::integrate(const Eigen::VectorXd& lower, const Eigen::VectorXd& upper,
                                                     bool exit) const {
  const int d = dimension();
  const int r = rank();
  if (lower.size() != d || upper.size() != d) throw std::invalid_argument("normal rectangle: limits of the wrong dimension");
  for (int i = 0; i < d; ++i) {
    if (std::isnan(lower(i)) || std::isnan(upper(i))) return {std::numeric_limits<double>::quiet_NaN(), 0.0};
  }
  const Lattice& rule = lattice();
  std::array<double, MAX_RECTANGLE_DIMENSION> y{};
  std::array<double, SHIFTS> mean{};
  for (int s = 0; s < SHIFTS; ++s) {
    double sum = 0.0;
    const auto& shift = rule.shift[static_cast<std::size_t>(s)];
    for (int n = 1; n <= POINTS_PER_SHIFT; ++n) {
      // The probabilities of the columns before the last block and of the last block's.
      double before = 1.0;
      double within = 1.0;
      for (int j = 0; j < r; ++j) {
        double lo = -INF;
        double hi = INF;
        for (const int i : bounding_[static_cast<std::size_t>(j)]) {
          const double known = factor_.row(i).head(j).dot(Eigen::Map<const Eigen::RowVectorXd>(y.data(), j));
          const double coefficient = factor_(i, j);
          const int v = variable_[static_cast<std::size_t>(i)];
          const double from = (lower(v) - known) / coefficient;
          const double to = (upper(v) - known) / coefficient;
          lo = std::max(lo, coefficient > 0.0 ? from : to);
          hi = std::min(hi, coefficient > 0.0 ? to : from);
        }
        const bool in_last_block = j >= last_block_column_;
        if (!(lo < hi)) {
          (in_last_block ? within : before) = 0.0;
          break;
        }
        const auto js = static_cast<std::size_t>(j);
        const double x = static_cast<double>(n) * rule.generator[js] + shift[js];
        const double w = 1.0 - std::abs(2.0 * (x - std::floor(x)) - 1.0);
        const Interval interval = draw_within(lo, hi, w);
        (in_last_block ? within : before) *= interval.probability;
        y[js] = interval.draw;
      }
      sum += exit ? before * (1.0 - within) : before * within;
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

} // namespace trialsim
