#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "trialsim/config.hpp"
#include "trialsim/error.hpp"
#include "trialsim/io.hpp"
#include "trialsim/report.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim::cli {

namespace {

struct ShowArguments {
  std::string path;
  std::optional<std::int64_t> scenario;
};

void show_results(const std::string& path, const std::string& group) {
  const StoredResults stored = read_results(path, group);
  const Design design = parse_design(stored.config_yaml, path + " (config_yaml)");
  // The table takes the looks from the summary and their description from the design.
  if (design.looks.size() != stored.results.looks.size()) {
    throw InputError(path, "the stored design has " + std::to_string(design.looks.size()) + " look(s), the summary " +
                               std::to_string(stored.results.looks.size()));
  }
  print_results(std::cout, design, stored.results);
}

int show(const ShowArguments& arguments) {
  const StoredFile file = read_file_info(arguments.path);
  if (file.scenarios == 0) {
    if (arguments.scenario) throw InputError("--scenario", arguments.path + " has no sweep scenarios");
    show_results(arguments.path, "");
  } else if (arguments.scenario) {
    if (*arguments.scenario < 0 || *arguments.scenario >= file.scenarios) {
      throw InputError("--scenario", "must be 0 to " + std::to_string(file.scenarios - 1) + ", got " +
                                         std::to_string(*arguments.scenario));
    }
    show_results(arguments.path, scenario_group(static_cast<std::size_t>(*arguments.scenario)));
  } else {
    const SweepDesign sweep = parse_sweep(file.config_yaml, arguments.path + " (config_yaml)");
    if (static_cast<std::int64_t>(sweep.scenarios.size()) != file.scenarios) {
      throw InputError(arguments.path, "the stored sweep has " + std::to_string(sweep.scenarios.size()) +
                                           " scenarios, the file " + std::to_string(file.scenarios));
    }
    std::vector<Results> results;
    for (std::size_t k = 0; k < sweep.scenarios.size(); ++k) {
      results.push_back(read_results(arguments.path, scenario_group(k)).results);
    }
    print_scenario_table(std::cout, sweep, results, read_power_differences(arguments.path));
    std::cout << "  (trialsim show " << arguments.path << " --scenario K prints one scenario in full)\n";
  }
  std::cout << "  (trialsim " << file.trialsim_version << ", " << file.created_utc << ")\n";
  if (const auto shard = read_shard_info(arguments.path)) {
    std::cout << "  (this file is " << shard_text(shard->shard) << " only; trialsim merge combines the shards)\n";
  }
  return 0;
}

}  // namespace

void add_show_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("show", "Print the results table stored in a results file");
  auto arguments = std::make_shared<ShowArguments>();
  command->add_option("file", arguments->path, "Results file (HDF5) written by trialsim run")->required();
  command->add_option("--scenario", arguments->scenario, "Sweep files: print scenario K in full");
  command->callback([&action, arguments] { action = [arguments] { return show(*arguments); }; });
}

}  // namespace trialsim::cli
