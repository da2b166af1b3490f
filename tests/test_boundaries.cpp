// Tests of the group-sequential boundaries (normal distribution, crossing
// probabilities, spending functions, every boundary family).
// Reference numbers and their sources:
//  - tests/data/boundaries_{normal,crossing,spending,exact,rpact}.csv, written by
//    tests/reference/boundaries.R with R's qnorm/pnorm, mvtnorm::pmvnorm and
//    rpact::getDesignGroupSequential (see the header of each file);
//  - Jennison C, Turnbull BW (2000), Group Sequential Methods with Applications to
//    Clinical Trials, Table 2.1 (Pocock C_P(K, alpha)) and Table 2.3 (O'Brien-Fleming
//    C_B(K, alpha)), printed to three decimals;
//  - the DanGer Shock protocol's final two-sided nominal alpha of 0.048 after one
//    interim at half the information (configs/danger_shock.yaml).
// Each comparison states its tolerance next to it.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference_table.hpp"
#include "trialsim/boundaries.hpp"

namespace trialsim {
namespace {

constexpr double INF = std::numeric_limits<double>::infinity();

// Published tables print three decimals: half a unit in the last place plus J&T's own numerical error.
constexpr double TABLE_TOLERANCE = 1e-3;
// Simpson's rule on J&T's grid (section 19.2) with r = 40 points per unit misstates the
// continuing probability by 2e-9 to 7e-9 per look (measured against exact values; the
// error falls as r^-4), so probabilities after K looks are allowed 1e-8 K: 1e-7, the
// module's accuracy target, at the most looks a design may have.
double crossing_tolerance(std::size_t looks) {
  return 1e-8 * static_cast<double>(looks);
}
// A probability error e moves a critical value c by about e / (sides phi(c)): at c near 2
// and two looks, about 1e-7 in z.
constexpr double Z_TOLERANCE = 1e-7;
// rpact integrates on its own grid and stops when the cumulative alpha is within 1e-8 of
// its target (getDesignGroupSequential's `tolerance`). Its critical values agree with ours
// to 1e-6 where the boundary density is not tiny; in the far tail a probability error
// of 2e-9 is a large z error. (For asOF, two-sided 0.01, looks at 0.15, 0.4 and 1, rpact's
// second critical value 4.2867225 spends 7e-10 too little by exact bivariate normal
// probabilities; ours, 4.2867136, is the exact solution.) So the tolerance grows as
// 2e-9 / (sides phi(c)).
double rpact_z_tolerance(double critical, int sides) {
  const double density = std::exp(-0.5 * critical * critical) * std::numbers::inv_sqrtpi / std::numbers::sqrt2;
  return 1e-6 + 2e-9 / (sides * density);
}
// rpact's final alpha spent is alpha - 1e-8 (its stopping rule); ours is within 1e-8 per look.
constexpr double RPACT_ALPHA_TOLERANCE = 5e-8;
// rpact reports critical values above C_UPPER_BOUNDS_DEFAULT = 8 as Inf.
constexpr double RPACT_LARGEST_SHOWN = 8.0;

// --- Reading the reference tables: tests/reference_table.hpp

using testing::number;
using testing::read_table;
using testing::Row;

// The message of the std::invalid_argument that `action` throws ("" when none).
template <typename Action>
std::string invalid_argument_message(Action&& action) {
  try {
    action();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

std::vector<double> equally_spaced(int looks) {
  std::vector<double> fractions;
  for (int k = 1; k <= looks; ++k) fractions.push_back(static_cast<double>(k) / looks);
  fractions.back() = 1.0;
  return fractions;
}

TestPlan two_sided(Boundary::Family family, double alpha = 0.05) {
  TestPlan test;
  test.sides = 2;
  test.alpha = alpha;
  test.boundary.family = family;
  return test;
}

TestPlan spending_plan(int sides, double alpha, Boundary::Spending function, double parameter = 0.0) {
  TestPlan test;
  test.sides = sides;
  test.alpha = alpha;
  test.boundary.family = Boundary::Family::spending;
  test.boundary.spending = function;
  test.boundary.parameter = parameter;
  return test;
}

// --- Normal distribution ------------------------------------------------------------

TEST(NormalDistribution, QuantileMatchesR) {
  // R's qnorm is AS 241 itself; 1e-15 relative is a few units in the last place.
  for (const Row& row : read_table("boundaries_normal.csv")) {
    if (row.at("function_name") != "quantile") continue;
    const double p = number(row, "argument");
    const double expected = number(row, "value");
    EXPECT_NEAR(normal_quantile(p), expected, 1e-15 * std::abs(expected)) << "p = " << p;
  }
}

TEST(NormalDistribution, CdfMatchesR) {
  // R's pnorm (Cody 1993) and ours (std::erfc with the rounding of z / sqrt(2) corrected)
  // both aim at about one ulp; 1e-14 relative leaves room for erfc far in the tail.
  for (const Row& row : read_table("boundaries_normal.csv")) {
    if (row.at("function_name") != "cdf") continue;
    const double z = number(row, "argument");
    const double expected = number(row, "value");
    EXPECT_NEAR(normal_cdf(z), expected, 1e-14 * expected) << "z = " << z;
  }
}

TEST(NormalDistribution, KnownValues) {
  // z_{0.975} = 1.959963984540054 to 16 significant digits (R: print(qnorm(0.975), digits = 16)).
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-15);
  EXPECT_NEAR(normal_cdf(1.959963984540054), 0.975, 1e-16);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_EQ(normal_cdf(0.0), 0.5);
  EXPECT_EQ(normal_quantile(0.0), -INF);
  EXPECT_EQ(normal_quantile(1.0), INF);
  EXPECT_TRUE(std::isnan(normal_quantile(-0.1)));
  EXPECT_TRUE(std::isnan(normal_quantile(1.1)));
  EXPECT_TRUE(std::isnan(normal_quantile(std::numeric_limits<double>::quiet_NaN())));
}

TEST(NormalDistribution, QuantileInvertsTheCdf) {
  // In the lower half Phi is computed to about one ulp relative, so Phi^-1(Phi(z)) = z
  // to about 1e-16 / |z| absolute: 1e-14 leaves room.
  for (double z = -37.5; z <= 0.0; z += 0.125) {
    EXPECT_NEAR(normal_quantile(normal_cdf(z)), z, 1e-14) << "z = " << z;
  }
  // Phi(Phi^-1(p)) = p over three hundred decades, up to the rounding of x = Phi^-1(p)
  // itself, which moves Phi by a relative |x| ulp(x) / 2, about x^2 1.1e-16.
  for (double p = 1e-300; p < 0.5; p *= 3.7) {
    const double x = normal_quantile(p);
    EXPECT_NEAR(normal_cdf(x), p, 4e-16 * (1.0 + x * x) * p) << "p = " << p;
  }
}

TEST(NormalDistribution, QuantileIsAntisymmetric) {
  // For dyadic p, 1 - p is exact, so the symmetry Phi^-1(1 - p) = -Phi^-1(p) holds exactly.
  for (int i = 1; i < 1024; ++i) {
    const double p = i / 1024.0;
    EXPECT_EQ(normal_quantile(1.0 - p), -normal_quantile(p)) << "p = " << p;
  }
}

// --- Crossing probabilities ---------------------------------------------------------

TEST(CrossingProbabilities, OneLookIsTheNormalTail) {
  // K = 1: Z_1 ~ N(drift sqrt(t_1), 1), so the exits are plain normal tails.
  const std::vector<double> t{0.64};
  const std::vector<double> upper{2.1};
  const std::vector<double> lower{-0.3};
  const double drift = 1.25;
  const CrossingProbabilities crossing = crossing_probabilities(t, upper, lower, drift);
  EXPECT_NEAR(crossing.upper[0], 1.0 - normal_cdf(2.1 - drift * 0.8), 1e-15);
  EXPECT_NEAR(crossing.lower[0], normal_cdf(-0.3 - drift * 0.8), 1e-15);
}

TEST(CrossingProbabilities, MatchesMultivariateNormalProbabilities) {
  // mvtnorm::pmvnorm rectangles: exact to ~1e-15 for two looks, Miwa's algorithm for three.
  std::map<int, std::vector<Row>> cases;
  for (const Row& row : read_table("boundaries_crossing.csv")) cases[std::stoi(row.at("case"))].push_back(row);
  ASSERT_EQ(cases.size(), 8u);
  for (const auto& [id, rows] : cases) {
    std::vector<double> t, upper, lower, expected_upper, expected_lower;
    for (const Row& row : rows) {
      if (row.at("side") == "upper") {
        t.push_back(number(row, "information"));
        upper.push_back(number(row, "upper"));
        lower.push_back(number(row, "lower"));
        expected_upper.push_back(number(row, "probability"));
      } else {
        expected_lower.push_back(number(row, "probability"));
      }
    }
    const CrossingProbabilities crossing = crossing_probabilities(t, upper, lower, number(rows.front(), "drift"));
    for (std::size_t k = 0; k < t.size(); ++k) {
      const double tolerance = crossing_tolerance(k + 1);
      EXPECT_NEAR(crossing.upper[k], expected_upper[k], tolerance) << "case " << id << " look " << k + 1;
      EXPECT_NEAR(crossing.lower[k], expected_lower[k], tolerance) << "case " << id << " look " << k + 1;
    }
  }
}

TEST(CrossingProbabilities, LooksWithoutBoundariesKeepTheMarginalLaw) {
  // With no boundary before the last look, the recursion must integrate the paths back
  // to the marginal law Z_K ~ N(drift sqrt(t_K), 1).
  const std::vector<double> t{0.1, 0.35, 0.5, 0.8, 1.0};
  const std::vector<double> upper{INF, INF, INF, INF, 1.7};
  const std::vector<double> lower{-INF, -INF, -INF, -INF, -0.4};
  for (const double drift : {0.0, 1.0, 3.5}) {
    const CrossingProbabilities crossing = crossing_probabilities(t, upper, lower, drift);
    EXPECT_NEAR(crossing.upper[4], 1.0 - normal_cdf(1.7 - drift), crossing_tolerance(5)) << "drift " << drift;
    EXPECT_NEAR(crossing.lower[4], normal_cdf(-0.4 - drift), crossing_tolerance(5)) << "drift " << drift;
    for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(crossing.upper[k] + crossing.lower[k], 0.0);
  }
}

TEST(CrossingProbabilities, TenLooksStayWithinTheAccuracyTarget) {
  // The most looks a design may have (MAX_LOOKS), equally spaced, no interim boundaries:
  // the error is largest here because every look adds its own.
  std::vector<double> t, upper, lower;
  for (int k = 1; k <= MAX_LOOKS; ++k) {
    t.push_back(static_cast<double>(k) / MAX_LOOKS);
    upper.push_back(INF);
    lower.push_back(-INF);
  }
  t.back() = 1.0;
  upper.back() = 1.7;
  lower.back() = -0.4;
  for (const double drift : {0.0, 1.0}) {
    const CrossingProbabilities crossing = crossing_probabilities(t, upper, lower, drift);
    EXPECT_NEAR(crossing.upper.back(), 1.0 - normal_cdf(1.7 - drift), crossing_tolerance(MAX_LOOKS));
    EXPECT_NEAR(crossing.lower.back(), normal_cdf(-0.4 - drift), crossing_tolerance(MAX_LOOKS));
  }
}

TEST(CrossingProbabilities, EveryPathExitsWhenTheLastLookHasNoContinuation) {
  // Upper and lower boundaries meet at the last look: all probability exits somewhere.
  const std::vector<double> t{0.2, 0.4, 0.55, 0.75, 0.9, 1.0};
  const std::vector<double> upper{3.0, 2.6, 2.4, 2.2, 2.1, 1.0};
  const std::vector<double> lower{-1.0, -0.5, 0.0, 0.4, 0.8, 1.0};
  for (const double drift : {-1.0, 0.0, 2.0}) {
    const CrossingProbabilities crossing = crossing_probabilities(t, upper, lower, drift);
    double total = 0.0;
    for (std::size_t k = 0; k < t.size(); ++k) total += crossing.upper[k] + crossing.lower[k];
    EXPECT_NEAR(total, 1.0, crossing_tolerance(t.size())) << "drift " << drift;
  }
}

TEST(CrossingProbabilities, SymmetricBoundariesUnderTheNullExitSymmetrically) {
  const std::vector<double> t{0.3, 0.7, 1.0};
  const std::vector<double> upper{2.5, 2.2, 2.0};
  const std::vector<double> lower{-2.5, -2.2, -2.0};
  const CrossingProbabilities crossing = crossing_probabilities(t, upper, lower, 0.0);
  for (std::size_t k = 0; k < t.size(); ++k) EXPECT_NEAR(crossing.upper[k], crossing.lower[k], 1e-14);
}

TEST(CrossingProbabilities, FutilityAboveEfficacyYieldsToEfficacy) {
  // A lower boundary above the upper one: Z >= upper rejects, every other path stops.
  const std::vector<double> t{0.5, 1.0};
  const std::vector<double> upper{1.0, 2.0};
  const std::vector<double> lower{1.5, -INF};
  const CrossingProbabilities crossing = crossing_probabilities(t, upper, lower, 0.0);
  EXPECT_NEAR(crossing.upper[0], 1.0 - normal_cdf(1.0), 1e-15);
  EXPECT_NEAR(crossing.lower[0], normal_cdf(1.0), 1e-15);
  EXPECT_EQ(crossing.upper[1], 0.0);
}

TEST(CrossingProbabilities, RejectsMismatchedInput) {
  const std::vector<double> t{0.5, 1.0};
  const std::vector<double> two{2.0, 2.0};
  const std::vector<double> one{2.0};
  EXPECT_EQ(invalid_argument_message([&] { crossing_probabilities(t, two, one, 0.0); }),
            "boundaries: need one upper and one lower bound per look (2), got 2 and 1");
  const std::vector<double> backwards{0.5, 0.5};
  EXPECT_EQ(invalid_argument_message([&] { crossing_probabilities(backwards, two, two, 0.0); }),
            "boundaries: information must be positive, finite and strictly increasing, got 0.5 after 0.5");
}

// --- Spending functions --------------------------------------------------------------

Boundary::Spending spending_named(const std::string& name) {
  if (name == "pocock") return Boundary::Spending::pocock;
  if (name == "hsd") return Boundary::Spending::hsd;
  if (name == "power") return Boundary::Spending::power;
  return Boundary::Spending::obrien_fleming;
}

TEST(SpendingFunctions, MatchThePublishedFormulas) {
  // R's transcription of Lan & DeMets (1983), Hwang, Shih & DeCani (1990), Kim & DeMets
  // (1987); 1e-14 relative (R's exp/log/pnorm versus ours). The O'Brien-Fleming type is a
  // normal tail at x = z / sqrt(t), about 22 at t = 0.01, where rounding x by one ulp
  // moves the tail by x^2 ulp relative: 1e-12 there.
  for (const Row& row : read_table("boundaries_spending.csv")) {
    const std::string name = row.at("function_name");
    const double parameter = number(row, "parameter");
    const double alpha = number(row, "alpha");
    const double t = number(row, "t");
    const double expected = number(row, "value");
    const double got = spending_function(spending_named(name), std::isnan(parameter) ? 0.0 : parameter, alpha, t);
    const double relative = name == "obrien_fleming" ? 1e-12 : 1e-14;
    EXPECT_NEAR(got, expected, relative * expected) << name << " " << parameter << " at t = " << t;
  }
}

TEST(SpendingFunctions, SpendNothingAtZeroAndAlphaAtOne) {
  for (const auto function : {Boundary::Spending::obrien_fleming, Boundary::Spending::pocock, Boundary::Spending::hsd,
                              Boundary::Spending::power}) {
    const double parameter = function == Boundary::Spending::power ? 2.0 : -4.0;
    EXPECT_EQ(spending_function(function, parameter, 0.025, 0.0), 0.0);
    EXPECT_EQ(spending_function(function, parameter, 0.025, 1.0), 0.025);
    EXPECT_EQ(spending_function(function, parameter, 0.025, 1.2), 0.025);
  }
  // Hwang-Shih-DeCani tends to alpha t as gamma -> 0; the first-order term is
  // alpha t gamma (1 - t) / 2, about 2.6e-15 at gamma = 1e-12.
  EXPECT_NEAR(spending_function(Boundary::Spending::hsd, 1e-12, 0.025, 0.3), 0.025 * 0.3, 5e-15);
  EXPECT_EQ(spending_function(Boundary::Spending::hsd, 0.0, 0.025, 0.3), 0.025 * 0.3);
  // A steep Hwang-Shih-DeCani function must not overflow: gamma = -1000 spends
  // alpha (e^500 - 1) / (e^1000 - 1) = alpha e^-500 (1 - e^-500) / (1 - e^-1000) by t = 0.5.
  const double steep = spending_function(Boundary::Spending::hsd, -1000.0, 0.025, 0.5);
  EXPECT_NEAR(steep, 0.025 * std::exp(-500.0), 1e-13 * steep);
}

// --- Published tables: Jennison & Turnbull (2000) ------------------------------------

struct TableRow {
  double alpha;
  std::vector<double> constants;  // K = 1..10
};

// Table 2.1: Pocock constants C_P(K, alpha), two-sided, equally spaced looks.
const std::vector<TableRow> POCOCK_TABLE{
    {0.01, {2.576, 2.772, 2.873, 2.939, 2.986, 3.023, 3.053, 3.078, 3.099, 3.117}},
    {0.05, {1.960, 2.178, 2.289, 2.361, 2.413, 2.453, 2.485, 2.512, 2.535, 2.555}},
    {0.10, {1.645, 1.875, 1.992, 2.067, 2.122, 2.164, 2.197, 2.225, 2.249, 2.270}},
};
// Table 2.3: O'Brien-Fleming constants C_B(K, alpha), critical values C_B sqrt(K / k).
const std::vector<TableRow> OBRIEN_FLEMING_TABLE{
    {0.01, {2.576, 2.580, 2.595, 2.609, 2.621, 2.631, 2.640, 2.648, 2.654, 2.660}},
    {0.05, {1.960, 1.977, 2.004, 2.024, 2.040, 2.053, 2.063, 2.072, 2.080, 2.087}},
    {0.10, {1.645, 1.678, 1.710, 1.733, 1.751, 1.765, 1.776, 1.786, 1.794, 1.801}},
};

TEST(PublishedTables, PocockConstants) {
  for (const TableRow& row : POCOCK_TABLE) {
    for (int looks = 1; looks <= 10; ++looks) {
      const BoundaryPlan plan =
          compute_boundaries(two_sided(Boundary::Family::pocock, row.alpha), equally_spaced(looks));
      for (const double z : plan.efficacy_z) {
        EXPECT_NEAR(z, row.constants[looks - 1], TABLE_TOLERANCE) << "alpha " << row.alpha << " K " << looks;
      }
      EXPECT_NEAR(plan.alpha_spent.back(), row.alpha, 1e-9);
    }
  }
}

TEST(PublishedTables, OBrienFlemingConstants) {
  for (const TableRow& row : OBRIEN_FLEMING_TABLE) {
    for (int looks = 1; looks <= 10; ++looks) {
      const BoundaryPlan plan =
          compute_boundaries(two_sided(Boundary::Family::obrien_fleming, row.alpha), equally_spaced(looks));
      const double constant = row.constants[looks - 1];
      for (int k = 1; k <= looks; ++k) {
        EXPECT_NEAR(plan.efficacy_z[k - 1], constant * std::sqrt(static_cast<double>(looks) / k),
                    TABLE_TOLERANCE * std::sqrt(static_cast<double>(looks) / k))
            << "alpha " << row.alpha << " K " << looks << " look " << k;
      }
      EXPECT_NEAR(plan.alpha_spent.back(), row.alpha, 1e-9);
    }
  }
}

// --- DanGer Shock ----------------------------------------------------------------------

// A value as quoted to three decimals.
double to_three_decimals(double value) {
  return std::round(value * 1000.0) / 1000.0;
}

TEST(DangerShock, ClassicalOBrienFlemingGivesTheProtocolsFinalAlpha) {
  // Interim at half the information, two-sided 0.05: the protocol's final nominal alpha
  // 0.048 (configs/danger_shock.yaml), with z = 2.797 and 1.977 (J&T Table 2.3:
  // C_B(2, 0.05) = 1.977), all as quoted to three decimals.
  const std::vector<double> fractions{0.5, 1.0};
  const BoundaryPlan plan = compute_boundaries(two_sided(Boundary::Family::obrien_fleming), fractions);
  EXPECT_EQ(to_three_decimals(plan.efficacy_z[0]), 2.797);
  EXPECT_EQ(to_three_decimals(plan.efficacy_z[1]), 1.977);
  EXPECT_EQ(to_three_decimals(plan.nominal_alpha[1]), 0.048);
  EXPECT_NEAR(plan.alpha_spent[1], 0.05, 1e-9);
  EXPECT_EQ(plan.futility_z[0], -INF);
  EXPECT_EQ(plan.futility_z[1], -INF);
}

TEST(DangerShock, LanDeMetsSpendingGivesADifferentFinalAlpha) {
  // Lan-DeMets O'Brien-Fleming-type spending of 0.025 per tail: z = 2.963 and 1.969, final
  // nominal alpha 0.049 (configs/danger_shock_spending.yaml; rpact asOF gives 2.96259 and
  // 1.96860), to three decimals.
  const std::vector<double> fractions{0.5, 1.0};
  const BoundaryPlan plan = compute_boundaries(spending_plan(2, 0.05, Boundary::Spending::obrien_fleming), fractions);
  EXPECT_EQ(to_three_decimals(plan.efficacy_z[0]), 2.963);
  EXPECT_EQ(to_three_decimals(plan.efficacy_z[1]), 1.969);
  EXPECT_EQ(to_three_decimals(plan.nominal_alpha[1]), 0.049);
  // The interim spends 2 alpha*(0.5), alpha* the one-sided function at 0.025 (1e-9: the
  // interim boundary is solved to 1e-10 in z).
  EXPECT_NEAR(plan.alpha_spent[0], 2.0 * spending_function(Boundary::Spending::obrien_fleming, 0.0, 0.025, 0.5), 1e-9);
}

// --- Exact two-look designs ----------------------------------------------------------

TEST(ExactTwoLookDesigns, MatchBivariateNormalSolutions) {
  // tests/data/boundaries_exact.csv: critical values solved in R on exact bivariate normal
  // probabilities (no grid), for classical, spending and Haybittle-Peto designs.
  for (const Row& row : read_table("boundaries_exact.csv")) {
    const std::string design = row.at("design");
    TestPlan test;
    test.sides = std::stoi(row.at("sided"));
    test.alpha = number(row, "alpha");
    if (design == "OF") test.boundary.family = Boundary::Family::obrien_fleming;
    if (design == "P") test.boundary.family = Boundary::Family::pocock;
    if (design == "asOF") test.boundary.family = Boundary::Family::spending;
    if (design == "HP") test.boundary.family = Boundary::Family::haybittle_peto;
    const std::vector<double> fractions{number(row, "t1"), 1.0};
    const BoundaryPlan plan = compute_boundaries(test, fractions);
    const std::string label = design + " sided " + row.at("sided") + " t1 " + row.at("t1");
    EXPECT_NEAR(plan.efficacy_z[0], number(row, "critical1"), Z_TOLERANCE) << label;
    EXPECT_NEAR(plan.efficacy_z[1], number(row, "critical2"), Z_TOLERANCE) << label;
  }
}

// --- rpact ----------------------------------------------------------------------------

// The TestPlan of one rpact design (tests/reference/boundaries.R names them by
// typeOfDesign). Haybittle-Peto's parameter is rpact's constantBoundsHP.
TestPlan plan_of_rpact_design(const std::vector<Row>& rows) {
  const Row& first = rows.front();
  const std::string design = first.at("design");
  const double parameter = number(first, "parameter");
  TestPlan test;
  test.sides = std::stoi(first.at("sided"));
  test.alpha = number(first, "alpha");
  Boundary& boundary = test.boundary;
  if (design == "OF") boundary.family = Boundary::Family::obrien_fleming;
  if (design == "P") boundary.family = Boundary::Family::pocock;
  if (design == "WT") boundary.family = Boundary::Family::wang_tsiatis;
  if (design == "HP") {
    boundary.family = Boundary::Family::haybittle_peto;
    boundary.interim_z = parameter;
  }
  if (design.starts_with("as")) boundary.family = Boundary::Family::spending;
  if (design == "asOF") boundary.spending = Boundary::Spending::obrien_fleming;
  if (design == "asP") boundary.spending = Boundary::Spending::pocock;
  if (design == "asHSD") boundary.spending = Boundary::Spending::hsd;
  if (design == "asKD") boundary.spending = Boundary::Spending::power;
  if (design == "WT" || design == "asHSD" || design == "asKD") boundary.parameter = parameter;
  if (!std::isnan(number(first, "futility"))) {
    test.futility.scale = Futility::Scale::z;
    for (std::size_t k = 0; k + 1 < rows.size(); ++k) test.futility.values.push_back(number(rows[k], "futility"));
    test.futility.binding = first.at("binding") == "1";
  }
  return test;
}

TEST(Rpact, EveryFamilyMatchesGetDesignGroupSequential) {
  // rpact 3.3.4 getDesignGroupSequential, one- and two-sided, equal and unequal
  // spacing, binding and non-binding futility: see tests/reference/boundaries.R.
  std::map<int, std::vector<Row>> cases;
  for (const Row& row : read_table("boundaries_rpact.csv")) cases[std::stoi(row.at("case"))].push_back(row);
  ASSERT_GE(cases.size(), 190u);
  for (const auto& [id, rows] : cases) {
    const TestPlan test = plan_of_rpact_design(rows);
    std::vector<double> fractions;
    for (const Row& row : rows) fractions.push_back(number(row, "information"));
    const BoundaryPlan plan = compute_boundaries(test, fractions);
    const std::string label = "case " + std::to_string(id) + " (" + rows.front().at("design") + ", sided " +
                              rows.front().at("sided") + ", alpha " + rows.front().at("alpha") + ")";
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const double critical = number(rows[k], "critical");
      if (critical == INF) {
        EXPECT_GT(plan.efficacy_z[k], RPACT_LARGEST_SHOWN) << label << " look " << k + 1;
      } else {
        EXPECT_NEAR(plan.efficacy_z[k], critical, rpact_z_tolerance(critical, test.sides))
            << label << " look " << k + 1;
      }
      EXPECT_NEAR(plan.alpha_spent[k], number(rows[k], "alpha_spent"), RPACT_ALPHA_TOLERANCE)
          << label << " look " << k + 1;
    }
  }
}

// --- Families and futility -----------------------------------------------------------

TEST(Boundaries, OneLookIsTheFixedSampleTest) {
  // With a single look every family is the fixed-sample critical value z_{1 - alpha / sides}.
  const std::vector<double> fractions{1.0};
  for (const auto family : {Boundary::Family::obrien_fleming, Boundary::Family::pocock, Boundary::Family::wang_tsiatis,
                            Boundary::Family::haybittle_peto, Boundary::Family::spending}) {
    for (const int sides : {1, 2}) {
      TestPlan test = two_sided(family, 0.05);
      test.sides = sides;
      test.boundary.parameter = 0.25;
      const BoundaryPlan plan = compute_boundaries(test, fractions);
      EXPECT_NEAR(plan.efficacy_z[0], normal_quantile(1.0 - 0.05 / sides), 1e-9);
      EXPECT_NEAR(plan.nominal_alpha[0], 0.05, 1e-9);
    }
  }
}

TEST(Boundaries, NominalAlphasOfAPlanReproduceIt) {
  // Feeding the classical O'Brien-Fleming plan's nominal alphas back as a nominal design
  // gives the same critical values and the same overall level.
  const std::vector<double> fractions{0.3, 0.55, 1.0};
  const BoundaryPlan classical = compute_boundaries(two_sided(Boundary::Family::obrien_fleming), fractions);
  TestPlan nominal = two_sided(Boundary::Family::nominal);
  nominal.boundary.nominal_alpha = classical.nominal_alpha;
  const BoundaryPlan plan = compute_boundaries(nominal, fractions);
  for (std::size_t k = 0; k < fractions.size(); ++k) {
    EXPECT_NEAR(plan.efficacy_z[k], classical.efficacy_z[k], 1e-12);
    EXPECT_NEAR(plan.alpha_spent[k], classical.alpha_spent[k], 1e-12);
  }
  EXPECT_NEAR(plan.alpha_spent.back(), 0.05, 1e-9);
}

TEST(Boundaries, NominalPValueThresholds) {
  // The protocol's own numbers as a nominal design: z = Phi^-1(1 - a / 2).
  TestPlan test = two_sided(Boundary::Family::nominal);
  test.boundary.nominal_alpha = {0.0052, 0.048};
  const std::vector<double> fractions{0.5, 1.0};
  const BoundaryPlan plan = compute_boundaries(test, fractions);
  EXPECT_NEAR(plan.efficacy_z[0], -normal_quantile(0.0026), 1e-15);
  EXPECT_NEAR(plan.efficacy_z[1], -normal_quantile(0.024), 1e-15);
  EXPECT_NEAR(plan.nominal_alpha[0], 0.0052, 1e-15);
  EXPECT_NEAR(plan.nominal_alpha[1], 0.048, 1e-15);
  // Level of the whole procedure: the classical OBF plan has 0.005166 / 0.047993 for 0.05,
  // and these thresholds are slightly larger at the interim, so a little above 0.05.
  EXPECT_GT(plan.alpha_spent[1], 0.05);
  EXPECT_LT(plan.alpha_spent[1], 0.0501);
}

TEST(Boundaries, SpendingNothingAtALookLeavesItOpen) {
  // Kim-DeMets rho = 2000 spends 0.025 * 0.5^2000, below the smallest double, at the
  // interim: no boundary there, and the final look is the fixed-sample test.
  const std::vector<double> fractions{0.5, 1.0};
  const BoundaryPlan plan = compute_boundaries(spending_plan(1, 0.025, Boundary::Spending::power, 2000.0), fractions);
  EXPECT_EQ(plan.efficacy_z[0], INF);
  EXPECT_EQ(plan.nominal_alpha[0], 0.0);
  EXPECT_EQ(plan.alpha_spent[0], 0.0);
  EXPECT_NEAR(plan.efficacy_z[1], normal_quantile(0.975), Z_TOLERANCE);
}

TEST(Boundaries, TinySpendingGivesAFarBoundary) {
  // Hwang-Shih-DeCani gamma = -40 spends about 6e-18 at t = 0.1: the boundary is where
  // the normal tail is that small, about 8.5 (it must not be cut to +infinity).
  const std::vector<double> fractions{0.1, 1.0};
  const TestPlan test = spending_plan(1, 0.025, Boundary::Spending::hsd, -40.0);
  const BoundaryPlan plan = compute_boundaries(test, fractions);
  const double spent = spending_function(Boundary::Spending::hsd, -40.0, 0.025, 0.1);
  EXPECT_NEAR(plan.efficacy_z[0], -normal_quantile(spent), 1e-9);
  EXPECT_NEAR(plan.alpha_spent[0], spent, 1e-6 * spent);
}

TEST(Futility, ZBoundaryIsPassedOnWithNoneAtTheLastLook) {
  TestPlan test = spending_plan(1, 0.025, Boundary::Spending::obrien_fleming);
  test.futility.scale = Futility::Scale::z;
  test.futility.values = {-0.5, 0.25};
  const std::vector<double> fractions{0.3, 0.6, 1.0};
  const BoundaryPlan plan = compute_boundaries(test, fractions);
  EXPECT_EQ(plan.futility_z, (std::vector<double>{-0.5, 0.25, -INF}));
}

TEST(Futility, HazardRatioBoundaryIsLeftToTheTrial) {
  TestPlan test = spending_plan(1, 0.025, Boundary::Spending::obrien_fleming);
  test.futility.scale = Futility::Scale::hazard_ratio;
  test.futility.values = {1.0};
  const std::vector<double> fractions{0.5, 1.0};
  const BoundaryPlan plan = compute_boundaries(test, fractions);
  EXPECT_EQ(plan.futility_z, (std::vector<double>{-INF, -INF}));
}

TEST(Futility, NonBindingLeavesEfficacyUnchangedAndBindingLowersIt) {
  // A binding futility boundary removes paths that could still have rejected, so the
  // efficacy boundary needs less room: lower critical values, same overall level.
  const std::vector<double> fractions{0.4, 0.7, 1.0};
  for (const auto family : {Boundary::Family::obrien_fleming, Boundary::Family::pocock,
                            Boundary::Family::haybittle_peto, Boundary::Family::spending}) {
    TestPlan test = two_sided(family, 0.025);
    test.sides = 1;
    const BoundaryPlan without = compute_boundaries(test, fractions);
    test.futility.scale = Futility::Scale::z;
    test.futility.values = {0.0, 0.5};
    const BoundaryPlan non_binding = compute_boundaries(test, fractions);
    test.futility.binding = true;
    const BoundaryPlan binding = compute_boundaries(test, fractions);
    EXPECT_EQ(non_binding.efficacy_z, without.efficacy_z);
    EXPECT_EQ(non_binding.alpha_spent, without.alpha_spent);
    EXPECT_LT(binding.efficacy_z.back(), without.efficacy_z.back());
    EXPECT_NEAR(binding.alpha_spent.back(), 0.025, 1e-9);
  }
}

// --- Beta-spending futility and user alpha spending against rpact ----------------------

// rpact solves every bound to its tolerance 1e-8 on a probability, on its own grid: a
// futility bound u where the density is phi(u - drift) moves by about 1e-8 / phi, far
// below 1e-6 in the centre. The required agreement is 1e-6 on the z scale (efficacy,
// as in Rpact.EveryFamilyMatchesGetDesignGroupSequential, and futility alike).
constexpr double RPACT_FUTILITY_TOLERANCE = 1e-6;
// rpact's cumulative beta spent reaches beta to its tolerance (0.2000000015 for beta 0.2).
constexpr double RPACT_BETA_TOLERANCE = 5e-8;
// rpact shows critical values at or above 7.5 as Inf.
constexpr double RPACT_SHOWN_AS_INFINITE = 7.5;

Boundary::Spending spending_of_rpact(const std::string& type) {
  const std::string name = type.substr(2);  // asOF, bsOF -> OF
  if (name == "OF") return Boundary::Spending::obrien_fleming;
  if (name == "P") return Boundary::Spending::pocock;
  if (name == "HSD") return Boundary::Spending::hsd;
  if (name == "KD") return Boundary::Spending::power;
  throw std::runtime_error("no spending function for rpact's " + type);
}

// The TestPlan of one design of tests/reference/beta_spending.R.
TestPlan plan_of_rpact_beta_spending(const std::vector<Row>& rows) {
  const Row& first = rows.front();
  TestPlan test;
  test.sides = std::stoi(first.at("sided"));
  test.alpha = number(first, "alpha");
  const std::string design = first.at("design");
  if (design == "asUser") {
    test.boundary.family = Boundary::Family::user_spending;
    for (const Row& row : rows) test.boundary.alpha_spent.push_back(number(row, "user_alpha"));
  } else {
    test.boundary.family = Boundary::Family::spending;
    test.boundary.spending = spending_of_rpact(design);
    if (!std::isnan(number(first, "parameter"))) test.boundary.parameter = number(first, "parameter");
  }
  test.futility.binding = first.at("binding") == "1";
  if (first.at("beta_spending") != "none") {
    test.futility.scale = Futility::Scale::beta_spending;
    test.futility.beta_spending = spending_of_rpact(first.at("beta_spending"));
    if (!std::isnan(number(first, "beta_parameter"))) test.futility.beta_parameter = number(first, "beta_parameter");
    test.futility.beta = number(first, "beta");
  } else if (!std::isnan(number(first, "futility"))) {
    test.futility.scale = Futility::Scale::z;
    for (std::size_t k = 0; k + 1 < rows.size(); ++k) test.futility.values.push_back(number(rows[k], "futility"));
  }
  return test;
}

TEST(Rpact, BetaSpendingAndUserAlphaSpendingMatchGetDesignGroupSequential) {
  // rpact 3.3.4 getDesignGroupSequential: alpha spending asOF, asP, asHSD, asKD with beta
  // spending bsOF, bsP, bsHSD, bsKD, binding and not, beta 0.1 to 0.3, two to four looks;
  // and asUser, one- and two-sided, with zeros at interims (no efficacy stop there), alone,
  // with beta spending and with a binding z futility bound (tests/reference/beta_spending.R).
  // A look where the user spends no alpha has no efficacy stop (+infinity); rpact shows Inf,
  // or where its bisection stopped, a value beyond which less than its tolerance 1e-8 lies.
  // Beta-spending designs with such a look are checked against exact solutions instead
  // (BetaSpending.ALookWithoutEfficacyStopMatchesTheExactSolution): there rpact's own beta
  // spent misses beta by up to 1.6e-7.
  std::map<int, std::vector<Row>> cases;
  for (const Row& row : read_table("boundaries_beta_spending.csv")) cases[std::stoi(row.at("case"))].push_back(row);
  ASSERT_GE(cases.size(), 100u);
  const auto spends_nothing = [](const std::vector<Row>& rows, std::size_t k) {
    return rows[k].at("design") == "asUser" &&
           number(rows[k], "user_alpha") == (k == 0 ? 0.0 : number(rows[k - 1], "user_alpha"));
  };
  int compared = 0;
  double largest_critical = 0.0;
  double largest_futility = 0.0;
  double largest_beta = 0.0;
  for (const auto& [id, rows] : cases) {
    const TestPlan test = plan_of_rpact_beta_spending(rows);
    bool open_look = false;
    for (std::size_t k = 0; k < rows.size(); ++k) open_look = open_look || spends_nothing(rows, k);
    if (open_look && test.futility.scale == Futility::Scale::beta_spending) continue;
    ++compared;
    std::vector<double> fractions;
    for (const Row& row : rows) fractions.push_back(number(row, "information"));
    const BoundaryPlan plan = compute_boundaries(test, fractions);
    const std::string label = "case " + std::to_string(id) + " (" + rows.front().at("design") + ", " +
                              rows.front().at("beta_spending") + ", binding " + rows.front().at("binding") + ")";
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const double critical = number(rows[k], "critical");
      if (spends_nothing(rows, k)) {
        EXPECT_EQ(plan.efficacy_z[k], INF) << label << " look " << k + 1;
        EXPECT_LT(1.0 - normal_cdf(critical), 1e-8) << label << " look " << k + 1;
      } else if (critical == INF) {
        EXPECT_GE(plan.efficacy_z[k], RPACT_SHOWN_AS_INFINITE) << label << " look " << k + 1;
      } else {
        EXPECT_NEAR(plan.efficacy_z[k], critical, rpact_z_tolerance(critical, test.sides))
            << label << " look " << k + 1;
        largest_critical = std::max(largest_critical, std::abs(plan.efficacy_z[k] - critical));
      }
      const double futility = number(rows[k], "futility");
      if (!std::isnan(futility)) {
        EXPECT_NEAR(plan.futility_z[k], futility, RPACT_FUTILITY_TOLERANCE) << label << " look " << k + 1;
        largest_futility = std::max(largest_futility, std::abs(plan.futility_z[k] - futility));
      }
      EXPECT_NEAR(plan.alpha_spent[k], number(rows[k], "alpha_spent"), RPACT_ALPHA_TOLERANCE)
          << label << " look " << k + 1;
      const double beta_spent = number(rows[k], "beta_spent");
      if (!std::isnan(beta_spent)) {
        ASSERT_EQ(plan.beta_spent.size(), rows.size()) << label;
        EXPECT_NEAR(plan.beta_spent[k], beta_spent, RPACT_BETA_TOLERANCE) << label << " look " << k + 1;
        largest_beta = std::max(largest_beta, std::abs(plan.beta_spent[k] - beta_spent));
      }
    }
    if (test.futility.scale == Futility::Scale::beta_spending) {
      EXPECT_EQ(plan.futility_z.back(), -INF) << label;
    }
  }
  EXPECT_GE(compared, 95);
  std::cout << compared << " rpact designs; largest difference: critical value " << largest_critical
            << ", futility bound " << largest_futility << ", cumulative beta " << largest_beta << '\n';
}

TEST(BetaSpending, ALookWithoutEfficacyStopMatchesTheExactSolution) {
  // User alpha spending with nothing spent at the first look and O'Brien-Fleming-type beta
  // spending (beta 0.2), binding and not, solved in R on exact multivariate normal
  // probabilities (tests/reference/beta_spending.R). Our recursion is accurate to about
  // 1e-8 per look in probability, so 1e-7 in z; rpact's values for the same designs differ
  // by up to 7e-6 (its grid), and for the binding ones keep the final critical value of
  // the design without futility (noEarlyEfficacy), so they are not the reference here.
  std::map<int, std::vector<Row>> cases;
  for (const Row& row : read_table("boundaries_beta_spending_exact.csv")) {
    cases[std::stoi(row.at("case"))].push_back(row);
  }
  ASSERT_EQ(cases.size(), 4u);
  for (const auto& [id, rows] : cases) {
    TestPlan test;
    test.sides = 1;
    test.alpha = 0.025;
    test.boundary.family = Boundary::Family::user_spending;
    test.futility.scale = Futility::Scale::beta_spending;
    test.futility.beta = 0.2;
    test.futility.binding = rows.front().at("binding") == "1";
    std::vector<double> fractions;
    for (const Row& row : rows) {
      fractions.push_back(number(row, "information"));
      test.boundary.alpha_spent.push_back(number(row, "user_alpha"));
    }
    const BoundaryPlan plan = compute_boundaries(test, fractions);
    const std::string label = "case " + std::to_string(id);
    EXPECT_NEAR(plan.alternative_drift, number(rows.front(), "drift"), Z_TOLERANCE) << label;
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const double critical = number(rows[k], "critical");
      if (critical == INF) {
        EXPECT_EQ(plan.efficacy_z[k], INF) << label << " look " << k + 1;
      } else {
        EXPECT_NEAR(plan.efficacy_z[k], critical, Z_TOLERANCE) << label << " look " << k + 1;
      }
      if (k + 1 < rows.size()) {
        EXPECT_NEAR(plan.futility_z[k], number(rows[k], "futility"), Z_TOLERANCE) << label << " look " << k + 1;
      }
    }
    EXPECT_NEAR(plan.beta_spent.back(), 0.2, crossing_tolerance(rows.size())) << label;
  }
}

