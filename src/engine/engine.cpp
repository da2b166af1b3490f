#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include "thread_order.hpp"
#include "trialsim/analytic.hpp"
#include "trialsim/common_draws.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"
#include "trialsim/monitoring.hpp"

namespace trialsim {

namespace {

// The planned final events and the design's drift, for conditional power: as given
// (test.planned_final_events, test.design_hazard_ratio), else the last look's events
// trigger when it has one, else the events the design's model expects there
// (analytic.hpp); the hazard ratio is the design's (average where hazards are not
// proportional), measured against the null hazard ratio.
void add_conditional_power_inputs(const Design& design, BoundaryPlan& plan) {
  const EventModel model(design);
  const ExpectedCourse course(design, model);
  std::vector<std::string> notes;
  const std::vector<ExpectedLook> looks = course.looks(notes);
  const Trigger& last = design.looks.back().triggers.front();
  const bool event_driven = design.looks.back().triggers.size() == 1 && last.kind == Trigger::Kind::events;
  plan.planned_final_events =
      design.test.planned_final_events.value_or(event_driven ? last.value : looks.back().events);
  const double hazard_ratio =
      design.test.design_hazard_ratio.value_or(design_hazard_ratio(model, course, looks.back().time).value);
  const double share = static_cast<double>(design.allocation.ratio[TREATMENT]) /
                       (design.allocation.ratio[CONTROL] + design.allocation.ratio[TREATMENT]);
  plan.design_drift = -std::log(hazard_ratio / design.test.null_hazard_ratio) *
                      std::sqrt(share * (1.0 - share) * plan.planned_final_events);
}

// The futility z that a conditional-power rule amounts to at each planned interim look.
std::vector<double> conditional_power_futility(const Design& design, const BoundaryPlan& plan) {
  const Futility& futility = design.test.futility;
  std::vector<double> futility_z(plan.efficacy_z.size(), -std::numeric_limits<double>::infinity());
  for (std::size_t k = 0; k + 1 < futility_z.size(); ++k) {
    futility_z[k] = conditional_power_futility_z(futility.values[k], futility.effect, plan.information_fractions[k],
                                                 plan.efficacy_z.back(), plan.design_drift);
  }
  return futility_z;
}

// A binding conditional-power rule removes the paths below its z-equivalent, which moves the
// final critical value that the rule itself depends on: iterate to the fixed point (the
// final critical value moves by far less than the futility z, so a few steps suffice).
constexpr int MAX_BINDING_ITERATIONS = 100;
constexpr double BINDING_TOLERANCE = 1e-12;

BoundaryPlan binding_conditional_power_plan(const Design& design, BoundaryPlan plan) {
  TestPlan test = design.test;
  test.futility.scale = Futility::Scale::z;
  for (int iteration = 0; iteration < MAX_BINDING_ITERATIONS; ++iteration) {
    test.futility.values = conditional_power_futility(design, plan);
    test.futility.values.pop_back();
    BoundaryPlan next = compute_boundaries(test, design.test.information_fractions);
    next.planned_final_events = plan.planned_final_events;
    next.design_drift = plan.design_drift;
    const bool converged = std::abs(next.efficacy_z.back() - plan.efficacy_z.back()) < BINDING_TOLERANCE;
    plan = std::move(next);
    if (converged) return plan;
  }
  throw InputError("test.futility", "the binding conditional-power futility boundary did not converge");
}

}  // namespace

BoundaryPlan planned_boundaries(const Design& design) {
  try {
    BoundaryPlan plan = compute_boundaries(design.test, design.test.information_fractions);
    if (design.test.futility.scale == Futility::Scale::conditional_power) {
      add_conditional_power_inputs(design, plan);
      if (design.test.futility.binding) plan = binding_conditional_power_plan(design, plan);
      plan.futility_z = conditional_power_futility(design, plan);
    }
    return plan;
  } catch (const std::invalid_argument& error) {
    // A valid design can still ask for boundaries that do not exist (Haybittle-Peto
    // interims that alone spend more than alpha): the user's input, not an internal error.
    std::string reason = error.what();
    const std::string prefix = "boundaries: ";
    if (reason.starts_with(prefix)) reason.erase(0, prefix.size());
    throw InputError("test.boundary", reason);
  }
}

BoundaryPlan plan_boundaries(const Design& design) {
  BoundaryPlan planned = planned_boundaries(design);
  // Every run stores conditional power; a check of the design (planned_boundaries alone)
  // does not need the expected course it comes from (milliseconds per scenario of a sweep).
  if (design.test.futility.scale != Futility::Scale::conditional_power) add_conditional_power_inputs(design, planned);
  BoundaryPlan plan = planned;
  // A MaxCombo statistic's procedure spends the same alpha per look with boundaries of its
  // own, from the joint distribution of its components (maxcombo_efficacy_z).
  plan.efficacy_z = maxcombo_efficacy_z(design, planned, design.test.statistic);
  plan.nominal_alpha.clear();
  for (const double z : plan.efficacy_z) plan.nominal_alpha.push_back(design.test.sides * normal_cdf(-z));
  const auto& compare = design.test.compare;
  for (auto spec = compare.begin(); spec != compare.end(); ++spec) {
    const auto same = std::find(compare.begin(), spec, *spec);  // an earlier compared one
    if (*spec == design.test.statistic) {
      plan.compared_efficacy_z.push_back(plan.efficacy_z);
    } else if (same != spec) {
      plan.compared_efficacy_z.push_back(plan.compared_efficacy_z[static_cast<std::size_t>(same - compare.begin())]);
    } else {
      plan.compared_efficacy_z.push_back(maxcombo_efficacy_z(design, planned, *spec));
    }
  }
  return plan;
}

namespace {

// Runs one piece of work at a time on a thread of its own (thread start and join
// are synchronisation that every tool sees), and hands its exception back on wait().
class BackgroundWork {
 public:
  BackgroundWork() = default;
  BackgroundWork(const BackgroundWork&) = delete;
  BackgroundWork& operator=(const BackgroundWork&) = delete;
  ~BackgroundWork() {
    if (thread_.joinable()) thread_.join();
  }
  template <typename Work>
  void start(Work work) {
    thread_ = std::thread([this, work] {
      try {
        work();
      } catch (...) {
        error_ = std::current_exception();
      }
    });
  }
  void wait() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  std::thread thread_;
  std::exception_ptr error_;
};

void limit_threads(const RunOptions& options, std::optional<tbb::global_control>& limit) {
  if (options.threads > 0) {
    limit.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(options.threads));
  }
}

// Runs `total` replicates of `scenarios` scenarios in blocks. simulate(local, replicate, i,
// capacity, block) simulates replicate `replicate` (slot i of the block) of every scenario into
// block[k * capacity + i], with `local` the calling thread's state (local_of()); fold(block,
// size, capacity, offset) takes the block's first `size` replicates of every scenario.
// Two buffers: while the threads simulate one block, one thread folds the block
// before it into the summaries and hands it on, in replicate order, so that the
// serial work overlaps the parallel work instead of idling it. The block's replicates are
// shared by the scenarios, so that its memory does not grow with them.
template <class LocalOf, class Simulate, class Fold>
void run_in_blocks(const RunOptions& options, std::int64_t total, std::size_t scenarios, LocalOf local_of,
                   Simulate simulate, Fold fold) {
  const auto per_scenario = std::max<std::int64_t>(options.block_size / static_cast<std::int64_t>(scenarios), 1);
  const auto capacity = static_cast<std::size_t>(std::min(per_scenario, std::max<std::int64_t>(total, 1)));
  std::array<std::vector<TrialOutcome>, 2> blocks{std::vector<TrialOutcome>(capacity * scenarios),
                                                  std::vector<TrialOutcome>(capacity * scenarios)};
  // Replicates per task: a replicate of many scenarios is work enough on its own.
  const auto grain = std::max<std::int64_t>(64 / static_cast<std::int64_t>(scenarios), 1);
  BackgroundWork folding;
  ParallelRegionOrder order;
  // The previous block is folded (and its exception, if any, thrown here).
  const auto wait_for_fold = [&] { folding.wait(); };

  std::atomic<bool> stopped{false};
  int current = 0;
  const auto progress = [&](std::int64_t done) {
    if (options.on_progress) {
      const auto count = static_cast<std::int64_t>(scenarios);
      options.on_progress(done * count, total * count);
    }
  };
  for (std::int64_t done = 0; done < total; current = 1 - current) {
    std::vector<TrialOutcome>& block = blocks[static_cast<std::size_t>(current)];
    const std::int64_t size = std::min<std::int64_t>(static_cast<std::int64_t>(capacity), total - done);
    const std::int64_t first = options.first_replicate + done;
    // Each replicate writes only its own slots, and its numbers depend only on its
    // index, so the block's contents do not depend on how TBB splits it.
    // A stop request is also polled between replicates, so that a run whose blocks
    // take long (large trials) stops promptly; a block cut short is never folded.
    order.fork();
    tbb::parallel_for(
        tbb::blocked_range<std::int64_t>(0, size, grain), [&](const tbb::blocked_range<std::int64_t>& range) {
          order.task_begins();
          auto& local = local_of();
          for (std::int64_t i = range.begin(); i < range.end(); ++i) {
            if (stopped.load(std::memory_order_relaxed) || (options.should_stop && options.should_stop())) {
              stopped.store(true, std::memory_order_relaxed);
              break;
            }
            simulate(local, static_cast<std::uint64_t>(first + i), static_cast<std::size_t>(i), capacity,
                     std::span<TrialOutcome>(block));
          }
          order.task_ends();
        });
    order.join();
    wait_for_fold();
    if (stopped.load()) throw InterruptedError();
    const std::span<const TrialOutcome> outcomes(block);
    folding.start([&fold, outcomes, size = static_cast<std::size_t>(size), capacity, offset = done] {
      fold(outcomes, size, capacity, offset);
    });
    done += size;
    progress(done);
    if (done < total && options.should_stop && options.should_stop()) {
      wait_for_fold();
      throw InterruptedError();
    }
  }
  wait_for_fold();
}

std::int64_t replicates_to_run(const Design& design, const RunOptions& options) {
  return options.count >= 0 ? options.count : design.simulation.replicates;
}

}  // namespace

