// `trialsim solve`: the value of one design path (sample size, events of a look,
// hazard ratio, event probability) at which the design reaches a target power,
// by simulation on common random numbers, with its Monte Carlo uncertainty and
// the analytic (Schoenfeld) answer next to it.

#include <charconv>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "design_arguments.hpp"
#include "interrupt.hpp"
#include "option_checks.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"
#include "trialsim/solve.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim::cli {

namespace {

struct SolveArguments {
  DesignArguments design;
  double target_power = 0.8;
  std::string path;
  std::string range;
  std::optional<std::int64_t> replicates;
  int threads = 0;
  bool quiet = false;
  OutputFormat format = OutputFormat::table;
};

// Keys whose values are counts: solved over the integers.
const std::set<std::string> INTEGER_KEYS = {"sample_size", "events", "enrolled", "completed_follow_up"};

bool is_integer_path(const std::string& path) {
  std::string key = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
  return INTEGER_KEYS.contains(key.substr(0, key.find('[')));
}

std::string value_text(double value) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : std::to_string(value);
}

// "LOW:HIGH" (or "LOW,HIGH").
std::pair<double, double> parse_range(const std::string& text) {
  const std::size_t split = text.find_first_of(":,");
  double low = 0, high = 0;
  const auto read = [](const std::string& part, double& value) {
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    return error == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  if (split == std::string::npos || !read(text.substr(0, split), low) || !read(text.substr(split + 1), high) ||
      !(low < high)) {
    throw InputError("--range", "expected LOW:HIGH with LOW < HIGH, got '" + text + "'");
  }
  return {low, high};
}

class Solver {
 public:
  explicit Solver(SolveArguments& arguments) : arguments_(arguments) {
    if (arguments_.replicates) {
      arguments_.design.extra.push_back({"simulation.replicates", std::to_string(*arguments_.replicates)});
    }
    if (!(arguments_.target_power > 0 && arguments_.target_power < 1)) {  // NaN too
      std::ostringstream given;
      given << arguments_.target_power;
      throw InputError("--target-power",
                       "must be strictly between 0 and 1 (a power of 0 or 1 is never estimated), got " + given.str());
    }
    const SweepDesign sweep = arguments_.design.load_sweep();
    if (sweep.has_sweep()) {
      throw InputError(arguments_.design.path, "solve works on a design without a sweep block; remove the sweep");
    }
    base_ = sweep.base;
    const auto start = number_at(base_.resolved_yaml, arguments_.path);
    if (!start) throw InputError("--for", arguments_.path + ": not a number in the design");
    settings_.target_power = arguments_.target_power;
    settings_.integer = is_integer_path(arguments_.path);
    settings_.start = *start;
    if (!arguments_.range.empty()) std::tie(settings_.low, settings_.high) = parse_range(arguments_.range);
  }

  int solve() {
    catch_interrupts();
    Solution simulated;
    try {
      simulated = solve_for_power([this](double value) { return simulated_power(value); }, settings_, arguments_.path);
    } catch (const InterruptedError&) {
      std::cerr << "trialsim: interrupted\n";
      return 128 + interrupt_signal();
    }
    const AnalyticAnswer analytic = analytic_answer();
    if (arguments_.format == OutputFormat::table) {
      print(simulated);
      print_analytic(analytic);
    } else {
      print_records(std::cout, solve_records(base_, arguments_.path, settings_, simulated, analytic), arguments_.format,
                    "solve");
    }
    return 0;
  }

 private:
  // The design with the solved path set to `value`; InvalidValue when that is no valid design.
  Design design_at(double value) const {
    std::vector<Override> overrides = arguments_.design.overrides();
    overrides.push_back({arguments_.path, value_text(value)});
    try {
      return load_design(arguments_.design.path, overrides);
    } catch (const InputError& error) {
      throw InvalidValue(error.what());
    }
  }

  PowerPoint simulated_power(double value) const {
    const Design design = design_at(value);
    RunOptions options;
    options.threads = arguments_.threads;
    options.should_stop = interrupt_requested;
    // Scenario 0's streams for every value: common random numbers.
    const Results results = run_simulation(design, plan_boundaries(design), options);
    if (!arguments_.quiet) {
      std::cerr << "  " << arguments_.path << " = " << value_text(value) << ": power " << results.power << " (SE "
                << results.power_se << ")\n";
    }
    return {value, results.power, results.power_se};
  }

  void print(const Solution& solution) const {
    std::cout << base_.name << ": solving " << arguments_.path << " for power " << settings_.target_power << '\n'
              << "  common random numbers, " << base_.simulation.replicates << " replicates per value, seed "
              << base_.simulation.seed << "\n\n";
    std::printf("  %16s  %-18s\n", "value", "power (SE)");
    for (const PowerPoint& point : solution.points) {
      std::printf("  %16s  %.4f (%.4f)\n", value_text(point.value).c_str(), point.power, point.se);
    }
    std::cout << '\n';
    const std::string value = settings_.integer ? value_text(solution.value) : format_real(solution.value);
    std::printf("simulated: %s = %s", arguments_.path.c_str(), value.c_str());
    if (settings_.integer) std::printf(" (crossing at %.1f)", solution.interpolated);
    std::printf("; 95%% CI %s to %s; Monte Carlo SE %.3g\n", bound(solution.lower, "below").c_str(),
                bound(solution.upper, "above").c_str(), solution.standard_error);
    std::cout << "  (the CI holds the values where the power's 95% confidence band crosses " << settings_.target_power
              << "; the SE is the power's SE over the slope of the power curve)\n";
  }

  std::string bound(const std::optional<double>& value, const char* beyond) const {
    if (value) return settings_.integer ? value_text(*value) : format_real(*value);
    return std::string(beyond) + " the range searched";
  }

  static std::string format_real(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
  }

  // Schoenfeld's approximation solved over the same path, with what it assumes.
  AnalyticAnswer analytic_answer() const {
    AnalyticAnswer answer{std::nan(""), std::nan(""), std::nan(""), ""};
    const AnalyticPower at_start = schoenfeld_power(base_);
    if (!at_start.power) {
      answer.note = "not available: " + at_start.reason;
      return answer;
    }
    try {
      std::optional<AnalyticPower> last;
      const auto power_at = [this, &last](double value) {
        last = schoenfeld_power(design_at(value));
        if (!last->power) throw InvalidValue(last->reason);
        return PowerPoint{value, *last->power, 0.0};
      };
      const Solution analytic = solve_for_power(power_at, settings_, arguments_.path);
      const AnalyticPower at_answer = schoenfeld_power(design_at(analytic.value));
      answer.value = analytic.interpolated;
      answer.hazard_ratio = at_answer.hazard_ratio;
      answer.events = at_answer.events;
      answer.note = at_answer.caveat;
    } catch (const InputError& error) {
      answer.note = error.what();
    }
    return answer;
  }

  void print_analytic(const AnalyticAnswer& answer) const {
    if (std::isnan(answer.value)) {
      std::cout << "analytic: " << answer.note << '\n';
      return;
    }
    std::printf(
        "analytic: %s = %s (Schoenfeld, the design's boundary at its planned information; HR %.4g, %.1f "
        "expected events at the last look",
        arguments_.path.c_str(), format_real(answer.value).c_str(), answer.hazard_ratio, answer.events);
    if (!answer.note.empty()) std::printf("; %s", answer.note.c_str());
    std::printf(")\n");
  }

  SolveArguments& arguments_;
  Design base_;
  SolveSettings settings_;
};

}  // namespace

