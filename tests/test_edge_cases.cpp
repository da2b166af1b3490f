// Extreme but valid designs, each with the defined result documented in
// docs/edge_cases.md: event probabilities near 0 and 1, one patient per arm,
// 100,000 patients, a look with no patients and no events, ties everywhere
// (integer times, checked against a hand computation), a hazard ratio of
// exactly 1, and a look trigger never reached. Monte Carlo tolerances are
// stated with their replicates and standard errors.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/report.hpp"
#include "trialsim/statistics.hpp"

using namespace trialsim;

namespace {

// A one-look design: `patients` at `rate` a day, 180 days of follow-up, the final look when
// everyone has completed it; `extra` adds or replaces top-level blocks.
std::string design_text(const std::string& control, const std::string& treatment, int patients, double rate,
                        const std::string& extra = "") {
  std::ostringstream text;
  text << "name: edge case\narms:\n  - id: control\n    survival: " << control
       << "\n  - id: treatment\n    survival: " << treatment << "\nenrollment: {sample_size: " << patients
       << ", rates: [{from: 0, rate: " << rate << "}]}\nfollow_up: {fixed: 180}\n";
  if (extra.find("analyses:") == std::string::npos) text << "analyses: [{name: final, when: {completed_follow_up: all}}]\n";
  text << extra;
  return text.str();
}

struct SimulatedRun {
  Design design;
  Results results;
  std::vector<TrialOutcome> outcomes;
};

SimulatedRun simulate(const std::string& text, std::int64_t replicates) {
  SimulatedRun r{parse_design(text, "edge.yaml", std::vector<Override>{{"simulation.replicates", std::to_string(replicates)}}),
        {}, {}};
  RunOptions options;
  options.on_block = [&r](std::int64_t, std::span<const TrialOutcome> block) {
    r.outcomes.insert(r.outcomes.end(), block.begin(), block.end());
  };
  r.results = run_simulation(r.design, plan_boundaries(r.design), options);
  return r;
}

// The printed table never shows NaN: missing values print as "-".
void expect_table_without_nan(const SimulatedRun& r) {
  std::ostringstream table;
  print_results(table, r.design, r.results);
  EXPECT_EQ(table.str().find("nan"), std::string::npos) << table.str();
}

double se_of_proportion(double p, double n) { return std::sqrt(p * (1 - p) / n); }

} // namespace

// P(event by 180) = 1e-6 in both arms, 200 patients: P(any event) = 2e-4 per trial, so
// almost every trial has none. With no event, z = 0 (no information), no rejection, and
// the HR does not exist (NaN, left out of the HR summary).
TEST(ExtremeDesigns, EventProbabilityNearZero) {
  const std::string arm = "{exponential: {event_probability: 1e-6, at: 180}}";
  const SimulatedRun r = simulate(design_text(arm, arm, 200, 1.0), 2000);
  EXPECT_EQ(r.results.power, 0.0);
  EXPECT_EQ(r.results.reject_probability, 0.0);
  int without_events = 0;
  for (const TrialOutcome& outcome : r.outcomes) {
    const LookOutcome& look = outcome.looks[0];
    EXPECT_TRUE(std::isfinite(look.z));
    EXPECT_EQ(look.decision, NO_REJECTION);
    if (look.events[CONTROL] + look.events[TREATMENT] == 0) {
      ++without_events;
      EXPECT_EQ(look.z, 0.0);
      EXPECT_TRUE(std::isnan(look.hr));
    }
  }
  // Expected 2000 * (1 - 2e-4) = 1999.6 trials without events; at most a few have one.
  EXPECT_GE(without_events, 1995);
  EXPECT_EQ(r.results.looks[0].hr.count, 0); // an HR exists only with events in both arms
  expect_table_without_nan(r);
}

