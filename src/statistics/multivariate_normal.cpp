// Multivariate normal orthant probabilities P(X <= b), X ~ N(0, R), of dimension 1 to 4,
// for the MaxCombo test's p-value (multivariate_normal.hpp).
//
// Sources of the methods (the code is written from the formulas, not copied):
//  - Bivariate: Drezner Z, Wesolowsky GO (1990). On the computation of the bivariate normal
//    integral. J Statist Comput Simul 35:101-107; with the refinements of Genz A (2004).
//    Numerical computation of rectangular bivariate and trivariate normal and t
//    probabilities. Statistics and Computing 14:251-260, section 2.2: for |rho| < 0.925
//    Sheppard's integral over asin(rho) by 6, 12 or 20 point Gauss-Legendre quadrature; for
//    |rho| >= 0.925 the integral from rho to 1 in a = sqrt(1 - r^2), whose leading terms in a^2
//    are integrated in closed form and the rest by 20 point Gauss-Legendre quadrature.
//  - Trivariate and quadrivariate: conditioning on one coordinate X_c = x (Genz A, Bretz F
//    (2009). Computation of Multivariate Normal and t Probabilities. Springer, ch. 2):
//    P(X <= b) = integral over x <= b_c of phi(x) P(Y <= a(x)), where Y is the standardised
//    conditional distribution of the other coordinates, a_j(x) = (b_j - r_cj x) / s_j and
//    s_j = sqrt(1 - r_cj^2). The integral is computed by globally adaptive 10/21 point
//    Gauss-Kronrod quadrature (Piessens R et al. (1983). QUADPACK, Springer: routine QAG),
//    with the nodes and weights computed for this file from their definitions (Kronrod AS
//    (1965). Nodes and Weights of Quadrature Formulas. Consultants Bureau).
//  - Singular and nearly singular R: correlations of +-1 are removed exactly (X_j = X_i
//    merges two limits into their minimum; X_j = -X_i makes an interval, the difference of
//    two orthant probabilities). Near-singularity makes the conditional integrand steep (a
//    small s_j) or kinked (a conditional correlation near +-1); the conditioning coordinate
//    is chosen to keep every s_j as large as possible, and the quadrature is split at the
//    points where the steep or kinked parts lie, which are known in closed form because a(x)
//    is linear.

#include "trialsim/multivariate_normal.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

#include "trialsim/boundaries.hpp"

