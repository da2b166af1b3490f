// The results file: root attributes, /summary, /replicates, /patients and
// /runtime (layout in README "Output file"; the names are a contract with
// readers such as h5py scripts, so they change only with FORMAT_VERSION).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>
#include <tuple>

#include "file_checksum.hpp"
#include "hdf5_interface.hpp"
#include "results_file_internals.hpp"
#include "scenario_table.hpp"
#include "summary_fields.hpp"
#include "trialsim/error.hpp"
#include "trialsim/io.hpp"
#include "trialsim/outcome_columns.hpp"
#include "trialsim/version.hpp"

namespace trialsim {

namespace fs = std::filesystem;

namespace {

// Rows per chunk of /replicates and /patients: large enough to compress well,
// small enough that HDF5's default 1 MB chunk cache holds a chunk of 10 looks.
constexpr hsize_t CHUNK_ROWS = 8192;
// Rows per chunk of a sweep scenario's /replicates: a sweep on common random numbers writes
// its scenarios' blocks in turn, each held back until it fills a chunk (ReplicateDatasets),
// so the chunk bounds the memory of every open scenario.
constexpr hsize_t SCENARIO_CHUNK_ROWS = 1024;
// Rows read at a time by read_replicates, so that its column buffers stay small.
constexpr hsize_t READ_BLOCK_ROWS = 65536;

struct LookDistributionField {
  const char* name;
  Distribution LookSummary::*member;
  const char* description;
  bool in_time_unit;
};
constexpr LookDistributionField LOOK_DISTRIBUTIONS[] = {
    {"events", &LookSummary::events, "analysed events, both arms", false},
    {"events_control", &LookSummary::events_control, "analysed events, control arm", false},
    {"events_treatment", &LookSummary::events_treatment, "analysed events, treatment arm", false},
    {"enrolled", &LookSummary::enrolled, "patients randomised by the data cut", false},
    {"time", &LookSummary::time, "calendar time of the data cut", true},
    {"hr", &LookSummary::hr,
     "Cox estimate of the hazard ratio (count and mean over finite estimates; quantiles including 0 and inf)", false},
};

struct StopDistributionField {
  const char* name;
  Distribution Results::*member;
  const char* description;
  bool in_time_unit;
};
constexpr StopDistributionField STOP_DISTRIBUTIONS[] = {
    {"events", &Results::events_at_stop, "analysed events at the look that ended the trial", false},
    {"enrolled", &Results::enrolled_at_stop, "patients randomised by the look that ended the trial", false},
    {"time", &Results::time_at_stop, "calendar time of the look that ended the trial", true},
};

// Scalars of /summary.
struct ResultField {
  const char* name;
  double Results::*member;
  const char* description;
};
constexpr ResultField RESULT_FIELDS[] = {
    {"power", &Results::power, "P(efficacy at some look), the benefit direction (HR < 1)"},
    {"power_se", &Results::power_se, "Monte Carlo SE of power: sqrt(power (1 - power) / replicates)"},
    {"reject_any", &Results::reject_probability, "P(efficacy or harm at some look)"},
    {"reject_any_se", &Results::reject_se, "Monte Carlo SE of reject_any"},
    {"futility_any", &Results::futility_probability, "P(stop for futility at some look)"},
    {"futility_any_se", &Results::futility_se, "Monte Carlo SE of futility_any"},
    {"harm_any", &Results::harm_probability, "P(stop for harm at some look), two-sided designs"},
    {"harm_any_se", &Results::harm_se, "Monte Carlo SE of harm_any"},
    {"expected_events_at_stop", &Results::expected_events, "mean events at the look that ended the trial"},
    {"expected_events_at_stop_se", &Results::expected_events_se, "Monte Carlo SE of expected_events_at_stop"},
    {"expected_enrolled_at_stop", &Results::expected_enrolled,
     "mean patients enrolled at the look that ended the trial"},
    {"expected_enrolled_at_stop_se", &Results::expected_enrolled_se, "Monte Carlo SE of expected_enrolled_at_stop"},
    {"expected_duration", &Results::expected_time,
     "mean calendar time of the look that ended the trial, in the design's time unit"},
    {"expected_duration_se", &Results::expected_time_se, "Monte Carlo SE of expected_duration"},
    {"planned_power", &Results::planned_power,
     "power of the planned boundaries decided on the same trials (equal to power unless test.boundary.information is "
     "observed)"},
    {"planned_power_se", &Results::planned_power_se, "Monte Carlo SE of planned_power"},
    {"planned_reject_any", &Results::planned_reject_probability,
     "P(efficacy or harm at some look) with the planned boundaries"},
    {"planned_reject_any_se", &Results::planned_reject_se, "Monte Carlo SE of planned_reject_any"},
    {"observed_minus_planned_power", &Results::observed_minus_planned_power,
     "power minus planned_power, paired by replicate"},
    {"observed_minus_planned_power_se", &Results::observed_minus_planned_se,
     "paired Monte Carlo SE of observed_minus_planned_power"},
    {"observed_minus_planned_power_independent_se", &Results::observed_minus_planned_independent_se,
     "the SE the difference would have from independent runs"},
};

// Per compared statistic values of /summary/compare, [compared].
struct ComparedField {
  const char* name;
  double (*get)(const ComparedSummary&);
  void (*set)(ComparedSummary&, double);
  const char* description;
};
constexpr ComparedField COMPARED_FIELDS[] = {
    {"power", [](const ComparedSummary& c) { return c.power; }, [](ComparedSummary& c, double v) { c.power = v; },
     "power of each compared statistic, [compared]"},
    {"power_se", [](const ComparedSummary& c) { return c.power_se; },
     [](ComparedSummary& c, double v) { c.power_se = v; }, "Monte Carlo SE of power, [compared]"},
    {"reject_any", [](const ComparedSummary& c) { return c.reject_probability; },
     [](ComparedSummary& c, double v) { c.reject_probability = v; }, "P(efficacy or harm at some look), [compared]"},
    {"reject_any_se", [](const ComparedSummary& c) { return c.reject_se; },
     [](ComparedSummary& c, double v) { c.reject_se = v; }, "Monte Carlo SE of reject_any, [compared]"},
    {"power_difference", [](const ComparedSummary& c) { return c.difference.difference; },
     [](ComparedSummary& c, double v) { c.difference.difference = v; },
     "power minus the design statistic's power, paired by replicate, [compared]"},
    {"power_difference_se", [](const ComparedSummary& c) { return c.difference.se; },
     [](ComparedSummary& c, double v) { c.difference.se = v; },
     "Monte Carlo SE of power_difference, paired by replicate, [compared]"},
    {"power_difference_independent_se", [](const ComparedSummary& c) { return c.difference.independent_se; },
     [](ComparedSummary& c, double v) { c.difference.independent_se = v; },
     "the SE power_difference would have from independent runs, [compared]"},
};

// Per compared statistic and look, [compared, look].
struct ComparedLookField {
  const char* name;
  std::vector<double> ComparedSummary::*member;
  const char* description;
};
constexpr ComparedLookField COMPARED_LOOK_FIELDS[] = {
    {"reject_probability", &ComparedSummary::look_reject_probability,
     "P(efficacy at the look) by each compared statistic's procedure, [compared, look]"},
    {"stop_probability", &ComparedSummary::look_stop_probability,
     "P(each compared statistic's procedure ends at the look), [compared, look]"},
    {"boundary_z", &ComparedSummary::look_boundary_z,
     "efficacy critical value of each compared statistic's procedure at the look, [compared, look]"},
};

constexpr std::size_t QUANTILES = QUANTILE_LEVELS.size();

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string lowercase_first(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string shape_text(const std::vector<hsize_t>& shape) {
  std::string text = "[";
  for (std::size_t d = 0; d < shape.size(); ++d) text += (d > 0 ? ", " : "") + std::to_string(shape[d]);
  return text + "]";
}

template <class Field>
std::vector<double> per_look(const std::vector<LookSummary>& looks, Field field) {
  std::vector<double> values;
  values.reserve(looks.size());
  for (const LookSummary& look : looks) values.push_back(field(look));
  return values;
}

const std::string WRITING = "cannot write output file: ";

// ---------------------------------------------------------------- writing

// The shape of a column of /replicates.
std::vector<hsize_t> column_shape(const OutcomeColumn& column, std::int64_t replicates, int looks, int compared) {
  const auto rows = static_cast<hsize_t>(replicates);
  switch (column.extent) {
    case ColumnExtent::replicate: return {rows};
    case ColumnExtent::look: return {rows, static_cast<hsize_t>(looks)};
    case ColumnExtent::look_and_compared: return {rows, static_cast<hsize_t>(looks), static_cast<hsize_t>(compared)};
  }
  return {rows};
}

// The columns a file holds: those of the compared statistics only when there are some.
bool stored(const OutcomeColumn& column, int compared) {
  return column.extent != ColumnExtent::look_and_compared || compared > 0;
}

std::string column_description(const OutcomeColumn& column, const std::string& time_unit) {
  std::string description = column.description;
  if (column.in_time_unit) description += ", in " + time_unit + "s";
  switch (column.extent) {
    case ColumnExtent::replicate: break;
    case ColumnExtent::look: description += "; [replicate, look]"; break;
    case ColumnExtent::look_and_compared: description += "; [replicate, look, compared statistic]"; break;
  }
  return description;
}

template <class T>
hdf5::RowDataset create_column(hid_t group, const std::string& name, const std::vector<hsize_t>& shape,
                               const std::string& description, hsize_t chunk_rows = CHUNK_ROWS, bool cached = true) {
  hdf5::RowDataset dataset = hdf5::RowDataset::create<T>(group, name, shape, chunk_rows, cached);
  hdf5::write_attribute(dataset.id(), "description", description);
  return dataset;
}

// Calls action.template operator()<T>() with the C++ type that stores `type`.
template <class Action>
void with_stored_type(ColumnType type, Action action) {
  switch (type) {
    case ColumnType::float64: action.template operator()<double>(); return;
    case ColumnType::int32: action.template operator()<std::int32_t>(); return;
    case ColumnType::int8: action.template operator()<std::int8_t>(); return;
    case ColumnType::uint8: action.template operator()<std::uint8_t>(); return;
  }
}

// The columns of /replicates, open while the run appends to them (one per stored column,
// in the order of outcome_columns(); closed slots for columns the file does not hold).
// Appended rows are held back until they fill a chunk, which is then written whole: a chunk
// written in pieces would wait, filled with HDF5's fill value, in HDF5's chunk cache.
struct ReplicateDatasets {
  std::vector<hdf5::RowDataset> columns;
  int looks = 0;
  int compared = 0;
  hsize_t chunk_rows = CHUNK_ROWS;
  std::vector<std::vector<unsigned char>> pending;  // per column: the held rows' values, as stored
  hsize_t pending_first = 0;
  hsize_t pending_rows = 0;

  void close() {
    for (hdf5::RowDataset& dataset : columns) dataset.close();
  }
};

ReplicateDatasets create_replicate_datasets(hid_t file, std::int64_t replicates, int looks, int compared,
                                            const std::string& time_unit, hsize_t chunk_rows = CHUNK_ROWS) {
  const hdf5::Handle group = hdf5::create_group(file, "replicates");
  hdf5::describe(group.id(), ".",
                 "one row per replicate: [replicate] or [replicate, look] (row-major: R's hdf5r and rhdf5 show "
                 "such a dataset transposed, as [look, replicate]); measurements of looks not performed are NaN");
  ReplicateDatasets d;
  d.looks = looks;
  d.compared = compared;
  d.chunk_rows = chunk_rows;
  for (const OutcomeColumn& column : outcome_columns()) {
    hdf5::RowDataset dataset;
    if (stored(column, compared)) {
      with_stored_type(column.type, [&]<class T>() {
        // A sweep's scenarios are open at once: their chunks, written whole, skip HDF5's cache.
        dataset = create_column<T>(group.id(), column.name, column_shape(column, replicates, looks, compared),
                                   column_description(column, time_unit), chunk_rows, chunk_rows == CHUNK_ROWS);
      });
    }
    d.columns.push_back(std::move(dataset));
  }
  d.pending.resize(d.columns.size());
  return d;
}

// Writes the held rows.
void write_pending(ReplicateDatasets& d) {
  if (d.pending_rows == 0) return;
  const std::span<const OutcomeColumn> columns = outcome_columns();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!stored(columns[i], d.compared)) continue;
    with_stored_type(columns[i].type, [&]<class T>() {
      const std::vector<unsigned char>& bytes = d.pending[i];
      d.columns[i].write_rows<T>(
          d.pending_first, std::span<const T>(reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)));
    });
    d.pending[i].clear();
  }
  d.pending_rows = 0;
}

