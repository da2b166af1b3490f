#pragma once
// Quadrature, root finding and discrete distributions for the analytic module.

#include <array>
#include <functional>
#include <vector>

namespace trialsim::analytic {

//! Gauss-Legendre rule with 8 nodes on [-1, 1] (Abramowitz and Stegun 1964, table 25.4).
struct GaussLegendre {
  static constexpr int ORDER = 8;
  static const std::array<double, ORDER> nodes;
  static const std::array<double, ORDER> weights;
};

//! Integral of f over [a, b] by 8-point Gauss-Legendre on `panels` equal panels.
double integrate(const std::function<double(double)>& f, double a, double b, int panels = 1);

//! Integral of f over [a, b] split at the given interior points (each piece on `panels` panels),
//! so that kinks of f fall on panel ends.
double integrate_pieces(const std::function<double(double)>& f, double a, double b, std::vector<double> splits,
                        int panels);

//! A root of f in [lower, upper], where f(lower) and f(upper) differ in sign, to `tolerance`
//! (bisection: robust for the monotone functions it is used on).
double bisect(const std::function<double(double)>& f, double lower, double upper, double tolerance);

//! P(X <= k) for X ~ Poisson(mean); 1 when k >= 0 and mean == 0; 0 when k < 0.
double poisson_cdf(double k, double mean);
//! P(X <= k) for X ~ Binomial(n, p).
double binomial_cdf(double k, double n, double p);
//! Density of the Gamma(shape, 1) distribution at x (shape a positive integer here).
double gamma_density(double shape, double x);

} // namespace trialsim::analytic