// P(event by 180) = 0.999999 in control and HR 0.5 (treatment 0.999): almost every patient
// has the event. 1000 replicates of 200 patients: expected events 199.9 per trial; the log-rank
// z has mean about ln 2 * sqrt(200) / 2 = 4.9, so the power is 0.998 (SE 0.0014).
TEST(ExtremeDesigns, EventProbabilityNearOne) {
  const SimulatedRun r = simulate(design_text("{exponential: {event_probability: 0.999999, at: 180}}",
                                "{relative_to_control: {hazard_ratio: 0.5}}", 200, 1.0),
                    1000);
  const LookSummary& look = r.results.looks[0];
  EXPECT_NEAR(look.events.mean, 200 * (1 - (1e-6 + 1e-3) / 2), 0.05);
  EXPECT_GT(r.results.power, 0.99);
  // Median Cox HR: SE of log HR about sqrt(4 / 200) = 0.14 per trial, 0.0045 over 1000;
  // the tolerance is about 4 SE on the HR scale.
  EXPECT_NEAR(look.hr.quantiles[2], 0.5, 0.01);
  for (const TrialOutcome& outcome : r.outcomes) EXPECT_TRUE(std::isfinite(outcome.looks[0].z));
  expect_table_without_nan(r);
}

// One patient per arm (blocks of 2). Log-rank by hand: at the first event both are at risk,
// O - E = +-1/2 and V = 1/4; at a second event one is at risk and adds nothing. So z is 0
// (no event) or +-1 (z = -1 when the treated patient dies first), and |z| never reaches 1.96.
// The Cox HR is 0 or infinity (one arm's event before the other's) or does not exist.
TEST(ExtremeDesigns, OnePatientPerArm) {
  const std::string arm = "{exponential: {event_probability: 0.6, at: 180}}";
  const SimulatedRun r = simulate(design_text(arm, arm, 2, 0.1, "allocation: {block_size: 2}\n"), 2000);
  EXPECT_EQ(r.results.power, 0.0);
  EXPECT_EQ(r.results.reject_probability, 0.0);
  int ones = 0;
  for (const TrialOutcome& outcome : r.outcomes) {
    const LookOutcome& look = outcome.looks[0];
    ASSERT_EQ(look.enrolled, 2);
    const int events = look.events[CONTROL] + look.events[TREATMENT];
    if (events == 0) {
      EXPECT_EQ(look.z, 0.0);
      EXPECT_TRUE(std::isnan(look.hr));
    } else {
      EXPECT_EQ(std::abs(look.z), 1.0);
      EXPECT_TRUE(look.hr == 0.0 || std::isinf(look.hr)) << look.hr;
      ++ones;
    }
  }
  // P(at least one event) = 1 - 0.4^2 = 0.84; SE over 2000 trials 0.0082.
  EXPECT_NEAR(ones / 2000.0, 0.84, 3 * se_of_proportion(0.84, 2000));
  expect_table_without_nan(r);
}

// 100,000 patients (100 a day), DanGer Shock's 60% vs 42% at 180 days (HR ln 0.58 / ln 0.4 =
// 0.5945), 3 replicates. Per trial: control events / 50,000 within 4 SE (sqrt(0.24 / 50000) =
// 0.0022) of 0.6, and log HR within 4 SE (sqrt(1 / 30000 + 1 / 21000) = 0.0090) of ln 0.5945.
TEST(ExtremeDesigns, OneHundredThousandPatients) {
  const SimulatedRun r = simulate(design_text("{exponential: {event_probability: 0.60, at: 180}}",
                                "{exponential: {event_probability: 0.42, at: 180}}", 100000, 100.0),
                    3);
  const double true_hr = std::log(0.58) / std::log(0.40);
  for (const TrialOutcome& outcome : r.outcomes) {
    const LookOutcome& look = outcome.looks[0];
    EXPECT_EQ(look.enrolled, 100000);
    EXPECT_NEAR(look.events[CONTROL] / 50000.0, 0.6, 4 * 0.0022);
    EXPECT_NEAR(std::log(look.hr), std::log(true_hr), 4 * 0.0090);
    EXPECT_EQ(look.decision, EFFICACY);
  }
}

