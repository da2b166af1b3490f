#include <iostream>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "option_checks.hpp"
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
  OutputFormat format = OutputFormat::table;
};

// The run-level fields that only the file knows.
std::vector<std::pair<std::string, Cell>> file_fields(const ShowArguments& arguments, const StoredFile& file) {
  std::vector<std::pair<std::string, Cell>> fields{
      {"file", arguments.path}, {"file_trialsim_version", file.trialsim_version}, {"created_utc", file.created_utc}};
  if (const auto shard = read_shard_info(arguments.path)) fields.emplace_back("shard", shard_text(shard->shard));
  return fields;
}

void show_results(const ShowArguments& arguments, const StoredFile& file, const std::string& group) {
  const std::string& path = arguments.path;
  const StoredResults stored = read_results(path, group);
  const Design design = parse_design(stored.config_yaml, path + " (config_yaml)");
  // The table takes the looks from the summary and their description from the design.
  if (design.looks.size() != stored.results.looks.size()) {
    throw InputError(path, "the stored design has " + std::to_string(design.looks.size()) + " look(s), the summary " +
                               std::to_string(stored.results.looks.size()));
  }
  if (arguments.format == OutputFormat::table) {
    print_results(std::cout, design, stored.results);
  } else {
    print_records(std::cout, results_records(design, stored.results, arguments.scenario.value_or(0)), arguments.format,
                  "show", file_fields(arguments, file));
  }
}

int show(const ShowArguments& arguments) {
  const StoredFile file = read_file_info(arguments.path);
  if (file.scenarios == 0) {
    if (arguments.scenario) throw InputError("--scenario", arguments.path + " has no sweep scenarios");
    show_results(arguments, file, "");
  } else if (arguments.scenario) {
    if (*arguments.scenario < 0 || *arguments.scenario >= file.scenarios) {
      throw InputError("--scenario", "must be 0 to " + std::to_string(file.scenarios - 1) + ", got " +
                                         std::to_string(*arguments.scenario));
    }
    show_results(arguments, file, scenario_group(static_cast<std::size_t>(*arguments.scenario)));
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
    const std::vector<PowerDifference> differences = read_power_differences(arguments.path);
    if (arguments.format != OutputFormat::table) {
      print_records(std::cout, sweep_records(sweep, results, differences), arguments.format, "show",
                    file_fields(arguments, file));
      return 0;
    }
    print_scenario_table(std::cout, sweep, results, differences);
    std::cout << "  (trialsim show " << arguments.path << " --scenario K prints one scenario in full)\n";
  }
  if (arguments.format != OutputFormat::table) return 0;
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
  command->add_option("--scenario", arguments->scenario, "Sweep files: print scenario K (from 0) in full")
      ->check(whole_number(0, MAX_WHOLE));
  add_format_option(*command, arguments->format);
  command->callback([&action, arguments] { action = [arguments] { return show(*arguments); }; });
}

}  // namespace trialsim::cli
