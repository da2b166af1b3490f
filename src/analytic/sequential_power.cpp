// Group-sequential power from the boundary recursion (boundaries.hpp): the log-rank
// statistics of the looks are taken to follow the canonical joint distribution with
// information I_k = D_k r (1 - r) and drift -ln HR per unit of information
// (Schoenfeld 1981; Jennison and Turnbull 2000, section 3.3 and ch. 19), D_k the
// expected events at look k. The boundaries are the plan's, applied at the expected
// information, exactly as the simulator applies them at the observed looks.

#include <cmath>
#include <limits>

#include "numerics.hpp"
#include "trialsim/analytic.hpp"

namespace trialsim {

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();

// Lower end of the continuation region of look k: the harm boundary of a two-sided test
// and any futility boundary (on the z scale; a hazard-ratio futility bound h becomes
// z = -ln(h) sqrt(I_k), where the log-rank z and the estimated HR meet).
std::vector<double> lower_bounds(const BoundaryPlan& plan, const Futility& futility,
                                 const std::vector<double>& information) {
  const std::size_t looks = plan.efficacy_z.size();
  std::vector<double> lower(looks, -INF);
  for (std::size_t k = 0; k < looks; ++k) {
    if (plan.sides == 2) lower[k] = -plan.efficacy_z[k];
    if (k + 1 == looks) continue;
    if (futility.on_z_scale() || futility.scale == Futility::Scale::conditional_power)
      lower[k] = std::max(lower[k], plan.futility_z[k]);
    if (futility.scale == Futility::Scale::hazard_ratio) {
      lower[k] = std::max(lower[k], -std::log(futility.values[k]) * std::sqrt(information[k]));
    }
  }
  return lower;
}

}  // namespace

SequentialPower sequential_power(const BoundaryPlan& plan, const Futility& futility,
                                 const std::vector<double>& expected_events, double hazard_ratio,
                                 double treatment_share) {
  std::vector<double> information;
  for (const double events : expected_events) information.push_back(events * treatment_share * (1.0 - treatment_share));
  const double drift = -std::log(hazard_ratio);
  const CrossingProbabilities crossing =
      crossing_probabilities(information, plan.efficacy_z, lower_bounds(plan, futility, information), drift);
  SequentialPower result;
  result.efficacy = crossing.upper;
  result.other_stop = crossing.lower;
  for (const double p : crossing.upper) result.power += p;
  result.drift = drift * std::sqrt(information.back());
  return result;
}

double sequential_events(const BoundaryPlan& plan, double power, double hazard_ratio, double treatment_share) {
  const auto power_at = [&](double drift) {
    const std::vector<double>& t = plan.information_fractions;
    std::vector<double> lower(t.size(), -INF);
    for (std::size_t k = 0; k < t.size(); ++k) {
      if (plan.sides == 2) lower[k] = -plan.efficacy_z[k];
      if (k + 1 < t.size()) lower[k] = std::max(lower[k], plan.futility_z[k]);
    }
    const CrossingProbabilities crossing = crossing_probabilities(t, plan.efficacy_z, lower, drift);
    double sum = 0.0;
    for (const double p : crossing.upper) sum += p;
    return sum - power;
  };
  const double drift = analytic::bisect(power_at, 0.0, 40.0, 1e-12);
  const double log_hr = std::log(hazard_ratio);
  return drift * drift / (treatment_share * (1.0 - treatment_share) * log_hr * log_hr);
}

}  // namespace trialsim
