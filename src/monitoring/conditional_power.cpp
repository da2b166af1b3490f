// Conditional power at a look (monitoring.hpp).
//
// Sources:
//  - Jennison C, Turnbull BW (2000). Group Sequential Methods with Applications to Clinical
//    Trials. Chapman & Hall/CRC. Section 10.2, eq. (10.1): conditional power given Z_k under
//    a drift theta, and under the current estimate of theta.
//  - Proschan MA, Lan KKG, Wittes JT (2006). Statistical Monitoring of Clinical Trials: A
//    Unified Approach. Springer. Section 3.2: the B-value B(t) = Z(t) sqrt(t), whose
//    increment B(1) - B(t) is N(theta (1 - t), 1 - t) independently of B(t).
//  - Lan KKG, Wittes J (1988). The B-value: a tool for monitoring data. Biometrics 44:579-585.

#include <cmath>
#include <limits>

#include "trialsim/monitoring.hpp"

namespace trialsim {

double conditional_power(double z, double information_fraction, double final_critical, double drift) {
  if (std::isnan(z)) return std::numeric_limits<double>::quiet_NaN();
  const double t = information_fraction;
  if (t >= 1.0) return z >= final_critical ? 1.0 : 0.0;
  const double remaining = 1.0 - t;
  return normal_cdf(-(final_critical - z * std::sqrt(t) - drift * remaining) / std::sqrt(remaining));
}

double conditional_power_trend(double z, double information_fraction, double final_critical) {
  return conditional_power(z, information_fraction, final_critical, z / std::sqrt(information_fraction));
}

// Solving CP(z) = threshold for z: with q = Phi^-1(1 - threshold),
//   design effect: z sqrt(t) = c - drift (1 - t) - q sqrt(1 - t);
//   current trend: z / sqrt(t) = c - q sqrt(1 - t)  (z sqrt(t) + z (1 - t) / sqrt(t) = z / sqrt(t)).
double conditional_power_futility_z(double threshold, Futility::Effect effect, double information_fraction,
                                    double final_critical, double drift) {
  const double t = information_fraction;
  const double q = normal_quantile(1.0 - threshold);
  const double remaining = std::sqrt(1.0 - t);
  if (effect == Futility::Effect::trend) return std::sqrt(t) * (final_critical - q * remaining);
  return (final_critical - drift * (1.0 - t) - q * remaining) / std::sqrt(t);
}

}  // namespace trialsim