// Holds a block of outcomes as rows [row, row + outcomes.size()) of /replicates, writing each
// chunk once its rows are all held (rows that do not follow the held ones write those first).
void write_replicate_block(ReplicateDatasets& d, hsize_t row, std::span<const TrialOutcome> outcomes) {
  if (d.pending_rows > 0 && row != d.pending_first + d.pending_rows) write_pending(d);
  const std::span<const OutcomeColumn> columns = outcome_columns();
  while (!outcomes.empty()) {
    if (d.pending_rows == 0) d.pending_first = row;
    const hsize_t chunk_end = (row / d.chunk_rows + 1) * d.chunk_rows;
    const std::span<const TrialOutcome> part =
        outcomes.first(static_cast<std::size_t>(std::min<hsize_t>(outcomes.size(), chunk_end - row)));
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const OutcomeColumn& column = columns[i];
      if (!stored(column, d.compared)) continue;
      const std::size_t count = values_per_replicate(column, d.looks, d.compared);
      const std::size_t per_look =
          column.extent == ColumnExtent::look_and_compared ? static_cast<std::size_t>(d.compared) : 1;
      with_stored_type(column.type, [&]<class T>() {
        std::vector<unsigned char>& bytes = d.pending[i];
        std::size_t end = bytes.size();
        bytes.resize(end + part.size() * count * sizeof(T));
        for (const TrialOutcome& outcome : part) {
          for (std::size_t j = 0; j < count; ++j, end += sizeof(T)) {
            const auto value = static_cast<T>(stored_value(column, outcome, j / per_look, j % per_look, d.compared));
            std::memcpy(bytes.data() + end, &value, sizeof(T));
          }
        }
      });
    }
    d.pending_rows += part.size();
    row += part.size();
    outcomes = outcomes.subspan(part.size());
    if (row == chunk_end) write_pending(d);
  }
}

