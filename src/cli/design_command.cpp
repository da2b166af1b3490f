#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "design_arguments.hpp"
#include "trialsim/analytic.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/report.hpp"

namespace trialsim::cli {

namespace {

struct DesignCommandArguments {
  DesignArguments design;
  std::int64_t simulate = 0;
  std::string format = "table";
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
  if (arguments.format == "csv") {
    write_design_analysis_csv(std::cout, design, plan, analysis, results);
  } else {
    print_design_analysis(std::cout, design, plan, analysis, results);
  }
  return 0;
}

} // namespace

void add_design_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "design", "Analytic side: textbook event counts and sample sizes, expected looks, group-sequential power");
  auto arguments = std::make_shared<DesignCommandArguments>();
  arguments->design.add_to(*command);
  command->add_option("--simulate", arguments->simulate, "Also simulate N replicates and show them beside")
      ->check(CLI::PositiveNumber);
  command->add_option("--format", arguments->format, "table (default) or csv")
      ->check(CLI::IsMember({"table", "csv"}));
  command->add_option("--threads", arguments->threads, "Threads for --simulate (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  command->callback([&action, arguments] { action = [arguments] { return design_command(*arguments); }; });
}

} // namespace trialsim::cli