namespace trialsim {
namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
constexpr double NOT_A_NUMBER = std::numeric_limits<double>::quiet_NaN();
constexpr double INV_TWO_PI = 0.5 * std::numbers::inv_pi;
constexpr double INV_SQRT_TWO_PI = std::numbers::inv_sqrtpi / std::numbers::sqrt2;
constexpr double SQRT_TWO_PI = std::numbers::sqrt2 / std::numbers::inv_sqrtpi;

// Correlations within this distance (4.5 machine epsilons) of +-1 are +-1 up to rounding: two statistics
// that are equal, or opposite, in the data set. They are treated exactly as such. (Near
// rho = 1 the probability moves like sqrt(1 - rho): taking 1 - 1e-15 as 1 changes it by up
// to 7e-9, no more than one ulp of rounding in rho itself does.)
constexpr double UNIT_CORRELATION_TOLERANCE = 1e-15;
// Phi(-38) < 3e-316: a limit beyond +-38 is +-infinity in double precision.
constexpr double INFINITE_LIMIT = 38.0;
// Normal tails beyond 8 standard deviations (Phi(-8) = 6.2e-16) are left out of integrals.
constexpr double TAIL = 8.0;
// Sheppard's integral serves |rho| below this (Genz 2004); the expansion at rho = 1 above.
constexpr double NEAR_UNIT_CORRELATION = 0.925;
// A conditional limit a_j(x) changing by more than 1 / STEEP per unit of x makes a steep step
// in the integrand, whose centre the quadrature is told; beyond 1 / VERY_STEEP also where the
// step begins and ends. Likewise a conditional correlation beyond KINKED_CORRELATION makes a
// kink at the point where the two limits it couples cross.
constexpr double STEEP = 0.5;
constexpr double VERY_STEEP = 0.1;
constexpr double KINKED_CORRELATION = 0.9;
// Requested absolute error of the adaptive quadratures, estimated as |K21 - G10|: that is
// the error of the 10 point result, and exceeds the error of the 21 point result, the one
// returned, by orders of magnitude (measured: below 1e-12 against mvtnorm's TVPACK for
// d = 3, against the tolerance / 100 result for d = 4). The trivariate probabilities inside
// the 4-variate integral are weighted by exp(-x^2 / 2), their tolerance divided by it.
constexpr double TRIVARIATE_TOLERANCE = 1e-10;
constexpr double QUADRIVARIATE_TOLERANCE = 1e-9;
constexpr double INNER_TRIVARIATE_TOLERANCE = 1e-10;
// Panels of one adaptive quadrature at most (fixed storage on the stack).
constexpr int MAX_PANELS = 256;

// ---------------------------------------------------------------------------------
// Quadrature rules on [-1, 1]: abscissae >= 0 with their weights (the rules are symmetric).
// Computed with mpmath at 60 digits from the roots of the Legendre polynomials and, for
// Kronrod's extension, of the Stieltjes polynomial E_11; rounded to 21 digits.

struct Node {
  double abscissa;
  double weight;
};

constexpr std::array<Node, 3> GAUSS_6{{{0.238619186083196908631, 0.46791393457269104739},
                                       {0.661209386466264513661, 0.36076157304813860757},
                                       {0.932469514203152027812, 0.17132449237917034504}}};

constexpr std::array<Node, 6> GAUSS_12{{{0.125233408511468915472, 0.249147045813402785001},
                                        {0.367831498998180193753, 0.233492536538354808761},
                                        {0.587317954286617447297, 0.203167426723065921749},
                                        {0.769902674194304687037, 0.160078328543346226335},
                                        {0.904117256370474856678, 0.10693932599531843096},
                                        {0.981560634246719250691, 0.0471753363865118271946}}};

constexpr std::array<Node, 10> GAUSS_20{{{0.0765265211334973337546, 0.152753387130725850698},
                                         {0.22778585114164507808, 0.149172986472603746788},
                                         {0.373706088715419560673, 0.142096109318382051329},
                                         {0.510867001950827098004, 0.131688638449176626898},
                                         {0.636053680726515025453, 0.118194531961518417312},
                                         {0.746331906460150792614, 0.101930119817240435037},
                                         {0.839116971822218823395, 0.0832767415767047487248},
                                         {0.912234428251325905868, 0.0626720483341090635695},
                                         {0.963971927277913791268, 0.040601429800386941331},
                                         {0.993128599185094924786, 0.0176140071391521183119}}};

// Kronrod 21 point rule; the abscissae with odd index are those of the Gauss 10 point rule.
constexpr std::array<Node, 11> KRONROD_21{{{0.0, 0.149445554002916905665},
                                           {0.148874338981631210885, 0.147739104901338491375},
                                           {0.294392862701460198131, 0.142775938577060080797},
                                           {0.433395394129247190799, 0.134709217311473325928},
                                           {0.562757134668604683339, 0.123491976262065851078},
                                           {0.679409568299024406234, 0.109387158802297641899},
                                           {0.780817726586416897064, 0.0931254545836976055351},
                                           {0.865063366688984510732, 0.075039674810919952767},
                                           {0.930157491355708226001, 0.0547558965743519960314},
                                           {0.973906528517171720078, 0.0325581623079647274788},
                                           {0.995657163025808080736, 0.0116946388673718742781}}};
constexpr std::array<double, 5> GAUSS_10_WEIGHTS{0.295524224714752870174, 0.269266719309996355091,
                                                 0.219086362515982043996, 0.149451349150580593146,
                                                 0.0666713443086881375936};

double normal_density(double x) {
  return INV_SQRT_TWO_PI * std::exp(-0.5 * x * x);
}

// ---------------------------------------------------------------------------------
// Bivariate normal P(X <= h, Y <= k), corr(X, Y) = rho

// Sheppard's formula (Drezner & Wesolowsky 1990, eq. 3; Genz 2004, eq. 3) for |rho| < 0.925:
// P = Phi(h) Phi(k) + 1/(2 pi) * integral over [0, asin(rho)] of
// exp(-(h^2 + k^2 - 2 h k sin t) / (2 cos^2 t)) dt, by Gauss-Legendre quadrature with fewer
// points the smaller |rho| is (6, 12 or 20: double precision in each range, Genz 2004).
//
// For rho >= 0.925: d/d rho P = phi_2(h, k; rho) and P(rho = 1) = Phi(min(h, k)), so
// P = Phi(min(h, k)) - integral over [rho, 1] of phi_2 dr. In a = sqrt(1 - r^2) this is
// 1/(2 pi) * integral over [0, A] of exp(-beta / (2 a^2)) g(a) da, with A = sqrt(1 - rho^2),
// beta = (h - k)^2 and g(a) = exp(-h k / (1 + r)) / r. The factor exp(-beta / (2 a^2)) is
// flat to all orders at a = 0, so quadrature alone converges slowly when h is near k;
// instead g(a) = exp(-h k / 2) (1 + c a^2 + c d a^4) + O(a^6), c = (4 - hk) / 8,
// d = (12 - hk) / 16, is integrated in closed form and only the O(a^6) rest by 20 point
// Gauss-Legendre quadrature (Genz 2004, section 2.2). With I_n = integral of
// a^(2n) exp(-beta / (2 a^2)) da, integration by parts gives
// I_0 = A E - b sqrt(2 pi) Phi(-b / A), b = |h - k|, E = exp(-beta / (2 A^2)), and
// I_n = (A^(2n+1) E - beta I_(n-1)) / (2n + 1). For rho <= -0.925,
// P(X <= h, Y <= k) = Phi(h) - P(X <= h, -Y <= -k) with corr(X, -Y) = -rho.
//
// Everything that depends on rho alone is computed once, so that the conditional integrals,
// which evaluate one correlation at many (h, k), pay for it once.
class BivariateNormal {
 public:
  explicit BivariateNormal(double rho) {
    rho = std::clamp(rho, -1.0, 1.0);
    const double magnitude = std::abs(rho);
    if (magnitude < NEAR_UNIT_CORRELATION) {
      near_unit_ = false;
      const double half = 0.5 * std::asin(rho);
      if (magnitude < 0.3) {
        prepare_sheppard(GAUSS_6, half);
      } else if (magnitude < 0.75) {
        prepare_sheppard(GAUSS_12, half);
      } else {
        prepare_sheppard(GAUSS_20, half);
      }
      return;
    }
    near_unit_ = true;
    flipped_ = rho < 0.0;
    a_squared_ = (1.0 - magnitude) * (1.0 + magnitude);
    a_limit_ = std::sqrt(a_squared_);
    const double half = 0.5 * a_limit_;
    for (const Node& node : GAUSS_20) {
      for (const double side : {-1.0, 1.0}) {
        const double a = half * (1.0 + side * node.abscissa);
        const double r = std::sqrt((1.0 - a) * (1.0 + a));
        nodes_[count_++] = {a * a, 1.0 / r, 1.0 / (1.0 + r), half * node.weight};
      }
    }
  }

