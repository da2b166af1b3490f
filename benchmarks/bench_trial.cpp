// Micro-benchmarks of one DanGer Shock replicate and its pieces, plus the floor:
// drawing the random numbers a trial needs and ordering the event times.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "trialsim/common_draws.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/philox4x32.hpp"
#include "trialsim/sorting.hpp"
#include "trialsim/sweep.hpp"
#include "trialsim/trial.hpp"

using namespace trialsim;

namespace {

const Design& danger_shock() {
  static const Design design = load_design(std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock.yaml");
  return design;
}

// The event-driven variant that rpact can express: the design tools/bench times against rpact.
const Design& danger_shock_event_driven() {
  static const Design design =
      load_design(std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock_event_driven.yaml");
  return design;
}

// Observations of the final look of replicate 0 (for the statistics benchmarks).
std::vector<Observation> final_look_observations() {
  const Design& design = danger_shock();
  const TrialSimulator simulator(design, plan_boundaries(design));
  const PatientRecords records = simulator.patients(0);
  std::vector<Observation> observations;
  for (std::size_t p = 0; p < records.entry.size(); ++p) {
    observations.push_back({records.time.back()[p], records.arm[p], records.status.back()[p], 0});
  }
  return observations;
}

void floor_random_numbers_and_sort(benchmark::State& state) {
  // Per patient the draws the default design cannot avoid: an Exp(1) arrival gap,
  // 32 bits for the allocation and an Exp(1) event draw (crossover and exclusion
  // are zero, so their streams are not drawn); then the follow-up times, cut at
  // 180 days, are ordered with the project's sort.
  const Design& design = danger_shock();
  const SurvivalDistribution control(design.survival[0][CONTROL]);
  const auto n = static_cast<std::size_t>(design.enrollment.sample_size);
  RandomStream arrival(1, 0, StreamId::arrival), allocation(1, 0, StreamId::allocation),
      event(1, 0, StreamId::event);
  std::vector<double> gaps(n), times(n), sorted;
  std::vector<std::uint8_t> arms(n);
  std::vector<std::uint32_t> buckets;
  std::uint64_t replicate = 0;
  for (auto _ : state) {
    for (RandomStream* s : {&arrival, &allocation, &event}) s->start(replicate);
    arrival.exponentials(gaps);
    for (std::uint8_t& arm : arms) arm = allocation.bits32() & 1U;
    event.exponentials(times);
    for (double& t : times) t = std::min(control.event_time(t), 180.0);
    distribution_sort(std::span<const double>(times), 1, [](double t) { return t; }, [](double) { return 0; },
                      sorted, buckets);
    benchmark::DoNotOptimize(gaps.data());
    benchmark::DoNotOptimize(arms.data());
    benchmark::DoNotOptimize(sorted.data());
    ++replicate;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(floor_random_numbers_and_sort);

void simulate(const Design& design, benchmark::State& state) {
  const TrialSimulator simulator(design, plan_boundaries(design));
  TrialWorkspace workspace = simulator.make_workspace();
  TrialOutcome outcome;
  std::uint64_t replicate = 0;
  for (auto _ : state) {
    simulator.simulate(replicate++, workspace, outcome);
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(state.iterations());
}

void simulate_one_replicate(benchmark::State& state) { simulate(danger_shock(), state); }
BENCHMARK(simulate_one_replicate);

void simulate_one_replicate_event_driven(benchmark::State& state) { simulate(danger_shock_event_driven(), state); }
BENCHMARK(simulate_one_replicate_event_driven);

// The path that a benchmark's argument names (0 scalar, 1 SSE2, 2 AVX2, 3 AVX-512F), or
// nothing (reported as an error) when the CPU lacks it.
std::optional<philox::Path> path_argument(benchmark::State& state) {
  const auto path = static_cast<philox::Path>(state.range(0));
  state.SetLabel(philox::path_name(path));
  if (philox::supported(path)) return path;
  state.SkipWithError("not on this CPU");
  return std::nullopt;
}

// The generator alone: the 16 blocks (32 words) a stream computes at a time, on each path.
void philox4x32_16_blocks(benchmark::State& state) {
  const std::optional<philox::Path> path = path_argument(state);
  if (!path) return;
  philox::StreamKey stream;
  stream.key[0] = 20130127;
  std::uint64_t words[32];
  std::uint32_t first = 0;
  for (auto _ : state) {
    philox::blocks(*path, stream, first, words, 16);
    benchmark::DoNotOptimize(words);
    first += 16;
  }
  state.SetItemsProcessed(state.iterations() * 32);  // 64-bit words
}
BENCHMARK(philox4x32_16_blocks)->DenseRange(0, 3);

// The event-driven replicate with the generator on each path.
void simulate_one_replicate_event_driven_on_path(benchmark::State& state) {
  const std::optional<philox::Path> path = path_argument(state);
  if (!path) return;
  const philox::Path previous = philox::current_path();
  philox::use_path(*path);
  simulate(danger_shock_event_driven(), state);
  philox::use_path(previous);
}
BENCHMARK(simulate_one_replicate_event_driven_on_path)->DenseRange(0, 3);

// One replicate of every scenario of the shipped 44-scenario sweep, its numbers drawn once and
// shared (CommonDraws), against the same 44 trials each drawing its own numbers: divided by
// simulate_one_replicate, the sweep's cost in replicates of one scenario.
struct ShippedSweep {
  SweepDesign sweep = load_sweep(std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock_sweep.yaml");
  std::vector<TrialSimulator> simulators;
  std::vector<TrialWorkspace> workspaces;
  ShippedSweep() {
    simulators.reserve(sweep.scenarios.size());
    for (const Scenario& scenario : sweep.scenarios) {
      simulators.emplace_back(scenario.design, plan_boundaries(scenario.design));
      workspaces.push_back(simulators.back().make_workspace());
    }
  }
};

void sweep_44_scenarios_on_common_draws(benchmark::State& state) {
  ShippedSweep s;
  std::vector<const Design*> designs;
  for (const Scenario& scenario : s.sweep.scenarios) designs.push_back(&scenario.design);
  const CommonDraws common(designs, 0);
  CommonDrawsWorkspace draws = common.make_workspace();
  TrialOutcome outcome;
  std::uint64_t replicate = 0;
  for (auto _ : state) {
    common.draw(replicate++, draws);
    for (std::size_t k = 0; k < s.simulators.size(); ++k) {
      s.simulators[k].simulate(common.of(k, draws), s.workspaces[k], outcome);
      benchmark::DoNotOptimize(outcome);
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(sweep_44_scenarios_on_common_draws);

void sweep_44_scenarios_each_drawing(benchmark::State& state) {
  ShippedSweep s;
  TrialOutcome outcome;
  std::uint64_t replicate = 0;
  for (auto _ : state) {
    for (std::size_t k = 0; k < s.simulators.size(); ++k) {
      s.simulators[k].simulate(replicate, s.workspaces[k], outcome);
      benchmark::DoNotOptimize(outcome);
    }
    ++replicate;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(sweep_44_scenarios_each_drawing);

void draw_patients_360(benchmark::State& state) {
  const Design& design = danger_shock();
  const TrialSimulator simulator(design, plan_boundaries(design));
  TrialWorkspace workspace = simulator.make_workspace();
  std::uint64_t replicate = 0;
  for (auto _ : state) {
    simulator.generate_patients(replicate++, workspace);
    benchmark::DoNotOptimize(workspace.follow_up.data());
  }
}
BENCHMARK(draw_patients_360);

void cut_final_look_360(benchmark::State& state) {
  // Everyone randomised, the cut 100 days after the last entry: some complete, some not.
  const Design& design = danger_shock();
  const TrialSimulator simulator(design, plan_boundaries(design));
  TrialWorkspace workspace = simulator.make_workspace();
  simulator.generate_patients(0, workspace);
  const double time = workspace.entry.back() + 100.0;
  LookOutcome outcome;
  for (auto _ : state) {
    simulator.cut(1, time, workspace, outcome);
    benchmark::DoNotOptimize(workspace.observations.data());
  }
}
BENCHMARK(cut_final_look_360);

void sort_observations_360(benchmark::State& state) {
  const std::vector<Observation> observations = final_look_observations();
  std::vector<Observation> sorted;
  std::vector<std::uint32_t> buckets;
  for (auto _ : state) {
    distribution_sort(std::span<const Observation>(observations), 1,
                      [](const Observation& o) { return o.time; }, [](const Observation&) { return 0; }, sorted,
                      buckets);
    benchmark::DoNotOptimize(sorted.data());
  }
}
BENCHMARK(sort_observations_360);

// The event table of that look, built once for the benchmarks of the statistics.
std::span<const EventTable> final_look_tables() {
  static const std::vector<Observation> observations = final_look_observations();
  static StatisticsWorkspace workspace;
  static const std::span<const EventTable> tables = build_event_tables(observations, 1, workspace);
  return tables;
}

void build_event_tables_360(benchmark::State& state) {
  const std::vector<Observation> observations = final_look_observations();
  StatisticsWorkspace workspace;
  for (auto _ : state) benchmark::DoNotOptimize(build_event_tables(observations, 1, workspace).data());
}
BENCHMARK(build_event_tables_360);

void logrank_360(benchmark::State& state) {
  const auto tables = final_look_tables();
  for (auto _ : state) benchmark::DoNotOptimize(logrank(tables));
}
BENCHMARK(logrank_360);

void cox_efron_360(benchmark::State& state) {
  const auto tables = final_look_tables();
  for (auto _ : state) benchmark::DoNotOptimize(cox_fit(tables, Ties::efron));
}
BENCHMARK(cox_efron_360);

// The statistics for non-proportional hazards, per look, on the same final look.
void fleming_harrington_0_1_360(benchmark::State& state) {
  const auto tables = final_look_tables();
  for (auto _ : state) benchmark::DoNotOptimize(fleming_harrington(tables, {0.0, 1.0}));
}
BENCHMARK(fleming_harrington_0_1_360);

void fleming_harrington_half_2_360(benchmark::State& state) {  // exponents that need pow
  const auto tables = final_look_tables();
  for (auto _ : state) benchmark::DoNotOptimize(fleming_harrington(tables, {0.5, 2.5}));
}
BENCHMARK(fleming_harrington_half_2_360);

void maxcombo_360(benchmark::State& state) {  // FH(0,0), FH(0,1), FH(1,0) and the p-values
  const auto tables = final_look_tables();
  const FlemingHarringtonWeight weights[] = {{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}};
  for (auto _ : state) benchmark::DoNotOptimize(maxcombo(tables, weights));
}
BENCHMARK(maxcombo_360);

void maxcombo_four_360(benchmark::State& state) {  // four non-degenerate components
  const auto tables = final_look_tables();
  const FlemingHarringtonWeight weights[] = {{0.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}, {0.5, 0.5}};
  for (auto _ : state) benchmark::DoNotOptimize(maxcombo(tables, weights));
}
BENCHMARK(maxcombo_four_360);

void rmst_360(benchmark::State& state) {
  const auto tables = final_look_tables();
  for (auto _ : state) benchmark::DoNotOptimize(rmst(tables[0], 180.0));
}
BENCHMARK(rmst_360);

void milestone_360(benchmark::State& state) {
  const auto tables = final_look_tables();
  for (auto _ : state) benchmark::DoNotOptimize(milestone(tables[0], 180.0));
}
BENCHMARK(milestone_360);

// A replicate of the delayed-effect design: the log-rank test and four statistics compared.
void simulate_one_replicate_delayed_effect_compared(benchmark::State& state) {
  static const Design design =
      load_design(std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock_delayed_effect.yaml");
  simulate(design, state);
}
BENCHMARK(simulate_one_replicate_delayed_effect_compared);

} // namespace