TEST(BetaSpending, PowerAtTheDriftIsOneMinusBetaAndBetaIsSpentAsPlanned) {
  // Independent of rpact: at the computed drift the design's power (crossing_probabilities)
  // is 1 - beta, and the futility stops up to look k carry beta(t_k) exactly.
  const std::vector<double> fractions{0.3, 0.6, 0.8, 1.0};
  for (const bool binding : {false, true}) {
    TestPlan test = spending_plan(1, 0.025, Boundary::Spending::hsd, -3.0);
    test.futility.scale = Futility::Scale::beta_spending;
    test.futility.beta_spending = Boundary::Spending::power;
    test.futility.beta_parameter = 2.0;
    test.futility.beta = 0.15;
    test.futility.binding = binding;
    const BoundaryPlan plan = compute_boundaries(test, fractions);
    std::vector<double> lower = plan.futility_z;
    lower.back() = plan.efficacy_z.back();
    const CrossingProbabilities crossing =
        crossing_probabilities(fractions, plan.efficacy_z, lower, plan.alternative_drift);
    double power = 0.0;
    double futility = 0.0;
    for (std::size_t k = 0; k < fractions.size(); ++k) {
      power += crossing.upper[k];
      futility += crossing.lower[k];
      EXPECT_NEAR(futility, spending_function(Boundary::Spending::power, 2.0, 0.15, fractions[k]),
                  crossing_tolerance(k + 1))
          << "binding " << binding << " look " << k + 1;
    }
    EXPECT_NEAR(power, 0.85, crossing_tolerance(fractions.size())) << "binding " << binding;
    // Binding: the level is alpha with the futility stops; non-binding: without them.
    EXPECT_NEAR(plan.alpha_spent.back(), 0.025, 1e-9) << "binding " << binding;
    if (!binding) {
      const BoundaryPlan efficacy_only =
          compute_boundaries(spending_plan(1, 0.025, Boundary::Spending::hsd, -3.0), fractions);
      EXPECT_EQ(plan.efficacy_z, efficacy_only.efficacy_z);
    }
  }
}

