#pragma once
// The subcommands of the trialsim command line. Each registers its options on
// the CLI11 app and sets `action`, which main() runs after parsing.

#include <CLI/CLI.hpp>

#include <functional>

namespace trialsim::cli {

using Action = std::function<int()>;

void add_run_command(CLI::App& app, Action& action);
void add_check_command(CLI::App& app, Action& action);
void add_boundaries_command(CLI::App& app, Action& action);
void add_show_command(CLI::App& app, Action& action);
void add_merge_command(CLI::App& app, Action& action);
void add_design_command(CLI::App& app, Action& action);
void add_solve_command(CLI::App& app, Action& action);

} // namespace trialsim::cli
