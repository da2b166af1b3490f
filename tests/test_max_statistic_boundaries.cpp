// Tests of the group-sequential MaxCombo critical values (max_statistic_boundaries.hpp), the
// multivariate normal rectangles they integrate (NormalRectangle, multivariate_normal.hpp),
// and their calibration from a design's null trials (maxcombo_efficacy_z, trial.hpp).
// Expected values come from outside the code under test:
//  - the exact orthant probabilities of dimension <= 4 (normal_orthant_probability, itself
//    tested against closed forms, mpmath and mvtnorm in test_multivariate_normal.cpp);
//  - R's mvtnorm (pmvnorm, Genz-Bretz) for rectangles and MaxCombo critical values of
//    dimension 6 to 9, singular correlations included (tests/reference/max_statistic_boundaries.R
//    -> tests/data/max_statistic_boundaries.csv);
//  - a single statistic (or several identical ones) is a classical group-sequential test,
//    whose critical values compute_boundaries gets by exact recursive integration;
//  - simulation: the level of each look under H0 (replicates and SE stated in each test).

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "null_trial.hpp"
#include "trialsim/boundaries.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/max_statistic_boundaries.hpp"
#include "trialsim/multivariate_normal.hpp"
#include "trialsim/trial.hpp"

namespace trialsim {
namespace {

constexpr double INF = std::numeric_limits<double>::infinity();

// The lattice rule's accuracy: a probability of the bulk of the distribution is within its
// own error estimate (3 SE over the lattice shifts) of the exact value, and that estimate is
// below 1e-3; a rare event's (1e-6 or more, what a look may spend) is within 0.5% of its size (its rare interval comes
// first).
constexpr double RECTANGLE_TOLERANCE = 1e-3;
constexpr double RARE_EVENT_RELATIVE_TOLERANCE = 5e-3;
// Critical values: a probability error of 2e-4 moves a critical value near 2.5 by about
// 2e-4 / (m phi(2.5)) < 2e-3 for m >= 1 components.
constexpr double CRITICAL_VALUE_TOLERANCE = 2e-3;

Eigen::MatrixXd random_correlation(int dimension, int rank, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd factors(dimension, rank);
  for (int i = 0; i < dimension; ++i) {
    for (int j = 0; j < rank; ++j) factors(i, j) = normal(engine);
  }
  Eigen::MatrixXd gram = factors * factors.transpose();
  const Eigen::VectorXd scale = gram.diagonal().cwiseSqrt().cwiseInverse();
  return scale.asDiagonal() * gram * scale.asDiagonal();
}

TEST(NormalRectangle, OrthantsMatchTheExactIntegralUpToDimensionFour) {
  for (int d = 1; d <= MAX_NORMAL_DIMENSION; ++d) {
    for (int rank = 1; rank <= d; ++rank) {
      const Eigen::MatrixXd r = random_correlation(d, rank, static_cast<std::uint64_t>(100 * d + rank));
      CorrelationMatrix exact_r = CorrelationMatrix::Identity();
      exact_r.topLeftCorner(d, d) = r;
      for (const double limit : {-0.5, 0.3, 1.7}) {
        std::array<double, MAX_NORMAL_DIMENSION> upper{};
        upper.fill(limit);
        const double exact = normal_orthant_probability(upper.data(), exact_r, d);
        const NormalRectangle rectangle(r);
        const auto estimate =
            rectangle.probability(Eigen::VectorXd::Constant(d, -INF), Eigen::VectorXd::Constant(d, limit));
        EXPECT_NEAR(estimate.probability, exact, estimate.error + 1e-9) << "d " << d << " rank " << rank;
        EXPECT_LT(estimate.error, RECTANGLE_TOLERANCE);
        EXPECT_EQ(rectangle.rank(), rank);
        // The upper orthant beyond -limit, by symmetry the same probability: as the rare events
        // of a MaxCombo stop when the limit is large.
        const auto upper_orthant =
            rectangle.probability(Eigen::VectorXd::Constant(d, -limit), Eigen::VectorXd::Constant(d, INF));
        if (exact > 1e-6) {
          EXPECT_NEAR(upper_orthant.probability, exact, RARE_EVENT_RELATIVE_TOLERANCE * exact);
        }
      }
    }
  }
}

TEST(NormalRectangle, IntervalsOfIndependentVariablesAreProducts) {
  const int d = 9;
  const NormalRectangle rectangle(Eigen::MatrixXd::Identity(d, d));
  Eigen::VectorXd lower(d), upper(d);
  double expected = 1.0;
  for (int i = 0; i < d; ++i) {
    lower(i) = -1.0 - 0.1 * i;
    upper(i) = 0.5 + 0.2 * i;
    expected *= normal_cdf(upper(i)) - normal_cdf(lower(i));
  }
  EXPECT_NEAR(rectangle.probability(lower, upper).probability, expected, RECTANGLE_TOLERANCE);
}

TEST(NormalRectangle, RefusesWhatIsNotACorrelationMatrix) {
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(2, 2);
  r(0, 1) = 0.5;
  EXPECT_THROW(NormalRectangle{r}, std::invalid_argument);  // not symmetric
  r(1, 0) = 0.5;
  r(0, 0) = 2.0;
  EXPECT_THROW(NormalRectangle{r}, std::invalid_argument);  // not a unit diagonal
  EXPECT_THROW(NormalRectangle{Eigen::MatrixXd::Identity(MAX_RECTANGLE_DIMENSION + 1, MAX_RECTANGLE_DIMENSION + 1)},
               std::invalid_argument);
}

// One row of tests/data/max_statistic_boundaries.csv.
struct ReferenceLook {
  int sides;
  double alpha_spent;
  Eigen::MatrixXd covariance;
  double max_z;
  double nominal_z;
};

std::map<std::string, std::vector<ReferenceLook>> reference_cases() {
  std::ifstream in(std::string(TRIALSIM_TEST_DATA) + "/max_statistic_boundaries.csv");
  EXPECT_TRUE(in) << "tests/data/max_statistic_boundaries.csv";
  std::map<std::string, std::vector<ReferenceLook>> cases;
  bool header = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() == '#') continue;
    if (std::exchange(header, false)) continue;
    std::stringstream stream(line);
    std::vector<std::string> fields;
    for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
    EXPECT_EQ(fields.size(), 12U) << line;
    if (fields.size() != 12U) continue;
    const auto number = [&](std::size_t i) { return std::stod(fields[i]); };
    Eigen::MatrixXd v(3, 3);
    v << number(4), number(5), number(6), number(5), number(7), number(8), number(6), number(8), number(9);
    cases[fields[0]].push_back({std::stoi(fields[1]), number(3), v, number(10), number(11)});
  }
  return cases;
}

