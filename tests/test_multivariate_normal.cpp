// Tests of the multivariate normal orthant probabilities (multivariate_normal.hpp).
// Every expected value is known independently of the code under test:
//  - closed forms: Phi in one dimension; the orthant probabilities at b = 0,
//    1/4 + asin(r) / (2 pi) and 1/8 + (asin r12 + asin r13 + asin r23) / (4 pi) (Sheppard
//    1899; Tong 1990, The Multivariate Normal Distribution, eq. 8.2.2), and 1 / (d + 1) for
//    equicorrelation 1/2 (Tong 1990, eq. 8.2.3); products of Phi under independence;
//  - exact reductions: a correlation of 1 merges two limits into their minimum, -1 makes an
//    interval;
//  - identities: P(X_m <= b_m, rest) + P(X_m > b_m, rest) = P(rest), where the second term is
//    an orthant probability with X_m -> -X_m (b_m and the correlations of X_m change sign),
//    and invariance under permutations of the coordinates, on random correlation matrices
//    (normalised Gram matrices of random vectors, fixed seed), nearly singular and singular
//    ones included;
//  - reference values computed outside this code: mpmath 1.3.0 at 30 digits (bivariate
//    values; one-factor correlations r_ij = l_i l_j, for which
//    P = integral of phi(z) prod_i Phi((b_i - l_i z) / sqrt(1 - l_i^2)) dz, a one-dimensional
//    integral), and R's mvtnorm 1.1.3 (TVPACK for d = 3, Miwa for d = 4).
// Each comparison states its tolerance next to it.

#include "trialsim/multivariate_normal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include "trialsim/boundaries.hpp"

namespace trialsim {
namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
constexpr double PI = std::numbers::pi;
// The module's accuracy targets: absolute error below 1e-10 for d <= 3, 1e-9 for d = 4.
constexpr double TOLERANCE_3 = 1e-10;
constexpr double TOLERANCE_4 = 1e-9;
// Closed forms and the bivariate algorithm are good to a few ulp.
constexpr double TOLERANCE_2 = 1e-14;

double tolerance_for(int dimension) {
  return dimension <= 2 ? TOLERANCE_2 : dimension == 3 ? TOLERANCE_3 : TOLERANCE_4;
}

using Limits = std::array<double, MAX_NORMAL_DIMENSION>;

CorrelationMatrix correlation_of(int dimension, std::initializer_list<double> upper_triangle) {
  CorrelationMatrix r = CorrelationMatrix::Identity();
  auto value = upper_triangle.begin();
  for (int i = 0; i < dimension; ++i) {
    for (int j = i + 1; j < dimension; ++j) {
      r(i, j) = *value++;
      r(j, i) = r(i, j);
    }
  }
  return r;
}

double probability(const Limits& upper, const CorrelationMatrix& r, int dimension) {
  return normal_orthant_probability(upper.data(), r, dimension);
}

// Random correlation matrices with a fixed seed: Gram matrices of random vectors, normalised.
// The raw bits of mt19937_64 are fixed by the standard, so the matrices are the same on
// every platform.
class RandomCorrelations {
 public:
  explicit RandomCorrelations(std::uint64_t seed) : engine_(seed) {}

  double uniform(double low, double high) {
    return low + (high - low) * static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  }

  // rank < dimension gives a singular matrix; `near_pair` makes vectors 0 and 1 equal (or
  // opposite) up to `pair_noise`.
  CorrelationMatrix make(int dimension, int rank, double pair_noise = -1.0) {
    std::array<std::array<double, MAX_NORMAL_DIMENSION>, MAX_NORMAL_DIMENSION> vectors{};
    for (int i = 0; i < dimension; ++i) {
      for (int k = 0; k < rank; ++k) vectors[i][k] = uniform(-1.0, 1.0);
    }
    if (pair_noise >= 0.0) {
      const double sign = uniform(0.0, 1.0) < 0.5 ? -1.0 : 1.0;
      for (int k = 0; k < rank; ++k) vectors[1][k] = sign * vectors[0][k] + pair_noise * uniform(-1.0, 1.0);
    }
    CorrelationMatrix r = CorrelationMatrix::Identity();
    for (int i = 0; i < dimension; ++i) {
      for (int j = 0; j < dimension; ++j) {
        double dot = 0.0;
        double norm_i = 0.0;
        double norm_j = 0.0;
        for (int k = 0; k < rank; ++k) {
          dot += vectors[i][k] * vectors[j][k];
          norm_i += vectors[i][k] * vectors[i][k];
          norm_j += vectors[j][k] * vectors[j][k];
        }
        if (i != j) r(i, j) = dot / std::sqrt(norm_i * norm_j);
      }
    }
    return r;
  }

