// The records of `run`, `show`, `boundaries` and `solve` for --format csv|json:
// which figures each command has and their column names (docs/output_formats.md).
// The figures are those of the table and of the results file, unrounded.

#include <algorithm>
#include <cmath>
#include <limits>

#include "trialsim/names.hpp"
#include "trialsim/records.hpp"
#include "trialsim/report.hpp"

namespace trialsim {

namespace {

constexpr double NONE = std::numeric_limits<double>::quiet_NaN();

using Row = std::vector<std::pair<std::string, Cell>>;

// Adds a row; the first row names the columns, and every row has the same ones.
void add_row(Records& records, Row row) {
  std::vector<Cell> cells;
  std::vector<std::string> names;
  for (auto& [name, cell] : row) {
    names.push_back(std::move(name));
    cells.push_back(std::move(cell));
  }
  if (records.rows.empty()) records.columns = names;
  if (names != records.columns) throw std::logic_error("records: rows with different columns");
  records.rows.push_back(std::move(cells));
}

Cell count(std::int64_t n) {
  return n;
}
Cell count(std::size_t n) {
  return static_cast<std::int64_t>(n);
}

// "events_mean", "events_q05", ... of one distribution over the replicates.
void add_distribution(Row& row, const std::string& name, const Distribution& d) {
  row.emplace_back(name + "_count", count(d.count));
  row.emplace_back(name + "_mean", d.count > 0 ? d.mean : NONE);
  row.emplace_back(name + "_sd", d.count > 0 ? d.sd : NONE);
  for (std::size_t q = 0; q < QUANTILE_LEVELS.size(); ++q) {
    const int percent = static_cast<int>(std::lround(QUANTILE_LEVELS[q] * 100));
    row.emplace_back(name + (percent < 10 ? "_q0" : "_q") + std::to_string(percent),
                     d.count > 0 ? d.quantiles[q] : NONE);
  }
}

void add_design_fields(Records& records, const Design& design) {
  records.field("design", design.name);
  records.field("sides", count(static_cast<std::int64_t>(design.test.sides)));
  records.field("alpha", design.test.alpha);
  records.field("statistic", statistic_key(design.test.statistic));
  records.field("boundary", boundary_label(design.test.boundary));
  records.field("time_unit", design.time_unit);
  records.field("start_date", design.start_date.value_or(""));
}

// The scenario-level columns (power and what the trial ends with), then the look's.
struct ScenarioRows {
  std::int64_t scenario = 0;
  std::string label;
  Row swept;  // one column per swept path
  const Design* design = nullptr;
  const Results* results = nullptr;
  PowerDifference difference{0.0, 0.0, 0.0};
  std::size_t compared_columns = 0;  // the most compared statistics of any scenario
};

void add_scenario_rows(Records& records, const ScenarioRows& s) {
  const Results& r = *s.results;
  for (std::size_t k = 0; k < r.looks.size(); ++k) {
    const LookSummary& look = r.looks[k];
    Row row{{"scenario", s.scenario}, {"label", s.label}};
    row.insert(row.end(), s.swept.begin(), s.swept.end());
    row.insert(row.end(), {{"replicates", count(r.replicates)},
                           {"power", r.power},
                           {"power_se", r.power_se},
                           {"power_difference", s.difference.difference},
                           {"power_difference_se", s.difference.se},
                           {"reject_any", r.reject_probability},
                           {"reject_any_se", r.reject_se},
                           {"expected_events_at_stop", r.events_at_stop.mean},
                           {"expected_enrolled_at_stop", r.enrolled_at_stop.mean},
                           {"expected_time_at_stop", r.time_at_stop.mean},
                           {"look", count(k + 1)},
                           {"look_name", look.name},
                           {"information_fraction", look.information_fraction},
                           {"boundary_z", look.boundary_z},
                           {"nominal_alpha", look.nominal_alpha},
                           {"futility_z", look.futility_z},
                           {"performed_probability", look.performed_probability},
                           {"trigger_missed_probability", look.trigger_missed_probability},
                           {"reject_probability", look.reject_probability},
                           {"reject_se", look.reject_se},
                           {"harm_probability", look.harm_probability},
                           {"harm_se", look.harm_se},
                           {"futility_probability", look.futility_probability},
                           {"futility_se", look.futility_se},
                           {"stop_probability", look.stop_probability},
                           {"stop_se", look.stop_se},
                           {"mean_z", look.mean_z}});
    add_distribution(row, "events", look.events);
    add_distribution(row, "events_control", look.events_control);
    add_distribution(row, "events_treatment", look.events_treatment);
    add_distribution(row, "enrolled", look.enrolled);
    add_distribution(row, "time", look.time);
    add_distribution(row, "hr", look.hr);
    row.emplace_back("median_date", look.time.count > 0 ? calendar_date(*s.design, look.time.quantiles[2]) : "");
    for (std::size_t c = 0; c < s.compared_columns; ++c) {
      const std::string prefix = "compare" + std::to_string(c + 1) + "_";
      const ComparedSummary* compared = c < r.compared.size() ? &r.compared[c] : nullptr;
      const auto figure = [compared](double ComparedSummary::*member) { return compared ? compared->*member : NONE; };
      row.insert(row.end(), {{prefix + "statistic", compared ? compared->key : ""},
                             {prefix + "power", figure(&ComparedSummary::power)},
                             {prefix + "power_se", figure(&ComparedSummary::power_se)},
                             {prefix + "power_difference", compared ? compared->difference.difference : NONE},
                             {prefix + "power_difference_se", compared ? compared->difference.se : NONE},
                             {prefix + "reject_any", figure(&ComparedSummary::reject_probability)},
                             {prefix + "reject_any_se", figure(&ComparedSummary::reject_se)},
                             {prefix + "reject_probability", compared ? compared->look_reject_probability[k] : NONE},
                             {prefix + "stop_probability", compared ? compared->look_stop_probability[k] : NONE}});
    }
    add_row(records, std::move(row));
  }
}

}  // namespace

Records results_records(const Design& design, const Results& results, std::int64_t scenario) {
  Records records;
  add_design_fields(records, design);
  records.field("replicates", count(results.replicates));
  records.field("seed", std::to_string(results.seed));  // text: a 64-bit seed does not fit a JSON reader's double
  records.field("power", results.power);
  records.field("power_se", results.power_se);
  records.field("reject_any", results.reject_probability);
  records.field("reject_any_se", results.reject_se);
  records.field("expected_events_at_stop", results.events_at_stop.mean);
  records.field("expected_enrolled_at_stop", results.enrolled_at_stop.mean);
  records.field("expected_time_at_stop", results.time_at_stop.mean);
  ScenarioRows rows{scenario, "", {}, &design, &results};
  rows.compared_columns = results.compared.size();
  add_scenario_rows(records, rows);
  return records;
}

Records sweep_records(const SweepDesign& sweep, std::span<const Results> results,
                      std::span<const PowerDifference> differences) {
  Records records;
  add_design_fields(records, sweep.base);
  records.field("scenarios", count(sweep.scenarios.size()));
  records.field("replicates", count(results.empty() ? std::int64_t{0} : results.front().replicates));
  records.field("seed", std::to_string(results.empty() ? std::uint64_t{0} : results.front().seed));
  std::vector<std::string> axes;
  for (const SweepAxis& axis : sweep.axes) axes.push_back(axis.path);
  records.field("axes", axes);
  std::size_t compared = 0;
  for (const Results& r : results) compared = std::max(compared, r.compared.size());
  for (std::size_t s = 0; s < results.size(); ++s) {
    const Scenario& scenario = sweep.scenarios[s];
    ScenarioRows rows{static_cast<std::int64_t>(s), scenario.label, {}, &scenario.design, &results[s]};
    for (std::size_t a = 0; a < sweep.axes.size(); ++a) {
      const SweepAxis& axis = sweep.axes[a];
      const std::size_t choice = scenario.choice[a];
      rows.swept.emplace_back(axis.path, axis.numeric ? Cell{axis.numbers[choice]} : Cell{axis.labels[choice]});
    }
    if (s < differences.size()) rows.difference = differences[s];
    rows.compared_columns = compared;
    add_scenario_rows(records, rows);
  }
  return records;
}

Records boundary_records(const SweepDesign& sweep, std::span<const BoundaryPlan> plans) {
  Records records;
  add_design_fields(records, sweep.base);
  records.field("scenarios", count(sweep.scenarios.size()));
  for (std::size_t s = 0; s < plans.size(); ++s) {
    const Design& design = sweep.scenarios[s].design;
    const BoundaryPlan& plan = plans[s];
    for (std::size_t k = 0; k < plan.efficacy_z.size(); ++k) {
      add_row(records, {{"scenario", count(s)},
                        {"label", sweep.scenarios[s].label},
                        {"look", count(k + 1)},
                        {"look_name", design.looks[k].name},
                        {"information_fraction", plan.information_fractions[k]},
                        {"boundary_z", plan.efficacy_z[k]},
                        {"nominal_alpha", plan.nominal_alpha[k]},
                        {"cumulative_alpha", plan.alpha_spent[k]},
                        {"futility_z", plan.futility_z[k]}});
    }
  }
  return records;
}

Records solve_records(const Design& design, const std::string& path, const SolveSettings& settings,
                      const Solution& solution, const AnalyticAnswer& analytic) {
  Records records;
  records.field("design", design.name);
  records.field("path", path);
  records.field("target_power", settings.target_power);
  records.field("replicates", count(design.simulation.replicates));
  records.field("seed", std::to_string(design.simulation.seed));
  records.field("integer", count(static_cast<std::int64_t>(settings.integer)));
  records.field("value", solution.value);
  records.field("interpolated", settings.integer ? solution.interpolated : solution.value);
  records.field("ci_lower", solution.lower.value_or(NONE));
  records.field("ci_upper", solution.upper.value_or(NONE));
  records.field("standard_error", solution.standard_error);
  records.field("analytic_value", analytic.value);
  records.field("analytic_hazard_ratio", analytic.hazard_ratio);
  records.field("analytic_events", analytic.events);
  records.field("analytic_note", analytic.note);
  for (const PowerPoint& point : solution.points) {
    add_row(records, {{"value", point.value}, {"power", point.power}, {"power_se", point.se}});
  }
  if (records.rows.empty()) records.columns = {"value", "power", "power_se"};
  return records;
}

}  // namespace trialsim