Results run_simulation(const Design& design, const BoundaryPlan& plan, const RunOptions& options) {
  std::optional<tbb::global_control> thread_limit;
  limit_threads(options, thread_limit);
  const TrialSimulator simulator(design, plan, options.scenario);
  tbb::enumerable_thread_specific<TrialWorkspace> workspaces([&] { return simulator.make_workspace(); });
  ResultsAccumulator accumulator(design, plan);
  run_in_blocks(
      options, replicates_to_run(design, options), 1, [&]() -> TrialWorkspace& { return workspaces.local(); },
      [&](TrialWorkspace& workspace, std::uint64_t replicate, std::size_t i, std::size_t,
          std::span<TrialOutcome> block) { simulator.simulate(replicate, workspace, block[i]); },
      [&](std::span<const TrialOutcome> block, std::size_t size, std::size_t, std::int64_t offset) {
        const std::span<const TrialOutcome> outcomes = block.first(size);
        for (const TrialOutcome& outcome : outcomes) accumulator.add(outcome);
        if (options.on_block) options.on_block(offset, outcomes);
      });
  return accumulator.results();
}

std::vector<Results> run_scenarios(std::span<const ScenarioRun> scenarios, const RunOptions& options) {
  std::optional<tbb::global_control> thread_limit;
  limit_threads(options, thread_limit);
  std::vector<const Design*> designs;
  std::vector<TrialSimulator> simulators;
  std::vector<ResultsAccumulator> accumulators;
  simulators.reserve(scenarios.size());
  accumulators.reserve(scenarios.size());
  for (const ScenarioRun& scenario : scenarios) {
    designs.push_back(scenario.design);
    simulators.emplace_back(*scenario.design, *scenario.plan, options.scenario);
    accumulators.emplace_back(*scenario.design, *scenario.plan);
  }
  const CommonDraws common(designs, options.scenario);
  // One thread's draws of a replicate and its trial workspace of each scenario.
  struct Worker {
    CommonDrawsWorkspace draws;
    std::vector<TrialWorkspace> trials;
  };
  tbb::enumerable_thread_specific<Worker> workers([&] {
    Worker worker{common.make_workspace(), {}};
    for (const TrialSimulator& simulator : simulators) worker.trials.push_back(simulator.make_workspace());
    return worker;
  });
  run_in_blocks(
      options, replicates_to_run(*designs.front(), options), scenarios.size(),
      [&]() -> Worker& { return workers.local(); },
      [&](Worker& worker, std::uint64_t replicate, std::size_t i, std::size_t capacity, std::span<TrialOutcome> block) {
        common.draw(replicate, worker.draws);
        for (std::size_t k = 0; k < simulators.size(); ++k) {
          simulators[k].simulate(common.of(k, worker.draws), worker.trials[k], block[k * capacity + i]);
        }
      },
      [&](std::span<const TrialOutcome> block, std::size_t size, std::size_t capacity, std::int64_t offset) {
        for (std::size_t k = 0; k < scenarios.size(); ++k) {
          const std::span<const TrialOutcome> outcomes = block.subspan(k * capacity, size);
          for (const TrialOutcome& outcome : outcomes) accumulators[k].add(outcome);
          if (scenarios[k].on_block) scenarios[k].on_block(offset, outcomes);
        }
      });
  std::vector<Results> results;
  for (const ResultsAccumulator& accumulator : accumulators) results.push_back(accumulator.results());
  return results;
}

}  // namespace trialsim