TEST(UserSpending, ALookThatSpendsNothingHasNoEfficacyStop) {
  // 0 spent at the interim: no efficacy stop there (+infinity), and the final look is the
  // fixed-sample test, one- and two-sided.
  for (const int sides : {1, 2}) {
    TestPlan test;
    test.sides = sides;
    test.alpha = 0.025 * sides;
    test.boundary.family = Boundary::Family::user_spending;
    test.boundary.alpha_spent = {0.0, test.alpha};
    const BoundaryPlan plan = compute_boundaries(test, std::vector<double>{0.5, 1.0});
    EXPECT_EQ(plan.efficacy_z[0], INF);
    EXPECT_EQ(plan.nominal_alpha[0], 0.0);
    EXPECT_EQ(plan.alpha_spent[0], 0.0);
    EXPECT_NEAR(plan.efficacy_z[1], normal_quantile(0.975), Z_TOLERANCE) << "sides " << sides;
  }
}

// --- Invalid input (config rejects all of these first) -------------------------------

TEST(InvalidInput, Fractions) {
  const TestPlan test = two_sided(Boundary::Family::obrien_fleming);
  const auto message = [&](std::vector<double> fractions) {
    return invalid_argument_message([&] { compute_boundaries(test, fractions); });
  };
  EXPECT_EQ(message({}), "boundaries: at least one look is needed");
  EXPECT_EQ(message({0.6, 0.6, 1.0}),
            "boundaries: information fractions must be strictly increasing in (0, 1], got 0.6 after 0.6");
  EXPECT_EQ(message({0.0, 1.0}),
            "boundaries: information fractions must be strictly increasing in (0, 1], got 0 after 0");
  EXPECT_EQ(message({0.5, 1.2}),
            "boundaries: information fractions must be strictly increasing in (0, 1], got 1.2 after 0.5");
  EXPECT_EQ(message({0.5, 0.9}), "boundaries: the last information fraction must be 1, got 0.9");
}