// Quantiles come from a sketch (QuantileSketch): readers are told how close they are.
void describe_quantiles(hid_t group) {
  const hdf5::Handle quantiles = hdf5::open_dataset(group, "quantiles");
  hdf5::write_attribute(quantiles.id(), "approximate",
                        "quantiles from a sketch (DDSketch, Masson, Rim and Lee 2019): each is within a relative "
                        "error of 1e-4 of a value of the data, and within the smallest and largest value; "
                        "quantiles of counts are rounded to integers");
  hdf5::write_attribute<double>(quantiles.id(), "relative_accuracy", QuantileSketch::RELATIVE_ACCURACY);
}

std::string with_unit(const std::string& description, bool in_time_unit, const std::string& time_unit) {
  return in_time_unit ? description + ", in " + time_unit + "s" : description;
}

// The descriptions of a distribution group's members; `per_look` adds the [look] extent.
void describe_distribution(hid_t group, const std::string& what, bool per_look) {
  const std::string look = per_look ? "; [look]" : "";
  hdf5::describe(group, ".", "distribution of " + what + " over the replicates where it exists");
  hdf5::describe(group, "count", "replicates where the value exists" + look);
  hdf5::describe(group, "mean", "mean" + look);
  hdf5::describe(group, "sd", "standard deviation" + look);
  hdf5::describe(group, "quantiles",
                 "quantiles at the levels of the attribute quantile_levels (also /summary/quantile_levels)" +
                     (per_look ? std::string("; [look, level]") : std::string("; [level]")));
  // Beside the dataset itself too, so that a reader of the dataset alone finds its levels.
  const hdf5::Handle quantiles(hdf5::checked(H5Dopen2(group, "quantiles", H5P_DEFAULT), "quantiles"), H5Dclose,
                               "quantiles");
  hdf5::write_attribute<double>(quantiles.id(), "quantile_levels", QUANTILE_LEVELS);
}

void write_distribution(hid_t parent, const std::string& name, const Distribution& distribution,
                        const std::string& description) {
  const hdf5::Handle group = hdf5::create_group(parent, name);
  hdf5::write_scalar(group.id(), "count", distribution.count);
  hdf5::write_scalar(group.id(), "mean", distribution.mean);
  hdf5::write_scalar(group.id(), "sd", distribution.sd);
  hdf5::write_vector<double>(group.id(), "quantiles", distribution.quantiles);
  describe_quantiles(group.id());
  hdf5::write_attribute<double>(group.id(), "quantile_levels", QUANTILE_LEVELS);
  describe_distribution(group.id(), description, false);
}

void write_look_distribution(hid_t parent, const std::string& name, const std::vector<LookSummary>& looks,
                             Distribution LookSummary::*member, const std::string& description) {
  const hdf5::Handle group = hdf5::create_group(parent, name);
  std::vector<std::int64_t> counts;
  std::vector<double> means, sds, quantiles;
  for (const LookSummary& look : looks) {
    const Distribution& distribution = look.*member;
    counts.push_back(distribution.count);
    means.push_back(distribution.mean);
    sds.push_back(distribution.sd);
    quantiles.insert(quantiles.end(), distribution.quantiles.begin(), distribution.quantiles.end());
  }
  hdf5::write_vector<std::int64_t>(group.id(), "count", counts);
  hdf5::write_vector<double>(group.id(), "mean", means);
  hdf5::write_vector<double>(group.id(), "sd", sds);
  hdf5::write_matrix<double>(group.id(), "quantiles", looks.size(), QUANTILES, quantiles);
  describe_quantiles(group.id());
  hdf5::write_attribute<double>(group.id(), "quantile_levels", QUANTILE_LEVELS);
  describe_distribution(group.id(), description + " at each look, over the replicates that performed it", true);
}

// /summary/compare: the statistics of test.compare, decided on the same trials.
void write_compared(hid_t summary, const std::vector<ComparedSummary>& compared, std::size_t looks) {
  const hdf5::Handle group = hdf5::create_group(summary, "compare");
  hdf5::write_attribute(group.id(), "description",
                        "statistics of test.compare, each decided by its own group-sequential procedure on the "
                        "design's trials; power_difference is its power minus the design statistic's, paired by "
                        "replicate");
  std::vector<std::string> keys, labels;
  for (const ComparedSummary& c : compared) {
    keys.push_back(c.key);
    labels.push_back(c.label);
  }
  hdf5::write_strings(group.id(), "key", keys);
  hdf5::describe(group.id(), "key", "name of each compared statistic in test.compare");
  hdf5::write_strings(group.id(), "label", labels);
  hdf5::describe(group.id(), "label", "readable name of each compared statistic");
  for (const ComparedField& field : COMPARED_FIELDS) {
    std::vector<double> values;
    for (const ComparedSummary& c : compared) values.push_back(field.get(c));
    hdf5::write_vector<double>(group.id(), field.name, values);
    hdf5::describe(group.id(), field.name, field.description);
  }
  for (const ComparedLookField& field : COMPARED_LOOK_FIELDS) {
    std::vector<double> values;
    for (const ComparedSummary& c : compared)
      values.insert(values.end(), (c.*field.member).begin(), (c.*field.member).end());
    hdf5::write_matrix<double>(group.id(), field.name, compared.size(), looks, values);
    hdf5::describe(group.id(), field.name, field.description);
  }
}

void write_summary(hid_t file, const Results& results, const std::string& time_unit) {
  const hdf5::Handle summary = hdf5::create_group(file, "summary");
  const hid_t g = summary.id();
  hdf5::describe(g, ".",
                 "operating characteristics over all replicates; per-look datasets are [look], and the "
                 "distributions of a look are taken over the replicates that performed it");
  for (const ResultField& field : RESULT_FIELDS) {
    hdf5::write_scalar(g, field.name, results.*field.member);
    hdf5::describe(g, field.name, field.description);
  }
  std::vector<std::string> names;
  for (const LookSummary& look : results.looks) names.push_back(look.name);
  hdf5::write_strings(g, "look_names", names);
  hdf5::describe(g, "look_names", "name of each look, in the order of the design's analyses; [look]");
  hdf5::write_vector<double>(g, "quantile_levels", QUANTILE_LEVELS);
  hdf5::describe(g, "quantile_levels", "the levels of every quantiles dataset of /summary");
  for (const LookField& field : LOOK_FIELDS) {
    const auto member = field.member;
    hdf5::write_vector<double>(g, field.name,
                               per_look(results.looks, [member](const LookSummary& look) { return look.*member; }));
    hdf5::describe(g, field.name, std::string(field.description) + "; [look]");
  }
  // Named as the SPEC asks; the same numbers as events/mean and time/mean.
  hdf5::write_vector<double>(g, "expected_events",
                             per_look(results.looks, [](const LookSummary& look) { return look.events.mean; }));
  hdf5::describe(g, "expected_events", "mean analysed events over the replicates that performed the look; [look]");
  hdf5::write_vector<double>(g, "expected_time",
                             per_look(results.looks, [](const LookSummary& look) { return look.time.mean; }));
  hdf5::describe(
      g, "expected_time",
      "mean calendar time of the look, in " + time_unit + "s, over the replicates that performed it; [look]");
  for (const LookDistributionField& field : LOOK_DISTRIBUTIONS) {
    write_look_distribution(g, field.name, results.looks, field.member,
                            with_unit(field.description, field.in_time_unit, time_unit));
  }
  const hdf5::Handle at_stop = hdf5::create_group(g, "at_stop");
  hdf5::describe(at_stop.id(), ".", "distributions at the look that ended each trial, over all replicates");
  for (const StopDistributionField& field : STOP_DISTRIBUTIONS) {
    write_distribution(at_stop.id(), field.name, results.*field.member,
                       with_unit(field.description, field.in_time_unit, time_unit));
  }
  if (!results.compared.empty()) write_compared(summary.id(), results.compared, results.looks.size());
}

