// Weighted log-rank tests of the Fleming-Harrington G(rho, gamma) family (Fleming &
// Harrington 1991, "Counting Processes and Survival Analysis", ch. 7; Harrington &
// Fleming 1982, Biometrika 69:553-566) and the MaxCombo test, the maximum of several of
// them (Lee 2007, Comput Stat Data Anal 51:6313-6320; Karrison 2016, Stat Med
// 35:2427-2439; Lin et al. 2020, Stat Biopharm Res 12:187-198).
//
// At each distinct event time t of a stratum the weight is w(t) = S(t-)^rho (1 - S(t-))^gamma,
// S the Kaplan-Meier estimate of the stratum's pooled data just before t. The score is
// U = sum w (d1 - e1), its variance V = sum w^2 v with v the hypergeometric variance of
// the log-rank test, and z = -U / sqrt(V) (z > 0 favours treatment). With rho = gamma = 0
// every weight is 1 and these are the log-rank sums, term by term. Strata add their U and
// V, each with its own Kaplan-Meier estimate, as R's survdiff(rho =) does.
//
// MaxCombo: the components' covariances are sum w_a w_b v; the test statistic is the largest
// component z, and its p-value P(max Z >= observed max) under H0 comes from the
// multivariate normal with the estimated correlation (multivariate_normal.hpp).

#include <algorithm>
#include <cmath>
#include <span>

#include "logrank_terms.hpp"
#include "trialsim/boundaries.hpp"
#include "trialsim/statistics.hpp"

namespace trialsim {

namespace {

// x^e for the exponents weights use: 0, 1 and 2 exactly and fast, the rest through pow.
double weight_power(double x, double exponent) {
  if (exponent == 0.0) return 1.0;
  if (exponent == 1.0) return x;
  if (exponent == 2.0) return x * x;
  return std::pow(x, exponent);
}

double fleming_harrington_weight(double survival_before, const FlemingHarringtonWeight& weight) {
  return weight_power(survival_before, weight.rho) * weight_power(1.0 - survival_before, weight.gamma);
}

double z_of(double score, double variance) {
  return variance > 0.0 ? -score / std::sqrt(variance) : 0.0;
}

}  // namespace

WeightedLogrankResult fleming_harrington(std::span<const EventTable> tables, const FlemingHarringtonWeight& weight) {
  WeightedLogrankResult result;
  for (const EventTable& table : tables) {
    double survival = 1.0;
    for (const EventRow& row : table.rows) {
      const LogrankTerms terms = logrank_terms(row);
      const double w = fleming_harrington_weight(survival, weight);
      result.score += w * terms.observed_minus_expected;
      result.variance += w * w * terms.variance;
      survival *= terms.survival_factor;
    }
  }
  result.z = z_of(result.score, result.variance);
  return result;
}

ComboScores combo_scores(std::span<const EventTable> tables, std::span<const FlemingHarringtonWeight> weights) {
  ComboScores result;
  const int k = static_cast<int>(weights.size());
  result.components = k;
  for (const EventTable& table : tables) {
    double survival = 1.0;
    for (const EventRow& row : table.rows) {
      const LogrankTerms terms = logrank_terms(row);
      std::array<double, MAX_COMBO_COMPONENTS> w{};
      for (int a = 0; a < k; ++a) {
        w[a] = fleming_harrington_weight(survival, weights[static_cast<std::size_t>(a)]);
        result.score[a] += w[a] * terms.observed_minus_expected;
      }
      for (int a = 0; a < k; ++a) {
        for (int b = 0; b <= a; ++b) result.covariance(a, b) += w[a] * w[b] * terms.variance;
      }
      survival *= terms.survival_factor;
    }
  }
  for (int a = 0; a < k; ++a) {
    for (int b = 0; b < a; ++b) result.covariance(b, a) = result.covariance(a, b);
  }
  return result;
}

MaxComboResult maxcombo(std::span<const EventTable> tables, std::span<const FlemingHarringtonWeight> weights) {
  MaxComboResult result;
  const int k = static_cast<int>(weights.size());
  result.components = k;
  const ComboScores scores = combo_scores(tables, weights);
  const auto& score = scores.score;
  const CorrelationMatrix& covariance = scores.covariance;
  // Components without variance (no informative event for their weight) are left out of
  // the maximum; with none left there is no evidence either way: z = 0, as log-rank gives.
  std::array<int, MAX_COMBO_COMPONENTS> used{};
  int informative = 0;
  for (int a = 0; a < k; ++a) {
    result.z[a] = z_of(score[a], covariance(a, a));
    if (covariance(a, a) > 0.0) used[informative++] = a;
  }
  // The estimated correlation of every pair (0 where a component has no variance), and
  // that of the informative components, which the p-value integrates over.
  for (int a = 0; a < k; ++a) {
    for (int b = 0; b < a; ++b) {
      const bool both = covariance(a, a) > 0.0 && covariance(b, b) > 0.0;
      const double r = both ? covariance(a, b) / std::sqrt(covariance(a, a) * covariance(b, b)) : 0.0;
      result.correlation(a, b) = result.correlation(b, a) = std::min(1.0, std::max(-1.0, r));
    }
  }
  if (informative == 0) return result;
  double largest = -INFINITE_TIME;
  double smallest = INFINITE_TIME;
  CorrelationMatrix correlation = CorrelationMatrix::Identity();
  for (int i = 0; i < informative; ++i) {
    largest = std::max(largest, result.z[used[i]]);
    smallest = std::min(smallest, result.z[used[i]]);
    for (int j = 0; j < i; ++j) correlation(i, j) = correlation(j, i) = result.correlation(used[i], used[j]);
  }
  // P(max Z >= largest) = 1 - P(all Z < largest); harm is the mirror image, P(min Z <= smallest).
  std::array<double, MAX_COMBO_COMPONENTS> bound{};
  bound.fill(largest);
  // A p-value below the smallest double would make the quantile infinite.
  constexpr double SMALLEST_P = 1e-300;
  result.p_benefit = std::max(SMALLEST_P, 1.0 - normal_orthant_probability(bound.data(), correlation, informative));
  bound.fill(-smallest);
  result.p_harm = std::max(SMALLEST_P, 1.0 - normal_orthant_probability(bound.data(), correlation, informative));
  // Each tail's p-value as a normal quantile, so that boundaries on z apply as they do to
  // any other statistic: z_benefit for one-sided tests; for two-sided tests one z whose
  // sign is the more significant direction.
  result.z_benefit = -normal_quantile(result.p_benefit);
  result.z_two_sided = result.p_benefit <= result.p_harm ? result.z_benefit : normal_quantile(result.p_harm);
  return result;
}

}  // namespace trialsim