  //! P(X <= h, Y <= k).
  double probability(double h, double k) const {
    if (std::isnan(h) || std::isnan(k)) return NOT_A_NUMBER;
    if (h <= -INFINITE_LIMIT || k <= -INFINITE_LIMIT) return 0.0;
    if (h >= INFINITE_LIMIT) return normal_cdf(k);
    if (k >= INFINITE_LIMIT) return normal_cdf(h);
    if (!near_unit_) return sheppard(h, k);
    if (!flipped_) return near_unit_correlation(h, k);
    return std::max(0.0, normal_cdf(h) - near_unit_correlation(h, -k));
  }

 private:
  // Per node: for Sheppard's formula sin t, 1 / cos^2 t and the weight; for the expansion at
  // rho = 1: a^2, 1 / r, 1 / (1 + r) and the weight.
  struct Prepared {
    double first;
    double second;
    double third;
    double weight;
  };

  template <std::size_t N>
  void prepare_sheppard(const std::array<Node, N>& rule, double half) {
    for (const Node& node : rule) {
      for (const double side : {-1.0, 1.0}) {
        const double sine = std::sin(half * (1.0 + side * node.abscissa));
        nodes_[count_++] = {sine, 1.0 / ((1.0 - sine) * (1.0 + sine)), 0.0, half * node.weight};
      }
    }
  }