void write_runtime(hid_t file, double seconds, int threads) {
  const hdf5::Handle runtime = hdf5::create_group(file, "runtime");
  hdf5::describe(runtime.id(), ".", "how the run went (not part of the results: differs between identical runs)");
  hdf5::write_scalar(runtime.id(), "seconds", seconds);
  hdf5::describe(runtime.id(), "seconds", "wall-clock seconds of the simulation");
  hdf5::write_scalar<std::int32_t>(runtime.id(), "threads", threads);
  hdf5::describe(runtime.id(), "threads", "worker threads of the run");
}

// Concatenates one column of every trial's patients.
template <class T>
std::vector<T> concatenate(std::span<const PatientRecords> trials, std::vector<T> PatientRecords::*column) {
  std::vector<T> values;
  for (const PatientRecords& trial : trials)
    values.insert(values.end(), (trial.*column).begin(), (trial.*column).end());
  return values;
}

// [look][patient] of every trial as rows [patient][look] over all trials.
template <class T>
std::vector<T> patients_by_look(std::span<const PatientRecords> trials,
                                std::vector<std::vector<T>> PatientRecords::*column, int looks) {
  std::vector<T> values;
  for (const PatientRecords& trial : trials) {
    const auto& by_look = trial.*column;
    for (std::size_t i = 0; i < trial.entry.size(); ++i) {
      for (int k = 0; k < looks; ++k) values.push_back(by_look[static_cast<std::size_t>(k)][i]);
    }
  }
  return values;
}

void check_patients(const PatientRecords& trial, std::size_t index, int looks) {
  const std::size_t n = trial.entry.size();
  bool consistent = trial.arm.size() == n && trial.received.size() == n && trial.stratum.size() == n &&
                    trial.analysed.size() == n && trial.follow_up.size() == n && trial.event.size() == n &&
                    trial.time.size() == static_cast<std::size_t>(looks) &&
                    trial.status.size() == static_cast<std::size_t>(looks);
  for (std::size_t k = 0; consistent && k < trial.time.size(); ++k) {
    consistent = trial.time[k].size() == n && trial.status[k].size() == n;
  }
  if (!consistent) {
    throw std::invalid_argument("patient records of replicate " + std::to_string(index) +
                                " have columns of different lengths");
  }
}

template <class T>
void write_patient_column(hid_t group, const std::string& name, const std::vector<hsize_t>& shape,
                          const std::vector<T>& values, const std::string& description) {
  hdf5::RowDataset dataset = create_column<T>(group, name, shape, description);
  dataset.write_rows<T>(0, values);
  dataset.close();
}

void write_patient_group(hid_t file, std::span<const PatientRecords> trials, std::int64_t first_replicate, int looks,
                         const std::string& time_unit) {
  std::vector<std::int64_t> replicate;
  for (std::size_t r = 0; r < trials.size(); ++r) {
    replicate.insert(replicate.end(), trials[r].entry.size(), first_replicate + static_cast<std::int64_t>(r));
  }
  const std::vector<hsize_t> column{replicate.size()};
  const std::vector<hsize_t> by_look{replicate.size(), static_cast<hsize_t>(looks)};
  const hdf5::Handle group = hdf5::create_group(file, "patients");
  const hid_t g = group.id();
  hdf5::describe(g, ".",
                 "patient-level data of the first replicates (attribute replicates: how many), one row per "
                 "patient; per-look columns are [patient, look]");
  hdf5::write_attribute<std::int64_t>(g, "replicates", static_cast<std::int64_t>(trials.size()));
  write_patient_column(g, "replicate", column, replicate, "replicate the patient belongs to");
  write_patient_column(g, "entry", column, concatenate(trials, &PatientRecords::entry),
                       "calendar time of randomisation, in " + time_unit + "s");
  write_patient_column(g, "arm", column, concatenate(trials, &PatientRecords::arm),
                       "arm as assigned: 0 control, 1 treatment");
  write_patient_column(g, "received", column, concatenate(trials, &PatientRecords::received),
                       "arm whose hazard the patient followed: 0 control, 1 treatment");
  write_patient_column(g, "stratum", column, concatenate(trials, &PatientRecords::stratum),
                       "allocation stratum, in the order of the design");
  write_patient_column(g, "analysed", column, concatenate(trials, &PatientRecords::analysed),
                       "1 when analysed, 0 when excluded");
  write_patient_column(g, "follow_up", column, concatenate(trials, &PatientRecords::follow_up),
                       "follow-up from entry to the event, dropout or end of fixed follow-up with no data cut, in " +
                           time_unit + "s (inf: open follow-up without an event)");
  write_patient_column(g, "event", column, concatenate(trials, &PatientRecords::event),
                       "1 when follow_up ends in the event");
  write_patient_column(g, "time", by_look, patients_by_look(trials, &PatientRecords::time, looks),
                       "follow-up time from entry as the look analysed it (NaN: not in that look's data); "
                       "[patient, look]");
  write_patient_column(g, "status", by_look, patients_by_look(trials, &PatientRecords::status, looks),
                       "1 when the follow-up time ends in an event, 0 when censored; [patient, look]");
}

// What the root attributes say beyond the program's own version.
struct RootAttributes {
  const std::string& design_name;
  const std::string& config_yaml;
  const std::string& time_unit;
  std::uint64_t seed;
  std::int64_t replicates;
  const std::optional<std::string>& start_date;
};

void write_root_attributes(hid_t root, const RootAttributes& attributes) {
  hdf5::write_attribute(root, "filetype", FILETYPE);
  hdf5::write_attribute<std::int32_t>(root, "format_version", FORMAT_VERSION);
  hdf5::write_attribute(root, "trialsim_version", VERSION);
  hdf5::write_attribute(root, "git_sha", GIT_SHA);
  hdf5::write_attribute(root, "config_yaml", attributes.config_yaml);
  hdf5::write_attribute<std::uint64_t>(root, "seed", attributes.seed);
  // R has no 64-bit unsigned integers (hdf5r reads a large seed as NA or a rounded double).
  hdf5::write_attribute(root, "seed_text", std::to_string(attributes.seed));
  hdf5::write_attribute<std::int64_t>(root, "replicates", attributes.replicates);
  hdf5::write_attribute(root, "created_utc", utc_now());
  hdf5::write_attribute(root, "design_name", attributes.design_name);
  hdf5::write_attribute(root, "time_unit", attributes.time_unit);
  if (attributes.start_date) hdf5::write_attribute(root, "start_date", *attributes.start_date);
}

// A device (/dev/full, /dev/null), a FIFO or a socket would be replaced by the rename, or
// could not take the file; so is a symbolic link to one.
void expect_regular_destination(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status) || fs::is_directory(status) || fs::is_regular_file(status)) return;
  throw InputError(path, WRITING + "it is not a regular file (a device, FIFO or socket)");
}