TEST(MaxStatisticBoundaries, MatchMvtnorm) {
  const auto cases = reference_cases();
  ASSERT_EQ(cases.size(), 3U);
  for (const auto& [name, looks] : cases) {
    std::vector<Eigen::MatrixXd> covariance;
    std::vector<double> alpha_spent;
    for (const ReferenceLook& look : looks) {
      covariance.push_back(look.covariance);
      alpha_spent.push_back(look.alpha_spent);
    }
    const MaxStatisticBoundaries result = max_statistic_boundaries(covariance, alpha_spent, looks.front().sides);
    for (std::size_t k = 0; k < looks.size(); ++k) {
      EXPECT_NEAR(result.max_z[k], looks[k].max_z, CRITICAL_VALUE_TOLERANCE) << name << " look " << k;
      EXPECT_NEAR(result.nominal_z[k], looks[k].nominal_z, CRITICAL_VALUE_TOLERANCE) << name << " look " << k;
    }
  }
}

// A spending design's plan at the information fractions `t`.
BoundaryPlan spending_plan(int sides, double alpha, const std::vector<double>& t) {
  TestPlan test;
  test.sides = sides;
  test.alpha = alpha;
  test.boundary.family = Boundary::Family::spending;
  test.boundary.spending = Boundary::Spending::obrien_fleming;
  return compute_boundaries(test, t);
}

// One component, or two identical ones (a rank-deficient joint distribution), is a classical
// group-sequential test: its covariance at look k is t_k.
TEST(MaxStatisticBoundaries, OneStatisticGivesTheClassicalBoundaries) {
  const std::vector<double> t{0.25, 0.5, 0.75, 1.0};
  for (const int sides : {1, 2}) {
    const BoundaryPlan plan = spending_plan(sides, sides == 1 ? 0.025 : 0.05, t);
    for (const int copies : {1, 2}) {
      std::vector<Eigen::MatrixXd> covariance;
      for (const double fraction : t) covariance.push_back(Eigen::MatrixXd::Constant(copies, copies, fraction));
      const MaxStatisticBoundaries result = max_statistic_boundaries(covariance, plan.alpha_spent, sides);
      for (std::size_t k = 0; k < t.size(); ++k) {
        EXPECT_NEAR(result.max_z[k], plan.efficacy_z[k], CRITICAL_VALUE_TOLERANCE)
            << sides << "-sided, " << copies << " copies, look " << k;
        EXPECT_NEAR(result.nominal_z[k], plan.efficacy_z[k], CRITICAL_VALUE_TOLERANCE);
      }
    }
  }
}

