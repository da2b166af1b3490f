#include <algorithm>
#include <array>
#include <span>
#include <memory>
#include <optional>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include "trialsim/engine.hpp"

namespace trialsim {

BoundaryPlan plan_boundaries(const Design& design) {
  return compute_boundaries(design.test, design.test.information_fractions);
}

Results run_simulation(const Design& design, const BoundaryPlan& plan, const RunOptions& options) {
  std::optional<tbb::global_control> thread_limit;
  if (options.threads > 0) {
    thread_limit.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(options.threads));
  }
  const std::int64_t total = options.count >= 0 ? options.count : design.simulation.replicates;
  const TrialSimulator simulator(design, plan, options.scenario);
  tbb::enumerable_thread_specific<TrialWorkspace> workspaces([&] { return simulator.make_workspace(); });
  ResultsAccumulator accumulator(design, plan);
  // Two buffers: while the threads simulate one block, one task folds the block
  // before it into the summaries and hands it to on_block, in replicate order,
  // so that the serial work overlaps the parallel work instead of idling it.
  const auto capacity = static_cast<std::size_t>(std::min(options.block_size, std::max<std::int64_t>(total, 1)));
  std::array<std::vector<TrialOutcome>, 2> blocks{std::vector<TrialOutcome>(capacity),
                                                  std::vector<TrialOutcome>(capacity)};
  tbb::task_group folding;
  const auto fold = [&](std::span<const TrialOutcome> outcomes, std::int64_t offset) {
    for (const TrialOutcome& outcome : outcomes) accumulator.add(outcome);
    if (options.on_block) options.on_block(offset, outcomes);
  };

  int current = 0;
  for (std::int64_t done = 0; done < total; current = 1 - current) {
    std::vector<TrialOutcome>& block = blocks[static_cast<std::size_t>(current)];
    const std::int64_t size = std::min<std::int64_t>(static_cast<std::int64_t>(capacity), total - done);
    const std::int64_t first = options.first_replicate + done;
    // Each replicate writes only its own slot, and its numbers depend only on its
    // index, so the block's contents do not depend on how TBB splits it.
    tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, size, 64), [&](const tbb::blocked_range<std::int64_t>& range) {
      TrialWorkspace& workspace = workspaces.local();
      for (std::int64_t i = range.begin(); i < range.end(); ++i) {
        simulator.simulate(static_cast<std::uint64_t>(first + i), workspace, block[static_cast<std::size_t>(i)]);
      }
    });
    folding.wait(); // the previous block is folded (and its exceptions, if any, thrown here)
    const std::span<const TrialOutcome> outcomes(block.data(), static_cast<std::size_t>(size));
    folding.run([&fold, outcomes, offset = done] { fold(outcomes, offset); });
    done += size;
    if (options.on_progress) options.on_progress(done, total);
    if (done < total && options.should_stop && options.should_stop()) {
      folding.wait();
      throw InterruptedError();
    }
  }
  folding.wait();
  return accumulator.results();
}

} // namespace trialsim