// Creates the (empty) temporary file; the system's reason when that is impossible.
void create_partial_file(const std::string& path, const std::string& partial) {
  const fs::path destination(path);
  const fs::path folder = destination.parent_path().empty() ? fs::path(".") : destination.parent_path();
  std::error_code error;
  if (!fs::exists(folder, error)) {
    throw InputError(path, WRITING + "folder " + folder.string() + " does not exist");
  }
  if (!fs::is_directory(folder, error)) {
    throw InputError(path, WRITING + folder.string() + " is not a folder");
  }
  if (fs::is_directory(destination, error)) throw InputError(path, WRITING + "it is a folder");
  expect_regular_destination(path);
  const int descriptor = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (descriptor < 0) {
    throw InputError(path, WRITING + lowercase_first(std::generic_category().message(errno)));
  }
  ::close(descriptor);
}

}  // namespace

void expect_not_an_input(const std::string& output, const std::vector<std::string>& inputs,
                         const std::string& inputs_are) {
  struct stat written {};
  if (::stat(output.c_str(), &written) != 0) return;  // a new file is no input
  for (const std::string& input : inputs) {
    struct stat read {};
    if (::stat(input.c_str(), &read) == 0 && read.st_dev == written.st_dev && read.st_ino == written.st_ino) {
      throw InputError(output, "is " + inputs_are + "; choose another output file");
    }
  }
}

namespace {

// ---------------------------------------------------------------- reading

// An open results file whose filetype and format_version have been checked, and
// the group that holds one set of results: the root, or a sweep's /scenarios/<k>.
// Dataset names are given from the results group ("/summary/power").
// Every problem is an InputError naming the file.
class ResultsFileReader {
 public:
  explicit ResultsFileReader(const std::string& path, const std::string& group = "") : path_(path) {
    std::error_code error;
    if (!fs::exists(path, error)) malformed("no such file");
    if (fs::is_directory(path, error)) malformed("not an HDF5 file");
    // A FIFO or a device would block or never end when read: only regular files are results files.
    if (!fs::is_regular_file(path, error)) malformed("not a regular file");
    // HDF5 would report an unreadable file as a foreign one; say why instead.
    const int descriptor = ::open(path.c_str(), O_RDONLY);
    if (descriptor < 0) malformed("cannot read: " + lowercase_first(std::generic_category().message(errno)));
    ::close(descriptor);
    if (!hdf5::is_hdf5_file(path)) malformed("not an HDF5 file");
    // Before HDF5 reads anything: it trusts much of what it reads (see file_checksum.hpp).
    verify_checksum();
    try {
      file_ = hdf5::open_file_read_only(path);
    } catch (const hdf5::Error& error) {
      // Another process writing the file holds HDF5's lock on it (flock fails with
      // EWOULDBLOCK, whose message HDF5 passes on): not damage.
      const std::string reason = error.what();
      if (reason.find("unable to lock file") != std::string::npos ||
          reason.find(std::generic_category().message(EWOULDBLOCK)) != std::string::npos) {
        malformed("locked by another program (HDF5 file locking): it is being written; try again when it is done");
      }
      malformed("truncated or corrupt HDF5 file");
    }
    check_filetype();
    if (group.empty()) return;
    if (!hdf5::exists(file(), group)) malformed("/" + group + ": missing");
    group_ = hdf5::open_group(file(), group);
    prefix_ = "/" + group;
  }

  hid_t file() const { return file_.id(); }
  hdf5::Handle release() { return std::move(file_); }
  //! The results group's object (the file for root results), which carries the attributes.
  hid_t results_object() const { return group_.is_open() ? group_.id() : file(); }
  //! Full name in the file of a dataset of the results group.
  std::string at(const std::string& dataset) const { return prefix_ + dataset; }

  [[noreturn]] void malformed(const std::string& what) const { throw InputError(path_, what); }

  //! Checks that `dataset` ("/summary/power") exists with exactly this shape.
  void expect_shape(const std::string& dataset, const std::vector<hsize_t>& shape) const {
    const std::vector<hsize_t> found = shape_of(dataset);
    if (found != shape) {
      malformed(at(dataset) + ": expected shape " + shape_text(shape) + ", found " + shape_text(found));
    }
  }

  std::vector<hsize_t> shape_of(const std::string& dataset) const {
    if (!hdf5::exists(file(), at(dataset).substr(1))) malformed(at(dataset) + ": missing");
    return hdf5::dataset_shape(file(), at(dataset));
  }

  template <class T>
  std::vector<T> read(const std::string& dataset, const std::vector<hsize_t>& shape) const {
    expect_shape(dataset, shape);
    return hdf5::read_vector<T>(file(), at(dataset));
  }

  template <class T>
  T read_scalar(const std::string& dataset) const {
    return read<T>(dataset, {}).front();
  }

  void expect_attribute(const std::string& name) const {
    if (!hdf5::has_attribute(results_object(), name)) malformed("attribute " + name + ": missing");
  }

  std::string string_attribute(const std::string& name) const {
    expect_attribute(name);
    return hdf5::read_string_attribute(results_object(), name);
  }

  template <class T>
  T attribute(const std::string& name) const {
    expect_attribute(name);
    return hdf5::read_attribute<T>(results_object(), name);
  }

 private:
  // Verified once per process and file identity: show and merge open a file once per scenario.
  void verify_checksum() {
    struct stat status {};
    if (::stat(path_.c_str(), &status) != 0)
      malformed("cannot read: " + lowercase_first(std::generic_category().message(errno)));
    using Identity = std::tuple<dev_t, ino_t, off_t, std::int64_t, long>;
    static std::mutex lock;
    static std::set<Identity> verified;
    const Identity identity{status.st_dev, status.st_ino, status.st_size, status.st_mtim.tv_sec,
                            status.st_mtim.tv_nsec};
    {
      const std::lock_guard<std::mutex> guard(lock);
      if (verified.count(identity) != 0) return;  // and it has a checksum
    }
    checksum::Verification verification;
    try {
      verification = checksum::verify(path_);
    } catch (const std::system_error& error) {
      malformed("cannot read: " + lowercase_first(error.code().message()));
    }
    // A file without the block was not written by trialsim (or was rewritten by another program):
    // the filetype check names it.
    if (verification.verdict == checksum::Verdict::absent) {
      checksummed_ = false;
      return;
    }
    if (verification.verdict != checksum::Verdict::valid) malformed(checksum::describe(verification));
    const std::lock_guard<std::mutex> guard(lock);
    verified.insert(identity);
  }

  void check_filetype() const {
    if (!hdf5::has_attribute(file(), "filetype") || !hdf5::is_string_attribute(file(), "filetype") ||
        hdf5::read_string_attribute(file(), "filetype") != FILETYPE) {
      malformed("not a trialsim results file");
    }
    if (!checksummed_)
      malformed(
          "no checksum (rewritten by another program, or written by an earlier trialsim): cannot tell that it is "
          "intact");
    const auto version = attribute<std::int64_t>("format_version");
    if (version != FORMAT_VERSION) {
      malformed("format_version " + std::to_string(version) + " is not supported (this trialsim reads " +
                std::to_string(FORMAT_VERSION) + ")");
    }
  }

