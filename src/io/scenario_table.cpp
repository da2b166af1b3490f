// The scenario table: the swept values of each scenario next to its power and
// per-look summaries, so that a power curve or a timeline comparison is one read.

#include "scenario_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "hdf5_interface.hpp"

namespace trialsim {

namespace {

constexpr double MISSING = std::numeric_limits<double>::quiet_NaN();

void describe(hid_t group, const std::string& name, const std::string& description) {
  const hdf5::Handle dataset(hdf5::checked(H5Dopen2(group, name.c_str(), H5P_DEFAULT), name), H5Dclose, name);
  hdf5::write_attribute(dataset.id(), "description", description);
}

template <class Value>
void write_column(hid_t group, const std::string& name, std::span<const Results> results, Value value,
                  const std::string& description) {
  std::vector<double> column;
  for (const Results& r : results) column.push_back(value(r));
  hdf5::write_vector<double>(group, name, column);
  describe(group, name, description);
}

// [scenario, look], NaN where a scenario has fewer looks than the widest.
template <class Value>
void write_look_column(hid_t group, const std::string& name, std::span<const Results> results, std::size_t looks,
                       Value value, const std::string& description) {
  std::vector<double> matrix;
  for (const Results& r : results) {
    for (std::size_t k = 0; k < looks; ++k) matrix.push_back(k < r.looks.size() ? value(r.looks[k]) : MISSING);
  }
  hdf5::write_matrix<double>(group, name, results.size(), looks, matrix);
  describe(group, name, description + "; [scenario, look], NaN where the scenario has fewer looks");
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
  const hdf5::Handle table = hdf5::create_group(scenarios, "table");
  const hid_t g = table.id();
  std::vector<std::string> paths;
  for (const SweepAxis& axis : sweep.axes) paths.push_back(axis.path);
  hdf5::write_strings(g, "axes", paths);
  describe(g, "axes", "the swept design paths, in the order of the sweep block (the last varies fastest)");
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

  std::size_t looks = 0;
  for (const Results& r : results) looks = std::max(looks, r.looks.size());
  write_look_column(
      g, "reject_probability", results, looks, [](const LookSummary& l) { return l.reject_probability; },
      "P(stop for efficacy at the look)");
  write_look_column(
      g, "stop_probability", results, looks, [](const LookSummary& l) { return l.stop_probability; },
      "P(the trial ends at the look)");
  write_look_column(
      g, "expected_events", results, looks, [](const LookSummary& l) { return l.events.mean; },
      "mean analysed events at the look, over the trials that performed it");
  write_look_column(
      g, "expected_time", results, looks, [](const LookSummary& l) { return l.time.mean; },
      "mean calendar time of the look, in " + sweep.base.time_unit + "s, over the trials that performed it");
  write_look_column(
      g, "median_time", results, looks, [](const LookSummary& l) { return l.time.quantiles[2]; },
      "median calendar time of the look, in " + sweep.base.time_unit + "s");
}

}  // namespace trialsim