// Hazard ratio exactly 1: the null holds, so the rejection rate is the level. 4000 replicates
// of 200 patients, two-sided 0.05: SE sqrt(0.05 * 0.95 / 4000) = 0.0034 (each tail 0.0025).
TEST(ExtremeDesigns, HazardRatioExactlyOne) {
  const SimulatedRun r = simulate(design_text("{exponential: {event_probability: 0.5, at: 180}}",
                                "{relative_to_control: {hazard_ratio: 1}}", 200, 1.0),
                    4000);
  EXPECT_NEAR(r.results.reject_probability, 0.05, 3 * se_of_proportion(0.05, 4000));
  EXPECT_NEAR(r.results.power, 0.025, 3 * se_of_proportion(0.025, 4000));
  EXPECT_NEAR(r.results.looks[0].mean_z, 0.0, 3 * 1.0 / std::sqrt(4000.0));
}

// An interim at day 5 while recruitment starts on day 10: nobody is enrolled, so the look
// has no data: z = 0, no HR, continue. The final look then decides alone.
TEST(ExtremeDesigns, LookWithNoPatientsAndNoEvents) {
  const std::string arm = "{exponential: {event_probability: 0.6, at: 180}}";
  const std::string extra =
      "analyses:\n  - {name: empty, when: {time: 5}}\n  - {name: final, when: {completed_follow_up: all}}\n"
      "test: {information_fractions: [0.5, 1]}\n";
  std::string text = design_text(arm, arm, 100, 1.0, extra);
  text.replace(text.find("[{from: 0, rate: 1}]"), 20, "[{from: 0, rate: 0}, {from: 10, rate: 1}]");
  const SimulatedRun r = simulate(text, 500);
  for (const TrialOutcome& outcome : r.outcomes) {
    const LookOutcome& look = outcome.looks[0];
    EXPECT_EQ(look.enrolled, 0);
    EXPECT_EQ(look.events[CONTROL] + look.events[TREATMENT], 0);
    EXPECT_EQ(look.z, 0.0);
    EXPECT_TRUE(std::isnan(look.hr));
    EXPECT_EQ(look.decision, CONTINUE);
    EXPECT_EQ(outcome.stop_look, 1);
  }
  EXPECT_EQ(r.results.looks[0].hr.count, 0);
  EXPECT_EQ(r.results.looks[0].mean_z, 0.0);
  EXPECT_EQ(r.results.looks[1].performed_probability, 1.0);
  expect_table_without_nan(r);
}

// An interim at 150 events that 200 patients with P(event) = 0.3 never reach (expected 60;
// P(150 or more) < 1e-50): the look analyses all the data there will be, at the end of the
// last follow-up, and records that its trigger was missed.
TEST(ExtremeDesigns, TriggerNeverReached) {
  const std::string arm = "{exponential: {event_probability: 0.3, at: 180}}";
  const std::string extra = "analyses:\n  - {name: interim, when: {events: 150}}\n"
                            "  - {name: final, when: {completed_follow_up: all}}\n"
                            "test: {information_fractions: [0.75, 1]}\n";
  const SimulatedRun r = simulate(design_text(arm, arm, 200, 1.0, extra), 500);
  EXPECT_EQ(r.results.looks[0].trigger_missed_probability, 1.0);
  EXPECT_EQ(r.results.looks[0].performed_probability, 1.0);
  for (const TrialOutcome& outcome : r.outcomes) {
    const LookOutcome& interim = outcome.looks[0];
    EXPECT_FALSE(interim.trigger_reached);
    EXPECT_EQ(interim.enrolled, 200);
    EXPECT_TRUE(std::isfinite(interim.time));
    if (outcome.stop_look == 1) {
      // Everyone had completed follow-up at the interim's cut: the final look sees the same data.
      const LookOutcome& final = outcome.looks[1];
      EXPECT_TRUE(final.trigger_reached);
      EXPECT_GE(final.time, interim.time);
      EXPECT_EQ(final.events[CONTROL], interim.events[CONTROL]);
      EXPECT_EQ(final.events[TREATMENT], interim.events[TREATMENT]);
      EXPECT_EQ(final.z, interim.z);
    }
  }
  expect_table_without_nan(r);
}

