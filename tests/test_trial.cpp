// One simulated trial: look times from their triggers, the data cut, the
// analysed population, and patient records that reproduce the look statistics.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/model.hpp"
#include "trialsim/trial.hpp"

using namespace trialsim;

namespace {

// A small design in the shape of configs/danger_shock.yaml; `follow_up` and
// `analyses` are spliced in.
Design design_with(const std::string& follow_up, const std::string& analyses, const std::string& extra = "") {
  const std::string yaml = R"(name: trial test
arms:
  - id: control
    survival: {exponential: {event_probability: 0.60, at: 180}}
  - id: pump
    survival: {exponential: {event_probability: 0.42, at: 180}}
enrollment:
  sample_size: 360
  rates: [{from: 0, rate: 0.041}, {from: 2190, rate: 0.164}]
)" + follow_up + "\nanalyses:\n" +
                           analyses + "\n" + extra + R"(
simulation: {replicates: 100, seed: 99}
)";
  return parse_design(yaml, "trial_test.yaml");
}

const std::string FIXED = "follow_up: {fixed: 180}";

struct Simulated {
  TrialWorkspace workspace;
  TrialOutcome outcome;
};

Simulated simulate(const TrialSimulator& simulator, std::uint64_t replicate) {
  Simulated s{simulator.make_workspace(), {}};
  simulator.simulate(replicate, s.workspace, s.outcome);
  return s;
}

}  // namespace

TEST(Trial, CompletedFollowUpLooksHappenWhenThePatientCompletes) {
  const Design design = design_with(FIXED, R"(  - {name: interim, when: {completed_follow_up: 180}}
  - {name: final, when: {completed_follow_up: all}})");
  const BoundaryPlan plan = plan_boundaries(design);
  const TrialSimulator simulator(design, plan);
  for (std::uint64_t r = 0; r < 50; ++r) {
    const Simulated s = simulate(simulator, r);
    const LookOutcome& interim = s.outcome.looks[0];
    EXPECT_EQ(interim.time, s.workspace.entry[179] + 180);
    EXPECT_GE(interim.enrolled, 180);
    if (interim.decision == CONTINUE) {
      EXPECT_EQ(s.outcome.looks[1].time, s.workspace.entry[359] + 180);
      EXPECT_EQ(s.outcome.looks[1].enrolled, 360);
    } else {
      EXPECT_EQ(s.outcome.looks[1].decision, NOT_PERFORMED);
    }
  }
}

TEST(Trial, EventTriggersCutAtTheEventThatFiresThem) {
  const Design design = design_with("", R"(  - {when: {events: 50}}
  - {when: {events: 150}})",
                                    "test: {sides: 1, alpha: 0.025, boundary: {family: pocock}}");
  const TrialSimulator simulator(design, plan_boundaries(design));
  for (std::uint64_t r = 0; r < 50; ++r) {
    const Simulated s = simulate(simulator, r);
    const LookOutcome& first = s.outcome.looks[0];
    EXPECT_EQ(first.events[0] + first.events[1], 50);  // continuous times: no ties at the cut
    EXPECT_TRUE(first.trigger_reached);
    if (first.decision == CONTINUE) {
      EXPECT_EQ(s.outcome.looks[1].events[0] + s.outcome.looks[1].events[1], 150);
    }
  }
}

TEST(Trial, EnrolledPlusLagAndCombinedTriggers) {
  const Design design = design_with(FIXED, R"(  - {when: {enrolled: 100, lag: 30}}
  - {when: {time: 4000, completed_follow_up: all, combine: first}})",
                                    "test: {information_fractions: [0.3, 1]}");
  const TrialSimulator simulator(design, plan_boundaries(design));
  for (std::uint64_t r = 0; r < 50; ++r) {
    const Simulated s = simulate(simulator, r);
    EXPECT_EQ(s.outcome.looks[0].time, s.workspace.entry[99] + 30);
    if (s.outcome.looks[0].decision == CONTINUE) {
      EXPECT_EQ(s.outcome.looks[1].time, std::min(4000.0, s.workspace.entry[359] + 180));
    }
  }
}

