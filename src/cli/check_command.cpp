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
      const SweepDesign sweep = arguments->load_sweep();
      // A design whose boundaries cannot be computed is not valid either.
      for (const Scenario& scenario : sweep.scenarios) planned_boundaries(scenario.design); // a MaxCombo calibration always exists
      const Design& design = sweep.base;
      std::cout << arguments->path << ": valid design '" << design.name << "' (" << design.looks.size()
                << " looks, " << design.enrollment.sample_size << " patients)\n";
      if (!sweep.has_sweep()) return 0;
      std::cout << "  sweep: " << sweep.scenarios.size() << " valid scenarios over";
      for (const SweepAxis& axis : sweep.axes) {
        std::cout << (&axis == &sweep.axes.front() ? " " : ", ") << axis.path << " (" << axis.values.size() << ")";
      }
      std::cout << '\n';
      return 0;
    };
  });
}

} // namespace trialsim::cli