 private:
  std::mt19937_64 engine_;
};

// The matrices the identity tests run on: general, nearly singular (a pair within 1e-2 to
// 1e-6 of +-1 and so correlations of 0.99 to 0.999999...), singular of every rank, and
// high positive correlations like those of MaxCombo's components.
std::vector<CorrelationMatrix> test_matrices(int dimension, std::uint64_t seed) {
  RandomCorrelations random(seed);
  std::vector<CorrelationMatrix> matrices;
  for (int n = 0; n < 6; ++n) matrices.push_back(random.make(dimension, dimension));
  for (const double noise : {1e-2, 1e-3, 1e-4, 1e-6}) matrices.push_back(random.make(dimension, dimension, noise));
  for (int rank = 1; rank < dimension; ++rank) matrices.push_back(random.make(dimension, rank));
  CorrelationMatrix high = CorrelationMatrix::Identity();
  for (int i = 0; i < dimension; ++i) {
    for (int j = i + 1; j < dimension; ++j) high(i, j) = high(j, i) = 0.999 - 0.01 * (i + 2 * j);
  }
  matrices.push_back(high);
  return matrices;
}

// ---------------------------------------------------------------------------------
// Closed forms

TEST(MultivariateNormal, DimensionOneIsNormalCdf) {
  const CorrelationMatrix r = CorrelationMatrix::Identity();
  for (const double b : {-37.0, -8.0, -2.5, -1e-3, 0.0, 0.3, 1.96, 6.0, 40.0}) {
    const Limits upper{b};
    EXPECT_EQ(probability(upper, r, 1), normal_cdf(b)) << b;
  }
  EXPECT_EQ(probability({INF}, r, 1), 1.0);
  EXPECT_EQ(probability({-INF}, r, 1), 0.0);
}

TEST(MultivariateNormal, BivariateOrthantClosedForm) {
  for (const double rho : {-1.0, -0.999999, -0.99, -0.93, -0.925, -0.8, -0.5, -0.2, 0.0, 0.1, 0.3, 0.6, 0.75, 0.9,
                           0.925, 0.95, 0.999, 0.999999, 1.0}) {
    const double expected = 0.25 + std::asin(rho) / (2.0 * PI);
    EXPECT_NEAR(probability({0.0, 0.0}, correlation_of(2, {rho}), 2), expected, TOLERANCE_2) << rho;
  }
}

// The module reads correlations within 1e-15 of +-1 as +-1 (the Gram matrices of rank 1 have
// such entries: -1 + 1.1e-16 beside exact +-1s, which is not even positive semi-definite
// unless read as -1). The closed form sees the same: asin is steep at +-1, where one ulp of
// rho moves 1 / (4 pi) asin(rho) by 1e-9.
double as_the_module_reads(double rho) {
  return 1.0 - std::abs(rho) <= 1e-15 ? std::copysign(1.0, rho) : rho;
}

TEST(MultivariateNormal, TrivariateOrthantClosedFormOnRandomMatrices) {
  for (const CorrelationMatrix& r : test_matrices(3, 11)) {
    const double expected = 0.125 + (std::asin(as_the_module_reads(r(0, 1))) + std::asin(as_the_module_reads(r(0, 2))) +
                                     std::asin(as_the_module_reads(r(1, 2)))) /
                                        (4.0 * PI);
    EXPECT_NEAR(probability({0.0, 0.0, 0.0}, r, 3), expected, TOLERANCE_3) << r;
  }
}

TEST(MultivariateNormal, EquicorrelationOneHalfAtZero) {
  // P(all <= 0) = 1 / (d + 1) for equicorrelation 1/2.
  for (int d = 2; d <= 4; ++d) {
    CorrelationMatrix r = CorrelationMatrix::Constant(0.5);
    r.diagonal().setOnes();
    EXPECT_NEAR(probability({0.0, 0.0, 0.0, 0.0}, r, d), 1.0 / (d + 1), tolerance_for(d)) << d;
  }
}

TEST(MultivariateNormal, IndependenceIsAProduct) {
  const CorrelationMatrix r = CorrelationMatrix::Identity();
  const Limits upper{0.7, -1.3, 2.2, -0.1};
  double expected = 1.0;
  for (int d = 1; d <= 4; ++d) {
    expected *= normal_cdf(upper[d - 1]);
    EXPECT_NEAR(probability(upper, r, d), expected, tolerance_for(d)) << d;
  }
}

// ---------------------------------------------------------------------------------
// Correlations of exactly +-1, and near them

TEST(MultivariateNormal, UnitCorrelationMergesLimits) {
  // X_1 = X_2: P = P(X_1 <= min(b_1, b_2), others).
  EXPECT_NEAR(probability({0.4, -0.2}, correlation_of(2, {1.0}), 2), normal_cdf(-0.2), TOLERANCE_2);
  const CorrelationMatrix r3 = correlation_of(3, {1.0, 0.3, 0.3});
  EXPECT_NEAR(probability({0.4, -0.2, 0.8}, r3, 3), probability({-0.2, 0.8}, correlation_of(2, {0.3}), 2), TOLERANCE_3);
  const CorrelationMatrix r4 = correlation_of(4, {1.0, 0.5, -0.2, 0.5, -0.2, 0.35});
  EXPECT_NEAR(probability({1.2, 0.9, -0.3, 0.6}, r4, 4),
              probability({0.9, -0.3, 0.6}, correlation_of(3, {0.5, -0.2, 0.35}), 3), TOLERANCE_4);
}

TEST(MultivariateNormal, MinusUnitCorrelationMakesAnInterval) {
  // X_2 = -X_1: P = P(-b_2 <= X_1 <= b_1).
  EXPECT_NEAR(probability({0.4, 1.1}, correlation_of(2, {-1.0}), 2), normal_cdf(0.4) - normal_cdf(-1.1), TOLERANCE_2);
  EXPECT_EQ(probability({0.4, -0.5}, correlation_of(2, {-1.0}), 2), 0.0);
  const CorrelationMatrix r3 = correlation_of(3, {-1.0, 0.4, -0.4});
  const CorrelationMatrix r2 = correlation_of(2, {0.4});
  EXPECT_NEAR(probability({0.4, 1.1, 0.2}, r3, 3), probability({0.4, 0.2}, r2, 2) - probability({-1.1, 0.2}, r2, 2),
              TOLERANCE_3);
}

TEST(MultivariateNormal, NearUnitCorrelationIsContinuous) {
  // d/d rho P is a bivariate density, bounded by 1 / (2 pi sqrt(1 - rho^2)), so
  // |P(rho) - P(1)| <= sqrt(2 (1 - rho)) / (2 pi) < sqrt(1 - rho) / 4.
  const Limits upper{0.3, 0.3, -0.4, 0.9};
  for (int d = 2; d <= 4; ++d) {
    const double at_one = probability(upper, correlation_of(4, {1.0, 0.5, 0.2, 0.5, 0.2, -0.3}), d);
    for (const double gap : {1e-6, 1e-10, 1e-14}) {
      const double near = probability(upper, correlation_of(4, {1.0 - gap, 0.5, 0.2, 0.5, 0.2, -0.3}), d);
      EXPECT_LE(std::abs(near - at_one), std::sqrt(gap) / 4.0 + tolerance_for(d)) << d << " " << gap;
      EXPECT_LE(near, at_one + tolerance_for(d));  // a larger correlation can only raise P here
    }
  }
}

// ---------------------------------------------------------------------------------
// Identities on random, nearly singular and singular matrices

// P(X_m <= b_m, rest) + P(-X_m < -b_m, rest) = P(rest), for every coordinate m.
void expect_complements_add_up(const Limits& upper, const CorrelationMatrix& r, int dimension) {
  const double whole = probability(upper, r, dimension);
  for (int m = 0; m < dimension; ++m) {
    Limits flipped_upper = upper;
    flipped_upper[m] = -upper[m];
    CorrelationMatrix flipped = r;
    flipped.row(m) *= -1.0;
    flipped.col(m) *= -1.0;
    Limits rest_upper{};
    CorrelationMatrix rest = CorrelationMatrix::Identity();
    for (int i = 0, ri = 0; i < dimension; ++i) {
      if (i == m) continue;
      rest_upper[ri] = upper[i];
      for (int j = 0, rj = 0; j < dimension; ++j) {
        if (j == m) continue;
        rest(ri, rj++) = r(i, j);
      }
      ++ri;
    }
    const double complement = probability(flipped_upper, flipped, dimension);
    EXPECT_NEAR(whole + complement, probability(rest_upper, rest, dimension - 1), tolerance_for(dimension))
        << "m = " << m << ", b = " << upper[0] << " " << upper[1] << " " << upper[2] << " " << upper[3] << "\n"
        << r;
  }
}

TEST(MultivariateNormal, BivariateComplementsAddUp) {
  RandomCorrelations random(5);
  for (const CorrelationMatrix& r : test_matrices(2, 7)) {
    for (int n = 0; n < 10; ++n) {
      expect_complements_add_up({random.uniform(-4.0, 4.0), random.uniform(-4.0, 4.0)}, r, 2);
    }
    expect_complements_add_up({1.3, 1.3}, r, 2);
    expect_complements_add_up({-0.8, 0.8}, r, 2);
  }
}

TEST(MultivariateNormal, TrivariateInclusionExclusion) {
  RandomCorrelations random(6);
  for (const CorrelationMatrix& r : test_matrices(3, 8)) {
    for (int n = 0; n < 3; ++n) {
      expect_complements_add_up({random.uniform(-3.0, 3.0), random.uniform(-3.0, 3.0), random.uniform(-3.0, 3.0)}, r,
                                3);
    }
  }
}

TEST(MultivariateNormal, QuadrivariateInclusionExclusion) {
  RandomCorrelations random(7);
  for (const CorrelationMatrix& r : test_matrices(4, 9)) {
    expect_complements_add_up(
        {random.uniform(-2.5, 2.5), random.uniform(-2.5, 2.5), random.uniform(-2.5, 2.5), random.uniform(-2.5, 2.5)}, r,
        4);
  }
}

TEST(MultivariateNormal, PermutationInvariance) {
  RandomCorrelations random(8);
  for (int d = 3; d <= 4; ++d) {
    for (const CorrelationMatrix& r : test_matrices(d, 10 + d)) {
      Limits upper{};
      for (int i = 0; i < d; ++i) upper[i] = random.uniform(-2.0, 2.0);
      const double expected = probability(upper, r, d);
      std::array<int, MAX_NORMAL_DIMENSION> order{0, 1, 2, 3};
      while (std::next_permutation(order.begin(), order.begin() + d)) {
        Limits permuted_upper{};
        CorrelationMatrix permuted = CorrelationMatrix::Identity();
        for (int i = 0; i < d; ++i) {
          permuted_upper[i] = upper[order[i]];
          for (int j = 0; j < d; ++j) permuted(i, j) = r(order[i], order[j]);
        }
        EXPECT_NEAR(probability(permuted_upper, permuted, d), expected, tolerance_for(d)) << r;
      }
    }
  }
}

// ---------------------------------------------------------------------------------
// Reference values computed elsewhere

TEST(MultivariateNormal, BivariateMatchesMpmath) {
  // mpmath 1.3.0, mp.dps = 30: P = quad(lambda x: npdf(x) * ncdf((k - rho x) / sqrt(1 - rho^2)),
  // [-40, (breakpoints at the step x = k / rho), h]). Tolerance TOLERANCE_2 = 1e-14.
  struct Case {
    double h, k, rho, expected;
  };
  for (const Case& c :
       {Case{0.3, -1.2, 0.5, 0.10364661613573979704}, Case{1.5, 1.5, 0.999999, 0.93311972626039175621},
        Case{-0.7, -0.7, 0.99999999, 0.24194603518135854649}, Case{2.0, -1.9, -0.99999999, 0.0059664278678225980289},
        Case{-1.0, 0.5, -0.93, 0.0047717228129078217397}, Case{0.25, 0.75, 0.925, 0.59231628024776324144}}) {
    EXPECT_NEAR(probability({c.h, c.k}, correlation_of(2, {c.rho}), 2), c.expected, TOLERANCE_2) << c.rho;
  }
}

TEST(MultivariateNormal, OneFactorCorrelationsMatchMpmath) {
  // r_ij = l_i l_j. mpmath 1.3.0, mp.dps = 30: quad(lambda z: npdf(z) * fprod(ncdf((b_i - l_i z) /
  // sqrt(1 - l_i^2))), [-40, (the points b_i / l_i with |l_i| > 0.5), 40], maxdegree=12).
  struct Case {
    int dimension;
    Limits upper;
    Limits loading;
    double expected;
  };
  const double root_half = std::sqrt(0.5);
  for (const Case& c :
       {Case{3, {0.5, -0.3, 1.2}, {0.9, 0.8, -0.7}, 0.27116614563967585234},
        Case{4, {0.5, -0.3, 1.2, 0.1}, {0.9, 0.8, -0.7, 0.6}, 0.19561863639346012585},
        Case{4, {0.2, 0.1, 0.3, -0.1}, {0.99, 0.995, 0.999, 0.98}, 0.44893878053171076613},
        Case{4, {1.0, -0.5, 0.25, 2.0}, {root_half, root_half, root_half, root_half}, 0.24537241280552471856},
        Case{4, {-1.0, 1.5, 0.5, 0.0}, {0.6, -0.95, 0.3, -0.8}, 0.022896898186354520515}}) {
    CorrelationMatrix r = CorrelationMatrix::Identity();
    for (int i = 0; i < c.dimension; ++i) {
      for (int j = 0; j < c.dimension; ++j) {
        if (i != j) r(i, j) = c.loading[i] * c.loading[j];
      }
    }
    EXPECT_NEAR(probability(c.upper, r, c.dimension), c.expected, tolerance_for(c.dimension)) << r;
  }
}

TEST(MultivariateNormal, SingularRankTwoMatchesMpmath) {
  // X = A Y, Y ~ N(0, I_2), rows of A: (1, 0), (0.6, 0.8), (1.6, 0.8) / |.|, (0.9, 0.3) / |.|, so R
  // has rank 2 (as MaxCombo's FH(0,0), FH(0,1), FH(1,0) do: one weight is the sum of two others).
  // P(X <= 2) = integral over y1 <= 2 of phi(y1) Phi(min_i (2 - a_i1 y1) / a_i2) dy1; mpmath 1.3.0,
  // mp.dps = 25, quad split where the minimum changes: 0.95775961820974633091. Tolerance 1e-9.
  const CorrelationMatrix r = correlation_of(4, {0.59999999999999998, 0.89442719099991586, 0.94868329805051388,
                                                 0.89442719099991574, 0.82219219164377866, 0.98994949366116658});
  EXPECT_NEAR(probability({2.0, 2.0, 2.0, 2.0}, r, 4), 0.95775961820974633091, TOLERANCE_4);
}

TEST(MultivariateNormal, MatchesMvtnorm) {
  // R 4.x, mvtnorm 1.1.3:
  //   R3a <- matrix(c(1, 0.4, -0.3, 0.4, 1, 0.6, -0.3, 0.6, 1), 3)
  //   R3b <- matrix(c(1, 0.95, 0.9, 0.95, 1, 0.97, 0.9, 0.97, 1), 3)
  //   pmvnorm(upper = c(0.2, 1.1, -0.4), corr = R3a, algorithm = TVPACK(abseps = 1e-14))
  //     0.15525801538992018 (error 1e-14)
  //   pmvnorm(upper = c(1.96, 1.5, 2.2), corr = R3b, algorithm = TVPACK(abseps = 1e-14))
  //     0.93228120104110734 (error 1e-14)
  //   R4a <- matrix(c(1, 0.3, -0.2, 0.5, 0.3, 1, 0.4, -0.1, -0.2, 0.4, 1, 0.25, 0.5, -0.1, 0.25, 1), 4)
  //   R4b <- matrix(c(1, 0.9, 0.85, 0.95, 0.9, 1, 0.8, 0.93, 0.85, 0.8, 1, 0.92, 0.95, 0.93, 0.92, 1), 4)
  //   pmvnorm(upper = c(0.2, 1.1, -0.4, 0.7), corr = R4a, algorithm = Miwa(steps = 4096))
  //     0.15816848339171535 (GenzBretz(maxpts = 1e8, abseps = 1e-12): 0.158168482754, error 3.2e-9)
  //   pmvnorm(upper = c(2.1, 1.9, 2.3, 2.0), corr = R4b, algorithm = Miwa(steps = 4096))
  //     0.96093769278245 (GenzBretz(maxpts = 1e8, abseps = 1e-12): 0.960937693519, error 2.1e-9)
  // Tolerances: TOLERANCE_3 = 1e-10 and TOLERANCE_4 = 1e-9 (the module's targets; the values
  // agree to 1e-15 for d = 3 and 2e-13 for d = 4).
  EXPECT_NEAR(probability({0.2, 1.1, -0.4}, correlation_of(3, {0.4, -0.3, 0.6}), 3), 0.15525801538992018, TOLERANCE_3);
  EXPECT_NEAR(probability({1.96, 1.5, 2.2}, correlation_of(3, {0.95, 0.9, 0.97}), 3), 0.93228120104110734, TOLERANCE_3);
  EXPECT_NEAR(probability({0.2, 1.1, -0.4, 0.7}, correlation_of(4, {0.3, -0.2, 0.5, 0.4, -0.1, 0.25}), 4),
              0.15816848339171535, TOLERANCE_4);
  EXPECT_NEAR(probability({2.1, 1.9, 2.3, 2.0}, correlation_of(4, {0.9, 0.85, 0.95, 0.8, 0.93, 0.92}), 4),
              0.96093769278245, TOLERANCE_4);
}

// ---------------------------------------------------------------------------------
// Limits and arguments

TEST(MultivariateNormal, InfiniteLimits) {
  const CorrelationMatrix r = correlation_of(4, {0.5, 0.3, -0.2, 0.4, 0.1, 0.6});
  // +infinity removes a coordinate; -infinity empties the orthant.
  EXPECT_NEAR(probability({0.3, INF, -0.5, INF}, r, 4), probability({0.3, -0.5}, correlation_of(2, {0.3}), 2),
              TOLERANCE_4);
  EXPECT_EQ(probability({0.3, -INF, -0.5, 1.0}, r, 4), 0.0);
  EXPECT_EQ(probability({INF, INF, INF, INF}, r, 4), 1.0);
}

TEST(MultivariateNormal, InvalidArguments) {
  const CorrelationMatrix r = CorrelationMatrix::Identity();
  const Limits upper{0.0, 0.0, 0.0, 0.0};
  EXPECT_THROW(probability(upper, r, 0), std::invalid_argument);
  EXPECT_THROW(probability(upper, r, 5), std::invalid_argument);
  EXPECT_TRUE(std::isnan(probability({0.0, std::nan("")}, r, 2)));
  EXPECT_TRUE(std::isnan(probability(upper, correlation_of(3, {0.1, std::nan(""), 0.2}), 3)));
}

}  // namespace
}  // namespace trialsim
