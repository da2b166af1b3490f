// The probability that a patient's follow-up ends in an analysed event by
// follow-up time s, integrated once on a fine grid of the follow-up axis so that
// the calendar-time integrals that use it cost a few evaluations each.
//
// For a patient assigned to arm a, in stratum j with prevalence pi_j, receiving arm b
// with probability P(b | a) (crossover), analysed with probability 1 - exclusion,
// with dropout law D_a of the assigned arm and fixed follow-up F:
//   G_a(s) = (1 - exclusion) sum_j pi_j sum_b P(b | a) int_0^min(s, F) h_jb(x) S_jb(x) S_Da(x) dx
// (the event must come before dropout and before the end of follow-up), which is
// what the simulator samples patient by patient.

#include <algorithm>
#include <cmath>

#include "numerics.hpp"
#include "trialsim/analytic.hpp"

namespace trialsim {

namespace {

// Intervals of the follow-up axis are cut so that hazard x width stays below this:
// 8-point Gauss-Legendre is then exact to about 1e-13 for exponential pieces.
constexpr double HAZARD_WIDTH = 0.5;
constexpr int MAX_PANELS_PER_INTERVAL = 4000;
// Halvings of the first interval towards 0, for hazards that are infinite at 0 (Weibull shape < 1).
constexpr int PANELS_TOWARDS_ZERO = 40;
// Open follow-up: the tail ends where no law keeps more than this probability at risk.
constexpr double TAIL = 1e-14;
constexpr int MAX_TAIL_PANELS = 20000;

std::size_t interval_of(const std::vector<double>& starts, double x) {
  std::size_t k = 0;
  while (k + 1 < starts.size() && starts[k + 1] <= x) ++k;
  return k;
}

// Hazard of a SurvivalModel (design.hpp): hazard ratios times the population hazard,
// hp = (1 - c) h0 e^-H0 / (c + (1 - c) e^-H0) for cure fraction c.
double model_hazard(const SurvivalModel& model, double t) {
  const BaseHazard& base = model.base;
  double base_hazard = 0.0;
  double base_cumulative = 0.0;
  if (base.family == BaseHazard::Family::weibull) {
    const double scaled = t / base.weibull_scale;
    base_hazard = base.weibull_shape / base.weibull_scale * std::pow(scaled, base.weibull_shape - 1.0);
    base_cumulative = std::pow(scaled, base.weibull_shape);
  } else {
    const std::size_t k = interval_of(base.breaks, t);
    for (std::size_t i = 0; i < k; ++i) base_cumulative += base.hazards[i] * (base.breaks[i + 1] - base.breaks[i]);
    base_cumulative += base.hazards[k] * (t - base.breaks[k]);
    base_hazard = base.hazards[k];
  }
  double population = base_hazard;
  if (model.cure_fraction > 0.0) {
    const double uncured = (1.0 - model.cure_fraction) * std::exp(-base_cumulative);
    population = base_hazard * uncured / (model.cure_fraction + uncured);
  }
  return model.hazard_ratios[interval_of(model.ratio_breaks, t)] * population;
}

void add_breaks(std::vector<double>& breaks, const SurvivalModel& model) {
  if (model.base.family == BaseHazard::Family::piecewise_exponential) {
    breaks.insert(breaks.end(), model.base.breaks.begin(), model.base.breaks.end());
  }
  breaks.insert(breaks.end(), model.ratio_breaks.begin(), model.ratio_breaks.end());
}

} // namespace

EventModel::EventModel(const Design& design)
    : models_(design.survival), dropout_models_(design.dropout), crossover_(design.crossover),
      analysed_(1.0 - design.exclusion), follow_up_(design.fixed_follow_up.value_or(INFINITE_TIME)) {
  for (const auto& row : models_) laws_.push_back({SurvivalDistribution(row[CONTROL]), SurvivalDistribution(row[TREATMENT])});
  for (int arm : {CONTROL, TREATMENT}) {
    if (dropout_models_[arm]) dropout_[arm] = SurvivalDistribution(*dropout_models_[arm]);
  }
  for (const Stratum& stratum : design.allocation.strata) prevalence_.push_back(stratum.prevalence);
  const double ratio_sum = design.allocation.ratio[0] + design.allocation.ratio[1];
  share_ = {design.allocation.ratio[0] / ratio_sum, design.allocation.ratio[1] / ratio_sum};
  build_panels(design);
}

template <typename Value>
double EventModel::mixed(int arm, Value value) const {
  double sum = 0.0;
  const double stay = 1.0 - crossover_[static_cast<std::size_t>(arm)];
  for (std::size_t j = 0; j < prevalence_.size(); ++j) {
    sum += prevalence_[j] * (stay * value(j, arm) + (1.0 - stay) * value(j, 1 - arm));
  }
  return sum;
}

double EventModel::event_density(int arm, double x) const {
  const double dropout_survival = dropout_models_[arm] ? dropout_[arm].survival(x) : 1.0;
  if (dropout_survival == 0.0) return 0.0;
  const double density = mixed(arm, [&](std::size_t j, int received) {
    const auto b = static_cast<std::size_t>(received);
    const double survival = laws_[j][b].survival(x);
    return survival > 0.0 ? model_hazard(models_[j][b], x) * survival : 0.0;
  });
  return analysed_ * density * dropout_survival;
}

double EventModel::survival(int arm, double t) const {
  return mixed(arm, [&](std::size_t j, int received) { return laws_[j][static_cast<std::size_t>(received)].survival(t); });
}

double EventModel::hazard(int arm, double t) const {
  const double density = mixed(arm, [&](std::size_t j, int received) {
    const auto b = static_cast<std::size_t>(received);
    return model_hazard(models_[j][b], t) * laws_[j][b].survival(t);
  });
  const double survival_now = survival(arm, t);
  return survival_now > 0.0 ? density / survival_now : 0.0;
}

void EventModel::build_panels(const Design& design) {
  std::vector<double> breaks{0.0};
  for (const auto& row : models_) {
    for (const SurvivalModel& model : row) add_breaks(breaks, model);
  }
  for (const auto& model : dropout_models_) {
    if (model) add_breaks(breaks, *model);
  }
  if (design.fixed_follow_up) breaks.push_back(follow_up_);
  std::sort(breaks.begin(), breaks.end());
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
  breaks.erase(std::remove_if(breaks.begin(), breaks.end(), [&](double b) { return b > follow_up_; }), breaks.end());

  // Largest total (event + dropout) hazard over [a, b], sampled: sets the panel width.
  const auto largest_hazard = [&](double a, double b) {
    double largest = 0.0;
    for (int i = 1; i <= 8; ++i) {
      const double x = a + (b - a) * i / 8.0;
      for (int arm : {CONTROL, TREATMENT}) {
        double total = dropout_models_[arm] ? model_hazard(*dropout_models_[arm], x) : 0.0;
        for (const auto& row : models_) total += std::max(model_hazard(row[0], x), model_hazard(row[1], x));
        largest = std::max(largest, total);
      }
    }
    return largest;
  };
  panel_ends_ = {0.0};
  const auto add_interval = [&](double a, double b) {
    const int panels = std::clamp(static_cast<int>(std::ceil(largest_hazard(a, b) * (b - a) / HAZARD_WIDTH)), 4,
                                  MAX_PANELS_PER_INTERVAL);
    for (int p = 1; p <= panels; ++p) panel_ends_.push_back(a + (b - a) * p / panels);
  };
  // Scale of the first interval: its end, or the time by which the control arm's cumulative hazard reaches 1.
  const double unit_hazard_time = laws_[0][CONTROL].event_time(1.0);
  const double first = breaks.size() > 1 ? breaks[1] : (std::isfinite(unit_hazard_time) ? unit_hazard_time : 1.0);
  for (int k = PANELS_TOWARDS_ZERO; k >= 1; --k) panel_ends_.push_back(first * std::ldexp(1.0, -k));
  add_interval(first / 2.0, first);
  for (std::size_t k = 1; k + 1 < breaks.size(); ++k) add_interval(breaks[k], breaks[k + 1]);

  // Open follow-up: panels beyond the last break, growing, until no law keeps patients at risk.
  if (!design.fixed_follow_up) {
    double width = first / 16.0;
    for (int p = 0; p < MAX_TAIL_PANELS; ++p) {
      const double a = panel_ends_.back();
      double at_risk = 0.0;
      for (int arm : {CONTROL, TREATMENT}) {
        const double kept = dropout_models_[arm] ? dropout_[arm].survival(a) : 1.0;
        at_risk = std::max(at_risk, kept * mixed(arm, [&](std::size_t j, int received) {
          const auto b = static_cast<std::size_t>(received);
          // Only patients who can still have the event count (the cured never do).
          return model_hazard(models_[j][b], a) > 0.0 ? laws_[j][b].survival(a) * (1.0 - models_[j][b].cure_fraction)
                                                       : 0.0;
        }));
      }
      if (at_risk < TAIL) break;
      const double hazard_now = largest_hazard(a, a + width);
      if (hazard_now > 0.0) width = std::min(width * 1.1, HAZARD_WIDTH / hazard_now);
      else width *= 1.5;
      panel_ends_.push_back(a + width);
    }
  }
  for (int arm : {CONTROL, TREATMENT}) {
    std::vector<double>& cumulative = cumulative_[static_cast<std::size_t>(arm)];
    cumulative.assign(panel_ends_.size(), 0.0);
    for (std::size_t p = 1; p < panel_ends_.size(); ++p) {
      cumulative[p] = cumulative[p - 1] +
                      analytic::integrate([&](double x) { return event_density(arm, x); }, panel_ends_[p - 1], panel_ends_[p]);
    }
  }
}

double EventModel::event_probability(int arm, double s) const {
  const std::vector<double>& cumulative = cumulative_[static_cast<std::size_t>(arm)];
  if (s <= 0.0) return 0.0;
  if (s >= panel_ends_.back()) return cumulative.back();
  const auto after = std::upper_bound(panel_ends_.begin(), panel_ends_.end(), s);
  const auto p = static_cast<std::size_t>(after - panel_ends_.begin()) - 1;
  return cumulative[p] + analytic::integrate([&](double x) { return event_density(arm, x); }, panel_ends_[p], s);
}

double EventModel::event_probability(double s) const {
  return share_[CONTROL] * event_probability(CONTROL, s) + share_[TREATMENT] * event_probability(TREATMENT, s);
}

} // namespace trialsim
