// The analytic course of designs with deterministic arrivals (patient i enters at
// Lambda^-1(i)) at small and at large sample sizes. Small ones are summed patient by
// patient; from a few thousand patients on, the sums go by Gregory's formula over the
// evenly spaced entries of each rate period and the distribution of the event count by
// its lattice Edgeworth expansion (src/analytic/entry_sums.hpp), at a cost that does not
// grow with the sample size. Both are checked here against independent calculations in
// this file: the expected events as the direct sum over every patient of the closed-form
// event probability, and the expected time of the d-th event as the integral over
// calendar time of P(fewer than d events), that probability computed exactly by the
// distribution of the running count over the patients (the Poisson-binomial recursion).
// No simulation, so no Monte Carlo error: the tolerances are numerical.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "trialsim/analytic.hpp"
#include "trialsim/config.hpp"

using namespace trialsim;

namespace {

// Patients per unit of time in the two recruiting periods of a design of `patients`
// patients (0.4 and 1 per day at 300 patients, scaled), with no arrivals from 250 to 300.
struct Rates {
  double first = 0.0;
  double second = 0.0;
};
Rates rates_for(int patients) {
  return {0.4 * patients / 300.0, 1.0 * patients / 300.0};
}

std::string design_yaml(int patients, const std::string& arms, const std::string& follow_up,
                        const std::string& looks = "[{name: final, when: {time: 5000}}]") {
  const Rates rates = rates_for(patients);
  return "name: deterministic arrivals\narms:\n" + arms +
         "allocation: {block_size: 0}\nenrollment: {sample_size: " + std::to_string(patients) +
         ", arrivals: deterministic, rates: [{from: 0, rate: " + std::to_string(rates.first) +
         "}, {from: 250, rate: 0}, {from: 300, rate: " + std::to_string(rates.second) + "}]}\n" + follow_up +
         "analyses: " + looks + "\n";
}

// Entry times Lambda^-1(i), i = 1..N, of the rates above, written out.
std::vector<double> entries(const Design& design) {
  const auto& periods = design.enrollment.periods;
  const double first = periods[0].rate;
  const double second = periods[2].rate;
  const double before_gap = first * 250.0;  // Lambda(250): patients below it enter in the first period
  std::vector<double> times;
  for (int i = 1; i <= design.enrollment.sample_size; ++i) {
    const double g = i;
    times.push_back(g < before_gap ? g / first : 300.0 + (g - before_gap) / second);
  }
  return times;
}

// Direct sum over the patients entered before t of `share * probability(t - entry)`.
double direct_sum(const std::vector<double>& entry_times, double t, double share,
                  const std::function<double(double)>& probability) {
  double sum = 0.0;
  for (const double entry : entry_times) {
    if (entry < t) sum += share * probability(t - entry);
  }
  return sum;
}

const std::string EXPONENTIAL_ARMS =
    "  - {id: control, survival: {exponential: {hazard: 0.004}}}\n"
    "  - {id: treatment, survival: {exponential: {hazard: 0.0025}}}\n";
// Closed form of the exponential arms, open follow-up: G(s) = 1 - e^(-lambda s).
double exponential_probability(int arm, double s) {
  return 1.0 - std::exp(-(arm == CONTROL ? 0.004 : 0.0025) * s);
}

// Calendar times at which the sums are compared: before and in the gap, during the second
// period (t = 300 + 150 at every size), after enrolment.
const std::vector<double> TIMES{40.0, 260.0, 450.0, 700.0, 2000.0};

// expected_events(t, arm) of the design of `patients` patients against the direct sum of
// probability(arm, s) over its patients, at every time in TIMES, to 1e-10.
void expect_direct_sums(int patients, const std::string& arms, const std::string& extra,
                        const std::function<double(const EventModel&, int, double)>& probability) {
  const Design design = parse_design(design_yaml(patients, arms, extra), "design");
  const EventModel model(design);
  const ExpectedCourse course(design, model);
  const std::vector<double> entry_times = entries(design);
  for (const double t : TIMES) {
    for (const int arm : {CONTROL, TREATMENT}) {
      SCOPED_TRACE(std::to_string(patients) + " patients, t = " + std::to_string(t) + ", arm " + std::to_string(arm));
      const double expected = direct_sum(entry_times, t, 0.5, [&](double s) { return probability(model, arm, s); });
      EXPECT_NEAR(course.expected_events(t, arm), expected, 1e-10 * expected);
    }
  }
}

}  // namespace

TEST(AnalyticDeterministic, ExpectedEventsAreTheDirectSumAtEverySize) {
  for (const int patients : {300, 3000, 200000}) {
    expect_direct_sums(patients, EXPONENTIAL_ARMS, "",
                       [](const EventModel&, int arm, double s) { return exponential_probability(arm, s); });
  }
}

