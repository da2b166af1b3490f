// Group-sequential critical values of the MaxCombo test (max_statistic_boundaries.hpp).
//
// With Z_mk the m-th component's z at look k and M_k = max_m Z_mk, the procedure continues
// past look k while M_k < c_k (two-sided: while every |Z_mk| < c_k). The critical values
// are found look by look so that P(stop by look k) = alpha_spent[k] under H0 (Karrison
// 2016, Stat Med 35:2427-2439, section 3; the multivariate normal of all looks' components
// as in lrstat and gsDesign2's gs_design_combo): look k's continuation region is a
// rectangle in the components of looks 1..k, whose probability NormalRectangle integrates,
// and c_k is its root, found by the Illinois variant of regula falsi between two bounds
// from the look's own maximum. The probability of stopping at look k is integrated directly,
// as a sum of rectangles each with one rare interval, rather than as the difference of two
// continuation probabilities near 1, whose errors would swamp it.

#include "trialsim/max_statistic_boundaries.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "trialsim/boundaries.hpp"
#include "trialsim/multivariate_normal.hpp"

namespace trialsim {
namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
// A look that spends less than this adds no critical value (it cannot reject).
constexpr double NO_SPENDING = 1e-15;
constexpr double Z_TOLERANCE = 1e-7;
constexpr int MAX_ITERATIONS = 60;

// The covariances with increments made positive semi-definite: C_k = C_{k-1} + (C_k - C_{k-1})+.
std::vector<Eigen::MatrixXd> monotone_covariances(std::span<const Eigen::MatrixXd> look_covariance) {
  std::vector<Eigen::MatrixXd> result(look_covariance.begin(), look_covariance.end());
  for (std::size_t k = 1; k < result.size(); ++k) {
    const Eigen::MatrixXd increment = result[k] - result[k - 1];
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(increment);
    const Eigen::VectorXd clipped = eigen.eigenvalues().cwiseMax(0.0);
    result[k] = result[k - 1] + eigen.eigenvectors() * clipped.asDiagonal() * eigen.eigenvectors().transpose();
  }
  return result;
}

// One variable of the joint distribution: component `component` at look `look`.
struct Variable {
  int look;
  int component;
};

// P(max_m Z_m >= c) for the components of one look, exactly (d <= 4).
double look_tail(const CorrelationMatrix& correlation, int dimension, double c) {
  std::array<double, MAX_NORMAL_DIMENSION> upper{};
  upper.fill(c);
  return 1.0 - normal_orthant_probability(upper.data(), correlation, dimension);
}

// The c with P(max_m Z_m >= c) = p, between the Bonferroni bounds Phi^-1(1 - p) and
// Phi^-1(1 - p / d), by bisection.
double look_quantile(const CorrelationMatrix& correlation, int dimension, double p) {
  double lo = -normal_quantile(p);
  double hi = -normal_quantile(p / dimension);
  for (int i = 0; i < MAX_ITERATIONS && hi - lo > 1e-12; ++i) {
    const double mid = 0.5 * (lo + hi);
    (look_tail(correlation, dimension, mid) > p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

struct StopProbability {
  double probability = 0.0;
  double error = 0.0;
};

// P(continue through the looks before, stop at this one) when the look's d components start
// at `first` and its critical value is c: the sum over m of the disjoint events "the look's
// components before m inside (-c, c) (one-sided: below c), component m past c", each a
// rectangle whose rare interval NormalRectangle integrates first. `lower` and `upper` hold
// the earlier looks' continuation limits.
StopProbability look_stop_probability(const NormalRectangle& rectangle, Eigen::VectorXd lower, Eigen::VectorXd upper,
                                      Eigen::Index first, int d, double c, int sides) {
  StopProbability stop;
  double variance = 0.0;
  for (int m = 0; m < d; ++m) {
    for (int tail = 0; tail < sides; ++tail) {
      for (int i = 0; i < d; ++i) {
        const Eigen::Index v = first + i;
        if (i < m) {
          lower(v) = sides == 2 ? -c : -INF;
          upper(v) = c;
        } else if (i == m) {
          lower(v) = tail == 0 ? c : -INF;
          upper(v) = tail == 0 ? INF : -c;
        } else {
          lower(v) = -INF;
          upper(v) = INF;
        }
      }
      const NormalRectangle::Estimate estimate = rectangle.probability(lower, upper);
      stop.probability += estimate.probability;
      variance += estimate.error * estimate.error;
    }
  }
  stop.error = std::sqrt(variance);
  return stop;
}

}  // namespace

MaxStatisticBoundaries max_statistic_boundaries(std::span<const Eigen::MatrixXd> look_covariance,
                                                std::span<const double> alpha_spent, int sides) {
  const std::size_t looks = look_covariance.size();
  if (looks == 0 || alpha_spent.size() != looks || (sides != 1 && sides != 2)) {
    throw std::invalid_argument("max statistic boundaries: one covariance and one alpha per look, 1 or 2 sides");
  }
  const Eigen::Index components = look_covariance.front().rows();
  if (components < 1 || components > MAX_NORMAL_DIMENSION) {
    throw std::invalid_argument("max statistic boundaries: 1 to 4 components");
  }
  const std::vector<Eigen::MatrixXd> covariance = monotone_covariances(look_covariance);
  // The informative variables, look by look, and each look's own correlation.
  std::vector<Variable> variables;
  std::vector<std::size_t> look_end(looks);
  std::vector<CorrelationMatrix> look_correlation(looks, CorrelationMatrix::Identity());
  std::vector<int> look_dimension(looks, 0);
  for (std::size_t k = 0; k < looks; ++k) {
    const std::size_t first = variables.size();
    for (Eigen::Index m = 0; m < components; ++m) {
      if (covariance[k](m, m) > 0.0) variables.push_back({static_cast<int>(k), static_cast<int>(m)});
    }
    look_end[k] = variables.size();
    look_dimension[k] = static_cast<int>(look_end[k] - first);
    for (std::size_t i = first; i < look_end[k]; ++i) {
      for (std::size_t j = first; j < i; ++j) {
        const auto a = variables[i].component;
        const auto b = variables[j].component;
        const double r = covariance[k](a, b) / std::sqrt(covariance[k](a, a) * covariance[k](b, b));
        look_correlation[k](static_cast<Eigen::Index>(i - first), static_cast<Eigen::Index>(j - first)) =
            look_correlation[k](static_cast<Eigen::Index>(j - first), static_cast<Eigen::Index>(i - first)) =
                std::clamp(r, -1.0, 1.0);
      }
    }
  }
  if (variables.size() > static_cast<std::size_t>(MAX_RECTANGLE_DIMENSION)) {
    throw std::invalid_argument("max statistic boundaries: more than 40 components in all looks");
  }
  const auto n = static_cast<Eigen::Index>(variables.size());
  Eigen::MatrixXd joint = Eigen::MatrixXd::Identity(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      const Variable& u = variables[static_cast<std::size_t>(i)];
      const Variable& v = variables[static_cast<std::size_t>(j)];
      const Eigen::MatrixXd& shared = covariance[static_cast<std::size_t>(std::min(u.look, v.look))];
      const double r = shared(u.component, v.component) /
                       std::sqrt(covariance[static_cast<std::size_t>(u.look)](u.component, u.component) *
                                 covariance[static_cast<std::size_t>(v.look)](v.component, v.component));
      joint(i, j) = joint(j, i) = std::clamp(r, -1.0, 1.0);
    }
  }

  MaxStatisticBoundaries result;
  result.max_z.assign(looks, INF);
  result.nominal_z.assign(looks, INF);
  result.alpha_error.assign(looks, 0.0);
  Eigen::VectorXd lower = Eigen::VectorXd::Constant(n, -INF);
  Eigen::VectorXd upper = Eigen::VectorXd::Constant(n, INF);
  double spent_before = 0.0;
  for (std::size_t k = 0; k < looks; ++k) {
    const double spent = alpha_spent[k];
    const int d = look_dimension[k];
    const double increment = spent - spent_before;
    if (d == 0 || increment < NO_SPENDING) continue;  // nothing to test, or nothing to spend
    const auto first = static_cast<Eigen::Index>(look_end[k]) - d;
    const auto set_look = [&](double c) {
      upper.segment(first, d).setConstant(c);
      if (sides == 2) lower.segment(first, d).setConstant(-c);
    };
    double c = 0.0;
    if (spent_before == 0.0) {
      // No earlier look can have stopped the trial: the look's own exact tail.
      c = look_quantile(look_correlation[k], d, increment / sides);
    } else {
      const auto end = static_cast<Eigen::Index>(look_end[k]);
      const NormalRectangle rectangle(joint.topLeftCorner(end, end));
      // P(stop at look k) less what it should spend: > 0 while c is too small.
      const auto excess = [&](double candidate) {
        const StopProbability stop =
            look_stop_probability(rectangle, lower.head(end), upper.head(end), first, d, candidate, sides);
        result.alpha_error[k] = stop.error;
        return stop.probability - increment;
      };
      // The stop probability of look k alone lies between the increment and the cumulative alpha.
      double a = look_quantile(look_correlation[k], d, std::min(0.5, spent / sides));
      double b = look_quantile(look_correlation[k], d, increment / sides);
      double fa = excess(a);
      double fb = excess(b);
      for (int widen = 0; widen < 20 && fa < 0.0; ++widen) fa = excess(a -= 0.05);
      for (int widen = 0; widen < 20 && fb > 0.0; ++widen) fb = excess(b += 0.05);
      const bool bracketed = fa > 0.0 && fb < 0.0;
      c = bracketed ? b : (fa <= 0.0 ? a : b);
      for (int i = 0; bracketed && i < MAX_ITERATIONS && std::abs(b - a) > Z_TOLERANCE; ++i) {
        c = b - fb * (b - a) / (fb - fa);
        const double fc = excess(c);
        if (fc == 0.0) break;
        if ((fc > 0.0) == (fb > 0.0)) {
          fa *= 0.5;
        } else {
          a = b;
          fa = fb;
        }
        b = c;
        fb = fc;
      }
    }
    set_look(c);
    result.max_z[k] = c;
    result.nominal_z[k] = -normal_quantile(look_tail(look_correlation[k], d, c));
    spent_before = spent;
  }
  return result;
}

}  // namespace trialsim
