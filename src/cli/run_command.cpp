#include <chrono>
#include <filesystem>
#include <functional>
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

// Simulates one design into the writer's current results group (the root, or a
// sweep's scenario). Every scenario uses the random streams of scenario 0:
// common random numbers, so a sweep's scenario equals a single run of its values.
// `done` and `total` count replicates over the whole run, for the progress bar.
// `also` sees each block too (sweeps fold the paired differences with it).
Results simulate_into(ResultsFileWriter& writer, const Design& design, const RunArguments& arguments,
                      ProgressBar& progress, std::int64_t done, std::int64_t total,
                      const std::function<void(std::int64_t, std::span<const TrialOutcome>)>& also = {}) {
  const BoundaryPlan plan = plan_boundaries(design);
  RunOptions options;
  options.threads = arguments.threads;
  options.on_block = [&writer, &also](std::int64_t offset, std::span<const TrialOutcome> outcomes) {
    writer.append(offset, outcomes);
    if (also) also(offset, outcomes);
  };
  options.on_progress = [&progress, done, total](std::int64_t finished, std::int64_t) {
    progress.update(done + finished, total);
  };
  options.should_stop = interrupt_requested;
  const Results results = run_simulation(design, plan, options);
  if (arguments.keep_patients > 0) writer.write_patients(patients_of_first(design, plan, arguments.keep_patients));
  return results;
}

void check_keep_patients(const RunArguments& arguments, const Design& design) {
  if (arguments.keep_patients > design.simulation.replicates) {
    throw InputError("--keep-patients", "must be at most the number of replicates (" +
                                            std::to_string(design.simulation.replicates) + ")");
  }
}

void report_speed(const RunArguments& arguments, const std::string& output, std::int64_t replicates, double seconds) {
  if (arguments.quiet) return;
  const int threads = arguments.threads > 0 ? arguments.threads : tbb::info::default_concurrency();
  std::cerr << "wrote " << output << " (" << seconds << " s" << ", "
            << static_cast<long long>(static_cast<double>(replicates) / seconds) << " replicates/s on " << threads
            << " threads)\n";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run_single(const RunArguments& arguments, const Design& design, const std::string& output) {
  // Opening the output first makes an unwritable destination fail before any simulation.
  ResultsFileWriter writer(output, design, design.simulation.replicates);
  ProgressBar progress(!arguments.quiet);
  const auto start = std::chrono::steady_clock::now();
  const Results results = simulate_into(writer, design, arguments, progress, 0, design.simulation.replicates);
  progress.finish();
  const double seconds = seconds_since(start);
  writer.commit(results, seconds, arguments.threads > 0 ? arguments.threads : tbb::info::default_concurrency());
  print_results(std::cout, design, results);
  std::cout.flush(); // the table comes before the note on stderr when both go to one terminal
  report_speed(arguments, output, results.replicates, seconds);
  return 0;
}

int run_sweep(const RunArguments& arguments, const SweepDesign& sweep, const std::string& output) {
  const std::int64_t replicates = sweep.base.simulation.replicates;
  ResultsFileWriter writer(output, sweep, replicates);
  ProgressBar progress(!arguments.quiet);
  const auto start = std::chrono::steady_clock::now();
  const auto total = replicates * static_cast<std::int64_t>(sweep.scenarios.size());
  std::vector<Results> results;
  PairedPowerDifference paired(replicates);
  for (std::size_t k = 0; k < sweep.scenarios.size(); ++k) {
    writer.begin_scenario(k);
    const auto done = replicates * static_cast<std::int64_t>(k);
    const auto pair = [&paired, k](std::int64_t offset, std::span<const TrialOutcome> outcomes) {
      paired.add(k, offset, outcomes);
    };
    results.push_back(simulate_into(writer, sweep.scenarios[k].design, arguments, progress, done, total, pair));
    writer.finish_scenario(results.back());
  }
  progress.finish();
  const double seconds = seconds_since(start);
  const std::vector<PowerDifference> differences = paired.differences();
  writer.commit_sweep(results, differences, seconds,
                      arguments.threads > 0 ? arguments.threads : tbb::info::default_concurrency());
  print_scenario_table(std::cout, sweep, results, differences);
  std::cout.flush();
  report_speed(arguments, output, total, seconds);
  return 0;
}

int run(RunArguments& arguments) {
  if (arguments.replicates) {
    arguments.design.extra.push_back({"simulation.replicates", std::to_string(*arguments.replicates)});
  }
  if (arguments.seed) arguments.design.extra.push_back({"simulation.seed", std::to_string(*arguments.seed)});
  const SweepDesign sweep = arguments.design.load_sweep();
  check_keep_patients(arguments, sweep.base);
  const std::string output = arguments.output.empty() ? default_output(arguments.design.path) : arguments.output;
  catch_interrupts();
  try {
    return sweep.has_sweep() ? run_sweep(arguments, sweep, output) : run_single(arguments, sweep.base, output);
  } catch (const InterruptedError&) {
    std::cerr << "\ntrialsim: interrupted; no results file written\n";
    return 128 + interrupt_signal();
  }
}

} // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("run", "Simulate a design and write its operating characteristics");
  auto arguments = std::make_shared<RunArguments>();
  arguments->design.add_to(*command);
  command->add_option("-o,--output", arguments->output,
                      "Results file (HDF5); default: <design name>.h5. A design with a sweep writes every scenario");
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
