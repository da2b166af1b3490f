// Scenario sweeps: the sweep block becomes the Cartesian product of validated
// designs; named enrolment timelines; bad sweeps are rejected with the key and
// line; a sweep's scenario is bit for bit the single run of the same values and
// seed (common random numbers), and event counts move monotonically with the hazard.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "input_error.hpp"
#include "scratch_folder.hpp"
#include "trialsim/common_draws.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"
#include "trialsim/io.hpp"
#include "trialsim/paired_difference.hpp"
#include "trialsim/sweep.hpp"

using namespace trialsim;
namespace fs = std::filesystem;

namespace {

std::string read_text(const std::string& name) {
  std::ifstream in(std::string(TRIALSIM_TEST_DATA) + "/sweep/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A valid design (tests/data/sweep/design.yaml, 21 lines; the sweeps below start at line 22).
const std::string DESIGN = read_text("design.yaml");

SweepDesign parse(const std::string& sweep, std::vector<Override> overrides = {}) {
  return parse_sweep(DESIGN + sweep, "sweep.yaml", overrides);
}

std::string error_of(const std::string& sweep, std::vector<Override> overrides = {}) {
  return trialsim::testing::input_error_of([&] { parse(sweep, overrides); });
}

double treatment_hazard(const Design& design) {
  return design.survival[0][TREATMENT].base.hazards[0];
}

// Three named enrolment timelines (tests/data/sweep/timelines.yaml).
const std::string TIMELINES = read_text("timelines.yaml");

}  // namespace

TEST(Sweep, WithoutASweepTheDesignIsTheOnlyScenario) {
  const SweepDesign sweep = parse("");
  EXPECT_FALSE(sweep.has_sweep());
  ASSERT_EQ(sweep.scenarios.size(), 1u);
  EXPECT_EQ(sweep.scenarios[0].design.resolved_yaml, sweep.base.resolved_yaml);
  EXPECT_EQ(sweep.config_yaml, parse_design(DESIGN, "sweep.yaml").resolved_yaml);
}

TEST(Sweep, CartesianProductInWrittenOrderWithTheLastAxisFastest) {
  const SweepDesign sweep = parse(
      "sweep:\n  enrollment.sample_size: [240, 300, 360]\n"
      "  arms[1].survival.exponential.event_probability: [0.42, 0.48]\n");
  ASSERT_EQ(sweep.axes.size(), 2u);
  EXPECT_EQ(sweep.axes[0].path, "enrollment.sample_size");
  EXPECT_EQ(sweep.axes[0].short_name, "sample_size");
  EXPECT_TRUE(sweep.axes[0].numeric);
  EXPECT_EQ(sweep.axes[0].numbers, (std::vector<double>{240, 300, 360}));
  EXPECT_EQ(sweep.axes[1].short_name, "event_probability");
  ASSERT_EQ(sweep.scenarios.size(), 6u);
  EXPECT_EQ(sweep.scenarios[3].label, "sample_size=300, event_probability=0.48");
  EXPECT_EQ(sweep.scenarios[3].choice, (std::vector<std::size_t>{1, 1}));
  for (std::size_t k = 0; k < 6; ++k) {
    const Design& design = sweep.scenarios[k].design;
    EXPECT_EQ(design.enrollment.sample_size, 240 + 60 * static_cast<int>(k / 2));
    const double p = k % 2 == 0 ? 0.42 : 0.48;
    EXPECT_DOUBLE_EQ(treatment_hazard(design), -std::log(1 - p) / 180);
    // The planned information fractions follow each scenario's sample size.
    EXPECT_DOUBLE_EQ(design.test.information_fractions[0], 180.0 / design.enrollment.sample_size);
  }
  // The base is the file without its sweep.
  EXPECT_EQ(sweep.base.enrollment.sample_size, 360);
}

TEST(Sweep, AScenarioIsTheDesignWithItsValuesSet) {
  const SweepDesign sweep = parse("sweep:\n  enrollment.sample_size: [240, 300]\n");
  const Design by_set = parse_design(DESIGN, "sweep.yaml", std::vector<Override>{{"enrollment.sample_size", "300"}});
  EXPECT_EQ(sweep.scenarios[1].design.resolved_yaml, by_set.resolved_yaml);
}

TEST(Sweep, AxesWithTheSameLastKeyAreNamedByTheirPaths) {
  const SweepDesign sweep = parse(
      "sweep:\n  arms[0].survival.exponential.event_probability: [0.6, 0.65]\n"
      "  arms[1].survival.exponential.event_probability: [0.42]\n");
  EXPECT_EQ(sweep.axes[0].short_name, "arms[0].survival.exponential.event_probability");
  EXPECT_EQ(sweep.axes[1].short_name, "arms[1].survival.exponential.event_probability");
}

TEST(Sweep, LabelledWholeTimelines) {
  const SweepDesign sweep = parse(R"(sweep:
  enrollment.rates:
    as planned: [{from: 0, rate: 0.041}, {from: 2190, rate: 0.164}]
    two countries from the start:
      - {from: 0, rate: 0.164}
)");
  const SweepAxis& axis = sweep.axes[0];
  EXPECT_FALSE(axis.numeric);
  EXPECT_EQ(axis.labels, (std::vector<std::string>{"as planned", "two countries from the start"}));
  EXPECT_EQ(axis.values[1], "[{from: 0, rate: 0.164}]");
  ASSERT_EQ(sweep.scenarios.size(), 2u);
  EXPECT_EQ(sweep.scenarios[1].label, "rates=two countries from the start");
  EXPECT_EQ(sweep.scenarios[0].design.enrollment.periods.size(), 2u);
  ASSERT_EQ(sweep.scenarios[1].design.enrollment.periods.size(), 1u);
  EXPECT_EQ(sweep.scenarios[1].design.enrollment.periods[0].rate, 0.164);
  // Unlabelled collections are labelled by their YAML text.
  const SweepDesign unlabelled =
      parse("sweep:\n  enrollment.rates: [[{from: 0, rate: 0.2}], [{from: 0, rate: 0.3}]]\n");
  EXPECT_EQ(unlabelled.axes[0].labels[1], "[{from: 0, rate: 0.3}]");
}

TEST(Sweep, NamedTimelinesAreChosenByName) {
  const Design first = parse_design(TIMELINES, "t.yaml");
  EXPECT_EQ(first.enrollment.timeline, "as_it_happened");
  ASSERT_EQ(first.enrollment.timelines.size(), 3u);
  ASSERT_EQ(first.enrollment.periods.size(), 2u);
  EXPECT_EQ(first.enrollment.periods[1].from, 2190);
  EXPECT_DOUBLE_EQ(first.enrollment.periods[1].rate, 0.13);
  EXPECT_EQ(first.enrollment.sites.size(), 2u);
  // The resolved design keeps every timeline, so a sweep over them reads back.
  EXPECT_EQ(parse_design(first.resolved_yaml, "resolved").resolved_yaml, first.resolved_yaml);

  const SweepDesign sweep = parse_sweep(
      TIMELINES + "sweep:\n  enrollment.timeline: [as_it_happened, germany_from_the_start, one_rate]\n", "t.yaml");
  ASSERT_EQ(sweep.scenarios.size(), 3u);
  EXPECT_EQ(sweep.scenarios[1].design.enrollment.timeline, "germany_from_the_start");
  ASSERT_EQ(sweep.scenarios[1].design.enrollment.periods.size(), 1u);
  EXPECT_DOUBLE_EQ(sweep.scenarios[1].design.enrollment.periods[0].rate, 0.13);
  EXPECT_TRUE(sweep.scenarios[2].design.enrollment.sites.empty());
  EXPECT_EQ(sweep.scenarios[2].design.enrollment.periods[0].rate, 0.1);

  // Without `timeline:` the first is used.
  std::string without = TIMELINES;
  without.erase(without.find("  timeline: as_it_happened\n"), std::strlen("  timeline: as_it_happened\n"));
  EXPECT_EQ(parse_design(without, "t.yaml").enrollment.timeline, "as_it_happened");
}

TEST(Sweep, TimelineErrorsNameTheKeyAndLine) {
  const auto error = [](const std::string& from, const std::string& to) {
    std::string text = TIMELINES;
    text.replace(text.find(from), from.size(), to);
    return trialsim::testing::input_error_of([&] { parse_design(text, "t.yaml"); });
  };
  EXPECT_EQ(error("timeline: as_it_happened", "timeline: as_planned"),
            "t.yaml:11: enrollment.timeline: unknown timeline 'as_planned'; defined: as_it_happened, "
            "germany_from_the_start, one_rate");
  EXPECT_EQ(error("  timeline: as_it_happened\n", "  timeline: as_it_happened\n  rates: [{from: 0, rate: 1}]\n"),
            "t.yaml:12: enrollment.rates: give either rates, sites or timelines, not several");
  EXPECT_EQ(error("      rates: [{from: 0, rate: 0.1}]", "      rate: [{from: 0, rate: 0.1}]"),
            "t.yaml:22: enrollment.timelines.one_rate.rate: unknown key 'rate'; allowed: rates, sites");
  EXPECT_EQ(error("        - {name: Germany, from: 0, rate: 0.09}", "        - {name: Germany, from: 0, rate: -1}"),
            "t.yaml:20: enrollment.timelines.germany_from_the_start.sites[1].rate: must be a positive number, got -1");
}

TEST(Sweep, TheStoredSweepReadsBackToTheSameScenarios) {
  const SweepDesign sweep = parse(
      "sweep:\n  enrollment.sample_size: [240, 300]\n"
      "  enrollment.rates:\n    slow: [{from: 0, rate: 0.05}]\n    fast: [{from: 0, rate: 0.5}]\n");
  const SweepDesign again = parse_sweep(sweep.config_yaml, "stored");
  ASSERT_EQ(again.scenarios.size(), sweep.scenarios.size());
  for (std::size_t k = 0; k < sweep.scenarios.size(); ++k) {
    EXPECT_EQ(again.scenarios[k].label, sweep.scenarios[k].label);
    EXPECT_EQ(again.scenarios[k].design.resolved_yaml, sweep.scenarios[k].design.resolved_yaml);
  }
  EXPECT_EQ(again.config_yaml, sweep.config_yaml);
}

TEST(Sweep, BadSweepsAreRejectedWithTheKeyAndLine) {
  EXPECT_EQ(error_of("sweep:\n  enrollment.sampl_size: [240, 300]\n"),
            "sweep.yaml:23: sweep.enrollment.sampl_size[0]: enrollment.sampl_size: unknown key 'sampl_size'; "
            "allowed: sample_size, rates, sites, arrivals, timeline, timelines");
  EXPECT_EQ(error_of("sweep:\n  enrollment.sample_size: []\n"),
            "sweep.yaml:23: sweep.enrollment.sample_size: must give at least one value");
  EXPECT_EQ(error_of("sweep:\n  enrollment.sample_size: 240\n"),
            "sweep.yaml:23: sweep.enrollment.sample_size: must be a list of values, or a mapping from labels to "
            "values, got 240");
  EXPECT_EQ(error_of("sweep:\n  enrollment.sample_size: [240, 1]\n"),
            "sweep.yaml:23: sweep.enrollment.sample_size[1]: enrollment.sample_size: must be at least 2 (one patient "
            "per arm), got 1");
  EXPECT_EQ(error_of("sweep:\n  simulation.seed: [1, 2]\n"),
            "sweep.yaml:23: sweep.simulation.seed: cannot be swept: the simulation settings apply to every scenario");
  EXPECT_EQ(error_of("sweep:\n  enrollment: [{sample_size: 10}]\n  enrollment.sample_size: [20]\n"),
            "sweep.yaml:24: sweep.enrollment.sample_size: overlaps the swept path enrollment (line 23); sweep each "
            "value once");
  EXPECT_EQ(error_of("sweep:\n  arms[1..x: [1]\n"),
            "sweep.yaml:23: sweep.arms[1..x: malformed path 'arms[1..x'; use keys joined by '.' and [i] for list "
            "items, e.g. arms[1].survival.exponential.at");
  // Each value is valid on its own, the combination is not.
  EXPECT_EQ(
      error_of("sweep:\n  analyses[0].when.completed_follow_up: [100, 200]\n  enrollment.sample_size: [190, 360]\n"),
      "sweep.yaml:22: sweep: scenario 2 (completed_follow_up=200, sample_size=190) is not a valid design: "
      "analyses[0].when.completed_follow_up: can never be reached: at most 190 patients "
      "(enrollment.sample_size), got 200");
}

TEST(Sweep, SetChangesTheBaseOrTheSweepButNotASweptValue) {
  const std::string sweep = "sweep:\n  enrollment.sample_size: [240, 300]\n";
  EXPECT_EQ(error_of(sweep, {{"enrollment.sample_size", "200"}}),
            "--set: enrollment.sample_size: is swept (sweep.yaml:23: sweep.enrollment.sample_size); change the sweep "
            "instead, e.g. --set 'sweep.enrollment.sample_size=[...]'");
  const SweepDesign replaced = parse(sweep, {{"sweep.enrollment.sample_size", "[200, 250, 300]"}});
  ASSERT_EQ(replaced.scenarios.size(), 3u);
  EXPECT_EQ(replaced.scenarios[0].design.enrollment.sample_size, 200);
  const SweepDesign base_changed = parse(sweep, {{"arms[1].survival.exponential.event_probability", "0.5"}});
  EXPECT_DOUBLE_EQ(treatment_hazard(base_changed.scenarios[1].design), -std::log(0.5) / 180);
}

TEST(Sweep, EventCountsMoveMonotonicallyWithTheHazardUnderCommonRandomNumbers) {
  // One look after every patient completed follow-up: the same patients are
  // analysed in both scenarios. Every draw is an inversion of one uniform from a
  // per-purpose stream, so raising the treatment arm's hazard can only move each
  // treatment event earlier: in every one of the 2000 replicates the treatment
  // arm has at least as many events, and the control arm exactly as many.
  const SweepDesign sweep = parse_sweep(DESIGN.substr(0, DESIGN.find("analyses:")) +
                                            "analyses:\n  - when: {completed_follow_up: all}\n"
                                            "simulation: {replicates: 2000, seed: 11}\n"
                                            "sweep:\n  arms[1].survival.exponential.event_probability: [0.42, 0.48]\n",
                                        "monotone.yaml");
  std::vector<std::vector<TrialOutcome>> outcomes(2);
  for (std::size_t k = 0; k < 2; ++k) {
    RunOptions options;
    options.on_block = [&outcomes, k](std::int64_t, std::span<const TrialOutcome> block) {
      outcomes[k].insert(outcomes[k].end(), block.begin(), block.end());
    };
    const Design& design = sweep.scenarios[k].design;
    run_simulation(design, plan_boundaries(design), options);
  }
  int more = 0;
  for (std::size_t r = 0; r < 2000; ++r) {
    const LookOutcome& low = outcomes[0][r].looks[0];
    const LookOutcome& high = outcomes[1][r].looks[0];
    ASSERT_EQ(low.events[CONTROL], high.events[CONTROL]) << r;
    ASSERT_LE(low.events[TREATMENT], high.events[TREATMENT]) << r;
    more += high.events[TREATMENT] > low.events[TREATMENT];
  }
  // About 180 patients per arm, 6% more of them die: most replicates gain an event.
  EXPECT_GT(more, 1500);
}

TEST(Sweep, ShippedConfigsLoadWithTheirSweeps) {
  const std::string configs = std::string(TRIALSIM_SOURCE_DIR) + "/configs/";
  EXPECT_EQ(load_sweep(configs + "danger_shock.yaml").scenarios.size(), 1u);
  const SweepDesign mortality = load_sweep(configs + "danger_shock_sweep.yaml");
  ASSERT_EQ(mortality.scenarios.size(), 44u);
  EXPECT_EQ(mortality.scenarios[43].label, "sample_size=420, event_probability=0.50");
  const SweepDesign timelines = load_sweep(configs + "danger_shock_timelines.yaml");
  ASSERT_EQ(timelines.scenarios.size(), 6u);
  EXPECT_EQ(timelines.scenarios[5].label, "timeline=germany_from_the_start, completed_follow_up=120");
  // Germany recruiting from day 0: 0.056 + 0.084 patients a day until the UK joins.
  EXPECT_DOUBLE_EQ(timelines.scenarios[5].design.enrollment.periods[0].rate, 0.056 + 0.084);
}

TEST(Sweep, PowerDifferencesArePairedByReplicate) {
  // Efficacy per replicate: scenario 0 [1, 1, 0, 0], scenario 1 [1, 0, 1, 0] (one
  // gained, one lost), scenario 2 [1, 1, 1, 0] (one gained). Differences d_r and
  // their SE sd(d) / sqrt(4) with the population variance: scenario 1 mean 0,
  // variance 0.5, SE 0.3536; scenario 2 mean 0.25, variance 0.25 - 0.0625, SE 0.2165.
  const auto outcomes = [](std::vector<int> efficacy) {
    std::vector<TrialOutcome> result(efficacy.size());
    for (std::size_t r = 0; r < efficacy.size(); ++r) {
      result[r].stop_look = 1;
      result[r].looks[0].decision = CONTINUE;
      result[r].looks[1].decision = efficacy[r] ? EFFICACY : NO_REJECTION;
    }
    return result;
  };
  PairedPowerDifference paired(4);
  const auto first = outcomes({1, 1, 0, 0});
  paired.add(0, 0, std::span(first).subspan(0, 2));  // blocks arrive in replicate order
  paired.add(0, 2, std::span(first).subspan(2, 2));
  paired.add(1, 0, outcomes({1, 0, 1, 0}));
  paired.add(2, 0, outcomes({1, 1, 1, 0}));
  const std::vector<PowerDifference> differences = paired.differences();
  ASSERT_EQ(differences.size(), 3u);
  EXPECT_EQ(differences[0].difference, 0.0);
  EXPECT_EQ(differences[0].se, 0.0);
  EXPECT_EQ(differences[1].difference, 0.0);
  EXPECT_NEAR(differences[1].se, std::sqrt(0.5 / 4), 1e-15);
  EXPECT_NEAR(differences[1].independent_se, std::sqrt((0.25 + 0.25) / 4), 1e-15);
  EXPECT_EQ(differences[2].difference, 0.25);
  EXPECT_NEAR(differences[2].se, std::sqrt((0.25 - 0.0625) / 4), 1e-15);
  EXPECT_THROW(paired.add(4, 0, first), std::out_of_range);
}

namespace {

class SweepFileTest : public ScratchFolderTest {
 protected:
  int trialsim(const std::string& arguments, std::string* out = nullptr) const {
    const fs::path stdout_path = dir_ / "stdout.txt";
    const std::string command = std::string(TRIALSIM_BINARY) + " " + arguments + " > " + stdout_path.string() + " 2> " +
                                (dir_ / "err").string();
    const int status = std::system(command.c_str());
    if (out) {
      std::ifstream in(stdout_path);
      std::stringstream text;
      text << in.rdbuf();
      *out = text.str();
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

std::string format_power_line(const Results& results) {
  char line[100];
  std::snprintf(line, sizeof line, "Power (reject for benefit at any look): %.4f", results.power);
  return line;
}

void expect_identical(const std::vector<TrialOutcome>& a, const std::vector<TrialOutcome>& b, int looks) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t r = 0; r < a.size(); ++r) {
    ASSERT_EQ(a[r].stop_look, b[r].stop_look) << r;
    for (std::size_t k = 0; k < static_cast<std::size_t>(looks); ++k) {
      const LookOutcome& x = a[r].looks[k];
      const LookOutcome& y = b[r].looks[k];
      ASSERT_EQ(std::memcmp(&x.time, &y.time, sizeof(double)), 0) << r;
      ASSERT_EQ(std::memcmp(&x.z, &y.z, sizeof(double)), 0) << r;
      ASSERT_EQ(std::memcmp(&x.hr, &y.hr, sizeof(double)), 0) << r;
      ASSERT_EQ(x.events[0], y.events[0]) << r;
      ASSERT_EQ(x.events[1], y.events[1]) << r;
      ASSERT_EQ(x.enrolled, y.enrolled) << r;
      ASSERT_EQ(x.decision, y.decision) << r;
    }
  }
}

}  // namespace

TEST_F(SweepFileTest, EachScenarioEqualsASingleRunOfItsValuesBitForBit) {
  const fs::path design = dir_ / "d.yaml";
  std::ofstream(design) << DESIGN
                        << "sweep:\n  enrollment.sample_size: [240, 300]\n"
                           "  arms[1].survival.exponential.event_probability: {planned: 0.42, worse: 0.48}\n";
  const fs::path sweep_file = dir_ / "sweep.h5";
  std::string table;
  ASSERT_EQ(trialsim("run " + design.string() + " -o " + sweep_file.string() + " -q --threads 2", &table), 0);
  EXPECT_NE(table.find("  3          300              worse"), std::string::npos) << table;
  const StoredFile info = read_file_info(sweep_file.string());
  ASSERT_EQ(info.scenarios, 4);

  // Scenario 3 (300 patients, 48%) against the single run of the same values.
  const fs::path single_design = dir_ / "single.yaml";
  std::ofstream(single_design) << DESIGN;
  const fs::path single = dir_ / "single.h5";
  ASSERT_EQ(trialsim("run " + single_design.string() + " -o " + single.string() + " -q --threads 1" +
                     " --set enrollment.sample_size=300 --set arms[1].survival.exponential.event_probability=0.48"),
            0);
  const StoredResults swept = read_results(sweep_file.string(), scenario_group(3));
  const StoredResults alone = read_results(single.string());
  EXPECT_EQ(swept.config_yaml, alone.config_yaml);
  EXPECT_EQ(swept.results.power, alone.results.power);
  EXPECT_EQ(swept.results.looks[1].time.quantiles, alone.results.looks[1].time.quantiles);
  expect_identical(read_replicates(sweep_file.string(), 2, scenario_group(3)), read_replicates(single.string(), 2), 2);

  // `show` prints the same scenario table from the file.
  std::string shown;
  ASSERT_EQ(trialsim("show " + sweep_file.string(), &shown), 0);
  EXPECT_EQ(shown.substr(0, table.size()), table);
  ASSERT_EQ(trialsim("show " + sweep_file.string() + " --scenario 3", &shown), 0);
  EXPECT_NE(shown.find(format_power_line(alone.results)), std::string::npos) << shown;
  EXPECT_EQ(trialsim("show " + sweep_file.string() + " --scenario 4"), 2);
}

TEST_F(SweepFileTest, ABadSweepExitsWithCodeTwoAndWritesNothing) {
  const fs::path design = dir_ / "bad.yaml";
  std::ofstream(design) << DESIGN << "sweep:\n  enrollment.sample_size: []\n";
  EXPECT_EQ(trialsim("run " + design.string() + " -o " + (dir_ / "bad.h5").string() + " -q"), 2);
  EXPECT_FALSE(fs::exists(dir_ / "bad.h5"));
}

TEST_F(SweepFileTest, PlotsReadTheSweepFile) {
  // tools/plot needs the system Python with h5py, matplotlib and PyYAML (tools/setup installs them).
  if (std::system("/usr/bin/python3 -c 'import h5py, matplotlib, yaml' > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 lacks h5py, matplotlib or yaml";
  }
  const fs::path design = dir_ / "d.yaml";
  std::ofstream(design) << DESIGN << "sweep:\n  arms[1].survival.exponential.event_probability: [0.42, 0.45, 0.48]\n";
  const fs::path file = dir_ / "sweep.h5";
  ASSERT_EQ(trialsim("run " + design.string() + " -o " + file.string() + " -q --replicates 300 --keep-patients 20"), 0);
  const std::string plot = std::string(TRIALSIM_SOURCE_DIR) + "/tools/plot ";
  const auto run = [this](const std::string& command) {
    const int status = std::system((command + " > " + (dir_ / "plot.txt").string() + " 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const auto is_png = [](const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    char signature[8] = {};
    in.read(signature, 8);
    return in && std::memcmp(signature, "\x89PNG\r\n\x1a\n", 8) == 0;
  };
  const std::vector<std::string> plots = {
      "power-curve " + file.string() + " --x arms[1].survival.exponential.event_probability --target 0.8",
      "look-times " + file.string(), "accrual " + file.string() + " --scenario 0 --scenario 2",
      "hr " + file.string() + " --scenario 1", "km " + file.string() + " --scenario 2 --replicate 3"};
  for (std::size_t i = 0; i < plots.size(); ++i) {
    const fs::path png = dir_ / ("plot" + std::to_string(i) + ".png");
    EXPECT_EQ(run(plot + plots[i] + " -o " + png.string()), 0) << plots[i];
    EXPECT_TRUE(is_png(png)) << plots[i];
  }
  // Options that do not fit the file are input errors.
  EXPECT_EQ(run(plot + "power-curve " + file.string() + " --x enrollment.sample_size -o " + (dir_ / "x.png").string()),
            2);
  EXPECT_EQ(run(plot + "km " + file.string() + " --replicate 20 -o " + (dir_ / "x.png").string()), 2);
  EXPECT_FALSE(fs::exists(dir_ / "x.png"));
}

// A sweep runs its scenarios together on common random numbers (run_scenarios): each
// replicate's numbers are drawn once for the largest scenario that needs them and every
// scenario reads its prefix. Each scenario must be bit for bit its run alone
// (run_simulation, which draws from the streams itself), on any thread count and shard.
namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

// Every field of every performed look, bit for bit.
void expect_same_outcomes(const std::vector<TrialOutcome>& a, const std::vector<TrialOutcome>& b,
                          const Design& design) {
  ASSERT_EQ(a.size(), b.size());
  const auto compared = design.test.compare.size();
  for (std::size_t r = 0; r < a.size(); ++r) {
    ASSERT_EQ(a[r].stop_look, b[r].stop_look) << r;
    for (std::size_t k = 0; k < design.looks.size(); ++k) {
      const LookOutcome& x = a[r].looks[k];
      const LookOutcome& y = b[r].looks[k];
      ASSERT_TRUE(same_bits(x.time, y.time) && same_bits(x.z, y.z) && same_bits(x.hr, y.hr) &&
                  same_bits(x.log_hr_se, y.log_hr_se) && same_bits(x.boundary_z, y.boundary_z) &&
                  same_bits(x.conditional_power_design, y.conditional_power_design) &&
                  same_bits(x.conditional_power_trend, y.conditional_power_trend))
          << "replicate " << r << " look " << k;
      ASSERT_EQ(x.enrolled, y.enrolled) << r;
      ASSERT_EQ(x.events[0], y.events[0]) << r;
      ASSERT_EQ(x.events[1], y.events[1]) << r;
      ASSERT_EQ(x.decision, y.decision) << r;
      ASSERT_EQ(x.planned_decision, y.planned_decision) << r;
      ASSERT_EQ(x.trigger_reached, y.trigger_reached) << r;
      for (std::size_t c = 0; c < compared; ++c) {
        ASSERT_TRUE(same_bits(x.compared_z[c], y.compared_z[c])) << r;
        ASSERT_EQ(x.compared_decision[c], y.compared_decision[c]) << r;
      }
    }
  }
}

void expect_same_results(const Results& a, const Results& b) {
  EXPECT_TRUE(same_bits(a.power, b.power));
  EXPECT_TRUE(same_bits(a.power_se, b.power_se));
  EXPECT_TRUE(same_bits(a.expected_events, b.expected_events));
  EXPECT_TRUE(same_bits(a.expected_time, b.expected_time));
  ASSERT_EQ(a.looks.size(), b.looks.size());
  for (std::size_t k = 0; k < a.looks.size(); ++k) {
    EXPECT_EQ(a.looks[k].time.quantiles, b.looks[k].time.quantiles);
    EXPECT_TRUE(same_bits(a.looks[k].events.mean, b.looks[k].events.mean));
  }
}

// Each scenario alone: run_simulation, replicates [first, first + count).
std::vector<std::vector<TrialOutcome>> single_runs(const SweepDesign& sweep, std::int64_t first, std::int64_t count,
                                                   std::vector<Results>* results = nullptr) {
  std::vector<std::vector<TrialOutcome>> outcomes(sweep.scenarios.size());
  for (std::size_t k = 0; k < sweep.scenarios.size(); ++k) {
    RunOptions options;
    options.threads = 1;
    options.first_replicate = first;
    options.count = count;
    options.on_block = [&outcomes, k](std::int64_t, std::span<const TrialOutcome> block) {
      outcomes[k].insert(outcomes[k].end(), block.begin(), block.end());
    };
    const Design& design = sweep.scenarios[k].design;
    const Results one = run_simulation(design, plan_boundaries(design), options);
    if (results) results->push_back(one);
  }
  return outcomes;
}

// The scenarios together (run_scenarios) on `threads` threads with blocks of `block_size`.
std::vector<std::vector<TrialOutcome>> together(const SweepDesign& sweep, std::int64_t first, std::int64_t count,
                                                int threads, std::int64_t block_size,
                                                std::vector<Results>* results = nullptr) {
  std::vector<std::vector<TrialOutcome>> outcomes(sweep.scenarios.size());
  std::vector<BoundaryPlan> plans;
  for (const Scenario& scenario : sweep.scenarios) plans.push_back(plan_boundaries(scenario.design));
  std::vector<ScenarioRun> runs;
  for (std::size_t k = 0; k < sweep.scenarios.size(); ++k) {
    runs.push_back({&sweep.scenarios[k].design, &plans[k],
                    [&outcomes, k](std::int64_t offset, std::span<const TrialOutcome> block) {
                      // Blocks arrive in replicate order.
                      EXPECT_EQ(static_cast<std::size_t>(offset), outcomes[k].size());
                      outcomes[k].insert(outcomes[k].end(), block.begin(), block.end());
                    }});
  }
  RunOptions options;
  options.threads = threads;
  options.first_replicate = first;
  options.count = count;
  options.block_size = block_size;
  std::vector<Results> all = run_scenarios(runs, options);
  if (results) *results = std::move(all);
  return outcomes;
}

void expect_together_equals_alone(const SweepDesign& sweep, std::int64_t replicates) {
  std::vector<Results> alone_results, together_results;
  const auto alone = single_runs(sweep, 0, replicates, &alone_results);
  // Blocks smaller than the run (several of them, the last one partial), on two threads.
  const auto joint =
      together(sweep, 0, replicates, 2, 7 * static_cast<std::int64_t>(sweep.scenarios.size()) * 9, &together_results);
  ASSERT_EQ(joint.size(), alone.size());
  for (std::size_t k = 0; k < alone.size(); ++k) {
    SCOPED_TRACE("scenario " + std::to_string(k) + ": " + sweep.scenarios[k].label);
    expect_same_outcomes(joint[k], alone[k], sweep.scenarios[k].design);
    expect_same_results(together_results[k], alone_results[k]);
  }
}

}  // namespace

TEST(SweepOnCommonDraws, TheShippedSweepEqualsItsSingleRunsBitForBit) {
  const SweepDesign sweep = load_sweep(std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock_sweep.yaml");
  ASSERT_EQ(sweep.scenarios.size(), 44u);
  expect_together_equals_alone(sweep, 150);
}

TEST(SweepOnCommonDraws, SampleSizesAndEnrolmentsThatDifferEqualTheirSingleRuns) {
  // Odd and even sample sizes (two patients share a word of the allocation stream), two
  // Poisson enrolments and deterministic arrivals, simple randomisation and blocks of 4 and 6
  // (6 with a 1:2 ratio): every combination drawn together.
  const SweepDesign sweep = parse(R"(sweep:
  enrollment.sample_size: [181, 240, 361]
  enrollment.rates:
    as planned: [{from: 0, rate: 0.041}, {from: 2190, rate: 0.164}]
    faster: [{from: 0, rate: 0.3}]
  enrollment.arrivals: [poisson, deterministic]
  allocation: [{ratio: [1, 1], block_size: 0}, {ratio: [1, 1], block_size: 4}, {ratio: [1, 2], block_size: 6}]
)");
  ASSERT_EQ(sweep.scenarios.size(), 36u);
  const CommonDraws common(
      [&] {
        std::vector<const Design*> designs;
        for (const Scenario& s : sweep.scenarios) designs.push_back(&s.design);
        return designs;
      }(),
      0);
  EXPECT_EQ(common.enrolment_groups(), 2u);  // the deterministic arrivals draw nothing
  EXPECT_EQ(common.allocation_groups(), 3u);
  expect_together_equals_alone(sweep, 200);
}

TEST(SweepOnCommonDraws, DropoutCrossoverExclusionAndStrataEqualTheirSingleRuns) {
  // Streams that some scenarios draw and others do not, dropout in one arm only (its draws go
  // to that arm's patients in order), strata with their own blocks, non-exponential laws
  // (their event times by the general inversion), and an event-driven look.
  const SweepDesign sweep = parse(R"(sweep:
  dropout:
    - {}
    - {pump: {exponential: {hazard: 0.002}}}
    - {control: {exponential: {hazard: 0.001}}, pump: {exponential: {hazard: 0.003}}}
  crossover: [{}, {control_to_treatment: 0.05, treatment_to_control: 0.02}]
  exclusion: [0, 0.03]
  allocation.strata: [[{name: all, prevalence: 1}], [{name: a, prevalence: 0.7}, {name: b, prevalence: 0.3}]]
  arms[1].survival:
    - {exponential: {event_probability: 0.42, at: 180}}
    - {relative_to_control: {breaks: [0, 30], hazard_ratios: [1.0, 0.6]}}
  analyses[0].when: [{completed_follow_up: 180}, {events: 90}]
)",
                                  {{"test.information_fractions", "[0.5, 1]"}});
  ASSERT_EQ(sweep.scenarios.size(), 96u);
  expect_together_equals_alone(sweep, 60);
}

TEST(SweepOnCommonDraws, AnyThreadCountAndShardSplitGivesTheSameScenarios) {
  const SweepDesign sweep = parse(
      "sweep:\n  enrollment.sample_size: [240, 361]\n"
      "  arms[1].survival.exponential.event_probability: [0.42, 0.48]\n");
  constexpr std::int64_t REPLICATES = 300;
  const auto alone = single_runs(sweep, 0, REPLICATES);
  const auto one_thread = together(sweep, 0, REPLICATES, 1, 8192);
  // Three shards of unequal size, each with blocks of its own.
  std::vector<std::vector<TrialOutcome>> shards(sweep.scenarios.size());
  for (const auto& [first, count] :
       std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 101}, {101, 99}, {200, 100}}) {
    const auto part = together(sweep, first, count, 2, 4 * 37);
    for (std::size_t k = 0; k < part.size(); ++k) shards[k].insert(shards[k].end(), part[k].begin(), part[k].end());
  }
  for (std::size_t k = 0; k < alone.size(); ++k) {
    SCOPED_TRACE("scenario " + std::to_string(k));
    expect_same_outcomes(one_thread[k], alone[k], sweep.scenarios[k].design);
    expect_same_outcomes(shards[k], alone[k], sweep.scenarios[k].design);
  }
}

TEST(SweepOnCommonDraws, ScenariosOfOtherSeedsAreNotDrawnTogether) {
  // A sweep cannot vary simulation.seed; designs run together must not either.
  const Design first = parse_design(DESIGN, "a.yaml");
  const Design second = parse_design(DESIGN.substr(0, DESIGN.find("seed: 11")) + "seed: 12}\n", "b.yaml");
  ASSERT_NE(first.simulation.seed, second.simulation.seed);
  const std::vector<const Design*> designs{&first, &second};
  EXPECT_THROW(CommonDraws(designs, 0), std::invalid_argument);
}

TEST_F(SweepFileTest, EveryScenarioOfTheShippedSweepFileEqualsItsSingleRunFile) {
  // The 44 scenarios are simulated together and their blocks written in turn into their open
  // groups (186 replicates of each per block: partial HDF5 chunks); each group holds exactly
  // what the single run of its values writes at its root: replicates, summary and patients.
  const std::string design = std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock_sweep.yaml";
  const fs::path sweep_file = dir_ / "sweep.h5";
  ASSERT_EQ(
      trialsim("run " + design + " -o " + sweep_file.string() + " -q --threads 2 --replicates 400 --keep-patients 2"),
      0);
  const SweepDesign sweep = load_sweep(design);
  // The design without its sweep block, for the single runs.
  std::ifstream in(design);
  std::stringstream text;
  text << in.rdbuf();
  const fs::path base = dir_ / "base.yaml";
  std::ofstream(base) << text.str().substr(0, text.str().find("\nsweep:") + 1);
  for (std::size_t k = 0; k < sweep.scenarios.size(); ++k) {
    SCOPED_TRACE(sweep.scenarios[k].label);
    std::string sets;
    for (std::size_t a = 0; a < sweep.axes.size(); ++a) {
      sets += " --set " + sweep.axes[a].path + "=" + sweep.axes[a].values[sweep.scenarios[k].choice[a]];
    }
    const fs::path single = dir_ / "single.h5";
    ASSERT_EQ(trialsim("run " + base.string() + " -o " + single.string() +
                       " -q --threads 1 --replicates 400 --keep-patients 2" + sets),
              0)
        << sets;
    const StoredResults swept = read_results(sweep_file.string(), scenario_group(k));
    const StoredResults alone = read_results(single.string());
    EXPECT_EQ(swept.config_yaml, alone.config_yaml);
    expect_same_results(swept.results, alone.results);
    expect_identical(read_replicates(sweep_file.string(), 2, scenario_group(k)), read_replicates(single.string(), 2),
                     2);
    const StoredPatients swept_patients = read_patients(sweep_file.string(), 2, scenario_group(k));
    const StoredPatients alone_patients = read_patients(single.string(), 2);
    ASSERT_EQ(swept_patients.trials.size(), 2u);
    ASSERT_EQ(alone_patients.trials.size(), 2u);
    for (std::size_t r = 0; r < 2; ++r) {
      EXPECT_EQ(swept_patients.trials[r].entry, alone_patients.trials[r].entry);
      // Bit for bit: a patient outside a look's data has time NaN, which == would call unequal.
      const auto& swept_time = swept_patients.trials[r].time;
      const auto& alone_time = alone_patients.trials[r].time;
      ASSERT_EQ(swept_time.size(), alone_time.size());
      for (std::size_t look = 0; look < swept_time.size(); ++look) {
        ASSERT_EQ(swept_time[look].size(), alone_time[look].size());
        EXPECT_EQ(
            std::memcmp(swept_time[look].data(), alone_time[look].data(), swept_time[look].size() * sizeof(double)), 0);
      }
      EXPECT_EQ(swept_patients.trials[r].status, alone_patients.trials[r].status);
    }
  }
}
