#include <iostream>
#include <memory>

#include "commands.hpp"
#include "design_arguments.hpp"
#include "option_checks.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/report.hpp"

namespace trialsim::cli {

namespace {

// The O'Brien-Fleming boundary comes in two forms that protocols confuse: the
// classical (Wang-Tsiatis) one and the Lan-DeMets spending approximation. Show
// the other one next to the design's, so the difference in nominal alpha is visible.
void print_obrien_fleming_counterpart(std::ostream& out, Design design) {
  Boundary& boundary = design.test.boundary;
  const bool classical = boundary.family == Boundary::Family::obrien_fleming;
  const bool spending =
      boundary.family == Boundary::Family::spending && boundary.spending == Boundary::Spending::obrien_fleming;
  if (!classical && !spending) return;
  // A binding beta-spending futility boundary needs an alpha-spending efficacy boundary.
  const Futility& futility = design.test.futility;
  if (futility.scale == Futility::Scale::beta_spending && futility.binding) return;
  if (classical) {
    boundary.family = Boundary::Family::spending;
    boundary.spending = Boundary::Spending::obrien_fleming;
  } else {
    boundary.family = Boundary::Family::obrien_fleming;
  }
  out << "\nFor comparison:\n";
  print_boundaries(out, design, plan_boundaries(design));
}

}  // namespace

void add_boundaries_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand("boundaries", "Print the critical values and nominal alpha of each look");
  auto arguments = std::make_shared<DesignArguments>();
  auto format = std::make_shared<OutputFormat>(OutputFormat::table);
  arguments->add_to(*command);
  add_format_option(*command, *format);
  command->callback([&action, arguments, format] {
    action = [arguments, format] {
      const SweepDesign sweep = arguments->load_sweep();
      if (*format != OutputFormat::table) {
        // Every scenario's own boundaries: its looks' information fractions may differ.
        std::vector<BoundaryPlan> plans;
        for (const Scenario& scenario : sweep.scenarios) plans.push_back(plan_boundaries(scenario.design));
        print_records(std::cout, boundary_records(sweep, plans), *format, "boundaries");
        return 0;
      }
      const Design& design = sweep.base;
      print_boundaries(std::cout, design, plan_boundaries(design));
      print_obrien_fleming_counterpart(std::cout, design);
      if (sweep.has_sweep()) {
        std::cout << "\n(the design without its sweep block; the boundaries of each scenario are stored in "
                     "its results, /scenarios/<k>/summary/boundary_z)\n";
      }
      return 0;
    };
  });
}

}  // namespace trialsim::cli
