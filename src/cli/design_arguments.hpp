#pragma once
// The options every subcommand that reads a design file shares: the file and `--set`.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "trialsim/config.hpp"

namespace trialsim::cli {

struct DesignArguments {
  std::string path;
  std::vector<std::string> assignments;
  std::vector<Override> extra; // overrides implied by other options (--replicates, --seed)

  void add_to(CLI::App& command) {
    command.add_option("design", path, "Design file (YAML)")->required();
    command.add_option("--set", assignments, "Override a design value, e.g. enrollment.sample_size=300 (repeatable)");
  }

  Design load() const {
    std::vector<Override> overrides;
    for (const std::string& assignment : assignments) overrides.push_back(parse_override(assignment));
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    return load_design(path, overrides);
  }
};

} // namespace trialsim::cli
