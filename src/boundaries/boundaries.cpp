// Group-sequential critical values by recursive numerical integration of the
// canonical joint distribution of the look statistics.
//
// Sources:
//  - Jennison C, Turnbull BW (2000). Group Sequential Methods with Applications to
//    Clinical Trials. Chapman & Hall/CRC. Ch. 19: the grid, Simpson's rule and the
//    recursion for the sub-densities of Z_k; ch. 2: Pocock and O'Brien-Fleming
//    tests; ch. 7: error spending.
//  - Wichura MJ (1988). Algorithm AS 241: the percentage points of the normal
//    distribution. Applied Statistics 37:477-484.
//  - Pocock SJ (1977). Group sequential methods in the design and analysis of clinical
//    trials. Biometrika 64:191-199; O'Brien PC, Fleming TR (1979). A multiple testing
//    procedure for clinical trials. Biometrics 35:549-556.
//  - Wang SK, Tsiatis AA (1987). Approximately optimal one-parameter boundaries for
//    group sequential trials. Biometrics 43:193-199.
//  - Haybittle JL (1971). Br J Radiol 44:793-797; Peto R et al. (1976). Br J Cancer 34:585-612.
//  - Lan KKG, DeMets DL (1983). Discrete sequential boundaries for clinical trials.
//    Biometrika 70:659-663.
//  - Hwang IK, Shih WJ, DeCani JS (1990). Group sequential designs using a family of
//    type I error probability spending functions. Stat Med 9:1439-1445.
//  - Kim K, DeMets DL (1987). Design and analysis of group sequential tests based on
//    the type I error spending rate function. Biometrika 74:149-154.
//  - Dowell M, Jarratt P (1971). A modified regula falsi method for computing the root of
//    an equation. BIT 11:168-174 (the root finder).

#include "trialsim/boundaries.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace trialsim {

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
constexpr double INV_SQRT_2PI = std::numbers::inv_sqrtpi / std::numbers::sqrt2;

// Grid points per unit, r in J&T (2000, section 19.2). Simpson's error falls as r^-4:
// against exact probabilities, r = 16 misstates the continuing probability by about
// 1e-7 per look, r = 32 by 1e-8 and r = 40 by 2e-9 to 7e-9, which keeps ten looks
// within 1e-7. Each look costs O(r^2) kernel evaluations.
constexpr int GRID_POINTS_PER_UNIT = 40;
// Critical values are solved to this absolute tolerance on the z scale.
constexpr double Z_TOLERANCE = 1e-10;
// The normal tail beyond 38 is below 3e-316: no boundary needs to lie further out.
constexpr double Z_LIMIT = 38.0;
// Kernel terms exp(-u^2 / 2) with |u| beyond 12 are below 6e-32 of the mass they carry:
// skipping them changes no probability that matters and saves most of the time.
constexpr double KERNEL_CUTOFF = 12.0;
constexpr int MAX_ROOT_ITERATIONS = 300;
constexpr int MAX_BRACKET_STEPS = 64;

// For error messages: an input as the shortest text that reads back as it.
std::string shown(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

// For error messages: a computed probability to six significant digits.
std::string shown_computed(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::general, 6);
  return std::string(buffer.data(), result.ptr);
}

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument("boundaries: " + message);
}

// ---------------------------------------------------------------------------------
// Standard normal distribution

// 1/sqrt(2) as the sum of two doubles: the rounded value and what rounding left out.
constexpr double INV_SQRT2_HIGH = std::numbers::sqrt2 / 2.0;
constexpr double INV_SQRT2_LOW = -4.833646656726457e-17;

// Phi(z) = erfc(x) / 2 with x = -z / sqrt(2). Rounding x would cost a relative error of
// about 2 x^2 ulp deep in the tail (1e-13 at z = -37), so its rounding error d is computed
// exactly (fma) and applied to first order: erfc(x + d) = erfc(x) - d (2 / sqrt(pi)) exp(-x^2).
double lower_tail(double z) {
  if (std::isinf(z)) return z > 0.0 ? 1.0 : 0.0;
  const double x = -z * INV_SQRT2_HIGH;
  const double rounding = std::fma(-z, INV_SQRT2_HIGH, -x) - z * INV_SQRT2_LOW;
  return 0.5 * (std::erfc(x) - rounding * 2.0 * std::numbers::inv_sqrtpi * std::exp(-x * x));
}

double upper_tail(double z) {
  return lower_tail(-z);
}

double normal_density(double z) {
  return INV_SQRT_2PI * std::exp(-0.5 * z * z);
}

// Coefficients of Wichura (1988) AS 241 (PPND16), lowest power first; denominators start with 1.
// clang-format off
constexpr std::array<double, 8> CENTRAL_NUMERATOR{
    3.3871328727963666080e0,   1.3314166789178437745e2,   1.9715909503065514427e3,   1.3731693765509461125e4,
    4.5921953931549871457e4,   6.7265770927008700853e4,   3.3430575583588128105e4,   2.5090809287301226727e3};
constexpr std::array<double, 8> CENTRAL_DENOMINATOR{
    1.0,                       4.2313330701600911252e1,   6.8718700749205790830e2,   5.3941960214247511077e3,
    2.1213794301586595867e4,   3.9307895800092710610e4,   2.8729085735721942674e4,   5.2264952788528545610e3};