  double sheppard(double h, double k) const {
    const double half_sum_of_squares = 0.5 * (h * h + k * k);
    const double product = h * k;
    double integral = 0.0;
    for (int i = 0; i < count_; ++i) {
      const Prepared& node = nodes_[i];
      integral += node.weight * std::exp((product * node.first - half_sum_of_squares) * node.second);
    }
    return normal_cdf(h) * normal_cdf(k) + INV_TWO_PI * integral;
  }

  double near_unit_correlation(double h, double k) const {
    const double at_unit_correlation = normal_cdf(std::min(h, k));
    if (!(a_squared_ > 0.0)) return at_unit_correlation;
    const double product = h * k;
    const double distance = std::abs(h - k);
    const double beta = distance * distance;
    const double c = (4.0 - product) / 8.0;
    const double d = (12.0 - product) / 16.0;
    double integral = 0.0;
    // Below hk = -160 every term is below exp(-2000): beta >= -4 hk and A^2 < 0.15.
    if (product > -160.0) {
      const double end_terms = a_limit_ * std::exp(-0.5 * (beta / a_squared_ + product)) *
                               (1.0 + c * (a_squared_ - beta) / 3.0 +
                                c * d * (3.0 * a_squared_ * a_squared_ - beta * a_squared_ + beta * beta) / 15.0);
      const double tail_terms = std::exp(-0.5 * product) * distance * SQRT_TWO_PI * normal_cdf(-distance / a_limit_) *
                                (1.0 - c * beta / 3.0 + c * d * beta * beta / 15.0);
      integral = end_terms - tail_terms;
    }
    for (int i = 0; i < count_; ++i) {
      const Prepared& node = nodes_[i];
      const double a2 = node.first;
      const double flat = -0.5 * beta / a2;
      integral += node.weight * (std::exp(flat - product * node.third) * node.second -
                                 std::exp(flat - 0.5 * product) * (1.0 + c * a2 * (1.0 + d * a2)));
    }
    return std::max(0.0, at_unit_correlation - INV_TWO_PI * integral);
  }

