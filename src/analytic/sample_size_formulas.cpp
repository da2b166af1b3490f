// Fixed-sample event counts and sample sizes.
//
// Sources:
//  - Schoenfeld DA (1981). The asymptotic properties of nonparametric tests for comparing
//    survival distributions. Biometrika 68:316-319; Schoenfeld DA (1983). Sample-size
//    formula for the proportional-hazards regression model. Biometrics 39:499-503.
//  - Freedman LS (1982). Tables of the number of patients required in clinical trials
//    using the logrank test. Stat Med 1:121-129.
//  - Fleiss JL, Levin B, Paik MC (2003). Statistical Methods for Rates and Proportions,
//    3rd ed., section 4.2 (sample size of the two-proportion test, unequal groups).
//  - Fleiss JL, Tytun A, Ury HK (1980). A simple approximation for calculating sample sizes
//    for comparing independent proportions. Biometrics 36:343-346 (continuity correction).

#include <cmath>

#include "trialsim/analytic.hpp"

namespace trialsim {

namespace {

double critical(double alpha, int sides) {
  return -normal_quantile(alpha / sides);
}

double z_of_power(double power) {
  return normal_quantile(power);
}

} // namespace

double schoenfeld_events(double alpha, int sides, double power, double hazard_ratio, double treatment_share) {
  const double z = critical(alpha, sides) + z_of_power(power);
  const double log_hr = std::log(hazard_ratio);
  return z * z / (treatment_share * (1.0 - treatment_share) * log_hr * log_hr);
}

double freedman_events(double alpha, int sides, double power, double hazard_ratio, double treatment_share) {
  const double z = critical(alpha, sides) + z_of_power(power);
  const double k = treatment_share / (1.0 - treatment_share);
  const double spread = (1.0 + k * hazard_ratio) / (1.0 - hazard_ratio);
  return z * z * spread * spread / k;
}

double schoenfeld_power(double events, double alpha, int sides, double hazard_ratio, double treatment_share) {
  const double drift = std::abs(std::log(hazard_ratio)) * std::sqrt(events * treatment_share * (1.0 - treatment_share));
  return normal_cdf(drift - critical(alpha, sides));
}

double freedman_power(double events, double alpha, int sides, double hazard_ratio, double treatment_share) {
  const double k = treatment_share / (1.0 - treatment_share);
  const double drift = std::sqrt(events * k) * std::abs(1.0 - hazard_ratio) / (1.0 + k * hazard_ratio);
  return normal_cdf(drift - critical(alpha, sides));
}

// With k = n_treatment / n_control and pooled p = (p0 + k p1) / (1 + k):
//   n_control = [z_a sqrt(p q (1 + 1/k)) + z_b sqrt(p0 q0 + p1 q1 / k)]^2 / (p0 - p1)^2,
// and the continuity correction n' = n/4 [1 + sqrt(1 + 2 (k + 1) / (k n |p0 - p1|))]^2.
ArmSizes two_proportion_sample_size(double p_control, double p_treatment, double alpha, int sides, double power,
                                    double treatment_share, bool continuity_correction) {
  const double k = treatment_share / (1.0 - treatment_share);
  const double pooled = (p_control + k * p_treatment) / (1.0 + k);
  const double difference = std::abs(p_control - p_treatment);
  const double null_sd = std::sqrt(pooled * (1.0 - pooled) * (1.0 + 1.0 / k));
  const double alternative_sd =
      std::sqrt(p_control * (1.0 - p_control) + p_treatment * (1.0 - p_treatment) / k);
  const double root = critical(alpha, sides) * null_sd + z_of_power(power) * alternative_sd;
  double control = root * root / (difference * difference);
  if (continuity_correction) {
    const double factor = 1.0 + std::sqrt(1.0 + 2.0 * (k + 1.0) / (k * control * difference));
    control = control / 4.0 * factor * factor;
  }
  return {control, k * control};
}

double two_proportion_power(const ArmSizes& sizes, double p_control, double p_treatment, double alpha, int sides,
                            bool continuity_correction) {
  const double k = sizes.treatment / sizes.control;
  const double pooled = (p_control + k * p_treatment) / (1.0 + k);
  double difference = std::abs(p_control - p_treatment);
  if (continuity_correction) difference -= 0.5 * (1.0 / sizes.control + 1.0 / sizes.treatment);
  const double null_sd = std::sqrt(pooled * (1.0 - pooled) * (1.0 + 1.0 / k));
  const double alternative_sd =
      std::sqrt(p_control * (1.0 - p_control) + p_treatment * (1.0 - p_treatment) / k);
  return normal_cdf((difference * std::sqrt(sizes.control) - critical(alpha, sides) * null_sd) / alternative_sd);
}

} // namespace trialsim