constexpr std::array<double, 8> NEAR_TAIL_NUMERATOR{
    1.42343711074968357734e0,  4.63033784615654529590e0,  5.76949722146069140550e0,  3.64784832476320460504e0,
    1.27045825245236838258e0,  2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4};
constexpr std::array<double, 8> NEAR_TAIL_DENOMINATOR{
    1.0,                       2.05319162663775882187e0,  1.67638483018380384940e0,  6.89767334985100004550e-1,
    1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9};
constexpr std::array<double, 8> FAR_TAIL_NUMERATOR{
    6.65790464350110377720e0,  5.46378491116411436990e0,  1.78482653991729133580e0,  2.96560571828504891230e-1,
    2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7};
constexpr std::array<double, 8> FAR_TAIL_DENOMINATOR{
    1.0,                       5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
    7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15};
// clang-format on

double polynomial(const std::array<double, 8>& coefficients, double x) {
  double sum = 0.0;
  for (auto it = coefficients.rbegin(); it != coefficients.rend(); ++it) sum = sum * x + *it;
  return sum;
}

// AS 241 for 0 < p <= 0.5: rational approximations in three regions, relative error about 1e-16.
double wichura_lower_quantile(double p) {
  const double q = p - 0.5;
  if (q >= -0.425) {
    const double r = 0.180625 - q * q;
    return q * polynomial(CENTRAL_NUMERATOR, r) / polynomial(CENTRAL_DENOMINATOR, r);
  }
  const double r = std::sqrt(-std::log(p));
  if (r <= 5.0) return -polynomial(NEAR_TAIL_NUMERATOR, r - 1.6) / polynomial(NEAR_TAIL_DENOMINATOR, r - 1.6);
  return -polynomial(FAR_TAIL_NUMERATOR, r - 5.0) / polynomial(FAR_TAIL_DENOMINATOR, r - 5.0);
}

// ---------------------------------------------------------------------------------
// Recursive numerical integration, Jennison & Turnbull (2000) ch. 19.
//
// On the score scale S_k = Z_k sqrt(t_k) the increments S_k - S_{k-1} are independent
// N(drift (t_k - t_{k-1}), t_k - t_{k-1}), so given Z_{k-1} = z the next statistic Z_k
// is normal with mean z sqrt(t_{k-1} / t_k) + drift (t_k - t_{k-1}) / sqrt(t_k) and
// variance (t_k - t_{k-1}) / t_k. The sub-density of Z_k on the paths that continued
// at every earlier look is carried from look to look on a grid.

// Sub-density of Z_k on the paths that continued past looks 1..k, as quadrature nodes
// and masses (Simpson weight times sub-density), so that E[g(Z_k); continued] is
// sum_i mass_i g(z_i). Before the first look all mass sits at Z_0 = 0 with t_0 = 0,
// which makes the first look an ordinary step of the recursion.
// Law of Z_k given Z_{k-1} = z: mean z * scale + shift, standard deviation sd.
struct Transition {
  double scale = 0.0;
  double shift = 0.0;
  double sd = 1.0;
};

Transition transition_between(double from, double to, double drift) {
  const double increment = to - from;
  return {std::sqrt(from / to), drift * increment / std::sqrt(to), std::sqrt(increment / to)};
}

// P(continued to the next look, Z >= bound) under `step`.
double probability_at_or_above(const ContinuationDensity& density, const Transition& step, double bound) {
  if (bound == INF) return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < density.z.size(); ++i) {
    const double mean = density.z[i] * step.scale + step.shift;
    sum += density.mass[i] * upper_tail((bound - mean) / step.sd);
  }
  return sum;
}

// P(continued to the next look, Z <= bound) under `step`.
double probability_at_or_below(const ContinuationDensity& density, const Transition& step, double bound) {
  if (bound == -INF) return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < density.z.size(); ++i) {
    const double mean = density.z[i] * step.scale + step.shift;
    sum += density.mass[i] * upper_tail((mean - bound) / step.sd);
  }
  return sum;
}

// Point i (1 <= i <= 6r - 1) of J&T's grid around `mean`: evenly spaced (1.5 / r)
// within 3 of the mean, logarithmically spaced beyond, out to mean +- (3 + 4 ln r).
double jennison_turnbull_point(double mean, int i, int r) {
  if (i < r) return mean - 3.0 - 4.0 * std::log(static_cast<double>(r) / i);
  if (i <= 5 * r) return mean - 3.0 + 3.0 * (i - r) / (2.0 * r);
  return mean + 3.0 + 4.0 * std::log(static_cast<double>(r) / (6 * r - i));
}

// J&T's grid cut to the continuation region (lower, upper), with the region's ends
// as nodes and the midpoint of every interval added, ready for Simpson's rule, into
// `grid` (`ends` is scratch). Empty when the region is empty. Within the capacity that
// SpendingScratch reserves, nothing is allocated.
void continuation_grid(double mean, double lower, double upper, std::vector<double>& ends, std::vector<double>& grid) {
  const int r = GRID_POINTS_PER_UNIT;
  ends.clear();
  grid.clear();
  const double from = std::max(lower, jennison_turnbull_point(mean, 1, r));
  const double to = std::min(upper, jennison_turnbull_point(mean, 6 * r - 1, r));
  if (!(from < to)) return;
  ends.push_back(from);
  for (int i = 1; i < 6 * r; ++i) {
    const double point = jennison_turnbull_point(mean, i, r);
    if (point > from && point < to) ends.push_back(point);
  }
  ends.push_back(to);
  for (std::size_t j = 0; j < ends.size(); ++j) {
    grid.push_back(ends[j]);
    if (j + 1 < ends.size()) grid.push_back(0.5 * (ends[j] + ends[j + 1]));
  }
}