// Piecewise hazards and a fixed follow-up put kinks into the event probability: the
// Gregory sums are cut there.
TEST(AnalyticDeterministic, ExpectedEventsWithKinksAreTheDirectSumAtEverySize) {
  const std::string arms =
      "  - {id: control, survival: {piecewise_exponential: {breaks: [0, 100], hazards: "
      "[0.006, 0.002]}}}\n"
      "  - {id: treatment, survival: {exponential: {hazard: 0.002}}}\n";
  // G(s) = 1 - exp(-H(min(s, 365))).
  const auto probability = [](int arm, double s) {
    const double x = std::min(s, 365.0);
    const double cumulative =
        arm == TREATMENT ? 0.002 * x : 0.006 * std::min(x, 100.0) + 0.002 * std::max(x - 100.0, 0.0);
    return 1.0 - std::exp(-cumulative);
  };
  for (const int patients : {300, 200000}) {
    expect_direct_sums(patients, arms, "follow_up: {fixed: 365}\n",
                       [&](const EventModel&, int arm, double s) { return probability(arm, s); });
  }
}

// A Weibull hazard that is infinite at 0 (shape 0.7), a cure fraction, crossover and
// exclusion: the sums of the model's own event probability, so this checks the summation.
TEST(AnalyticDeterministic, ExpectedEventsOfAWeibullWithCureAreTheDirectSum) {
  const std::string arms =
      "  - {id: control, survival: {weibull: {shape: 0.7, median: 100}, cure_fraction: 0.2}}\n"
      "  - {id: treatment, survival: {relative_to_control: {breaks: [0, 30], hazard_ratios: "
      "[1.0, 0.6]}}}\n";
  const std::string extra = "crossover: {control_to_treatment: 0.05, treatment_to_control: 0.1}\nexclusion: 0.05\n";
  expect_direct_sums(200000, arms, extra,
                     [](const EventModel& model, int arm, double s) { return model.event_probability(arm, s); });
}

// E[T_d] = integral over t of P(fewer than d events by t), with that probability by the
// exact recursion over the patients' closed-form event probabilities; the integral by
// 8-point Gauss-Legendre on 64 panels over a window outside which the probability is 0
// or 1 to 1e-13 (checked).
double exact_expected_event_time(const std::vector<double>& entry_times, int d, double low, double high) {
  const auto fewer = [&](double t) {
    std::vector<double> count(static_cast<std::size_t>(d), 0.0);
    count[0] = 1.0;
    for (const double entry : entry_times) {
      if (!(entry < t)) break;
      const double p =
          0.5 * exponential_probability(CONTROL, t - entry) + 0.5 * exponential_probability(TREATMENT, t - entry);
      for (std::size_t k = count.size(); k-- > 0;) count[k] = count[k] * (1.0 - p) + (k > 0 ? count[k - 1] * p : 0.0);
    }
    double below = 0.0;
    for (const double c : count) below += c;
    return below;
  };
  EXPECT_GT(fewer(low), 1.0 - 1e-13);
  EXPECT_LT(fewer(high), 1e-13);
  static constexpr double NODES[8] = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290,
                                      -0.1834346424956498, 0.1834346424956498,  0.5255324099163290,
                                      0.7966664774136267,  0.9602898564975363};
  static constexpr double WEIGHTS[8] = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
                                        0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
  constexpr int PANELS = 64;
  const double width = (high - low) / PANELS;
  double integral = 0.0;
  for (int p = 0; p < PANELS; ++p) {
    for (int i = 0; i < 8; ++i) integral += 0.5 * width * WEIGHTS[i] * fewer(low + (p + 0.5 + 0.5 * NODES[i]) * width);
  }
  return low + integral;
}

// 300 patients: the count distribution is taken exactly, and the two integrals agree to
// 2e-8 days (the quadrature). 3000 patients and 1500 events: by the Edgeworth expansion
// (patients x events beyond 2e6) with a standard deviation of the count of about 20, the
// smallest for which the expansion is used here; its error, O(1 / variance^2), is then
// 1.2e-5 days (2e-8 of the time), and smaller at larger sizes.
TEST(AnalyticDeterministic, ExpectedEventTimeIsTheIntegralOfTheExactCountDistribution) {
  struct Case {
    int patients;
    int events;
    double tolerance_days;
  };
  for (const Case& c : {Case{300, 150, 1e-6}, Case{3000, 1500, 5e-5}}) {
    const std::string looks = "[{name: final, when: {events: " + std::to_string(c.events) + "}}]";
    const Design design = parse_design(design_yaml(c.patients, EXPONENTIAL_ARMS, "", looks), "design");
    const EventModel model(design);
    const ExpectedCourse course(design, model);
    const double reached = course.time_expected_events_reach(c.events);
    const double window = 2000.0 / std::sqrt(static_cast<double>(c.events));
    const double exact = exact_expected_event_time(entries(design), c.events, reached - window, reached + window);
    SCOPED_TRACE(std::to_string(c.patients) + " patients, " + std::to_string(c.events) + " events");
    EXPECT_NEAR(course.expected_event_time(c.events), exact, c.tolerance_days);
  }
}