TEST(InvalidInput, TestPlan) {
  const std::vector<double> fractions{0.5, 1.0};
  const auto message = [&](const TestPlan& test) {
    return invalid_argument_message([&] { compute_boundaries(test, fractions); });
  };
  TestPlan test = two_sided(Boundary::Family::pocock);
  test.sides = 3;
  EXPECT_EQ(message(test), "boundaries: sides must be 1 or 2, got 3");
  test = two_sided(Boundary::Family::pocock, 0.0);
  EXPECT_EQ(message(test), "boundaries: alpha must be in (0, 1), got 0");
  test = two_sided(Boundary::Family::nominal);
  test.boundary.nominal_alpha = {0.05};
  EXPECT_EQ(message(test), "boundaries: nominal alpha needs one value per look (2), got 1");
  test.boundary.nominal_alpha = {0.01, 1.5};
  EXPECT_EQ(message(test), "boundaries: nominal alpha must be in [0, 1], got 1.5");
  test = two_sided(Boundary::Family::obrien_fleming);
  test.futility.scale = Futility::Scale::z;
  test.futility.values = {0.0, 0.5};
  EXPECT_EQ(message(test), "boundaries: the futility boundary needs one value per interim look (1), got 2");
  test.futility.values = {0.0};
  test.futility.binding = true;
  EXPECT_EQ(message(test), "boundaries: a binding futility boundary needs a one-sided test");
  test = two_sided(Boundary::Family::user_spending);
  test.boundary.alpha_spent = {0.01};
  EXPECT_EQ(message(test), "boundaries: user alpha spending needs one cumulative value per look (2), got 1");
  test.boundary.alpha_spent = {0.03, 0.02};
  EXPECT_EQ(message(test),
            "boundaries: user alpha spending must be non-decreasing in [0, alpha = 0.05], got 0.02 "
            "after 0.03");
  test.boundary.alpha_spent = {0.01, 0.04};
  EXPECT_EQ(message(test), "boundaries: user alpha spending must reach alpha = 0.05 at the last look, got 0.04");
  test = two_sided(Boundary::Family::obrien_fleming);
  test.futility.scale = Futility::Scale::beta_spending;
  EXPECT_EQ(message(test), "boundaries: beta-spending futility needs a one-sided test");
  test.sides = 1;
  test.futility.beta = 0.96;
  EXPECT_EQ(message(test), "boundaries: beta must be in (0, 1 - alpha), got 0.96");
  test.futility.beta = 0.2;
  test.futility.binding = true;
  EXPECT_EQ(message(test),
            "boundaries: binding beta-spending futility needs an alpha-spending boundary (spending "
            "or user_spending)");
}