// Composite Simpson weight of node i on a grid of (end, midpoint, end, ...) nodes.
double simpson_weight(const std::vector<double>& grid, std::size_t i) {
  if (i % 2 == 1) return 4.0 * (grid[i + 1] - grid[i - 1]) / 6.0;
  double weight = 0.0;
  if (i >= 2) weight += (grid[i] - grid[i - 2]) / 6.0;
  if (i + 2 < grid.size()) weight += (grid[i + 2] - grid[i]) / 6.0;
  return weight;
}

// The sub-density at the next look, restricted to its continuation region (lower, upper):
// f_k(y) = sum_i mass_i phi((y - mean_i) / sd) / sd  (J&T 2000, section 19.2), into `next`.
void advance(const ContinuationDensity& previous, double information, double drift, double lower, double upper,
             ContinuationDensity& next, SpendingScratch& scratch) {
  const Transition step = transition_between(previous.information, information, drift);
  next.information = information;
  continuation_grid(drift * std::sqrt(information), lower, upper, scratch.ends, next.z);
  std::vector<double>& means = scratch.means;
  means.clear();
  for (const double z : previous.z) means.push_back(z * step.scale + step.shift);
  next.mass.clear();
  // Grids are increasing and scale >= 0, so the means are too: the kernels within
  // KERNEL_CUTOFF standard deviations of y form a window that slides along with y.
  const double reach = KERNEL_CUTOFF * step.sd;
  std::size_t first = 0;
  std::size_t end = 0;
  for (std::size_t i = 0; i < next.z.size(); ++i) {
    const double y = next.z[i];
    while (first < means.size() && means[first] < y - reach) ++first;
    end = std::max(end, first);
    while (end < means.size() && means[end] <= y + reach) ++end;
    double density = 0.0;
    for (std::size_t j = first; j < end; ++j) {
      const double u = (y - means[j]) / step.sd;
      density += previous.mass[j] * std::exp(-0.5 * u * u);
    }
    next.mass.push_back(simpson_weight(next.z, i) * density * INV_SQRT_2PI / step.sd);
  }
}

// The same, returning the new density (planning code, where allocating does not matter).
ContinuationDensity advance(const ContinuationDensity& previous, double information, double drift, double lower,
                            double upper) {
  SpendingScratch scratch;
  ContinuationDensity next;
  advance(previous, information, drift, lower, upper, next, scratch);
  return next;
}

// P_H0(continued to the look at `information`, reject at it): Z >= efficacy, and for a
// two-sided test also Z <= -efficacy.
double rejection_probability(const ContinuationDensity& density, double information, double efficacy, int sides) {
  const Transition step = transition_between(density.information, information, 0.0);
  double probability = probability_at_or_above(density, step, efficacy);
  if (sides == 2) probability += probability_at_or_below(density, step, -efficacy);
  return probability;
}

// Lower end of the continuation region of one look: the mirrored efficacy boundary
// of a two-sided test, else the binding futility boundary (-infinity when none).
// Where futility would lie above efficacy, efficacy takes precedence.
double continuation_lower(double efficacy, int sides, double binding_futility) {
  return sides == 2 ? -efficacy : std::min(binding_futility, efficacy);
}

// ---------------------------------------------------------------------------------
// Root finding

// A root of f lies in [lower, upper]: f_lower and f_upper, the values at the ends, differ in sign.
struct Bracket {
  double lower = 0.0;
  double f_lower = 0.0;
  double upper = 0.0;
  double f_upper = 0.0;
};

// False position with the Illinois modification (Dowell & Jarratt 1971, BIT 11:168-174),
// to Z_TOLERANCE in the argument. Each new point keeps Z_TOLERANCE / 2 from the ends,
// so once the estimate is that close to the root the next point lands beyond it and
// closes the bracket; every fourth step bisects if the bracket has not halved since
// the last such check, so convergence is never much slower than bisection.
template <typename Function>
double bracketed_root(Function&& f, Bracket bracket) {
  auto& [lower, f_lower, upper, f_upper] = bracket;
  if (f_lower == 0.0) return lower;
  if (f_upper == 0.0) return upper;
  enum class Moved { none, lower, upper };
  Moved last_moved = Moved::none;
  double width_at_check = upper - lower;
  for (int iteration = 1; upper - lower > Z_TOLERANCE && iteration <= MAX_ROOT_ITERATIONS; ++iteration) {
    double x = (lower * f_upper - upper * f_lower) / (f_upper - f_lower);
    if (std::isnan(x)) x = 0.5 * (lower + upper);
    x = std::clamp(x, lower + 0.5 * Z_TOLERANCE, upper - 0.5 * Z_TOLERANCE);
    if (iteration % 4 == 0) {
      if (upper - lower > 0.5 * width_at_check) x = 0.5 * (lower + upper);
      width_at_check = upper - lower;
    }
    const double f_x = f(x);
    if (f_x == 0.0) return x;
    if ((f_x > 0.0) == (f_lower > 0.0)) {
      lower = x;
      f_lower = f_x;
      if (last_moved == Moved::lower) f_upper *= 0.5;  // the upper end is stuck: pull the next point toward it
      last_moved = Moved::lower;
    } else {
      upper = x;
      f_upper = f_x;
      if (last_moved == Moved::upper) f_lower *= 0.5;
      last_moved = Moved::upper;
    }
  }
  return 0.5 * (lower + upper);
}

