// The scenario table: the swept values of each scenario next to its power and
// per-look summaries, so that a power curve or a timeline comparison is one read.

#include "scenario_table.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "hdf5_interface.hpp"
#include "summary_fields.hpp"

namespace trialsim {

namespace {

using hdf5::describe;

template <class Value>
void write_column(hid_t group, const std::string& name, std::span<const Results> results, Value value,
                  const std::string& description) {
  std::vector<double> column;
  for (const Results& r : results) column.push_back(value(r));
  hdf5::write_vector<double>(group, name, column);
  describe(group, name, description);
}

void write_axes(hid_t group, const SweepDesign& sweep) {
  for (std::size_t a = 0; a < sweep.axes.size(); ++a) {
    const SweepAxis& axis = sweep.axes[a];
    std::vector<double> numbers;
    std::vector<std::string> labels;
    for (const Scenario& scenario : sweep.scenarios) {
      const std::size_t v = scenario.choice[a];
      if (axis.numeric) numbers.push_back(axis.numbers[v]);
      labels.push_back(axis.labels[v]);
    }
    if (axis.numeric) {
      hdf5::write_vector<double>(group, axis.path, numbers);
      describe(group, axis.path, "the swept value of " + axis.path);
    } else {
      hdf5::write_strings(group, axis.path, labels);
      describe(group, axis.path, "the swept value of " + axis.path + ": its label, or its YAML text");
    }
  }
}

}  // namespace

void write_scenario_table(hid_t scenarios, const SweepDesign& sweep, std::span<const Results> results,
                          std::span<const PowerDifference> differences) {
  std::vector<std::string> paths;
  for (const SweepAxis& axis : sweep.axes) paths.push_back(axis.path);
  // Beside the table, not in it: every column of the table has one value per scenario.
  hdf5::write_strings(scenarios, "axes", paths);
  describe(scenarios, "axes",
           "the swept design paths (columns of table), in the order of the sweep block (the last varies fastest)");
  const hdf5::Handle table = hdf5::create_group(scenarios, "table");
  const hid_t g = table.id();
  describe(g, ".",
           "one row per scenario, as a group of equal-length columns (R: as.data.frame of the group read as a "
           "list; pandas: a DataFrame of its columns); per-look figures are in /scenarios/look_table");
  std::vector<std::int64_t> index;
  std::vector<std::string> labels;
  for (std::size_t k = 0; k < sweep.scenarios.size(); ++k) {
    index.push_back(static_cast<std::int64_t>(k));
    labels.push_back(sweep.scenarios[k].label);
  }
  hdf5::write_vector<std::int64_t>(g, "scenario", index);
  describe(g, "scenario", "k of the group /scenarios/<k> holding the scenario's results");
  hdf5::write_strings(g, "label", labels);
  describe(g, "label", "the scenario's swept values as text");
  write_axes(g, sweep);

  write_column(
      g, "power", results, [](const Results& r) { return r.power; }, "P(efficacy at some look), the benefit direction");
  write_column(
      g, "power_se", results, [](const Results& r) { return r.power_se; }, "Monte Carlo SE of power");
  std::vector<double> difference, difference_se;
  for (const PowerDifference& d : differences) {
    difference.push_back(d.difference);
    difference_se.push_back(d.se);
  }
  hdf5::write_vector<double>(g, "power_difference", difference);
  describe(g, "power_difference", "power minus the power of scenario 0, paired by replicate");
  hdf5::write_vector<double>(g, "power_difference_se", difference_se);
  describe(g, "power_difference_se",
           "Monte Carlo SE of power_difference: sd of the per-replicate differences / sqrt(replicates); small "
           "because every scenario runs on the same random numbers");
  write_column(
      g, "reject_any", results, [](const Results& r) { return r.reject_probability; },
      "P(efficacy or harm at some look)");
  write_column(
      g, "reject_any_se", results, [](const Results& r) { return r.reject_se; }, "Monte Carlo SE of reject_any");
  write_column(
      g, "expected_events_at_stop", results, [](const Results& r) { return r.events_at_stop.mean; },
      "mean analysed events when the trial ends");
  write_column(
      g, "expected_time_at_stop", results, [](const Results& r) { return r.time_at_stop.mean; },
      "mean calendar time at which the trial ends, in " + sweep.base.time_unit + "s");
}

void write_scenario_look_table(hid_t scenarios, std::span<const Results> results, const std::string& time_unit) {
  const hdf5::Handle table = hdf5::create_group(scenarios, "look_table");
  const hid_t g = table.id();
  describe(g, ".",
           "one row per scenario and look (the looks each scenario has), as a group of equal-length columns; "
           "join with /scenarios/table on scenario for the swept values and the power");
  std::vector<std::int64_t> scenario, look;
  std::vector<std::string> names;
  std::vector<const LookSummary*> rows;
  for (std::size_t s = 0; s < results.size(); ++s) {
    for (std::size_t k = 0; k < results[s].looks.size(); ++k) {
      scenario.push_back(static_cast<std::int64_t>(s));
      look.push_back(static_cast<std::int64_t>(k));
      names.push_back(results[s].looks[k].name);
      rows.push_back(&results[s].looks[k]);
    }
  }
  hdf5::write_vector<std::int64_t>(g, "scenario", scenario);
  describe(g, "scenario", "k of the scenario (/scenarios/<k>, the row of /scenarios/table)");
  hdf5::write_vector<std::int64_t>(g, "look", look);
  describe(g, "look", "index of the look, from 0");
  hdf5::write_strings(g, "look_name", names);
  describe(g, "look_name", "name of the look");
  const auto column = [&](const char* name, auto value, const std::string& description) {
    std::vector<double> values;
    for (const LookSummary* row : rows) values.push_back(value(*row));
    hdf5::write_vector<double>(g, name, values);
    describe(g, name, description);
  };
  for (const LookField& field : LOOK_FIELDS) {
    const auto member = field.member;
    column(
        field.name, [member](const LookSummary& l) { return l.*member; }, field.description);
  }
  const std::string in_unit = ", in " + time_unit + "s";
  const struct {
    const char* name;
    double (*value)(const LookSummary&);
    std::string description;
  } figures[] = {
      {"expected_events", [](const LookSummary& l) { return l.events.mean; }, "mean analysed events"},
      {"expected_enrolled", [](const LookSummary& l) { return l.enrolled.mean; }, "mean patients randomised"},
      {"expected_time", [](const LookSummary& l) { return l.time.mean; }, "mean calendar time" + in_unit},
      {"median_time", [](const LookSummary& l) { return l.time.quantiles[2]; }, "median calendar time" + in_unit},
      {"mean_hr", [](const LookSummary& l) { return l.hr.mean; }, "mean Cox hazard ratio estimate (finite ones)"},
      {"median_hr", [](const LookSummary& l) { return l.hr.quantiles[2]; }, "median Cox hazard ratio estimate"},
  };
  for (const auto& figure : figures) {
    column(figure.name, figure.value, figure.description + " at the look, over the trials that performed it");
  }
}

}  // namespace trialsim