void add_solve_command(CLI::App& app, Action& action) {
  auto* command = app.add_subcommand(
      "solve", "Find the sample size, events, hazard ratio or event probability that reaches a target power");
  auto arguments = std::make_shared<SolveArguments>();
  arguments->design.add_to(*command);
  command->add_option("--target-power", arguments->target_power,
                      "Target power, strictly between 0 and 1 (default 0.8)");
  command
      ->add_option("--for", arguments->path,
                   "Design path to solve for, e.g. enrollment.sample_size, analyses[1].when.events, "
                   "arms[1].survival.exponential.event_probability")
      ->required();
  command->add_option("--range", arguments->range,
                      "Search range LOW:HIGH (required for real-valued paths; integer paths expand from the "
                      "design's value)");
  command->add_option("--replicates", arguments->replicates, "Replicates per value simulated (1 or more)")
      ->check(whole_number(1, MAX_WHOLE));
  arguments->design.add_seed_to(*command);
  add_threads_option(*command, arguments->threads, "Threads (0, the default: all cores)");
  command->add_flag("-q,--quiet", arguments->quiet, "No progress lines on stderr");
  add_format_option(*command, arguments->format);
  command->callback([&action, arguments] {
    action = [arguments] {
      Solver solver(*arguments);
      return solver.solve();
    };
  });
}

}  // namespace trialsim::cli