// ---------------------------------------------------------------------------------
// Input checks: config has already rejected all of these; they guard other callers.

void check_fractions(std::span<const double> fractions) {
  if (fractions.empty()) fail("at least one look is needed");
  double previous = 0.0;
  for (const double fraction : fractions) {
    if (!(fraction > previous && fraction <= 1.0)) {
      fail("information fractions must be strictly increasing in (0, 1], got " + shown(fraction) + " after " +
           shown(previous));
    }
    previous = fraction;
  }
  if (fractions.back() != 1.0) fail("the last information fraction must be 1, got " + shown(fractions.back()));
}

void check_user_spending(const TestPlan& test, std::size_t looks) {
  const std::vector<double>& spent = test.boundary.alpha_spent;
  if (spent.size() != looks) {
    fail("user alpha spending needs one cumulative value per look (" + std::to_string(looks) + "), got " +
         std::to_string(spent.size()));
  }
  double previous = 0.0;
  for (const double value : spent) {
    if (!(value >= previous && value <= test.alpha)) {
      fail("user alpha spending must be non-decreasing in [0, alpha = " + shown(test.alpha) + "], got " + shown(value) +
           " after " + shown(previous));
    }
    previous = value;
  }
  if (spent.back() != test.alpha) {
    fail("user alpha spending must reach alpha = " + shown(test.alpha) + " at the last look, got " +
         shown(spent.back()));
  }
}

void check_beta_spending(const TestPlan& test, std::size_t looks) {
  const Futility& futility = test.futility;
  if (looks < 2) fail("beta spending needs at least one interim look");
  if (test.sides != 1) fail("beta-spending futility needs a one-sided test");
  if (!(futility.beta > 0.0 && futility.beta < 1.0 - test.alpha)) {
    fail("beta must be in (0, 1 - alpha), got " + shown(futility.beta));
  }
  const Boundary::Family family = test.boundary.family;
  if (futility.binding && family != Boundary::Family::spending && family != Boundary::Family::user_spending) {
    fail("binding beta-spending futility needs an alpha-spending boundary (spending or user_spending)");
  }
}

void check_test(const TestPlan& test, std::size_t looks) {
  if (test.sides != 1 && test.sides != 2) fail("sides must be 1 or 2, got " + std::to_string(test.sides));
  if (!(test.alpha > 0.0 && test.alpha < 1.0)) fail("alpha must be in (0, 1), got " + shown(test.alpha));
  const Boundary& boundary = test.boundary;
  if (boundary.family == Boundary::Family::nominal) {
    if (boundary.nominal_alpha.size() != looks) {
      fail("nominal alpha needs one value per look (" + std::to_string(looks) + "), got " +
           std::to_string(boundary.nominal_alpha.size()));
    }
    for (const double alpha : boundary.nominal_alpha) {
      if (!(alpha >= 0.0 && alpha <= 1.0)) fail("nominal alpha must be in [0, 1], got " + shown(alpha));
    }
  }
  if (boundary.family == Boundary::Family::haybittle_peto && !(boundary.interim_z > 0.0)) {
    fail("the Haybittle-Peto interim z must be positive, got " + shown(boundary.interim_z));
  }
  const Futility& futility = test.futility;
  if (futility.scale == Futility::Scale::z && futility.values.size() + 1 != looks) {
    fail("the futility boundary needs one value per interim look (" + std::to_string(looks - 1) + "), got " +
         std::to_string(futility.values.size()));
  }
  if (futility.scale != Futility::Scale::none && futility.binding && test.sides != 1) {
    fail("a binding futility boundary needs a one-sided test");
  }
  if (boundary.family == Boundary::Family::user_spending) check_user_spending(test, looks);
  if (futility.scale == Futility::Scale::beta_spending) check_beta_spending(test, looks);
}

// ---------------------------------------------------------------------------------
// Boundary families

// Stop for futility when z < futility_z[k]; only z-scale boundaries are known here
// (hazard-ratio futility depends on the observed events and is applied by the trial).
std::vector<double> futility_boundary(const Futility& futility, std::size_t looks) {
  std::vector<double> futility_z(looks, -INF);
  if (futility.scale == Futility::Scale::z)
    std::copy(futility.values.begin(), futility.values.end(), futility_z.begin());
  return futility_z;
}

// The futility boundary the type I error is computed with: only a binding one.
std::vector<double> binding_futility(const TestPlan& test, const std::vector<double>& futility_z) {
  if (test.futility.binding) return futility_z;
  return std::vector<double>(futility_z.size(), -INF);
}

// Cumulative P_H0(reject by look k), both tails when two-sided.
std::vector<double> cumulative_alpha(std::span<const double> fractions, const std::vector<double>& efficacy, int sides,
                                     const std::vector<double>& futility) {
  std::vector<double> lower(efficacy.size());
  for (std::size_t k = 0; k < efficacy.size(); ++k) lower[k] = continuation_lower(efficacy[k], sides, futility[k]);
  const CrossingProbabilities crossing = crossing_probabilities(fractions, efficacy, lower, 0.0);
  std::vector<double> cumulative(efficacy.size());
  double sum = 0.0;
  for (std::size_t k = 0; k < efficacy.size(); ++k) {
    sum += crossing.upper[k] + (sides == 2 ? crossing.lower[k] : 0.0);
    cumulative[k] = sum;
  }
  return cumulative;
}

