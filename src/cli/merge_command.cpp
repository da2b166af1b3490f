#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "interrupt.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"
#include "trialsim/report.hpp"
#include "trialsim/shard.hpp"

namespace trialsim::cli {

namespace {

struct MergeArguments {
  std::vector<std::string> shards;
  std::string output;
  bool quiet = false;
};

int merge(const MergeArguments& arguments) {
  if (arguments.output.empty()) throw InputError("-o", "must name a file, got an empty name");
  catch_interrupts();
  MergeOptions options;
  options.should_stop = interrupt_requested;
  MergedRun merged;
  try {
    merged = merge_shards(arguments.shards, arguments.output, options);
  } catch (const InterruptedError&) {
    std::cerr << "trialsim: interrupted; no merged file written\n";
    return 128 + interrupt_signal();
  }
  if (merged.sweep.has_sweep()) {
    print_scenario_table(std::cout, merged.sweep, merged.results, merged.differences);
  } else {
    print_results(std::cout, merged.sweep.base, merged.results.front());
  }
  std::cout.flush(); // the table comes before the note on stderr when both go to one terminal
  if (!arguments.quiet) {
    std::cerr << "wrote " << arguments.output << " (" << merged.results.front().replicates << " replicates"
              << (merged.sweep.has_sweep() ? " of " + std::to_string(merged.results.size()) + " scenarios" : "")
              << " from "
              << arguments.shards.size() << " shards)\n";
  }
  return 0;
}

} // namespace

void add_merge_command(CLI::App& app, Action& action) {
  auto* command =
      app.add_subcommand("merge", "Combine the shard files of one run (run --shard K/N) into its results file");
  auto arguments = std::make_shared<MergeArguments>();
  command->add_option("shards", arguments->shards, "Shard files (HDF5), in any order")->required();
  command->add_option("-o,--output", arguments->output, "Merged results file (HDF5)")->required();
  command->add_flag("-q,--quiet", arguments->quiet, "No messages on stderr");
  command->callback([&action, arguments] { action = [arguments] { return merge(*arguments); }; });
}

} // namespace trialsim::cli
