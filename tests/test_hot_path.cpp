// The per-replicate path allocates nothing: this executable replaces the global
// operator new with one that counts, and simulates replicates of every kind of
// design in a workspace straight from make_workspace (no warm-up), so a buffer
// that still grows in some replicate shows up as a count above zero.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "trialsim/common_draws.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/sweep.hpp"
#include "trialsim/trial.hpp"

namespace {
std::atomic<long> allocations{0};
} // namespace

// A replacement operator new may take its memory from malloc; GCC, seeing the pair
// inlined, would call it a mismatch.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

using namespace trialsim;

namespace {

struct Case {
  std::string config;
  std::vector<Override> overrides;
};

} // namespace

TEST(HotPath, SimulatingAllocatesNothing) {
  const std::string configs = std::string(TRIALSIM_SOURCE_DIR) + "/configs/";
  const std::vector<Case> cases{
      {"danger_shock.yaml", {}},
      {"danger_shock_event_driven.yaml", {}},
      {"danger_shock_front_loaded.yaml", {}},
      {"danger_shock_spending.yaml", {}},
      {"danger_shock_timeline.yaml", {}},  // strata, crossover, exclusions, Cox Wald
      {"danger_shock_timeline.yaml", {{"test.stratified", "true"}, {"test.statistic", "logrank"}}},
      {"danger_shock_timeline.yaml", {{"test.statistic", "milestone"}, {"test.stratified", "true"}}},
      // every statistic compared beside the log-rank test, and stratified weighted tests
      {"danger_shock_delayed_effect.yaml", {}},
      {"danger_shock_timeline.yaml",
       {{"test.stratified", "true"},
        {"test.statistic", "maxcombo"},
        {"test.compare", "[{statistic: rmst, tau: 180}, {statistic: fleming_harrington, rho: 0.5, gamma: 2}]"}}},
      {"danger_shock.yaml",
       {{"dropout", "{control: {exponential: {hazard: 0.002}}, pump: {exponential: {hazard: 0.002}}}"},
        {"follow_up", "{}"},
        {"analyses[0].when", "{events: 60}"},
        {"analyses[0].population", "all_randomised"},
        {"analyses[1].when", "{time: 4000}"},
        {"test.information_fractions", "[0.4, 1]"}}},
      // spending at each trial's observed information: the boundaries are recomputed for
      // each new history of event counts, into the workspace's table and scratch
      {"danger_shock.yaml",
       {{"test.boundary", "{family: spending, function: obrien_fleming, information: observed_events}"},
        {"analyses[0].population", "all_randomised"}}},
      {"danger_shock.yaml",
       {{"test.boundary", "{family: spending, function: hsd, parameter: -2, information: observed}"},
        {"analyses[0].population", "all_randomised"},
        {"test.futility", "{conditional_power: 0.1, under: trend}"}}},
      // binding conditional-power futility, and a non-inferiority margin with the Cox Wald test
      {"danger_shock_event_driven.yaml", {{"test.futility", "{conditional_power: 0.2, binding: true}"}}},
      {"danger_shock_event_driven.yaml", {{"test.statistic", "cox_wald"}, {"test.null_hazard_ratio", "1.3"}}},
  };
  constexpr std::uint64_t REPLICATES = 2000;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.config + (c.overrides.empty() ? "" : " with overrides"));
    const Design design = load_design(configs + c.config, c.overrides);
    const TrialSimulator simulator(design, plan_boundaries(design));
    TrialWorkspace workspace = simulator.make_workspace();
    TrialOutcome outcome;
    const long before = allocations.load();
    for (std::uint64_t r = 0; r < REPLICATES; ++r) simulator.simulate(r, workspace, outcome);
    const long during = allocations.load() - before;
    EXPECT_EQ(during, 0) << "allocations in " << REPLICATES << " replicates";
  }
}

TEST(HotPath, ScenariosOnCommonDrawsAllocateNothing) {
  // A sweep's replicate: its shared numbers drawn once, then every scenario simulated from
  // them, each in its workspace straight from make_workspace.
  const std::string configs = std::string(TRIALSIM_SOURCE_DIR) + "/configs/";
  const std::vector<Override> overrides{{"dropout", "{pump: {exponential: {hazard: 0.002}}}"},
                                        {"crossover", "{control_to_treatment: 0.02}"},
                                        {"exclusion", "0.01"},
                                        {"sweep",
                                         "{enrollment.sample_size: [241, 360], allocation.block_size: [0, 4], "
                                         "enrollment.arrivals: [poisson, deterministic]}"}};
  for (const SweepDesign& sweep :
       {load_sweep(configs + "danger_shock_sweep.yaml"), load_sweep(configs + "danger_shock.yaml", overrides)}) {
    SCOPED_TRACE(sweep.base.name);
    std::vector<const Design*> designs;
    std::vector<TrialSimulator> simulators;
    simulators.reserve(sweep.scenarios.size());
    for (const Scenario& scenario : sweep.scenarios) {
      designs.push_back(&scenario.design);
      simulators.emplace_back(scenario.design, plan_boundaries(scenario.design));
    }
    const CommonDraws common(designs, 0);
    CommonDrawsWorkspace draws = common.make_workspace();
    std::vector<TrialWorkspace> workspaces;
    for (const TrialSimulator& simulator : simulators) workspaces.push_back(simulator.make_workspace());
    TrialOutcome outcome;
    constexpr std::uint64_t REPLICATES = 200;
    const long before = allocations.load();
    for (std::uint64_t r = 0; r < REPLICATES; ++r) {
      common.draw(r, draws);
      for (std::size_t k = 0; k < simulators.size(); ++k)
        simulators[k].simulate(common.of(k, draws), workspaces[k], outcome);
    }
    const long during = allocations.load() - before;
    EXPECT_EQ(during, 0) << "allocations in " << REPLICATES << " replicates of " << simulators.size() << " scenarios";
  }
}

// The counter must see allocations, or the test above proves nothing.
TEST(HotPath, TheCounterCountsAllocations) {
  const long before = allocations.load();
  auto* grown = new std::vector<double>(1000);
  delete grown;
  EXPECT_GE(allocations.load() - before, 2);
}