// Explicit nominal p-value thresholds: z = Phi^-1(1 - a / sides).
std::vector<double> nominal_boundary(const TestPlan& test) {
  std::vector<double> efficacy;
  for (const double alpha : test.boundary.nominal_alpha) efficacy.push_back(-normal_quantile(alpha / test.sides));
  return efficacy;
}

// Wang & Tsiatis (1987): c_k = C t_k^(Delta - 1/2), with the one constant C that gives
// level alpha exactly. Delta = 0 is O'Brien & Fleming (1979), Delta = 1/2 Pocock (1977).
std::vector<double> wang_tsiatis_boundary(const TestPlan& test, std::span<const double> fractions, double delta,
                                          const std::vector<double>& futility) {
  const auto boundary_for = [&](double constant) {
    std::vector<double> efficacy;
    for (const double t : fractions) efficacy.push_back(constant * std::pow(t, delta - 0.5));
    return efficacy;
  };
  const auto excess = [&](double constant) {
    return cumulative_alpha(fractions, boundary_for(constant), test.sides, futility).back() - test.alpha;
  };
  // At C = z_{1 - alpha/sides} the last look (t = 1) alone has level alpha, so the excess is
  // at least zero unless a binding futility boundary removes paths: then step down.
  Bracket bracket;
  bracket.lower = -normal_quantile(test.alpha / test.sides);
  for (int step = 0; (bracket.f_lower = excess(bracket.lower)) < 0.0; ++step) {
    if (step == MAX_BRACKET_STEPS) fail("cannot bracket the Wang-Tsiatis constant");
    bracket.lower -= 1.0;
  }
  // Bonferroni: with every c_k >= z_{1 - alpha/(sides K)} the level is at most alpha.
  // The smallest t_k^(Delta - 1/2) is at t_1 when Delta > 1/2, else at t_K = 1.
  const double smallest_factor = std::min(1.0, std::pow(fractions.front(), delta - 0.5));
  const double looks = static_cast<double>(fractions.size());
  bracket.upper = -normal_quantile(test.alpha / (test.sides * looks)) / smallest_factor;
  for (int step = 0; (bracket.f_upper = excess(bracket.upper)) > 0.0; ++step) {
    if (step == MAX_BRACKET_STEPS) fail("cannot bracket the Wang-Tsiatis constant");
    bracket.upper *= 2.0;
  }
  return boundary_for(bracketed_root(excess, bracket));
}

// The critical value at the next look that spends `target` (two tails together when
// two-sided) given the continuation density so far; +infinity when there is nothing to spend.
// With `floor_when_short`, a target that the continuing paths cannot carry gives the
// lowest critical value instead of an error (the beta-spending search passes through such
// designs on its way to the solution).
double critical_value_spending(const ContinuationDensity& density, double information, double target, int sides,
                               std::size_t look, bool floor_when_short = false) {
  if (!(target > 0.0)) return INF;
  const auto excess = [&](double c) { return rejection_probability(density, information, c, sides) - target; };
  // Without conditioning, P(Z >= c) spends target / sides per tail at this c; continuing
  // paths are fewer, so it is an upper end of the bracket (up to quadrature error).
  Bracket bracket;
  bracket.upper = std::min(-normal_quantile(target / sides), Z_LIMIT);
  while ((bracket.f_upper = excess(bracket.upper)) > 0.0) {
    if (bracket.upper == Z_LIMIT) return INF;  // a target below what double precision resolves
    bracket.upper = std::min(bracket.upper + 0.5, Z_LIMIT);
  }
  const double floor = sides == 2 ? 0.0 : -Z_LIMIT;
  bracket.lower = std::max(bracket.upper - 1.0, floor);
  for (double step = 1.0; (bracket.f_lower = excess(bracket.lower)) < 0.0; step *= 2.0) {
    if (bracket.lower == floor) {
      if (floor_when_short) return floor;
      fail("look " + std::to_string(look + 1) + " cannot spend its alpha (" + shown_computed(target) + "): only " +
           shown_computed(bracket.f_lower + target) +
           " of the null probability continues to it past the binding futility boundary");
    }
    bracket.lower = std::max(bracket.lower - step, floor);
  }
  return bracketed_root(excess, bracket);
}

// Cumulative type I error to spend by each look (sides-sided, both tails together):
// Lan & DeMets (1983) with the one-sided function of alpha / 2 in each tail of a
// two-sided test (as gsDesign and rpact do), or the user's values (rpact's asUser).
// The last look spends all of alpha.
std::vector<double> alpha_spending_targets(const TestPlan& test, std::span<const double> fractions) {
  const Boundary& boundary = test.boundary;
  if (boundary.family == Boundary::Family::user_spending) return boundary.alpha_spent;
  std::vector<double> targets;
  for (const double t : fractions) {
    targets.push_back(test.sides *
                      spending_function(boundary.spending, boundary.parameter, test.alpha / test.sides, t));
  }
  targets.back() = test.alpha;
  return targets;
}