TEST(Trial, TriggerThatNeverFiresAnalysesAllTheData) {
  // With a 90% cure fraction far fewer than 300 of 360 patients ever die.
  const Design design = parse_design(R"(name: never fires
arms:
  - id: control
    survival: {exponential: {hazard: 0.01}, cure_fraction: 0.9}
  - id: pump
    survival: {relative_to_control: {hazard_ratio: 0.8}}
enrollment: {sample_size: 360, rates: [{from: 0, rate: 1}]}
analyses:
  - {when: {events: 300}}
simulation: {replicates: 10, seed: 1}
)",
                                     "never.yaml");
  const TrialSimulator simulator(design, plan_boundaries(design));
  const Simulated s = simulate(simulator, 0);
  const LookOutcome& look = s.outcome.looks[0];
  EXPECT_FALSE(look.trigger_reached);
  EXPECT_TRUE(std::isfinite(look.time));
  EXPECT_TRUE(std::isfinite(look.z));
  EXPECT_LT(look.events[0] + look.events[1], 300);
  EXPECT_NE(look.decision, NOT_PERFORMED);
}

TEST(Trial, PatientRecordsReproduceEveryLookStatisticExactly) {
  // What --keep-patients stores must let an external tool recompute each look.
  const Design design = design_with(FIXED, R"(  - {name: interim, when: {completed_follow_up: 180}}
  - {name: final, when: {completed_follow_up: all}})",
                                    "analysis_population: first_completed");
  const TrialSimulator simulator(design, plan_boundaries(design));
  StatisticsWorkspace statistics;
  for (std::uint64_t r = 0; r < 30; ++r) {
    const Simulated s = simulate(simulator, r);
    const PatientRecords records = simulator.patients(r);
    ASSERT_EQ(records.entry, s.workspace.entry);
    for (int k = 0; k < 2; ++k) {
      const LookOutcome& look = s.outcome.looks[static_cast<std::size_t>(k)];
      if (look.decision == NOT_PERFORMED) continue;
      std::vector<Observation> observations;
      for (std::size_t p = 0; p < records.entry.size(); ++p) {
        if (std::isnan(records.time[static_cast<std::size_t>(k)][p])) continue;
        // The interim analyses only the first 180 patients.
        if (k == 0) {
          EXPECT_LT(p, 180u);
        }
        observations.push_back({records.time[static_cast<std::size_t>(k)][p], records.arm[p],
                                records.status[static_cast<std::size_t>(k)][p], 0});
      }
      const auto tables = build_event_tables(observations, 1, statistics);
      EXPECT_EQ(logrank_z(tables, cox_fit(tables, Ties::efron)), look.z);
      EXPECT_NEAR(logrank(tables).z, look.z, 1e-12);
      EXPECT_EQ(tables[0].events[0], look.events[0]);
      EXPECT_EQ(tables[0].events[1], look.events[1]);
      EXPECT_EQ(std::exp(cox_fit(tables, Ties::efron).log_hr), look.hr);
    }
  }
}

TEST(Trial, EventTimesInvertTheCumulativeHazardOfTheArmReceived) {
  // Open follow-up, no dropout: every follow-up is the event time drawn from the
  // event stream, in each arm's exponential law (the simulator divides two patients
  // at a time) or with a piecewise control law; an odd number of patients takes the
  // last one alone. Crossover makes the arm received differ from the arm assigned.
  for (const bool piecewise_control : {false, true}) {
    Design design = design_with("", "  - {when: {events: 50}}",
                                "crossover: {control_to_treatment: 0.3, treatment_to_control: 0.2}");
    design.enrollment.sample_size = 101;
    if (piecewise_control) {
      design.survival[0][CONTROL].base.breaks = {0.0, 30.0};
      design.survival[0][CONTROL].base.hazards = {0.017, 0.0027};
    }
    const TrialSimulator simulator(design, plan_boundaries(design));
    const std::array<SurvivalDistribution, 2> laws{SurvivalDistribution(design.survival[0][CONTROL]),
                                                   SurvivalDistribution(design.survival[0][TREATMENT])};
    for (std::uint64_t r = 0; r < 20; ++r) {
      // Every patient, those after the look included, as --keep-patients stores them.
      const PatientRecords records = simulator.patients(r);
      RandomStream events(design.simulation.seed, 0, StreamId::event);
      events.start(r);
      ASSERT_EQ(records.follow_up.size(), 101u);
      for (std::size_t p = 0; p < 101; ++p) {
        const double expected = laws[records.received[p]].event_time(events.exponential());
        ASSERT_EQ(records.follow_up[p], expected)
            << (piecewise_control ? "piecewise" : "exponential") << ", replicate " << r << ", patient " << p;
        ASSERT_EQ(records.event[p], 1);
      }
    }
  }
}