// Integer times, so ties everywhere (events tied with events and with censorings):
//   control   events at 1, 1, 2, 3, censored at 3
//   treatment events at 1, 2, 2, 4, censored at 3
// By hand, per distinct event time (n at risk control/treatment, d events control/treatment):
//   t=1: n 5/5, d 2/1: E = 3 * 5/10 = 1.5,  V = 3 (1/2)(1/2)(7/9)   = 7/12
//   t=2: n 3/4, d 1/2: E = 3 * 4/7  = 12/7, V = 3 (4/7)(3/7)(4/6)   = 24/49
//   t=3: n 2/2, d 1/0: E = 1 * 2/4  = 1/2,  V = 1 (1/2)(1/2)(3/3)   = 1/4
//   t=4: n 0/1, d 0/1: E = 1,               V = 0 (one at risk)
// O - E (treatment) = (1 - 3/2) + (2 - 12/7) + (0 - 1/2) + (1 - 1) = -5/7, V = 5/6 + 24/49,
// log-rank z = (5/7) / sqrt(V). The Cox score test with Breslow ties has the same U = -5/7 but
// information sum d p (1 - p) = 3/4 + 36/49 + 1/4 + 0 = 85/49: z = 5 / sqrt(85).
// Kaplan-Meier at 2: control 1 - (3/5)(2/3) = 0.6, treatment 1 - (4/5)(2/4) = 0.6: difference 0.
TEST(ExtremeDesigns, TiesEverywhereMatchAHandComputation) {
  const auto patient = [](double time, std::uint8_t arm, std::uint8_t event) {
    Observation o;
    o.time = time;
    o.arm = arm;
    o.event = event;
    return o;
  };
  const std::vector<Observation> data{patient(1, 0, 1), patient(1, 0, 1), patient(2, 0, 1), patient(3, 0, 1),
                                      patient(3, 0, 0), patient(1, 1, 1), patient(2, 1, 1), patient(2, 1, 1),
                                      patient(4, 1, 1), patient(3, 1, 0)};
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(data, 1, workspace);
  const LogrankResult test = logrank(tables);
  EXPECT_NEAR(test.observed_minus_expected, -5.0 / 7.0, 1e-14);
  EXPECT_NEAR(test.variance, 5.0 / 6.0 + 24.0 / 49.0, 1e-14);
  EXPECT_NEAR(test.z, (5.0 / 7.0) / std::sqrt(5.0 / 6.0 + 24.0 / 49.0), 1e-14);
  EXPECT_NEAR(cox_fit(tables, Ties::breslow).z_score, 5.0 / std::sqrt(85.0), 1e-14);
  const MilestoneResult at_two = milestone(tables.front(), 2.0);
  EXPECT_NEAR(at_two.event_probability[CONTROL], 0.6, 1e-15);
  EXPECT_NEAR(at_two.event_probability[TREATMENT], 0.6, 1e-15);
  EXPECT_NEAR(at_two.z, 0.0, 1e-14);
}

// Calendar dates from times (days after start_date), checked against Python's
// datetime: 2013-01-27 + 4,050 days = 2024-02-29 and + 2,917,164 days = 9999-12-31.
// A date after the year 9999, or a time too large for whole days, is left blank
// rather than overflowing.
TEST(ExtremeDesigns, CalendarDatesStopAtTheYear9999) {
  Design design;
  design.start_date = "2013-01-27";
  EXPECT_EQ(calendar_date(design, 0.0), "2013-01-27");
  EXPECT_EQ(calendar_date(design, 4050.5), "2024-02-29");
  EXPECT_EQ(calendar_date(design, 2917164.0), "9999-12-31");
  EXPECT_EQ(calendar_date(design, 2917165.0), "");
  EXPECT_EQ(calendar_date(design, 1e22), "");
  EXPECT_EQ(calendar_date(design, std::numeric_limits<double>::infinity()), "");
  design.time_unit = "year";  // 365.25 days: one year after 2013-01-27 is day 365
  EXPECT_EQ(calendar_date(design, 1.0), "2014-01-27");
  EXPECT_EQ(calendar_date(design, 1e5), "");
}