// Look k spends targets[k] - targets[k-1]; a look that spends nothing has critical value
// +infinity (no efficacy stop there).
std::vector<double> spending_boundary(const TestPlan& test, std::span<const double> fractions,
                                      const std::vector<double>& futility) {
  const std::vector<double> targets = alpha_spending_targets(test, fractions);
  std::vector<double> efficacy(fractions.size());
  ContinuationDensity density;
  double spent_before = 0.0;
  for (std::size_t k = 0; k < fractions.size(); ++k) {
    efficacy[k] = critical_value_spending(density, fractions[k], targets[k] - spent_before, test.sides, k);
    spent_before = targets[k];
    if (k + 1 < fractions.size()) {
      density =
          advance(density, fractions[k], 0.0, continuation_lower(efficacy[k], test.sides, futility[k]), efficacy[k]);
    }
  }
  return efficacy;
}

// Haybittle (1971), Peto et al. (1976): a fixed z at every interim, the final critical
// value solved so that the overall level is exactly alpha.
std::vector<double> haybittle_peto_boundary(const TestPlan& test, std::span<const double> fractions,
                                            const std::vector<double>& futility) {
  const double interim_z = test.boundary.interim_z;
  std::vector<double> efficacy(fractions.size(), interim_z);
  ContinuationDensity density;
  double spent = 0.0;
  for (std::size_t k = 0; k + 1 < fractions.size(); ++k) {
    spent += rejection_probability(density, fractions[k], interim_z, test.sides);
    density = advance(density, fractions[k], 0.0, continuation_lower(interim_z, test.sides, futility[k]), interim_z);
  }
  if (!(spent < test.alpha)) {
    fail("the Haybittle-Peto interim boundaries (z = " + shown(interim_z) + ") alone spend " + shown_computed(spent) +
         ", more than alpha = " + shown(test.alpha));
  }
  const std::size_t last = fractions.size() - 1;
  efficacy[last] = critical_value_spending(density, fractions[last], test.alpha - spent, test.sides, last);
  return efficacy;
}

std::vector<double> efficacy_boundary(const TestPlan& test, std::span<const double> fractions,
                                      const std::vector<double>& futility) {
  switch (test.boundary.family) {
    case Boundary::Family::nominal: return nominal_boundary(test);
    case Boundary::Family::haybittle_peto: return haybittle_peto_boundary(test, fractions, futility);
    case Boundary::Family::obrien_fleming: return wang_tsiatis_boundary(test, fractions, 0.0, futility);
    case Boundary::Family::pocock: return wang_tsiatis_boundary(test, fractions, 0.5, futility);
    case Boundary::Family::wang_tsiatis:
      return wang_tsiatis_boundary(test, fractions, test.boundary.parameter, futility);
    case Boundary::Family::spending:
    case Boundary::Family::user_spending: return spending_boundary(test, fractions, futility);
  }
  fail("unknown boundary family");
}

// ---------------------------------------------------------------------------------
// Beta-spending futility: rpact 3.3.4 getDesignGroupSequential(typeBetaSpending =,
// sided = 1), reimplemented from its documentation and algorithm; Pampallona S, Tsiatis AA,
// Kim K (2001), Interim monitoring of group sequential trials using spending functions for
// the type I and type II error probabilities, Drug Inf J 35:1113-1121.
//
// Under the alternative drift theta (E[Z_k] = theta sqrt(t_k)) the futility bound u_k of
// look k is the value with P_theta(continue to k, Z_k <= u_k) = beta(t_k) - beta(t_{k-1}),
// beta(t) the spending function applied to beta. theta is the drift at which the last
// look's u_K equals its critical value c_K, so that the power at theta is exactly 1 - beta.
// Non-binding: the efficacy bounds are the boundary family's alone. Binding: look k's
// critical value spends its alpha on the paths that continued past the earlier futility
// bounds, so for each theta both are solved look by look.

// The bound that spends `target` below it at the next look under `density`'s drift:
// -infinity when there is nothing to spend, Z_LIMIT (above any efficacy bound) when the
// continuing paths carry less than `target`.
double futility_bound_spending(const ContinuationDensity& density, double information, double drift, double target) {
  if (!(target > 0.0)) return -INF;
  const Transition step = transition_between(density.information, information, drift);
  const auto excess = [&](double u) { return probability_at_or_below(density, step, u) - target; };
  // Without conditioning P(Z <= u) = target at this u; continuing paths are fewer, so the
  // bound is at or above it (up to quadrature error: then step down).
  Bracket bracket;
  bracket.lower = std::max(normal_quantile(target) + drift * std::sqrt(information), -Z_LIMIT);
  for (double step_size = 0.5; (bracket.f_lower = excess(bracket.lower)) > 0.0; step_size *= 2.0) {
    if (bracket.lower == -Z_LIMIT) return -Z_LIMIT;
    bracket.lower = std::max(bracket.lower - step_size, -Z_LIMIT);
  }
  bracket.upper = std::min(bracket.lower + 0.5, Z_LIMIT);
  for (double step_size = 0.5; (bracket.f_upper = excess(bracket.upper)) < 0.0; step_size *= 2.0) {
    if (bracket.upper == Z_LIMIT) return Z_LIMIT;
    bracket.upper = std::min(bracket.upper + step_size, Z_LIMIT);
  }
  return bracketed_root(excess, bracket);
}

struct SequentialBounds {
  std::vector<double> efficacy;
  std::vector<double> futility;  // every look, the last included (where it should meet efficacy)
};