TEST(Trial, EventDrivenLooksDrawOnlyThePatientsTheyNeed) {
  // The looks wait for the 92nd and 184th events (as in configs/danger_shock_event_driven.yaml),
  // with dropout, crossover and exclusion drawn too. Each look's time is checked against the
  // events of every patient drawn at once (generate_patients), sorted; the patients a trial
  // drew are those drawn at once, number for number; and the trials draw fewer than all.
  const Design design = design_with("", R"(  - {name: interim, when: {events: 92}}
  - {name: final, when: {events: 184}})",
                                    "dropout: {control: {exponential: {hazard: 0.0005}}}\n"
                                    "crossover: {control_to_treatment: 0.1, treatment_to_control: 0}\n"
                                    "exclusion: 0.05");
  const TrialSimulator simulator(design, plan_boundaries(design));
  TrialWorkspace everyone = simulator.make_workspace();
  int drew_fewer = 0;
  constexpr int TRIALS = 100;
  for (std::uint64_t r = 0; r < TRIALS; ++r) {
    const Simulated s = simulate(simulator, r);
    simulator.generate_patients(r, everyone);
    std::vector<double> calendar;
    for (std::size_t p = 0; p < 360; ++p) {
      if (everyone.status[p] == 1 && everyone.analysed[p] == 1) {
        calendar.push_back(everyone.entry[p] + everyone.follow_up[p]);
      }
    }
    std::sort(calendar.begin(), calendar.end());
    const std::size_t drawn = s.workspace.completed;
    double last_look = 0.0;
    for (std::size_t k = 0; k < 2; ++k) {
      const LookOutcome& look = s.outcome.looks[k];
      if (look.decision == NOT_PERFORMED) continue;
      const std::size_t events = k == 0 ? 92 : 184;
      ASSERT_GE(calendar.size(), events);
      EXPECT_EQ(look.time, calendar[events - 1]) << "replicate " << r << ", look " << k;
      last_look = look.time;
    }
    // Everyone randomised by the last look is drawn, and drawn as when all are drawn at once.
    for (std::size_t p = 0; p < 360 && s.workspace.entry[p] <= last_look; ++p) ASSERT_LT(p, drawn);
    for (std::size_t p = 0; p < drawn; ++p) {
      ASSERT_EQ(s.workspace.follow_up[p], everyone.follow_up[p]) << "replicate " << r << ", patient " << p;
      ASSERT_EQ(s.workspace.status[p], everyone.status[p]);
      ASSERT_EQ(s.workspace.received[p], everyone.received[p]);
      ASSERT_EQ(s.workspace.analysed[p], everyone.analysed[p]);
    }
    drew_fewer += drawn < 360 ? 1 : 0;
  }
  // About 225 of the 360 patients are randomised by the final look (DANGER_SHOCK.md's
  // event-driven variant): a trial that needs every patient is rare.
  EXPECT_GT(drew_fewer, TRIALS * 9 / 10);
}

TEST(Trial, CrossoverAndExclusionHappenAtTheirRates) {
  // 200 trials x 360 patients = 72,000 patients; SE of a proportion p: sqrt(p (1 - p) / 72000).
  const Design design =
      design_with(FIXED, "  - {when: {completed_follow_up: all}}",
                  "crossover: {control_to_treatment: 0.1, treatment_to_control: 0.05}\nexclusion: 0.2");
  const TrialSimulator simulator(design, plan_boundaries(design));
  double crossed[2] = {0, 0}, assigned[2] = {0, 0}, excluded = 0, total = 0;
  for (std::uint64_t r = 0; r < 200; ++r) {
    const Simulated s = simulate(simulator, r);
    for (std::size_t p = 0; p < s.workspace.entry.size(); ++p) {
      const int arm = s.workspace.assigned[p];
      assigned[arm] += 1;
      crossed[arm] += s.workspace.received[p] != arm ? 1 : 0;
      excluded += s.workspace.analysed[p] ? 0 : 1;
      total += 1;
    }
  }
  const auto se = [](double p, double n) { return std::sqrt(p * (1 - p) / n); };
  EXPECT_NEAR(crossed[0] / assigned[0], 0.1, 4 * se(0.1, assigned[0]));
  EXPECT_NEAR(crossed[1] / assigned[1], 0.05, 4 * se(0.05, assigned[1]));
  EXPECT_NEAR(excluded / total, 0.2, 4 * se(0.2, total));
}
