#pragma once
//! \file solve.hpp
//! Solving for the value of one design path (sample size, events of a look,
//! hazard ratio, event probability) at which a design reaches a target power.
//! The search is generic: it is given a function from a value to a power
//! estimate with its Monte Carlo standard error. With common random numbers that
//! function is nearly smooth, so bisection on it finds the crossing, and the
//! crossing's uncertainty follows from inverting the power's confidence interval.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "trialsim/design.hpp"

namespace trialsim {

//! The simulated (or computed) power of the design at one value of the solved path.
struct PowerPoint {
  double value = 0.0;
  double power = 0.0;
  double se = 0.0;  //!< Monte Carlo standard error (0 for an analytic power)
};

struct SolveSettings {
  double target_power = 0.8;
  bool integer = false;       //!< the path takes integer values (sample size, events)
  std::optional<double> low;  //!< search range; without it, integer paths expand from `start`
  std::optional<double> high;
  double start = 0.0;                       //!< the design's own value, where an unbounded search begins
  double tolerance = 0.0;                   //!< real paths: stop when the bracket is this narrow (0: 1e-3 of the range)
  double confidence_z = 1.959963984540054;  //!< z of the confidence interval (95%)
};

struct Solution {
  //! Integer paths: the first value (in the direction of increasing power) whose power
  //! reaches the target; real paths: the crossing, interpolated within the final bracket.
  double value = 0.0;
  //! The crossing interpolated linearly within the final bracket (for integer paths a
  //! fractional value, e.g. 120.3 events; for real paths equal to `value`).
  double interpolated = 0.0;
  //! Where the power's confidence band crosses the target: a confidence interval for the
  //! value at which the true power equals the target. Absent when it lies beyond the range searched.
  std::optional<double> lower, upper;
  //! Standard error of `value` by the delta method: SE(power) / |slope of power|.
  double standard_error = 0.0;
  bool increasing = true;          //!< power increases with the value
  std::vector<PowerPoint> points;  //!< every evaluation, by value
};

//! A value that gives no valid design (e.g. a sample size below an interim's patient count).
class InvalidValue : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

//! Finds where `power_at` crosses the target. `power_at` may throw InvalidValue for values
//! outside the design's domain; the search then stays inside. InputError when the target is
//! not crossed in the range (naming `path`, the range and the powers at its ends).
Solution solve_for_power(const std::function<PowerPoint(double)>& power_at, const SolveSettings& settings,
                         const std::string& path);

//! Power of a design by Schoenfeld's approximation (Schoenfeld 1981): the log-rank
//! statistic at the last look is normal with mean |ln HR| sqrt(pi (1 - pi) D), pi the
//! treatment share and D the look's events, and the looks share the design's boundary
//! at its planned information fractions (group-sequential power by the boundary recursion).
struct AnalyticPower {
  std::optional<double> power;  //!< absent, with `reason`, when the design does not fix HR or D
  double hazard_ratio = 0.0;
  double events = 0.0;  //!< expected events D at the last look
  std::string reason;
  std::string caveat;  //!< what the approximation leaves out (dropout, crossover, ...)
};

AnalyticPower schoenfeld_power(const Design& design);

}  // namespace trialsim
