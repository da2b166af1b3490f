#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include <tbb/info.h>

#include "commands.hpp"
#include "design_arguments.hpp"
#include "interrupt.hpp"
#include "option_checks.hpp"
#include "progress.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"
#include "trialsim/io.hpp"
#include "trialsim/report.hpp"
#include "trialsim/shard.hpp"

namespace trialsim::cli {

namespace {

struct RunArguments {
  DesignArguments design;
  std::optional<std::string> output;  // unset: named after the design
  std::optional<std::int64_t> replicates;
  int threads = 0;
  std::int64_t keep_patients = 0;
  std::string shard;  // "K/N", empty for the whole run
  bool quiet = false;
  OutputFormat format = OutputFormat::table;
};

std::string default_output(const std::string& design_path, const std::optional<Shard>& shard) {
  const std::string stem = std::filesystem::path(design_path).stem().string();
  if (!shard) return stem + ".h5";
  return stem + ".shard-" + std::to_string(shard->index) + "-of-" + std::to_string(shard->count) + ".h5";
}

// The patients of replicates [first, end).
std::vector<PatientRecords> patients_of(const Design& design, const BoundaryPlan& plan, std::int64_t first,
                                        std::int64_t end) {
  const TrialSimulator simulator(design, plan);
  std::vector<PatientRecords> trials;
  for (std::int64_t r = first; r < end; ++r) trials.push_back(simulator.patients(static_cast<std::uint64_t>(r)));
  return trials;
}

// The engine's options for the replicates of `range`; `done` and `total` count replicates
// over the whole run (scenario-replicates in a sweep), for the progress bar.
RunOptions run_options(const RunArguments& arguments, const Shard& range, ProgressBar& progress, std::int64_t done,
                       std::int64_t total) {
  RunOptions options;
  options.threads = arguments.threads;
  options.first_replicate = range.begin;
  options.count = range.size();
  options.on_progress = [&progress, done, total](std::int64_t finished, std::int64_t) {
    progress.update(done + finished, total);
  };
  options.should_stop = interrupt_requested;
  return options;
}

// The patients of the first --keep-patients replicates of `range`, into the writer's current results group.
void keep_patients(ResultsFileWriter& writer, const Design& design, const BoundaryPlan& plan,
                   const RunArguments& arguments, const Shard& range) {
  const std::int64_t patients_end = std::min(range.end, arguments.keep_patients);
  if (patients_end > range.begin) {
    writer.write_patients(patients_of(design, plan, range.begin, patients_end), range.begin);
  }
}

// Simulates one design into the writer's results root. `range` is the shard of replicates
// to run (all of them without --shard).
Results simulate_into(ResultsFileWriter& writer, const Design& design, const RunArguments& arguments,
                      const Shard& range, ProgressBar& progress) {
  const BoundaryPlan plan = plan_boundaries(design);
  RunOptions options = run_options(arguments, range, progress, 0, range.size());
  options.on_block = [&writer](std::int64_t offset, std::span<const TrialOutcome> outcomes) {
    writer.append(offset, outcomes);
  };
  const Results results = run_simulation(design, plan, options);
  keep_patients(writer, design, plan, arguments, range);
  return results;
}

// Scenarios simulated together on common random numbers (run_scenarios): as many consecutive
// ones as have this many looks between them (48 scenarios of two looks, 9 of ten), since an
// open scenario's memory grows with its looks (its summaries' quantile sketches, the rows its
// results group holds back): about 2 MB a scenario of two looks, 6 MB of ten.
constexpr std::size_t LOOKS_PER_PASS = 96;

// The end of the pass over a sweep's scenarios that starts at `begin`.
std::size_t pass_end(const SweepDesign& sweep, std::size_t begin) {
  std::size_t end = begin;
  std::size_t looks = 0;
  while (end < sweep.scenarios.size()) {
    looks += sweep.scenarios[end].design.looks.size();
    if (end > begin && looks > LOOKS_PER_PASS) break;
    ++end;
  }
  return end;
}

// Simulates the scenarios [begin, end) of a sweep together, each into its results group.
// Every scenario uses the random streams of scenario 0 (common random numbers), drawn once
// per replicate, so that a sweep's scenario equals a single run of its values.
void simulate_pass(ResultsFileWriter& writer, const SweepDesign& sweep, std::size_t begin, std::size_t end,
                   const RunArguments& arguments, const Shard& range, ProgressBar& progress,
                   PairedPowerDifference& paired, std::vector<Results>& results) {
  std::vector<BoundaryPlan> plans;
  std::vector<ScenarioRun> runs;
  plans.reserve(end - begin);
  for (std::size_t k = begin; k < end; ++k) {
    const Design& design = sweep.scenarios[k].design;
    progress.scenario(k, sweep.scenarios.size(), sweep.scenarios[k].label);
    writer.begin_scenario(k);
    plans.push_back(plan_boundaries(design));
    runs.push_back(
        {&design, &plans.back(), [&writer, &paired, k](std::int64_t offset, std::span<const TrialOutcome> outcomes) {
           writer.resume_scenario(k);
           writer.append(offset, outcomes);
           paired.add(k, offset, outcomes);
         }});
  }
  const std::int64_t replicates = range.size();
  const auto total = replicates * static_cast<std::int64_t>(sweep.scenarios.size());
  const RunOptions options =
      run_options(arguments, range, progress, replicates * static_cast<std::int64_t>(begin), total);
  std::vector<Results> pass = run_scenarios(runs, options);
  for (std::size_t k = begin; k < end; ++k) {
    writer.resume_scenario(k);
    keep_patients(writer, sweep.scenarios[k].design, plans[k - begin], arguments, range);
    writer.finish_scenario(pass[k - begin]);
    results.push_back(std::move(pass[k - begin]));
  }
}

void check_keep_patients(const RunArguments& arguments, const Design& design) {
  if (arguments.keep_patients > design.simulation.replicates) {
    throw InputError("--keep-patients",
                     "must be at most the number of replicates (" + std::to_string(design.simulation.replicates) + ")");
  }
}

// What one invocation runs: the output file and the replicates (a shard, or all of them).
struct RunTarget {
  std::string output;
  std::optional<Shard> shard;  // set with --shard
  Shard range;
};

void report_speed(const RunArguments& arguments, const RunTarget& target, std::int64_t replicates, double seconds) {
  if (arguments.quiet) return;
  const int threads = arguments.threads > 0 ? arguments.threads : tbb::info::default_concurrency();
  std::cerr << "wrote " << target.output << (target.shard ? ", " + shard_text(*target.shard) : "") << " (" << seconds
            << " s"
            << ", " << static_cast<long long>(static_cast<double>(replicates) / seconds) << " replicates/s on "
            << threads << " threads)\n";
}

void mark_shard(ResultsFileWriter& writer, const RunArguments& arguments, const RunTarget& target,
                const std::string& config_yaml) {
  if (target.shard) writer.mark_as_shard({*target.shard, design_digest(config_yaml), arguments.keep_patients});
}

int run_single(const RunArguments& arguments, const Design& design, const RunTarget& target) {
  // Opening the output first makes an unwritable destination fail before any simulation.
  ResultsFileWriter writer(target.output, design, target.range.size());
  mark_shard(writer, arguments, target, design.resolved_yaml);
  ProgressBar progress(!arguments.quiet);
  progress.update(0, target.range.size());
  const auto start = std::chrono::steady_clock::now();
  const Results results = simulate_into(writer, design, arguments, target.range, progress);
  progress.finish();
  const double seconds = seconds_since(start);
  if (interrupt_requested()) throw InterruptedError();  // the last chance before the file takes its name
  writer.commit(results, seconds, arguments.threads > 0 ? arguments.threads : tbb::info::default_concurrency());
  if (arguments.format == OutputFormat::table) {
    print_results(std::cout, design, results);
  } else {
    print_records(std::cout, results_records(design, results), arguments.format, "run", {{"file", target.output}});
  }
  std::cout.flush();  // the table comes before the note on stderr when both go to one terminal
  report_speed(arguments, target, results.replicates, seconds);
  return 0;
}

int run_sweep(const RunArguments& arguments, const SweepDesign& sweep, const RunTarget& target) {
  const std::int64_t replicates = target.range.size();
  ResultsFileWriter writer(target.output, sweep, replicates);
  mark_shard(writer, arguments, target, sweep.config_yaml);
  ProgressBar progress(!arguments.quiet);
  const auto start = std::chrono::steady_clock::now();
  const auto total = replicates * static_cast<std::int64_t>(sweep.scenarios.size());
  progress.update(0, total);
  std::vector<Results> results;
  PairedPowerDifference paired(replicates);
  for (std::size_t begin = 0, end = 0; begin < sweep.scenarios.size(); begin = end) {
    end = pass_end(sweep, begin);
    simulate_pass(writer, sweep, begin, end, arguments, target.range, progress, paired, results);
  }
  progress.finish();
  const double seconds = seconds_since(start);
  const std::vector<PowerDifference> differences = paired.differences();
  if (interrupt_requested()) throw InterruptedError();  // the last chance before the file takes its name
  writer.commit_sweep(results, differences, seconds,
                      arguments.threads > 0 ? arguments.threads : tbb::info::default_concurrency());
  if (arguments.format == OutputFormat::table) {
    print_scenario_table(std::cout, sweep, results, differences);
  } else {
    print_records(std::cout, sweep_records(sweep, results, differences), arguments.format, "run",
                  {{"file", target.output}});
  }
  std::cout.flush();
  report_speed(arguments, target, total, seconds);
  return 0;
}

int run(RunArguments& arguments) {
  if (arguments.output && arguments.output->empty()) throw InputError("-o", "must name a file, got an empty name");
  if (arguments.replicates) {
    arguments.design.extra.push_back({"simulation.replicates", std::to_string(*arguments.replicates)});
  }
  const SweepDesign sweep = arguments.design.load_sweep();
  check_keep_patients(arguments, sweep.base);
  const std::int64_t replicates = sweep.base.simulation.replicates;
  RunTarget target;
  if (!arguments.shard.empty()) target.shard = parse_shard(arguments.shard, replicates);
  target.range = target.shard.value_or(make_shard(1, 1, replicates));
  target.output = arguments.output.value_or(default_output(arguments.design.path, target.shard));
  // Results written over the design would lose it (run x.yaml -o x.yaml, or a design named x.h5).
  expect_not_an_input(target.output, {arguments.design.path}, "the design file");
  catch_interrupts();
  try {
    return sweep.has_sweep() ? run_sweep(arguments, sweep, target) : run_single(arguments, sweep.base, target);
  } catch (const InterruptedError&) {
    std::cerr << "\ntrialsim: interrupted by " << signal_name(interrupt_signal()) << " after "
              << ProgressBar::last_done() << " of " << ProgressBar::last_total()
              << " replicates; no results file written (" << target.output << " left as it was)\n";
    return 128 + interrupt_signal();
  }
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("run", "Simulate a design and write its operating characteristics");
  auto arguments = std::make_shared<RunArguments>();
  arguments->design.add_to(*command);
  command->add_option("-o,--output", arguments->output,
                      "Results file (HDF5); default: <design name>.h5. A design with a sweep writes every scenario");
  command->add_option("--replicates", arguments->replicates, "Number of simulated trials (1 or more)")
      ->check(whole_number(1, MAX_WHOLE));
  arguments->design.add_seed_to(*command);
  add_threads_option(*command, arguments->threads, "Threads (0, the default: all cores)");
  command
      ->add_option("--keep-patients", arguments->keep_patients,
                   "Store the patient-level data of the first K replicates")
      ->check(whole_number(0, MAX_WHOLE));
  command->add_option("--shard", arguments->shard,
                      "Run only shard K of N (e.g. 2/8) of the replicates; combine the shards with trialsim merge");
  command->add_flag("-q,--quiet", arguments->quiet, "No progress bar, progress lines or messages on stderr");
  add_format_option(*command, arguments->format);
  command->callback([&action, arguments] { action = [arguments] { return run(*arguments); }; });
}

}  // namespace trialsim::cli
