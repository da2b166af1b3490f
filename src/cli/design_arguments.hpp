#pragma once
// The options every subcommand that reads a design file shares: the file and `--set`.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim::cli {

struct DesignArguments {
  std::string path;
  std::vector<std::string> assignments;
  std::vector<Override> extra; // overrides implied by other options (--replicates, --seed)

  void add_to(CLI::App& command) {
    command.add_option("design", path, "Design file (YAML)")->required();
    command.add_option("--set", assignments, "Override a design value, e.g. enrollment.sample_size=300 (repeatable)");
  }

  std::vector<Override> overrides() const {
    std::vector<Override> result;
    for (const std::string& assignment : assignments) result.push_back(parse_override(assignment));
    result.insert(result.end(), extra.begin(), extra.end());
    return result;
  }

  Design load() const { return load_design(path, overrides()); }

  //! The design with its sweep, every scenario validated (a single scenario when there is no sweep).
  SweepDesign load_sweep() const { return trialsim::load_sweep(path, overrides()); }
};

} // namespace trialsim::cli