  std::string path_;
  bool checksummed_ = true;
  hdf5::Handle file_;
  hdf5::Handle group_;
  std::string prefix_;
};

int stored_looks(const ResultsFileReader& file) {
  const std::vector<hsize_t> shape = file.shape_of("/summary/look_names");
  if (shape.size() != 1) {
    file.malformed("/summary/look_names: expected shape [looks], found " + shape_text(shape));
  }
  if (shape[0] < 1 || shape[0] > static_cast<hsize_t>(MAX_LOOKS)) {
    file.malformed("/summary/look_names: expected 1 to " + std::to_string(MAX_LOOKS) + " looks, found " +
                   std::to_string(shape[0]));
  }
  return static_cast<int>(shape[0]);
}

std::int64_t stored_replicates(const ResultsFileReader& file) {
  const auto replicates = file.attribute<std::int64_t>("replicates");
  if (replicates < 0) file.malformed("attribute replicates: negative (" + std::to_string(replicates) + ")");
  return replicates;
}

// The number of compared statistics of a results group: the length of /summary/compare/key.
int stored_compared(const ResultsFileReader& file) {
  if (!hdf5::exists(file.file(), file.at("/summary/compare/key").substr(1))) return 0;
  const std::vector<hsize_t> shape = file.shape_of("/summary/compare/key");
  if (shape.size() != 1 || shape[0] < 1 || shape[0] > static_cast<hsize_t>(MAX_COMPARED)) {
    file.malformed("/summary/compare/key: expected 1 to " + std::to_string(MAX_COMPARED) + " names, found shape " +
                   shape_text(shape));
  }
  return static_cast<int>(shape[0]);
}

std::vector<ComparedSummary> read_compared_summaries(const ResultsFileReader& file, int looks) {
  const int count = stored_compared(file);
  std::vector<ComparedSummary> compared(static_cast<std::size_t>(count));
  if (count == 0) return compared;
  const auto n = static_cast<hsize_t>(count);
  const std::vector<std::string> keys = hdf5::read_strings(file.file(), file.at("/summary/compare/key"));
  file.expect_shape("/summary/compare/label", {n});
  const std::vector<std::string> labels = hdf5::read_strings(file.file(), file.at("/summary/compare/label"));
  for (std::size_t c = 0; c < compared.size(); ++c) {
    compared[c].key = keys[c];
    compared[c].label = labels[c];
  }
  for (const ComparedField& field : COMPARED_FIELDS) {
    const std::vector<double> values = file.read<double>(std::string("/summary/compare/") + field.name, {n});
    for (std::size_t c = 0; c < compared.size(); ++c) field.set(compared[c], values[c]);
  }
  const auto per_look = static_cast<std::size_t>(looks);
  for (const ComparedLookField& field : COMPARED_LOOK_FIELDS) {
    const std::vector<double> values =
        file.read<double>(std::string("/summary/compare/") + field.name, {n, static_cast<hsize_t>(looks)});
    for (std::size_t c = 0; c < compared.size(); ++c) {
      const auto begin = values.begin() + static_cast<std::ptrdiff_t>(c * per_look);
      compared[c].*field.member = std::vector<double>(begin, begin + static_cast<std::ptrdiff_t>(per_look));
    }
  }
  return compared;
}

void expect_replicate_shapes(const ResultsFileReader& file, std::int64_t replicates, int looks, int compared) {
  for (const OutcomeColumn& column : outcome_columns()) {
    if (!stored(column, compared)) continue;
    file.expect_shape(std::string("/replicates/") + column.name, column_shape(column, replicates, looks, compared));
  }
}

Distribution read_distribution(const ResultsFileReader& file, const std::string& group) {
  Distribution distribution;
  distribution.count = file.read_scalar<std::int64_t>(group + "/count");
  distribution.mean = file.read_scalar<double>(group + "/mean");
  distribution.sd = file.read_scalar<double>(group + "/sd");
  const std::vector<double> quantiles = file.read<double>(group + "/quantiles", {QUANTILES});
  std::copy(quantiles.begin(), quantiles.end(), distribution.quantiles.begin());
  return distribution;
}

void read_look_distribution(const ResultsFileReader& file, const std::string& group, std::vector<LookSummary>& looks,
                            Distribution LookSummary::*member) {
  const hsize_t n = looks.size();
  const std::vector<std::int64_t> counts = file.read<std::int64_t>(group + "/count", {n});
  const std::vector<double> means = file.read<double>(group + "/mean", {n});
  const std::vector<double> sds = file.read<double>(group + "/sd", {n});
  const std::vector<double> quantiles = file.read<double>(group + "/quantiles", {n, QUANTILES});
  for (std::size_t k = 0; k < looks.size(); ++k) {
    Distribution& distribution = looks[k].*member;
    distribution.count = counts[k];
    distribution.mean = means[k];
    distribution.sd = sds[k];
    std::copy_n(quantiles.begin() + static_cast<std::ptrdiff_t>(k * QUANTILES), QUANTILES,
                distribution.quantiles.begin());
  }
}

std::vector<LookSummary> read_look_summaries(const ResultsFileReader& file, int looks) {
  std::vector<LookSummary> summaries(static_cast<std::size_t>(looks));
  const auto n = static_cast<hsize_t>(looks);
  file.expect_shape("/summary/look_names", {n});
  const std::vector<std::string> names = hdf5::read_strings(file.file(), file.at("/summary/look_names"));
  for (std::size_t k = 0; k < summaries.size(); ++k) summaries[k].name = names[k];
  for (const LookField& field : LOOK_FIELDS) {
    const std::vector<double> values = file.read<double>(std::string("/summary/") + field.name, {n});
    for (std::size_t k = 0; k < summaries.size(); ++k) summaries[k].*field.member = values[k];
  }
  for (const LookDistributionField& field : LOOK_DISTRIBUTIONS) {
    read_look_distribution(file, std::string("/summary/") + field.name, summaries, field.member);
  }
  return summaries;
}

// Reads rows [first, first + outcomes.size()) of every stored column into the outcomes.
void read_replicate_block(const ResultsFileReader& file, hsize_t first, std::span<TrialOutcome> outcomes, int looks,
                          int compared) {
  for (const OutcomeColumn& column : outcome_columns()) {
    if (column.set == nullptr || !stored(column, compared)) continue;  // derived, or not in this file
    const hdf5::RowDataset dataset =
        hdf5::RowDataset::open(file.file(), file.at(std::string("/replicates/") + column.name));
    const std::size_t count = values_per_replicate(column, looks, compared);
    const std::size_t per_look =
        column.extent == ColumnExtent::look_and_compared ? static_cast<std::size_t>(compared) : 1;
    with_stored_type(column.type, [&]<class T>() {
      std::vector<T> values(outcomes.size() * count);
      dataset.read_rows<T>(first, values);
      for (std::size_t r = 0; r < outcomes.size(); ++r) {
        for (std::size_t j = 0; j < count; ++j)
          column.set(outcomes[r], j / per_look, j % per_look, values[r * count + j]);
      }
    });
  }
}

}  // namespace

struct ResultsFileWriter::Impl {
  std::string path;
  std::string partial_path;
  std::string design_name;
  std::string resolved_yaml;
  std::string time_unit;
  std::optional<std::string> start_date;
  std::int64_t replicates = 0;
  int looks = 0;
  int compared = 0;          // statistics of test.compare
  std::int64_t written = 0;  // replicates appended so far
  bool committed = false;
  std::optional<SweepDesign> sweep;  // sweep files only
  std::size_t scenario_index = 0;    // the scenario being written
  std::size_t scenarios_finished = 0;
  // Declared before the datasets so that they close first (the file closes only when they have).
  hdf5::Handle file;
  hdf5::Handle scenario;  // /scenarios/<k> while scenario k is written
  ReplicateDatasets columns;
  // Sweep files: the other scenarios begun and not finished (a sweep on common random numbers
  // writes its scenarios' blocks in turn), closed before the file.
  struct OpenScenario {
    hdf5::Handle group;
    ReplicateDatasets columns;
    int looks = 0;
    int compared = 0;
    std::int64_t written = 0;
    std::string time_unit;
  };
  std::map<std::size_t, OpenScenario> parked;
  std::optional<ShardInfo> shard;

