#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <tbb/info.h>

#include "commands.hpp"
#include "design_arguments.hpp"
#include "interrupt.hpp"
#include "progress.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"
#include "trialsim/io.hpp"
#include "trialsim/report.hpp"

namespace trialsim::cli {

namespace {

struct RunArguments {
  DesignArguments design;
  std::string output;
  std::optional<std::int64_t> replicates;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  std::int64_t keep_patients = 0;
  bool quiet = false;
};

std::string default_output(const std::string& design_path) {
  return std::filesystem::path(design_path).stem().string() + ".h5";
}

std::vector<PatientRecords> patients_of_first(const Design& design, const BoundaryPlan& plan, std::int64_t count) {
  const TrialSimulator simulator(design, plan);
  std::vector<PatientRecords> trials;
  for (std::int64_t r = 0; r < count; ++r) trials.push_back(simulator.patients(static_cast<std::uint64_t>(r)));
  return trials;
}

int run(RunArguments& arguments) {
  if (arguments.replicates) {
    arguments.design.extra.push_back({"simulation.replicates", std::to_string(*arguments.replicates)});
  }
  if (arguments.seed) arguments.design.extra.push_back({"simulation.seed", std::to_string(*arguments.seed)});
  const Design design = arguments.design.load();
  const BoundaryPlan plan = plan_boundaries(design);
  if (arguments.keep_patients > design.simulation.replicates) {
    throw InputError("--keep-patients", "must be at most the number of replicates (" +
                                            std::to_string(design.simulation.replicates) + ")");
  }
  const std::string output = arguments.output.empty() ? default_output(arguments.design.path) : arguments.output;
  // From here on a signal only asks the run to stop, so that the partial file is always removed.
  catch_interrupts();
  // Opening the output first makes an unwritable destination fail before any simulation.
  ResultsFileWriter writer(output, design, design.simulation.replicates);

  ProgressBar progress(!arguments.quiet);
  RunOptions options;
  options.threads = arguments.threads;
  options.on_block = [&writer](std::int64_t offset, std::span<const TrialOutcome> outcomes) {
    writer.append(offset, outcomes);
  };
  std::int64_t done = 0;
  options.on_progress = [&progress, &done](std::int64_t replicates_done, std::int64_t total) {
    done = replicates_done;
    progress.update(replicates_done, total);
  };
  options.should_stop = interrupt_requested;
  const auto interrupted = [&] {
    progress.finish();
    std::cerr << "trialsim: interrupted by " << signal_name(interrupt_signal()) << " after " << done << " of "
              << design.simulation.replicates << " replicates; no results file written (" << output
              << " left as it was)\n";
    return 128 + interrupt_signal();
  };
  const auto start = std::chrono::steady_clock::now();
  Results results;
  try {
    results = run_simulation(design, plan, options);
  } catch (const InterruptedError&) {
    return interrupted();
  }
  progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (arguments.keep_patients > 0) writer.write_patients(patients_of_first(design, plan, arguments.keep_patients));
  if (interrupt_requested()) return interrupted(); // the last chance before the file takes its name
  const int threads = arguments.threads > 0 ? arguments.threads : tbb::info::default_concurrency();
  writer.commit(results, seconds, threads);

  print_results(std::cout, design, results);
  std::cout.flush(); // the table comes before the note on stderr when both go to one terminal
  if (!arguments.quiet) {
    std::cerr << "wrote " << output << " (" << seconds << " s" << ", "
              << static_cast<long long>(static_cast<double>(results.replicates) / seconds) << " replicates/s on "
              << threads << " threads)\n";
  }
  return 0;
}

} // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("run", "Simulate a design and write its operating characteristics");
  auto arguments = std::make_shared<RunArguments>();
  arguments->design.add_to(*command);
  command->add_option("-o,--output", arguments->output, "Results file (HDF5); default: <design name>.h5");
  command->add_option("--replicates", arguments->replicates, "Number of simulated trials")->check(CLI::PositiveNumber);
  command->add_option("--seed", arguments->seed, "Random seed");
  command->add_option("--threads", arguments->threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  command->add_option("--keep-patients", arguments->keep_patients,
                      "Store the patient-level data of the first K replicates")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("-q,--quiet", arguments->quiet, "No progress bar or messages on stderr");
  command->callback([&action, arguments] { action = [arguments] { return run(*arguments); }; });
}

} // namespace trialsim::cli
