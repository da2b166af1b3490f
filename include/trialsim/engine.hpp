#pragma once
//! \file engine.hpp
//! Runs many replicates of one design in parallel (oneTBB) and folds them, in
//! replicate order, into Results. Replicates are simulated in fixed-size blocks:
//! each block is computed in parallel into a buffer indexed by replicate, then
//! folded and handed to the sink serially, so the results and everything the
//! sink sees are bit-identical for any number of threads.

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

#include "trialsim/boundaries.hpp"
#include "trialsim/design.hpp"
#include "trialsim/results.hpp"
#include "trialsim/trial.hpp"

namespace trialsim {

struct RunOptions {
  int threads = 0;                  //!< 0: all hardware threads
  std::int64_t first_replicate = 0; //!< run replicates [first, first + count)
  std::int64_t count = -1;          //!< -1: the design's replicates
  std::uint64_t scenario = 0;
  std::int64_t block_size = 8192;
  //! Called serially, in replicate order, with each block of outcomes; `offset`
  //! counts from the run's first replicate.
  std::function<void(std::int64_t offset, std::span<const TrialOutcome>)> on_block;
  //! Called after each block with (replicates done, total).
  std::function<void(std::int64_t, std::int64_t)> on_progress;
  //! Polled between blocks and, by the worker threads, between replicates (so it
  //! must be thread-safe); returning true stops the run (InterruptedError).
  std::function<bool()> should_stop;
};

class InterruptedError : public std::runtime_error {
public:
  InterruptedError() : std::runtime_error("interrupted") {}
};

//! The per-look boundaries of the design's boundary family at its planned information
//! fractions, as compute_boundaries gives them; boundaries that do not exist are an InputError.
BoundaryPlan planned_boundaries(const Design& design);

//! The boundaries each procedure of the design decides with: planned_boundaries, but a MaxCombo
//! statistic over several looks, the design's or a compared one, gets boundaries of its own
//! that spend the same alpha per look (maxcombo_efficacy_z, from null trials of the design).
BoundaryPlan plan_boundaries(const Design& design);

Results run_simulation(const Design& design, const BoundaryPlan& plan, const RunOptions& options);

//! One scenario of run_scenarios: its design, its boundaries and where its blocks go.
struct ScenarioRun {
  const Design* design = nullptr;
  const BoundaryPlan* plan = nullptr;
  //! Called serially, in replicate order within the scenario, with each block of its outcomes.
  std::function<void(std::int64_t offset, std::span<const TrialOutcome>)> on_block;
};

//! Runs several scenarios (one seed) on common random numbers: each replicate's numbers
//! are drawn once and every scenario reads the prefix it needs (CommonDraws), so that
//! scenario k's outcomes and Results are bit for bit those of run_simulation of its design
//! alone with the same options. options.on_block is not used (each scenario has its own);
//! on_progress counts scenario-replicates (replicates times scenarios); options.block_size is
//! shared by the scenarios, so that the outcome buffers' memory does not grow with them.
std::vector<Results> run_scenarios(std::span<const ScenarioRun> scenarios, const RunOptions& options);

//! Wall-clock seconds since `start`: the run time a results file records.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace trialsim