// The bounds at drift `theta`: efficacy as given (non-binding), or solved look by look
// from the alpha-spending targets with the futility bounds found so far (binding).
SequentialBounds beta_spending_bounds_at(const TestPlan& test, std::span<const double> fractions,
                                         const std::vector<double>& alpha_targets,
                                         const std::vector<double>& beta_targets,
                                         const std::vector<double>& non_binding_efficacy, double theta) {
  const bool binding = test.futility.binding;
  const std::size_t looks = fractions.size();
  SequentialBounds bounds{non_binding_efficacy, std::vector<double>(looks)};
  ContinuationDensity under_null;
  ContinuationDensity under_alternative;
  double alpha_before = 0.0;
  double beta_before = 0.0;
  for (std::size_t k = 0; k < looks; ++k) {
    const double t = fractions[k];
    if (binding) {
      bounds.efficacy[k] = critical_value_spending(under_null, t, alpha_targets[k] - alpha_before, 1, k, true);
    }
    bounds.futility[k] = futility_bound_spending(under_alternative, t, theta, beta_targets[k] - beta_before);
    if (binding) alpha_before = alpha_targets[k];
    beta_before = beta_targets[k];
    if (k + 1 == looks) break;
    const double lower = std::min(bounds.futility[k], bounds.efficacy[k]);
    under_alternative = advance(under_alternative, t, theta, lower, bounds.efficacy[k]);
    if (binding) under_null = advance(under_null, t, 0.0, lower, bounds.efficacy[k]);
  }
  return bounds;
}

// Efficacy and futility bounds, the drift theta and the cumulative beta spent of a
// beta-spending design, written into `plan`.
void apply_beta_spending(const TestPlan& test, std::span<const double> fractions, BoundaryPlan& plan) {
  const Futility& futility = test.futility;
  const std::size_t looks = fractions.size();
  std::vector<double> beta_targets;
  for (const double t : fractions) {
    beta_targets.push_back(spending_function(futility.beta_spending, futility.beta_parameter, futility.beta, t));
  }
  const std::vector<double> efficacy = futility.binding
                                           ? std::vector<double>(looks, INF)
                                           : efficacy_boundary(test, fractions, std::vector<double>(looks, -INF));
  const std::vector<double> alpha_targets =
      futility.binding ? alpha_spending_targets(test, fractions) : std::vector<double>{};
  const auto bounds_at = [&](double theta) {
    return beta_spending_bounds_at(test, fractions, alpha_targets, beta_targets, efficacy, theta);
  };
  // u_K - c_K rises with theta: a larger drift moves every futility bound up, and (binding)
  // higher futility bounds leave fewer null paths, which lowers c_K.
  const auto gap = [&](double theta) {
    const SequentialBounds bounds = bounds_at(theta);
    return bounds.futility.back() - bounds.efficacy.back();
  };
  // At theta = 0 the futility bounds spend beta < 1 - alpha under the null: below efficacy.
  Bracket bracket;
  for (int step = 0; (bracket.f_lower = gap(bracket.lower)) > 0.0; ++step) {
    if (step == MAX_BRACKET_STEPS) fail("cannot bracket the drift of the beta-spending design");
    bracket.lower -= 1.0;
  }
  // From the fixed-sample drift z_{1-alpha} + z_{1-beta}; a group-sequential design needs more.
  bracket.upper = std::max(bracket.lower, -normal_quantile(test.alpha) - normal_quantile(futility.beta)) + 0.5;
  for (int step = 0; (bracket.f_upper = gap(bracket.upper)) < 0.0; ++step) {
    if (step == MAX_BRACKET_STEPS) fail("cannot bracket the drift of the beta-spending design");
    bracket.upper += 1.0;
  }
  const double theta = bracketed_root(gap, bracket);
  SequentialBounds bounds = bounds_at(theta);
  plan.alternative_drift = theta;
  plan.efficacy_z = bounds.efficacy;
  // At the last look the futility bound is the critical value: no separate stop there.
  std::vector<double> lower = bounds.futility;
  lower.back() = bounds.efficacy.back();
  const CrossingProbabilities crossing = crossing_probabilities(fractions, bounds.efficacy, lower, theta);
  double spent = 0.0;
  for (const double p : crossing.lower) plan.beta_spent.push_back(spent += p);
  bounds.futility.back() = -INF;
  plan.futility_z = std::move(bounds.futility);
}

}  // namespace

// ---------------------------------------------------------------------------------
// Public functions

double normal_cdf(double z) {
  return lower_tail(z);
}

// Wichura (1988) AS 241, then one Newton step on Phi(x) = p, which removes what is left
// of the approximation error. The upper half uses the symmetry, with 1 - p exact there.
double normal_quantile(double p) {
  if (std::isnan(p) || p < 0.0 || p > 1.0) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.0) return -INF;
  if (p == 1.0) return INF;
  if (p > 0.5) return -normal_quantile(1.0 - p);
  double x = wichura_lower_quantile(p);
  const double density = normal_density(x);
  if (p >= std::numeric_limits<double>::min() && density > 0.0) x -= (normal_cdf(x) - p) / density;
  return x;
}

