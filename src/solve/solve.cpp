// Monotone search for the value at which the power reaches a target.
//
// The power estimates come from simulations on common random numbers, so the
// estimated power is (nearly) a monotone function of the value and bisection
// on "estimated power >= target" converges to where the estimate crosses the
// target. Shifting the estimate by +-z standard errors and bisecting again
// gives where the power's confidence band crosses the target: the values at
// which a true power equal to the target is consistent with the simulation,
// i.e. a confidence interval for the solution (inverting the test, as for any
// confidence set).

#include <algorithm>
#include <cmath>
#include <map>

#include "trialsim/error.hpp"
#include "trialsim/solve.hpp"

namespace trialsim {

namespace {

// Bounds the unbounded search of an integer path: 2^30 times the start is beyond any trial.
constexpr int MAX_DOUBLINGS = 30;

std::string shown(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string shown(const PowerPoint& point) {
  char text[64];
  std::snprintf(text, sizeof text, "%.4f (SE %.4f)", point.power, point.se);
  return shown(point.value) + " (power " + text + ")";
}

// Every value evaluated once; the search asks for the same values repeatedly.
class PowerCurve {
 public:
  PowerCurve(const std::function<PowerPoint(double)>& power_at, const SolveSettings& settings, const std::string& path)
      : power_at_(power_at), settings_(settings), path_(path) {}

  // The estimate at `value`, or nothing when the value gives no valid design.
  std::optional<PowerPoint> try_at(double value) {
    const auto known = points_.find(value);
    if (known != points_.end()) return known->second;
    if (invalid_.contains(value)) return std::nullopt;
    try {
      PowerPoint point = power_at_(value);
      point.value = value;
      points_.emplace(value, point);
      return point;
    } catch (const InvalidValue&) {
      invalid_.emplace(value, true);
      return std::nullopt;
    }
  }

  PowerPoint at(double value) {
    if (auto point = try_at(value)) return *point;
    // A range end, or a value inside a bracket of valid ones, that gives no valid design.
    try {
      return power_at_(value);
    } catch (const InvalidValue& error) {
      throw InputError(path_, "the value " + shown(value) + " gives no valid design: " + error.what());
    }
  }

  // Estimated power shifted by `shift` standard errors reaches the target.
  bool reached(double value, double shift) {
    const PowerPoint point = at(value);
    return point.power + shift * point.se >= settings_.target_power;
  }

  std::vector<PowerPoint> points() const {
    std::vector<PowerPoint> result;
    for (const auto& [value, point] : points_) result.push_back(point);
    return result;
  }

  [[noreturn]] void not_crossed(const PowerPoint& a, const PowerPoint& b) const {
    throw InputError(path_, "the power does not cross the target " + shown(settings_.target_power) + " between " +
                                shown(a) + " and " + shown(b) + "; give a --range where it does");
  }

  const std::string& path() const { return path_; }

 private:
  const std::function<PowerPoint(double)>& power_at_;
  const SolveSettings& settings_;
  std::string path_;
  std::map<double, PowerPoint> points_;
  std::map<double, bool> invalid_;
};

// Two values: `missed` does not reach the target, `reached` does (in either order of value).
struct Bracket {
  double missed;
  double reached;
};

double midpoint(double a, double b, bool integer) {
  const double middle = a + (b - a) / 2;
  return integer ? std::floor(middle) : middle;
}

bool narrow(const Bracket& bracket, const SolveSettings& settings, double tolerance) {
  const double width = std::abs(bracket.reached - bracket.missed);
  return settings.integer ? width <= 1 : width <= tolerance;
}

Bracket bisect(PowerCurve& curve, Bracket bracket, double shift, const SolveSettings& settings, double tolerance) {
  while (!narrow(bracket, settings, tolerance)) {
    const double middle = midpoint(bracket.missed, bracket.reached, settings.integer);
    (curve.reached(middle, shift) ? bracket.reached : bracket.missed) = middle;
  }
  return bracket;
}

// An integer path without a range: the power is taken to grow with the value
// (sample size, events); double up from the start, or halve down, staying valid.
Bracket expand_from_start(PowerCurve& curve, const SolveSettings& settings) {
  const double start = std::max(1.0, std::round(settings.start));
  const PowerPoint first = curve.at(start);
  if (first.power < settings.target_power) {
    double value = start;
    for (int i = 0; i < MAX_DOUBLINGS; ++i) {
      const double next = value * 2;
      const auto point = curve.try_at(next);
      if (!point) {
        throw InputError(curve.path(), "the power stays below the target up to " + shown(value) + " (" +
                                           shown(curve.at(value)) + "); larger values give no valid design");
      }
      if (point->power >= settings.target_power) return {value, next};
      value = next;
    }
    throw InputError(curve.path(), "the power does not reach the target up to " + shown(value));
  }
  double reached = start;
  double candidate = std::floor(start / 2);
  while (candidate >= 1 && candidate < reached) {
    const auto point = curve.try_at(candidate);
    if (!point) {
      // Below the smallest valid value: move back towards the valid one.
      candidate = std::ceil(candidate + (reached - candidate) / 2);
      if (candidate >= reached) break;
      continue;
    }
    if (point->power < settings.target_power) return {candidate, reached};
    reached = candidate;
    candidate = std::floor(candidate / 2);
  }
  throw InputError(curve.path(),
                   "the power already reaches the target at the smallest valid value " + shown(curve.at(reached)));
}

Bracket initial_bracket(PowerCurve& curve, const SolveSettings& settings) {
  if (!settings.low || !settings.high) {
    if (!settings.integer)
      throw InputError("--range", "is required to solve for a real-valued path such as " + curve.path());
    return expand_from_start(curve, settings);
  }
  const PowerPoint low = curve.at(*settings.low);
  const PowerPoint high = curve.at(*settings.high);
  const bool low_reached = low.power >= settings.target_power;
  const bool high_reached = high.power >= settings.target_power;
  if (low_reached == high_reached) curve.not_crossed(low, high);
  return low_reached ? Bracket{high.value, low.value} : Bracket{low.value, high.value};
}

// The value within a narrow bracket where the (shifted) estimate crosses the target, by linear interpolation.
double interpolated_crossing(PowerCurve& curve, const Bracket& bracket, double shift, double target) {
  const PowerPoint a = curve.at(bracket.missed);
  const PowerPoint b = curve.at(bracket.reached);
  const double pa = a.power + shift * a.se;
  const double pb = b.power + shift * b.se;
  const double fraction = pb > pa ? std::clamp((target - pa) / (pb - pa), 0.0, 1.0) : 1.0;
  return a.value + fraction * (b.value - a.value);
}

// Integer paths: the first value that reaches; real paths: the interpolated crossing.
double crossing(PowerCurve& curve, const Bracket& bracket, double shift, const SolveSettings& settings) {
  return settings.integer ? bracket.reached : interpolated_crossing(curve, bracket, shift, settings.target_power);
}

// Where the band shifted by `shift` SEs crosses, searched between the two given values;
// nothing when it does not cross between them (the interval extends beyond the search).
std::optional<double> band_crossing(PowerCurve& curve, double missed, double reached, double shift,
                                    const SolveSettings& settings, double tolerance) {
  if (curve.reached(missed, shift) || !curve.reached(reached, shift)) return std::nullopt;
  return crossing(curve, bisect(curve, {missed, reached}, shift, settings, tolerance), shift, settings);
}

// Least-squares slope of the power over the points within [from, to] (at least the two ends).
double local_slope(const std::vector<PowerPoint>& points, double from, double to) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (const PowerPoint& p : points) {
    if (p.value < from || p.value > to) continue;
    sx += p.value;
    sy += p.power;
    sxx += p.value * p.value;
    sxy += p.value * p.power;
    ++n;
  }
  const double denominator = n * sxx - sx * sx;
  return n >= 2 && denominator > 0 ? (n * sxy - sx * sy) / denominator : 0.0;
}

}  // namespace

Solution solve_for_power(const std::function<PowerPoint(double)>& power_at, const SolveSettings& settings,
                         const std::string& path) {
  PowerCurve curve(power_at, settings, path);
  const Bracket outer = initial_bracket(curve, settings);
  const double tolerance = settings.tolerance > 0 ? settings.tolerance : std::abs(outer.reached - outer.missed) * 1e-3;
  const Bracket inner = bisect(curve, outer, 0.0, settings, tolerance);

  Solution solution;
  solution.increasing = outer.reached > outer.missed;
  solution.value = crossing(curve, inner, 0.0, settings);
  solution.interpolated = interpolated_crossing(curve, inner, 0.0, settings.target_power);
  const double z = settings.confidence_z;
  // +z: the optimistic band reaches the target sooner; -z: the pessimistic one later.
  const auto soon = band_crossing(curve, outer.missed, inner.reached, z, settings, tolerance);
  const auto late = band_crossing(curve, inner.missed, outer.reached, -z, settings, tolerance);
  if (solution.increasing) {
    solution.lower = soon;
    solution.upper = late;
  } else {
    solution.lower = late;
    solution.upper = soon;
  }
  solution.points = curve.points();
  const double from = std::min({inner.missed, inner.reached, solution.lower.value_or(inner.missed)});
  const double to = std::max({inner.missed, inner.reached, solution.upper.value_or(inner.reached)});
  const double slope = local_slope(solution.points, from, to);
  const PowerPoint at_answer = curve.at(inner.reached);
  solution.standard_error = slope != 0.0 ? at_answer.se / std::abs(slope) : std::nan("");
  return solution;
}

}  // namespace trialsim
