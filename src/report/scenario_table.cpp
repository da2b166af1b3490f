// The scenario table of a sweep: one line per scenario with its swept values,
// power and, per look, the expected events and the median calendar time.

#include <algorithm>
#include <cmath>

#include "text_table.hpp"
#include "trialsim/report.hpp"

namespace trialsim {

namespace {

// Long values (a whole enrolment timeline written out) are cut to keep the table readable.
constexpr std::size_t MAX_LABEL = 32;

std::string shortened(const std::string& label) {
  return label.size() <= MAX_LABEL ? label : label.substr(0, MAX_LABEL - 3) + "...";
}

// The name of look k when every scenario that has it names it alike, else "look<k+1>".
std::string look_name(const SweepDesign& sweep, std::size_t k) {
  std::string name;
  for (const Scenario& scenario : sweep.scenarios) {
    if (k >= scenario.design.looks.size()) continue;
    const std::string& here = scenario.design.looks[k].name;
    if (!name.empty() && here != name) return "look" + std::to_string(k + 1);
    name = here;
  }
  return name.empty() ? "look" + std::to_string(k + 1) : name;
}

std::string time_and_date(const Design& design, double time) {
  if (!std::isfinite(time)) return "-";
  const std::string date = calendar_date(design, time);
  return date.empty() ? format("%.0f", time) : format("%.0f ", time) + date;
}

}  // namespace

void print_scenario_table(std::ostream& out, const SweepDesign& sweep, std::span<const Results> results,
                          std::span<const PowerDifference> differences) {
  const Design& base = sweep.base;
  std::size_t looks = 0;
  for (const Results& r : results) looks = std::max(looks, r.looks.size());
  std::vector<std::string> header{"#"};
  for (const SweepAxis& axis : sweep.axes) header.push_back(axis.short_name);
  header.push_back("power (SE)");
  header.push_back("vs #0 (paired SE)");
  const std::string when = base.start_date ? "median " + base.time_unit + " / date" : "median " + base.time_unit;
  for (std::size_t k = 0; k < looks; ++k) {
    const std::string name = look_name(sweep, k);
    if (k + 1 < looks) header.push_back("P(stop) " + name);
    header.push_back("events " + name);
    header.push_back(name + ": " + when);
  }
  TextTable table(header);
  for (std::size_t s = 0; s < results.size(); ++s) {
    const Scenario& scenario = sweep.scenarios[s];
    const Results& r = results[s];
    std::vector<std::string> row{std::to_string(s)};
    for (std::size_t a = 0; a < sweep.axes.size(); ++a)
      row.push_back(shortened(sweep.axes[a].labels[scenario.choice[a]]));
    row.push_back(format("%.4f (%.4f)", r.power, r.power_se));
    row.push_back(s < differences.size() && s > 0 ? format("%+.4f (%.4f)", differences[s].difference, differences[s].se)
                                                  : "-");
    for (std::size_t k = 0; k < looks; ++k) {
      const bool has = k < r.looks.size();
      if (k + 1 < looks) row.push_back(has ? format("%.4f", r.looks[k].stop_probability) : "-");
      row.push_back(has ? format("%.1f", r.looks[k].events.mean) : "-");
      row.push_back(has ? time_and_date(scenario.design, r.looks[k].time.quantiles[2]) : "-");
    }
    table.add_row(std::move(row));
  }
  out << base.name << ": " << sweep.scenarios.size() << " scenarios, "
      << (results.empty() ? 0 : results.front().replicates) << " replicates each, seed "
      << (results.empty() ? 0 : results.front().seed) << ", common random numbers\n";
  table.print(out);
  out << "  (events and times over the trials that reached the look; SE = Monte Carlo standard error; paired SE:\n"
         "   of the difference to scenario 0, replicate by replicate, on the same random numbers)\n";
}

}  // namespace trialsim
