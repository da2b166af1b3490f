#include <iostream>
#include <memory>

#include "commands.hpp"
#include "design_arguments.hpp"
#include "trialsim/engine.hpp"

namespace trialsim::cli {

void add_check_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("check", "Validate a design file (and its boundaries) without simulating");
  auto arguments = std::make_shared<DesignArguments>();
  arguments->add_to(*command);
  command->callback([&action, arguments] {
    action = [arguments] {
      const Design design = arguments->load();
      plan_boundaries(design); // a design whose boundaries cannot be computed is not valid either
      std::cout << arguments->path << ": valid design '" << design.name << "' (" << design.looks.size()
                << " looks, " << design.enrollment.sample_size << " patients)\n";
      return 0;
    };
  });
}

} // namespace trialsim::cli