CrossingProbabilities crossing_probabilities(std::span<const double> information_fractions,
                                             std::span<const double> upper, std::span<const double> lower,
                                             double drift) {
  const std::size_t looks = information_fractions.size();
  if (upper.size() != looks || lower.size() != looks) {
    fail("need one upper and one lower bound per look (" + std::to_string(looks) + "), got " +
         std::to_string(upper.size()) + " and " + std::to_string(lower.size()));
  }
  double previous = 0.0;
  for (const double information : information_fractions) {
    if (!(information > previous) || std::isinf(information)) {
      fail("information must be positive, finite and strictly increasing, got " + shown(information) + " after " +
           shown(previous));
    }
    previous = information;
  }
  CrossingProbabilities result;
  result.upper.resize(looks);
  result.lower.resize(looks);
  ContinuationDensity density;
  for (std::size_t k = 0; k < looks; ++k) {
    const double t = information_fractions[k];
    const double futility = std::min(lower[k], upper[k]);  // efficacy takes precedence where they cross
    const Transition step = transition_between(density.information, t, drift);
    result.upper[k] = probability_at_or_above(density, step, upper[k]);
    result.lower[k] = probability_at_or_below(density, step, futility);
    if (k + 1 < looks) density = advance(density, t, drift, futility, upper[k]);
  }
  return result;
}

// Lan & DeMets (1983) O'Brien-Fleming and Pocock types, Hwang, Shih & DeCani (1990),
// Kim & DeMets (1987) power family; all reach alpha at t = 1 and are 0 at t = 0.
double spending_function(Boundary::Spending function, double parameter, double alpha, double t) {
  if (t >= 1.0) return alpha;
  if (!(t > 0.0)) return 0.0;
  switch (function) {
    case Boundary::Spending::obrien_fleming: return 2.0 * upper_tail(-normal_quantile(alpha / 2.0) / std::sqrt(t));
    case Boundary::Spending::pocock: return alpha * std::log1p((std::numbers::e - 1.0) * t);
    case Boundary::Spending::hsd: {
      // alpha (1 - e^(-gamma t)) / (1 - e^(-gamma)); for gamma < 0 numerator and denominator
      // are divided by e^|gamma| first, so that no exponential overflows.
      if (parameter == 0.0) return alpha * t;
      if (parameter > 0.0) return alpha * std::expm1(-parameter * t) / std::expm1(-parameter);
      const double magnitude = -parameter;
      return alpha * std::exp(magnitude * (t - 1.0)) * std::expm1(-magnitude * t) / std::expm1(-magnitude);
    }
    case Boundary::Spending::power:
      if (!(parameter > 0.0)) fail("the power spending function needs rho > 0, got " + shown(parameter));
      return alpha * std::pow(t, parameter);
  }
  fail("unknown spending function");
}

// Lan & DeMets (1983); Kim & DeMets (1987) for spending at the information a trial
// actually has (J&T 2000, section 7.2): the spending time sets how much a look spends,
// the information how its statistic correlates with the earlier ones.
SpendingScratch::SpendingScratch() {
  // The widest grid: 6r - 1 inner points plus both ends, and a midpoint between each pair.
  constexpr std::size_t widest = 2 * (6 * GRID_POINTS_PER_UNIT + 1) + 1;
  for (ContinuationDensity* density : {&current, &next}) {
    density->z.reserve(widest);
    density->mass.reserve(widest);
  }
  means.reserve(widest);
  ends.reserve(widest);
}

void spending_critical_values(const TestPlan& test, std::span<const double> spending_times,
                              std::span<const double> information, std::span<const double> binding_futility,
                              std::span<double> efficacy, SpendingScratch& scratch) {
  const Boundary& boundary = test.boundary;
  const double tail_alpha = test.alpha / test.sides;
  ContinuationDensity& density = scratch.current;
  density.information = 0.0;
  density.z.assign(1, 0.0);
  density.mass.assign(1, 1.0);
  double spent_before = 0.0;
  const std::size_t looks = spending_times.size();
  for (std::size_t k = 0; k < looks; ++k) {
    // A spending time of 1 or more spends all that is left (the final look always does).
    const double spent =
        k + 1 == looks && spending_times[k] >= 1.0
            ? test.alpha
            : test.sides * spending_function(boundary.spending, boundary.parameter, tail_alpha, spending_times[k]);
    efficacy[k] = critical_value_spending(density, information[k], spent - spent_before, test.sides, k);
    spent_before = std::max(spent, spent_before);
    if (k + 1 < looks) {
      advance(density, information[k], 0.0, continuation_lower(efficacy[k], test.sides, binding_futility[k]),
              efficacy[k], scratch.next, scratch);
      std::swap(scratch.current, scratch.next);
    }
  }
}

BoundaryPlan compute_boundaries(const TestPlan& test, std::span<const double> information_fractions) {
  check_fractions(information_fractions);
  const std::size_t looks = information_fractions.size();
  check_test(test, looks);
  BoundaryPlan plan;
  plan.sides = test.sides;
  plan.information_fractions.assign(information_fractions.begin(), information_fractions.end());
  if (test.futility.scale == Futility::Scale::beta_spending) {
    apply_beta_spending(test, information_fractions, plan);
  } else {
    plan.futility_z = futility_boundary(test.futility, looks);
    plan.efficacy_z = efficacy_boundary(test, information_fractions, binding_futility(test, plan.futility_z));
  }
  const std::vector<double> futility = binding_futility(test, plan.futility_z);
  for (const double z : plan.efficacy_z) plan.nominal_alpha.push_back(test.sides * upper_tail(z));
  plan.alpha_spent = cumulative_alpha(information_fractions, plan.efficacy_z, test.sides, futility);
  return plan;
}

}  // namespace trialsim