  std::array<Prepared, 2 * GAUSS_20.size()> nodes_{};
  int count_ = 0;
  bool near_unit_ = false;
  bool flipped_ = false;
  double a_squared_ = 0.0;
  double a_limit_ = 0.0;
};

// ---------------------------------------------------------------------------------
// Globally adaptive Gauss-Kronrod quadrature (QUADPACK's QAG with the 21 point rule):
// the panel with the largest error estimate is halved until the estimates add up to the
// tolerance.

struct Panel {
  double lower;
  double upper;
  double integral;
  double error;
};

template <class Integrand>
Panel gauss_kronrod(const Integrand& integrand, double lower, double upper) {
  const double centre = 0.5 * (lower + upper);
  const double half = 0.5 * (upper - lower);
  const double at_centre = integrand(centre);
  double kronrod = KRONROD_21[0].weight * at_centre;
  double gauss = 0.0;
  for (std::size_t i = 1; i < KRONROD_21.size(); ++i) {
    const double offset = half * KRONROD_21[i].abscissa;
    const double pair = integrand(centre - offset) + integrand(centre + offset);
    kronrod += KRONROD_21[i].weight * pair;
    if (i % 2 == 1) gauss += GAUSS_10_WEIGHTS[i / 2] * pair;
  }
  return {lower, upper, half * kronrod, std::abs(half * (kronrod - gauss))};
}

// `breakpoints` are increasing; the integral runs from the first to the last.
template <class Integrand>
double integrate(const Integrand& integrand, const double* breakpoints, int count, double tolerance) {
  std::array<Panel, MAX_PANELS> panels;
  int panel_count = 0;
  for (int i = 0; i + 1 < count; ++i)
    panels[panel_count++] = gauss_kronrod(integrand, breakpoints[i], breakpoints[i + 1]);
  while (true) {
    double error = 0.0;
    int worst = 0;
    for (int i = 0; i < panel_count; ++i) {
      error += panels[i].error;
      if (panels[i].error > panels[worst].error) worst = i;
    }
    if (!(error > tolerance) || panel_count == MAX_PANELS) break;
    const Panel panel = panels[worst];
    const double middle = 0.5 * (panel.lower + panel.upper);
    if (!(middle > panel.lower && middle < panel.upper)) {
      panels[worst].error = 0.0;  // as fine as doubles go: accept
      continue;
    }
    panels[worst] = gauss_kronrod(integrand, panel.lower, middle);
    panels[panel_count++] = gauss_kronrod(integrand, middle, panel.upper);
  }
  double sum = 0.0;
  for (int i = 0; i < panel_count; ++i) sum += panels[i].integral;
  return sum;
}

// ---------------------------------------------------------------------------------
// Orthant probabilities of any dimension up to 4

struct Orthant {
  std::array<double, MAX_NORMAL_DIMENSION> upper{};
  CorrelationMatrix correlation = CorrelationMatrix::Identity();  // symmetric, unit diagonal
  int dimension = 0;
};

void remove_coordinate(Orthant& orthant, int removed) {
  const int last = orthant.dimension - 1;
  for (int i = removed; i < last; ++i) {
    orthant.upper[i] = orthant.upper[i + 1];
    orthant.correlation.row(i) = orthant.correlation.row(i + 1);
  }
  for (int i = removed; i < last; ++i) orthant.correlation.col(i) = orthant.correlation.col(i + 1);
  orthant.dimension = last;
}

double orthant_probability(Orthant orthant, double tolerance);

// Conditioning on coordinate c (see the top of the file); the loadings r_cj and the
// conditional standard deviations s_j of the other coordinates, in their order.
struct Conditioning {
  int pivot = 0;
  double pivot_upper = 0.0;
  std::array<double, MAX_NORMAL_DIMENSION - 1> loading{};
  std::array<double, MAX_NORMAL_DIMENSION - 1> residual_sd{};
  Orthant conditional;  // standardised conditional distribution; limits filled in per x
};

// The pivot maximises the smallest conditional variance 1 - r_cj^2: steep steps in the
// integrand cost the quadrature far more than kinks do.
Conditioning condition(const Orthant& orthant) {
  const int dimension = orthant.dimension;
  Conditioning result;
  double best = -1.0;
  for (int c = 0; c < dimension; ++c) {
    double smallest = INF;
    for (int j = 0; j < dimension; ++j) {
      if (j == c) continue;
      const double r = std::abs(orthant.correlation(c, j));
      smallest = std::min(smallest, (1.0 - r) * (1.0 + r));
    }
    if (smallest > best) {
      best = smallest;
      result.pivot = c;
    }
  }
  const int c = result.pivot;
  result.pivot_upper = orthant.upper[c];
  std::array<int, MAX_NORMAL_DIMENSION - 1> index{};
  int others = 0;
  for (int j = 0; j < dimension; ++j) {
    if (j == c) continue;
    const double r = orthant.correlation(c, j);
    index[others] = j;
    result.loading[others] = r;
    result.residual_sd[others] = std::sqrt(std::max(0.0, (1.0 - r) * (1.0 + r)));
    result.conditional.upper[others] = orthant.upper[j];
    ++others;
  }
  result.conditional.dimension = others;
  for (int i = 0; i < others; ++i) {
    for (int j = i + 1; j < others; ++j) {
      const double scale = result.residual_sd[i] * result.residual_sd[j];
      const double covariance = orthant.correlation(index[i], index[j]) - result.loading[i] * result.loading[j];
      double rho = std::clamp(covariance / scale, -1.0, 1.0);
      // Rounding in the covariance is magnified by 1 / scale; within it rho is +-1.
      if (1.0 - std::abs(rho) <= UNIT_CORRELATION_TOLERANCE / scale) rho = rho > 0.0 ? 1.0 : -1.0;
      result.conditional.correlation(i, j) = rho;
      result.conditional.correlation(j, i) = rho;
    }
  }
  return result;
}

// Where the conditional limit a_j(x) = (b_j - r_cj x) / s_j = intercept + slope x equals `value`.
struct Line {
  double intercept;
  double slope;
};

Line conditional_limit(const Conditioning& conditioning, int j) {
  const double sd = conditioning.residual_sd[j];
  return {conditioning.conditional.upper[j] / sd, -conditioning.loading[j] / sd};
}

void add_root(const Line& line, double value, double lower, double upper, double* points, int& count) {
  if (line.slope == 0.0) return;
  const double x = (value - line.intercept) / line.slope;
  if (x > lower && x < upper) points[count++] = x;
}

// The crossing of two conditional limits (or of their standardised residuals given a third
// coordinate) coupled by a correlation near +-1, where the integrand has a kink.
void add_kink(const Line& first, const Line& second, double rho, double lower, double upper, double* points,
              int& count) {
  if (std::abs(rho) < KINKED_CORRELATION) return;
  const double sign = rho > 0.0 ? 1.0 : -1.0;
  add_root({first.intercept - sign * second.intercept, first.slope - sign * second.slope}, 0.0, lower, upper, points,
           count);
}

// Integration range and breakpoints of the conditional integrand. Returns the number of
// points (0: the probability is negligible).
constexpr int MAX_BREAKPOINTS = 40;

int breakpoints_of(const Conditioning& conditioning, std::array<double, MAX_BREAKPOINTS>& points) {
  const int others = conditioning.conditional.dimension;
  double lower = -TAIL;
  double upper = std::min(conditioning.pivot_upper, TAIL);
  std::array<Line, MAX_NORMAL_DIMENSION - 1> lines{};
  for (int j = 0; j < others; ++j) {
    lines[j] = conditional_limit(conditioning, j);
    // Where a_j(x) < -TAIL the integrand is below Phi(-TAIL): leave that part out.
    const double r = conditioning.loading[j];
    const double edge = (conditioning.conditional.upper[j] + TAIL * conditioning.residual_sd[j]) / r;
    if (r > 0.0) upper = std::min(upper, edge);
    if (r < 0.0) lower = std::max(lower, edge);
  }
  if (!(upper > lower)) return 0;
  int count = 0;
  points[count++] = lower;
  // The normal density's own scale: its panels may grow in the tails.
  for (const double x : {-3.0, 0.0, 3.0}) {
    if (x > lower && x < upper) points[count++] = x;
  }
  for (int j = 0; j < others; ++j) {
    const double steepness = std::abs(lines[j].slope);
    if (steepness * STEEP < 1.0) continue;
    if (steepness * VERY_STEEP < 1.0) {
      add_root(lines[j], 0.0, lower, upper, points.data(), count);
      continue;
    }
    for (const double value : {-4.0, 0.0, 4.0, 8.0}) add_root(lines[j], value, lower, upper, points.data(), count);
  }
  const CorrelationMatrix& rho = conditioning.conditional.correlation;
  for (int i = 0; i < others; ++i) {
    for (int j = i + 1; j < others; ++j) add_kink(lines[i], lines[j], rho(i, j), lower, upper, points.data(), count);
  }
  if (others == 3) {
    // Kinks of the trivariate probability itself: the pair (i, j) given the third coordinate k.
    for (int k = 0; k < 3; ++k) {
      const int i = (k + 1) % 3;
      const int j = (k + 2) % 3;
      const double sd_i = std::sqrt(std::max(0.0, (1.0 - rho(i, k)) * (1.0 + rho(i, k))));
      const double sd_j = std::sqrt(std::max(0.0, (1.0 - rho(j, k)) * (1.0 + rho(j, k))));
      if (!(sd_i > 0.0 && sd_j > 0.0)) continue;
      const double partial = (rho(i, j) - rho(i, k) * rho(j, k)) / (sd_i * sd_j);
      const Line residual_i{(lines[i].intercept - rho(i, k) * lines[k].intercept) / sd_i,
                            (lines[i].slope - rho(i, k) * lines[k].slope) / sd_i};
      const Line residual_j{(lines[j].intercept - rho(j, k) * lines[k].intercept) / sd_j,
                            (lines[j].slope - rho(j, k) * lines[k].slope) / sd_j};
      add_kink(residual_i, residual_j, partial, lower, upper, points.data(), count);
    }
  }
  points[count++] = upper;
  std::sort(points.begin(), points.begin() + count);
  // Points closer than rounding to their neighbour would make empty panels.
  int kept = 1;
  for (int i = 1; i < count; ++i) {
    if (points[i] - points[kept - 1] > 1e-13 * (1.0 + std::abs(points[i]))) points[kept++] = points[i];
  }
  points[kept - 1] = upper;
  return kept;
}

double conditioned_probability(const Orthant& orthant, double tolerance) {
  const Conditioning conditioning = condition(orthant);
  std::array<double, MAX_BREAKPOINTS> points{};
  const int count = breakpoints_of(conditioning, points);
  if (count < 2) return 0.0;
  const int others = conditioning.conditional.dimension;
  const auto limit = [&conditioning](int j, double x) {
    return (conditioning.conditional.upper[j] - conditioning.loading[j] * x) / conditioning.residual_sd[j];
  };
  if (others == 2) {
    const BivariateNormal bivariate(conditioning.conditional.correlation(0, 1));
    const auto integrand = [&](double x) {
      return normal_density(x) * bivariate.probability(limit(0, x), limit(1, x));
    };
    return integrate(integrand, points.data(), count, tolerance);
  }
  const auto integrand = [&](double x) {
    Orthant given = conditioning.conditional;
    for (int j = 0; j < others; ++j) given.upper[j] = limit(j, x);
    const double weight = std::exp(-0.5 * x * x);
    return normal_density(x) * orthant_probability(given, INNER_TRIVARIATE_TOLERANCE / std::max(weight, 1e-3));
  };
  return integrate(integrand, points.data(), count, tolerance);
}

double orthant_probability(Orthant orthant, double tolerance) {
  for (int i = orthant.dimension - 1; i >= 0; --i) {
    if (orthant.upper[i] <= -INFINITE_LIMIT) return 0.0;
    if (orthant.upper[i] >= INFINITE_LIMIT) remove_coordinate(orthant, i);  // no constraint
  }
  for (int i = 0; i < orthant.dimension; ++i) {
    for (int j = i + 1; j < orthant.dimension; ++j) {
      const double rho = orthant.correlation(i, j);
      if (1.0 - std::abs(rho) > UNIT_CORRELATION_TOLERANCE) continue;
      if (rho > 0.0) {
        // X_j = X_i: both limits apply to X_i.
        orthant.upper[i] = std::min(orthant.upper[i], orthant.upper[j]);
        remove_coordinate(orthant, j);
        return orthant_probability(orthant, tolerance);
      }
      // X_j = -X_i: -b_j <= X_i <= b_i, an interval, so the difference of two orthants.
      const double lower = -orthant.upper[j];
      remove_coordinate(orthant, j);
      if (!(lower < orthant.upper[i])) return 0.0;
      Orthant below = orthant;
      below.upper[i] = lower;
      return std::max(0.0, orthant_probability(orthant, tolerance) - orthant_probability(below, tolerance));
    }
  }
  switch (orthant.dimension) {
    case 0: return 1.0;
    case 1: return normal_cdf(orthant.upper[0]);
    case 2: return BivariateNormal(orthant.correlation(0, 1)).probability(orthant.upper[0], orthant.upper[1]);
    default: return conditioned_probability(orthant, tolerance);
  }
}

}  // namespace

double normal_orthant_probability(const double* upper, const CorrelationMatrix& correlation, int dimension) {
  if (dimension < 1 || dimension > MAX_NORMAL_DIMENSION) {
    throw std::invalid_argument("normal_orthant_probability: dimension must be 1 to " +
                                std::to_string(MAX_NORMAL_DIMENSION) + ", got " + std::to_string(dimension));
  }
  Orthant orthant;
  orthant.dimension = dimension;
  for (int i = 0; i < dimension; ++i) {
    if (std::isnan(upper[i])) return NOT_A_NUMBER;
    orthant.upper[i] = upper[i];
    for (int j = i + 1; j < dimension; ++j) {
      const double rho = correlation(i, j);
      if (std::isnan(rho)) return NOT_A_NUMBER;
      orthant.correlation(i, j) = std::clamp(rho, -1.0, 1.0);
      orthant.correlation(j, i) = orthant.correlation(i, j);
    }
  }
  const double tolerance = dimension == 4 ? QUADRIVARIATE_TOLERANCE : TRIVARIATE_TOLERANCE;
  return std::clamp(orthant_probability(orthant, tolerance), 0.0, 1.0);
}

}  // namespace trialsim
