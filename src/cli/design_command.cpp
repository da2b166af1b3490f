#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "design_arguments.hpp"
#include "option_checks.hpp"
#include "trialsim/analytic.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/report.hpp"

namespace trialsim::cli {

namespace {

struct DesignCommandArguments {
  DesignArguments design;
  std::int64_t simulate = 0;
  OutputFormat format = OutputFormat::table;
  int threads = 0;
};

int design_command(DesignCommandArguments& arguments) {
  if (arguments.simulate > 0) {
    arguments.design.extra.push_back({"simulation.replicates", std::to_string(arguments.simulate)});
  }
  const Design design = arguments.design.load();
  const BoundaryPlan plan = plan_boundaries(design);
  const DesignAnalysis analysis = analyse_design(design, plan);
  std::optional<Results> simulated;
  if (arguments.simulate > 0) {
    RunOptions options;
    options.threads = arguments.threads;
    simulated = run_simulation(design, plan, options);
  }
  const Results* results = simulated ? &*simulated : nullptr;
  if (arguments.format == OutputFormat::table) {
    print_design_analysis(std::cout, design, plan, analysis, results);
  } else {
    print_records(std::cout, design_analysis_records(design, plan, analysis, results), arguments.format, "design");
  }
  return 0;
}

}  // namespace

void add_design_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "design", "Analytic side: textbook event counts and sample sizes, expected looks, group-sequential power");
  auto arguments = std::make_shared<DesignCommandArguments>();
  arguments->design.add_to(*command);
  command->add_option("--simulate", arguments->simulate, "Also simulate N replicates and show them beside")
      ->check(whole_number(1, MAX_WHOLE));
  add_format_option(*command, arguments->format);
  add_threads_option(*command, arguments->threads, "Threads for --simulate (0, the default: all cores)");
  command->callback([&action, arguments] { action = [arguments] { return design_command(*arguments); }; });
}

}  // namespace trialsim::cli
