#include <iostream>
#include <memory>

#include "commands.hpp"
#include "trialsim/config.hpp"
#include "trialsim/error.hpp"
#include "trialsim/io.hpp"
#include "trialsim/report.hpp"

namespace trialsim::cli {

void add_show_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("show", "Print the results table stored in a results file");
  auto path = std::make_shared<std::string>();
  command->add_option("file", *path, "Results file (HDF5) written by trialsim run")->required();
  command->callback([&action, path] {
    action = [path] {
      const StoredResults stored = read_results(*path);
      const Design design = parse_design(stored.config_yaml, *path + " (config_yaml)");
      // The table takes the looks from the summary and their description from the design.
      if (design.looks.size() != stored.results.looks.size()) {
        throw InputError(*path, "the stored design has " + std::to_string(design.looks.size()) +
                                    " look(s), the summary " + std::to_string(stored.results.looks.size()));
      }
      print_results(std::cout, design, stored.results);
      std::cout << "  (trialsim " << stored.trialsim_version << ", " << stored.created_utc << ")\n";
      return 0;
    };
  });
}

} // namespace trialsim::cli