  // Sets the current scenario (if any) aside, open, so that another can be written.
  void park() {
    if (!scenario.is_open()) return;
    parked[scenario_index] = {std::move(scenario), std::move(columns), looks, compared, written, time_unit};
    scenario = {};
    columns = {};
  }

  // Where results go: the open scenario group, or the root.
  hid_t target() const { return scenario.is_open() ? scenario.id() : file.id(); }

  // Creates the temporary file and runs `layout` on it; nothing is left behind on failure.
  template <class Layout>
  void create(const std::string& destination, Layout layout) {
    path = destination;
    partial_path = destination + ".partial-" + std::to_string(::getpid());
    if (replicates < 0) throw std::invalid_argument("negative number of replicates");
    create_partial_file(path, partial_path);
    try {
      file = hdf5::create_file(partial_path, checksum::BLOCK_SIZE);
      layout();
    } catch (const hdf5::Error& error) {
      columns = {};
      parked.clear();
      file = {};
      std::error_code ignored;
      fs::remove(partial_path, ignored);
      throw InputError(path, WRITING + error.what());
    }
  }

  // Refuses results that do not match what was written (a file with missing rows would read as zeros).
  void check_complete(const Results& results) const {
    if (committed) throw std::logic_error(path + ": results file already committed");
    if (results.looks.size() != static_cast<std::size_t>(looks)) {
      throw std::invalid_argument("results have " + std::to_string(results.looks.size()) + " looks, the design " +
                                  std::to_string(looks));
    }
    if (written != replicates) {
      throw std::logic_error(path + ": " + std::to_string(written) + " of " + std::to_string(replicates) +
                             " replicates were written");
    }
  }

  void close_and_rename() {
    reporting_errors(path, WRITING, [&] {
      columns.close();
      hdf5::flush(file.id());
      file.close();
    });
    try {
      checksum::stamp(partial_path);
    } catch (const std::system_error& error) {
      throw InputError(path, WRITING + lowercase_first(error.code().message()));
    }
    std::error_code error;
    fs::rename(partial_path, path, error);
    if (error) throw InputError(path, WRITING + lowercase_first(error.message()));
    committed = true;
  }
};

ResultsFileWriter::ResultsFileWriter(const std::string& path, const Design& design, std::int64_t replicates)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.design_name = design.name;
  w.resolved_yaml = design.resolved_yaml;
  w.time_unit = design.time_unit;
  w.start_date = design.start_date;
  w.replicates = replicates;
  w.looks = static_cast<int>(design.looks.size());
  w.compared = static_cast<int>(design.test.compare.size());
  w.create(path, [&w] {
    w.columns = create_replicate_datasets(w.file.id(), w.replicates, w.looks, w.compared, w.time_unit);
  });
}

ResultsFileWriter::ResultsFileWriter(const std::string& path, const SweepDesign& sweep, std::int64_t replicates)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.sweep = sweep;
  w.design_name = sweep.base.name;
  w.resolved_yaml = sweep.config_yaml;
  w.time_unit = sweep.base.time_unit;
  w.start_date = sweep.base.start_date;
  w.replicates = replicates;
  w.create(path, [&w] {
    const hdf5::Handle scenarios = hdf5::create_group(w.file.id(), "scenarios");
    hdf5::describe(scenarios.id(), ".",
                   "the sweep's scenarios: <k> holds scenario k's results (the layout of a single run's root), "
                   "table one row per scenario, look_table one row per scenario and look");
  });
}

ResultsFileWriter::~ResultsFileWriter() {
  if (impl_->committed) return;
  // An unfinished file must not survive under any name.
  impl_->columns = {};
  impl_->scenario = {};
  impl_->parked.clear();
  impl_->file = {};
  std::error_code ignored;
  fs::remove(impl_->partial_path, ignored);
}

void ResultsFileWriter::append(std::int64_t first, std::span<const TrialOutcome> outcomes) {
  // The engine appends from whichever thread folds the block; HDF5's error
  // printing is switched per thread.
  hdf5::silence_automatic_errors();
  Impl& w = *impl_;
  const auto count = static_cast<std::int64_t>(outcomes.size());
  if (first < 0 || first + count > w.replicates) {
    throw std::out_of_range("replicates " + std::to_string(first) + " to " + std::to_string(first + count) +
                            " are outside the file's " + std::to_string(w.replicates));
  }
  const auto row = static_cast<hsize_t>(first);
  reporting_errors(w.path, WRITING, [&] { write_replicate_block(w.columns, row, outcomes); });
  w.written += count;
}

void ResultsFileWriter::write_patients(std::span<const PatientRecords> trials, std::int64_t first_replicate) {
  Impl& w = *impl_;
  for (std::size_t r = 0; r < trials.size(); ++r) check_patients(trials[r], r, w.looks);
  reporting_errors(w.path, WRITING,
                   [&] { write_patient_group(w.target(), trials, first_replicate, w.looks, w.time_unit); });
}

void ResultsFileWriter::mark_as_shard(const ShardInfo& info) {
  impl_->shard = info;
}

void ResultsFileWriter::commit(const Results& results, double seconds, int threads) {
  Impl& w = *impl_;
  if (w.sweep) throw std::logic_error(w.path + ": a sweep file is completed by commit_sweep");
  w.check_complete(results);
  reporting_errors(w.path, WRITING, [&] {
    write_pending(w.columns);
    RootAttributes root{w.design_name, w.resolved_yaml, w.time_unit, results.seed, w.replicates, w.start_date};
    write_root_attributes(w.file.id(), root);
    hdf5::write_attribute(w.file.id(), "description",
                          "trialsim results of the design " + w.design_name +
                              ": summary (operating characteristics), replicates (one row per simulated trial)" +
                              (hdf5::exists(w.file.id(), "patients") ? ", patients" : "") +
                              ", runtime; every object has a description attribute");
    write_summary(w.file.id(), results, w.time_unit);
    write_runtime(w.file.id(), seconds, threads);
    if (w.shard) write_shard_attributes(w.file.id(), *w.shard);
  });
  w.close_and_rename();
}

hdf5::Handle open_results_file(const std::string& path) {
  return ResultsFileReader(path).release();
}

void ResultsFileWriter::begin_scenario(std::size_t index) {
  Impl& w = *impl_;
  if (!w.sweep || index >= w.sweep->scenarios.size() || w.parked.contains(index) ||
      (w.scenario.is_open() && w.scenario_index == index)) {
    throw std::logic_error(w.path + ": scenario " + std::to_string(index) + " cannot be started");
  }
  w.park();
  const Design& design = w.sweep->scenarios[index].design;
  w.scenario_index = index;
  w.looks = static_cast<int>(design.looks.size());
  w.time_unit = design.time_unit;
  w.written = 0;
  reporting_errors(w.path, WRITING, [&] {
    w.scenario = hdf5::create_group(w.file.id(), scenario_group(index));
    w.compared = static_cast<int>(design.test.compare.size());
    w.columns =
        create_replicate_datasets(w.scenario.id(), w.replicates, w.looks, w.compared, w.time_unit, SCENARIO_CHUNK_ROWS);
  });
}