TEST(MaxStatisticBoundaries, ALookThatSpendsNothingCannotReject) {
  const std::vector<Eigen::MatrixXd> covariance{Eigen::MatrixXd::Constant(1, 1, 0.5),
                                                Eigen::MatrixXd::Constant(1, 1, 1.0)};
  const std::vector<double> spent{0.0, 0.025};
  const MaxStatisticBoundaries result = max_statistic_boundaries(covariance, spent, 1);
  EXPECT_EQ(result.max_z[0], INF);
  EXPECT_NEAR(result.max_z[1], -normal_quantile(0.025), 1e-9);  // the final look alone: exact
}

TEST(MaxStatisticBoundaries, RefusesMismatchedArguments) {
  const std::vector<Eigen::MatrixXd> covariance{Eigen::MatrixXd::Identity(2, 2)};
  const std::vector<double> two{0.01, 0.025};
  EXPECT_THROW(max_statistic_boundaries(covariance, two, 1), std::invalid_argument);
  const std::vector<double> one{0.025};
  EXPECT_THROW(max_statistic_boundaries(covariance, one, 3), std::invalid_argument);
}

// The MaxCombo procedure's cumulative rejection probability (both directions when two-sided)
// by each look, under H0, is the alpha its plan spends by that look: within 3 SE, with
// SE = sqrt(a (1 - a) / R) for the cumulative alpha a and R replicates.
void expect_spending_kept(const std::string& yaml) {
  const Design design = parse_design(yaml, "test.yaml");
  const BoundaryPlan plan = plan_boundaries(design);
  RunOptions options;
  options.threads = 2;
  const Results results = run_simulation(design, plan, options);
  const auto replicates = static_cast<double>(results.replicates);
  double cumulative = 0.0;
  for (std::size_t k = 0; k < results.looks.size(); ++k) {
    cumulative += results.looks[k].reject_probability + results.looks[k].harm_probability;
    const double a = plan.alpha_spent[k];
    const double se = std::sqrt(a * (1.0 - a) / replicates);
    std::cout << "  " << design.name << " | look " << k << " | rejected by then " << cumulative << " (spent " << a
              << ", SE " << se << ", boundary " << plan.efficacy_z[k] << ", " << results.replicates << " replicates)\n";
    EXPECT_NEAR(cumulative, a, 3.0 * se) << design.name << " look " << k;
  }
}

// 20,000 replicates: SE 0.0011 at the final 0.025 (0.0015 at 0.05), 0.0005 at an interim's 0.006.
TEST(MaxComboProcedure, SpendsItsAlphaLookByLookAtThreeEventLooks) {
  expect_spending_kept("name: MaxCombo, three event looks\n" + NULL_EARLY_HAZARD_TRIAL + R"(
analyses:
  - {name: first, when: {events: 60}}
  - {name: second, when: {events: 120}}
  - {name: final, when: {events: 180}}
test:
  statistic: maxcombo
  sides: 1
  alpha: 0.025
  boundary: {family: spending, function: obrien_fleming}
simulation: {replicates: 20000, seed: 20261205}
)");
}

// Pocock spends most of its alpha at the interims, two-sided, with FH(0,1) (late weight) and
// FH(1,0) (early weight) whose information grows at different rates across the looks.
TEST(MaxComboProcedure, SpendsItsAlphaLookByLookAtThreePocockLooksTwoSided) {
  expect_spending_kept("name: MaxCombo, three Pocock looks\n" + NULL_EARLY_HAZARD_TRIAL + R"(
follow_up: {fixed: 180}
analyses:
  - {name: first, when: {events: 60}}
  - {name: second, when: {events: 110}}
  - {name: final, when: {events: 160}}
test:
  statistic: maxcombo
  weights: [{rho: 0, gamma: 1}, {rho: 1, gamma: 0}]
  sides: 2
  alpha: 0.05
  boundary: {family: pocock}
simulation: {replicates: 20000, seed: 20261206}
)");
}

}  // namespace
}  // namespace trialsim