TEST(InvalidInput, DesignsThatCannotKeepTheirLevel) {
  // Haybittle-Peto at two-sided 0.01 with interims at 2.5: each spends up to
  // 2 (1 - Phi(2.5)) = 0.0124 on its own, more than alpha before the final look.
  TestPlan test = two_sided(Boundary::Family::haybittle_peto, 0.01);
  test.boundary.interim_z = 2.5;
  const std::vector<double> fractions{0.5, 1.0};
  EXPECT_EQ(
      invalid_argument_message([&] { compute_boundaries(test, fractions); }),
      "boundaries: the Haybittle-Peto interim boundaries (z = 2.5) alone spend 0.0124193, more than alpha = 0.01");

  // A binding futility boundary at 2.5 leaves too few paths to spend the final look's alpha.
  TestPlan spending = spending_plan(1, 0.025, Boundary::Spending::obrien_fleming);
  spending.futility = {.scale = Futility::Scale::z, .values = {2.5}, .binding = true};
  const std::vector<double> two_looks{0.5, 1.0};
  const std::string spending_message = invalid_argument_message([&] { compute_boundaries(spending, two_looks); });
  EXPECT_TRUE(spending_message.starts_with("boundaries: look 2 cannot spend its alpha")) << spending_message;

  EXPECT_EQ(invalid_argument_message([] { spending_function(Boundary::Spending::power, 0.0, 0.025, 0.5); }),
            "boundaries: the power spending function needs rho > 0, got 0");
}

}  // namespace
}  // namespace trialsim