void ResultsFileWriter::resume_scenario(std::size_t index) {
  Impl& w = *impl_;
  if (w.scenario.is_open() && w.scenario_index == index) return;
  const auto found = w.parked.find(index);
  if (found == w.parked.end()) {
    throw std::logic_error(w.path + ": scenario " + std::to_string(index) + " is not open");
  }
  Impl::OpenScenario open = std::move(found->second);
  w.parked.erase(found);
  w.park();
  w.scenario_index = index;
  w.scenario = std::move(open.group);
  w.columns = std::move(open.columns);
  w.looks = open.looks;
  w.compared = open.compared;
  w.written = open.written;
  w.time_unit = open.time_unit;
}

void ResultsFileWriter::finish_scenario(const Results& results) {
  Impl& w = *impl_;
  if (!w.scenario.is_open()) throw std::logic_error(w.path + ": no scenario was started");
  w.check_complete(results);
  const Scenario& scenario = w.sweep->scenarios[w.scenario_index];
  reporting_errors(w.path, WRITING, [&] {
    const hid_t group = w.scenario.id();
    RootAttributes attributes{scenario.design.name, scenario.design.resolved_yaml, w.time_unit, results.seed,
                              w.replicates,         scenario.design.start_date};
    write_root_attributes(group, attributes);
    hdf5::write_attribute(group, "label", scenario.label);
    hdf5::write_attribute(group, "description",
                          "results of scenario " + std::to_string(w.scenario_index) + " (" + scenario.label +
                              "): the layout of a single run's root; attributes as the root's");
    write_pending(w.columns);
    write_summary(group, results, w.time_unit);
    w.columns.close();
    w.scenario.close();
  });
  ++w.scenarios_finished;
}

void ResultsFileWriter::commit_sweep(std::span<const Results> scenario_results,
                                     std::span<const PowerDifference> differences, double seconds, int threads) {
  Impl& w = *impl_;
  if (!w.sweep || w.committed || w.scenario.is_open() || !w.parked.empty() ||
      w.scenarios_finished != w.sweep->scenarios.size() || scenario_results.size() != w.sweep->scenarios.size() ||
      differences.size() != scenario_results.size()) {
    throw std::logic_error(w.path + ": the sweep's scenarios are not all written");
  }
  reporting_errors(w.path, WRITING, [&] {
    RootAttributes root{w.design_name, w.resolved_yaml, w.sweep->base.time_unit, scenario_results.front().seed,
                        w.replicates,  w.start_date};
    write_root_attributes(w.file.id(), root);
    hdf5::write_attribute(w.file.id(), "description",
                          "trialsim results of the sweep of the design " + w.design_name +
                              ": scenarios/<k> (each scenario's results), scenarios/table and scenarios/look_table; "
                              "every object has a description attribute");
    hdf5::write_attribute<std::int64_t>(w.file.id(), "scenarios", static_cast<std::int64_t>(w.sweep->scenarios.size()));
    const hdf5::Handle scenarios = hdf5::open_group(w.file.id(), "scenarios");
    write_scenario_table(scenarios.id(), *w.sweep, scenario_results, differences);
    write_scenario_look_table(scenarios.id(), scenario_results, w.sweep->base.time_unit);
    write_runtime(w.file.id(), seconds, threads);
    if (w.shard) write_shard_attributes(w.file.id(), *w.shard);
  });
  w.close_and_rename();
}

std::string scenario_group(std::size_t index) {
  return "scenarios/" + std::to_string(index);
}

StoredFile read_file_info(const std::string& path) {
  return reporting_errors(path, "", [&path] {
    const ResultsFileReader file(path);
    StoredFile stored;
    stored.config_yaml = file.string_attribute("config_yaml");
    stored.trialsim_version = file.string_attribute("trialsim_version");
    stored.created_utc = file.string_attribute("created_utc");
    if (!hdf5::has_attribute(file.file(), "scenarios")) return stored;
    stored.scenarios = file.attribute<std::int64_t>("scenarios");
    if (stored.scenarios < 1 || !hdf5::exists(file.file(), "scenarios/table")) {
      file.malformed("attribute scenarios: " + std::to_string(stored.scenarios) + " but no complete /scenarios");
    }
    return stored;
  });
}

std::vector<PowerDifference> read_power_differences(const std::string& path) {
  return reporting_errors(path, "", [&path] {
    const ResultsFileReader file(path);
    const auto scenarios = static_cast<hsize_t>(file.attribute<std::int64_t>("scenarios"));
    const auto difference = file.read<double>("/scenarios/table/power_difference", {scenarios});
    const auto se = file.read<double>("/scenarios/table/power_difference_se", {scenarios});
    std::vector<PowerDifference> differences(scenarios);
    for (std::size_t k = 0; k < differences.size(); ++k) differences[k] = {difference[k], se[k], 0.0};
    return differences;
  });
}

StoredResults read_results(const std::string& path, const std::string& group) {
  return reporting_errors(path, "", [&path, &group] {
    const ResultsFileReader file(path, group);
    StoredResults stored;
    stored.config_yaml = file.string_attribute("config_yaml");
    stored.trialsim_version = file.string_attribute("trialsim_version");
    stored.created_utc = file.string_attribute("created_utc");
    Results& results = stored.results;
    results.replicates = stored_replicates(file);
    results.seed = file.attribute<std::uint64_t>("seed");
    for (const ResultField& field : RESULT_FIELDS) {
      results.*field.member = file.read_scalar<double>(std::string("/summary/") + field.name);
    }
    const int looks = stored_looks(file);
    results.looks = read_look_summaries(file, looks);
    for (const StopDistributionField& field : STOP_DISTRIBUTIONS) {
      results.*field.member = read_distribution(file, std::string("/summary/at_stop/") + field.name);
    }
    results.compared = read_compared_summaries(file, looks);
    // The summary alone would pass for a whole file; check that the replicates are all there too.
    expect_replicate_shapes(file, results.replicates, looks, static_cast<int>(results.compared.size()));
    return stored;
  });
}

std::vector<TrialOutcome> read_replicates(const std::string& path, int looks, const std::string& group) {
  return read_replicates(path, looks, 0, -1, group);
}

std::vector<TrialOutcome> read_replicates(const std::string& path, int looks, std::int64_t first, std::int64_t count,
                                          const std::string& group) {
  if (looks < 1 || looks > MAX_LOOKS) throw std::invalid_argument("looks must be 1 to " + std::to_string(MAX_LOOKS));
  return reporting_errors(path, "", [&path, looks, first, count, &group] {
    const ResultsFileReader file(path, group);
    const std::int64_t replicates = stored_replicates(file);
    const int compared = stored_compared(file);
    expect_replicate_shapes(file, replicates, looks, compared);
    const std::int64_t rows = count < 0 ? replicates - first : count;  // -1: to the end
    if (first < 0 || rows < 0 || first + rows > replicates) {
      throw std::out_of_range("rows " + std::to_string(first) + " to " + std::to_string(first + rows) +
                              " are outside the file's " + std::to_string(replicates));
    }
    std::vector<TrialOutcome> outcomes(static_cast<std::size_t>(rows));
    for (hsize_t done = 0; done < outcomes.size(); done += READ_BLOCK_ROWS) {
      const std::size_t block = std::min<std::size_t>(READ_BLOCK_ROWS, outcomes.size() - done);
      read_replicate_block(file, static_cast<hsize_t>(first) + done, std::span(outcomes).subspan(done, block), looks,
                           compared);
    }
    return outcomes;
  });
}

}  // namespace trialsim
