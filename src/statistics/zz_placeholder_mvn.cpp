// PLACEHOLDER (weak symbol) until multivariate_normal.cpp lands: crude Genz separation of
// variables over a fixed Korobov lattice. To be deleted.
#include <cmath>

#include "trialsim/boundaries.hpp"
#include "trialsim/multivariate_normal.hpp"

namespace trialsim {

__attribute__((weak)) double normal_orthant_probability(const double* upper, const CorrelationMatrix& correlation,
                                                        int dimension) {
  Eigen::Matrix4d c = Eigen::Matrix4d::Zero();
  for (int i = 0; i < dimension; ++i) {
    for (int j = 0; j <= i; ++j) {
      double s = correlation(i, j);
      for (int k = 0; k < j; ++k) s -= c(i, k) * c(j, k);
      if (i == j) c(i, i) = std::sqrt(std::max(s, 1e-14));
      else c(i, j) = s / c(j, j);
    }
  }
  const int points = 1 << 14;
  double sum = 0.0;
  for (int n = 0; n < points; ++n) {
    double y[4] = {0, 0, 0, 0};
    double product = 1.0;
    for (int i = 0; i < dimension; ++i) {
      double s = 0.0;
      for (int k = 0; k < i; ++k) s += c(i, k) * y[k];
      const double e = normal_cdf((upper[i] - s) / c(i, i));
      product *= e;
      const double w = std::fmod((n + 0.5) * (i == 0 ? 1.0 : i == 1 ? 0.6180339887 : i == 2 ? 0.4142135623 : 0.7320508075), 1.0);
      y[i] = normal_quantile(std::min(std::max(w * e, 1e-300), 1.0 - 1e-16));
    }
    sum += product;
  }
  return sum / points;
}

} // namespace trialsim
