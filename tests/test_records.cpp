// Output for scripts (--format csv|json, records.hpp): the writer's quoting,
// missing values and precision; and, end to end, that what run, show,
// boundaries, design and solve print reads back with Python's own csv and json
// modules (tests/flatten_output.py) to exactly the numbers of the results file,
// of the boundary computation and of the analytic side.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "scratch_folder.hpp"
#include "trialsim/analytic.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/io.hpp"
#include "trialsim/records.hpp"
#include "trialsim/report.hpp"
#include "trialsim/sweep.hpp"

using namespace trialsim;
namespace fs = std::filesystem;

namespace {

const std::string SOURCE = TRIALSIM_SOURCE_DIR;
// Debian's python3 (json and csv are in its standard library).
const std::string PYTHON = "/usr/bin/python3";
const double NaN = std::numeric_limits<double>::quiet_NaN();
const double INF = std::numeric_limits<double>::infinity();

// Output as Python's csv or json module reads it.
struct Parsed {
  std::map<std::string, std::string> fields;
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> columns;

  const std::string& field(const std::string& name) const {
    static const std::string missing = "(missing)";
    const auto found = fields.find(name);
    return found == fields.end() ? missing : found->second;
  }
};

std::string json_string(const std::string& text) {
  return "\"" + text + "\"";
}

// A value as flatten_output.py prints it, read as a double: null is NaN.
double number(const std::string& text) {
  if (text == "null") return NaN;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  EXPECT_EQ(*end, '\0') << "not a number: " << text;
  return value;
}

class RecordsTest : public ScratchFolderTest {
 protected:
  trialsim::testing::Finished trialsim(const std::vector<std::string>& arguments, const std::string& name) const {
    const fs::path folder = dir_ / name;
    fs::create_directories(folder);
    trialsim::testing::Child child(arguments, folder);
    return child.wait(std::chrono::seconds(120));
  }

  // Runs trialsim with --format `kind` and parses its stdout with Python.
  Parsed formatted(std::vector<std::string> arguments, const std::string& kind) const {
    arguments.insert(arguments.end(), {"--format", kind});
    static int calls = 0;
    const std::string name = "call" + std::to_string(++calls);
    const auto done = trialsim(arguments, name);
    EXPECT_EQ(done.exit_code, 0) << done.err;
    return parse(dir_ / name / "stdout.txt", kind);
  }

  Parsed parse(const fs::path& output, const std::string& kind) const {
    const fs::path flat = output.string() + ".flat";
    const std::string command = PYTHON + " " + SOURCE + "/tests/flatten_output.py " + kind + " " + output.string() +
                                " > " + flat.string() + " 2>&1";
    const int status = std::system(command.c_str());
    std::ifstream in(flat);
    Parsed parsed;
    std::string line;
    std::string all;
    while (std::getline(in, line)) {
      all += line + "\n";
      std::istringstream words(line);
      std::string what;
      words >> what;
      if (what == "field") {
        std::string name;
        words >> name;
        std::getline(words >> std::ws, parsed.fields[name]);
      } else if (what == "cell") {
        std::size_t row = 0;
        std::string column;
        words >> row >> column;
        if (parsed.rows.size() <= row) parsed.rows.resize(row + 1);
        std::getline(words >> std::ws, parsed.rows[row][column]);
      } else if (what == "columns") {
        std::string list;
        words >> list;
        std::stringstream names(list);
        for (std::string name; std::getline(names, name, ',');) parsed.columns.push_back(name);
      }
    }
    EXPECT_EQ(status, 0) << "Python could not read the " << kind << " output: " << all;
    return parsed;
  }
};

// A figure printed for scripts equals the computed one exactly (full precision).
// NaN is null in JSON and an empty cell in CSV; infinities are null in JSON and
// inf / -inf in CSV.
void expect_same(const std::string& printed, double expected, const std::string& what) {
  if (std::isnan(expected) || (std::isinf(expected) && printed == "null")) {
    EXPECT_EQ(printed, "null") << what;
  } else {
    EXPECT_EQ(number(printed), expected) << what << ": printed " << printed;
  }
}

// ------------------------------------------------------------------ the writer

TEST(RecordsWriter, CsvQuotesTextAndWritesNumbersAtFullPrecision) {
  Records records;
  records.columns = {"name", "x", "n"};
  records.rows.push_back({std::string("plain"), 0.1 + 0.2, std::int64_t{360}});
  records.rows.push_back({std::string("a, \"quoted\"\nlabel"), NaN, std::int64_t{-1}});
  records.rows.push_back({std::string(""), INF, std::int64_t{0}});
  records.rows.push_back({std::string("tiny"), -1e-300, std::int64_t{0}});
  std::ostringstream out;
  write_csv(out, records);
  // RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
  EXPECT_EQ(out.str(),
            "name,x,n\n"
            "plain,0.30000000000000004,360\n"
            "\"a, \"\"quoted\"\"\nlabel\",,-1\n"
            ",inf,0\n"
            "tiny,-1e-300,0\n");
}

TEST(RecordsWriter, JsonEscapesTextAndHasNoNaN) {
  Records records;
  records.field("design", std::string("tab\there \"q\" \\ \x01"));
  records.field("axes", std::vector<std::string>{"a", "b[1].c"});
  records.field("power", 0.8125);
  records.columns = {"x", "y"};
  records.rows.push_back({NaN, -INF});
  records.rows.push_back({1e21, std::int64_t{7}});
  std::ostringstream out;
  write_json(out, records);
  EXPECT_EQ(out.str(),
            "{\n"
            "  \"design\": \"tab\\there \\\"q\\\" \\\\ \\u0001\",\n"
            "  \"axes\": [\"a\", \"b[1].c\"],\n"
            "  \"power\": 0.8125,\n"
            "  \"rows\": [\n"
            "    {\"x\": null, \"y\": null},\n"
            "    {\"x\": 1e+21, \"y\": 7}\n"
            "  ]\n"
            "}\n");
}

TEST_F(RecordsTest, PythonReadsBackWhatTheWriterWrote) {
  Records records;
  records.field("label", std::string("x, \"y\"\n\u00e9"));
  records.columns = {"label", "x"};
  const std::vector<double> values{0.1 + 0.2, 1.0 / 3.0, 5e-324, 1.7976931348623157e308, -0.0, 123456789.125};
  for (double x : values) records.rows.push_back({std::string("a,\"b\"\nc"), x});
  for (const char* kind : {"csv", "json"}) {
    const fs::path path = dir_ / (std::string("out.") + kind);
    std::ofstream out(path);
    write_records(out, records, std::string(kind) == "csv" ? OutputFormat::csv : OutputFormat::json);
    out.close();
    const Parsed parsed = parse(path, kind);
    ASSERT_EQ(parsed.rows.size(), values.size()) << kind;
    for (std::size_t r = 0; r < values.size(); ++r) {
      EXPECT_EQ(number(parsed.rows[r].at("x")), values[r]) << kind << " row " << r;
      EXPECT_EQ(parsed.rows[r].at("label"), "\"a,\\\"b\\\"\\nc\"") << kind;
    }
    EXPECT_EQ(parsed.columns, (std::vector<std::string>{"label", "x"}));
  }
}

// ------------------------------------------------------------------ run and show

// Two looks, a start date, a compared statistic and a sweep over two paths.
const std::string SWEEP = R"(name: formats test
start_date: 2013-01-27
arms:
  - {id: control, survival: {exponential: {event_probability: 0.60, at: 180}}}
  - {id: pump, survival: {exponential: {event_probability: 0.42, at: 180}}}
enrollment: {sample_size: 200, rates: [{from: 0, rate: 0.5}]}
follow_up:
  fixed: 180
analyses:
  - name: interim
    when: {completed_follow_up: 100}
  - name: final
    when: {completed_follow_up: all}
test:
  compare:
    - {statistic: fleming_harrington, rho: 0, gamma: 1}
simulation: {replicates: 2000, seed: 5}
sweep:
  enrollment.sample_size: [200, 260]
  arms[1].survival.exponential.event_probability:
    strong: 0.40
    planned: 0.42
)";

// Every figure of one row against the results read from the file.
void expect_row(const std::map<std::string, std::string>& row, const Results& results, std::size_t look,
                const PowerDifference& difference, const std::string& where) {
  expect_same(row.at("replicates"), static_cast<double>(results.replicates), where + " replicates");
  expect_same(row.at("power"), results.power, where + " power");
  expect_same(row.at("power_se"), results.power_se, where + " power_se");
  expect_same(row.at("power_difference"), difference.difference, where + " power_difference");
  expect_same(row.at("power_difference_se"), difference.se, where + " power_difference_se");
  expect_same(row.at("reject_any"), results.reject_probability, where + " reject_any");
  expect_same(row.at("reject_any_se"), results.reject_se, where + " reject_any_se");
  expect_same(row.at("expected_events_at_stop"), results.events_at_stop.mean, where + " events at stop");
  expect_same(row.at("expected_time_at_stop"), results.time_at_stop.mean, where + " time at stop");
  const LookSummary& l = results.looks[look];
  expect_same(row.at("look"), static_cast<double>(look + 1), where + " look");
  EXPECT_EQ(row.at("look_name"), json_string(l.name)) << where;
  const std::vector<std::pair<const char*, double>> figures{
      {"information_fraction", l.information_fraction},
      {"boundary_z", l.boundary_z},
      {"nominal_alpha", l.nominal_alpha},
      {"futility_z", l.futility_z},
      {"performed_probability", l.performed_probability},
      {"reject_probability", l.reject_probability},
      {"reject_se", l.reject_se},
      {"harm_probability", l.harm_probability},
      {"harm_se", l.harm_se},
      {"futility_probability", l.futility_probability},
      {"stop_probability", l.stop_probability},
      {"stop_se", l.stop_se},
      {"mean_z", l.mean_z},
      {"events_count", static_cast<double>(l.events.count)},
      {"events_mean", l.events.mean},
      {"events_sd", l.events.sd},
      {"events_q05", l.events.quantiles[0]},
      {"events_q50", l.events.quantiles[2]},
      {"events_q95", l.events.quantiles[4]},
      {"events_control_mean", l.events_control.mean},
      {"events_treatment_mean", l.events_treatment.mean},
      {"enrolled_mean", l.enrolled.mean},
      {"enrolled_q25", l.enrolled.quantiles[1]},
      {"time_mean", l.time.mean},
      {"time_q50", l.time.quantiles[2]},
      {"time_q75", l.time.quantiles[3]},
      {"hr_mean", l.hr.mean},
      {"hr_q50", l.hr.quantiles[2]},
      {"compare1_power", results.compared.at(0).power},
      {"compare1_power_se", results.compared.at(0).power_se},
      {"compare1_power_difference", results.compared.at(0).difference.difference},
      {"compare1_power_difference_se", results.compared.at(0).difference.se},
      {"compare1_reject_probability", results.compared.at(0).look_reject_probability.at(look)},
      {"compare1_stop_probability", results.compared.at(0).look_stop_probability.at(look)},
  };
  for (const auto& [column, value] : figures) expect_same(row.at(column), value, where + " " + column);
  EXPECT_EQ(row.at("compare1_statistic"), json_string("fleming_harrington(0,1)")) << where;
}

TEST_F(RecordsTest, RunAndShowPrintTheFilesFiguresOneRowPerScenarioAndLook) {
  const fs::path design = dir_ / "sweep.yaml";
  std::ofstream(design) << SWEEP;
  const fs::path output = dir_ / "sweep.h5";
  const Parsed json = formatted({"run", design.string(), "-o", output.string(), "--threads", "2", "-q"}, "json");
  const Parsed csv = formatted({"show", output.string()}, "csv");
  const Parsed shown = formatted({"show", output.string()}, "json");

  const StoredFile file = read_file_info(output.string());
  ASSERT_EQ(file.scenarios, 4);
  const SweepDesign sweep = parse_sweep(file.config_yaml, "stored");
  const std::vector<PowerDifference> differences = read_power_differences(output.string());
  EXPECT_EQ(json.field("command"), json_string("run"));
  EXPECT_EQ(json.field("file"), json_string(output.string()));
  EXPECT_EQ(json.field("design"), json_string("formats test"));
  EXPECT_EQ(json.field("scenarios"), "4.0");
  EXPECT_EQ(json.field("replicates"), "2000.0");
  EXPECT_EQ(json.field("seed"), json_string("5"));
  EXPECT_EQ(json.field("axes"), "[\"enrollment.sample_size\", \"arms[1].survival.exponential.event_probability\"]");
  EXPECT_EQ(shown.field("command"), json_string("show"));
  EXPECT_EQ(shown.field("created_utc"), json_string(file.created_utc));
  // The same rows from the run and from the file, and CSV's columns are JSON's keys.
  EXPECT_EQ(shown.rows, json.rows);
  ASSERT_EQ(json.rows.size(), 8u);  // 4 scenarios x 2 looks
  ASSERT_EQ(csv.rows.size(), 8u);
  EXPECT_EQ(csv.columns, shown.columns);

  for (std::size_t s = 0; s < 4; ++s) {
    const Results results = read_results(output.string(), scenario_group(s)).results;
    for (std::size_t look = 0; look < 2; ++look) {
      const std::size_t r = 2 * s + look;
      const std::string where = "scenario " + std::to_string(s) + " look " + std::to_string(look);
      expect_row(json.rows[r], results, look, differences[s], "json " + where);
      expect_same(json.rows[r].at("scenario"), static_cast<double>(s), where);
      EXPECT_EQ(json.rows[r].at("label"), json_string(sweep.scenarios[s].label));
      // Swept values: numbers where the axis is numeric, else the label.
      expect_same(json.rows[r].at("enrollment.sample_size"), s < 2 ? 200 : 260, where);
      EXPECT_EQ(json.rows[r].at("arms[1].survival.exponential.event_probability"),
                json_string(s % 2 == 0 ? "strong" : "planned"));
      EXPECT_EQ(json.rows[r].at("median_date"),
                json_string(calendar_date(sweep.scenarios[s].design, results.looks[look].time.quantiles[2])));
      // CSV: the same numbers; infinite ones (no futility boundary) as -inf.
      std::map<std::string, std::string> csv_row = csv.rows[r];
      EXPECT_EQ(csv_row.at("futility_z"), "-inf");
      csv_row.at("futility_z") = "null";
      expect_row(csv_row, results, look, differences[s], "csv " + where);
    }
  }
  // Scenario 1 (0.42 instead of 0.40) has less power than scenario 0, scenario 2 (260 patients instead of 200) more.
  EXPECT_LT(number(json.rows[2].at("power_difference")), 0.0);
  EXPECT_GT(number(json.rows[4].at("power_difference")), 0.0);
}

TEST_F(RecordsTest, SingleDesignRunHasRunLevelFigures) {
  const fs::path output = dir_ / "single.h5";
  const Parsed json = formatted({"run", SOURCE + "/configs/danger_shock.yaml", "-o", output.string(), "--replicates",
                                 "3000", "--threads", "2", "-q"},
                                "json");
  const Results results = read_results(output.string()).results;
  ASSERT_EQ(json.rows.size(), 2u);
  expect_same(json.field("power"), results.power, "power");
  expect_same(json.field("power_se"), results.power_se, "power_se");
  expect_same(json.field("reject_any"), results.reject_probability, "reject_any");
  expect_same(json.field("expected_events_at_stop"), results.events_at_stop.mean, "events at stop");
  EXPECT_EQ(json.field("statistic"), json_string("logrank"));
  EXPECT_EQ(json.field("start_date"), json_string("2013-01-27"));
  EXPECT_EQ(json.rows[0].at("scenario"), "0.0");
  EXPECT_EQ(json.rows[1].at("look_name"), json_string("final"));
  expect_same(json.rows[1].at("power"), results.power, "row power");
  expect_same(json.rows[1].at("reject_probability"), results.looks[1].reject_probability, "final reject");
  expect_same(json.rows[0].at("events_mean"), results.looks[0].events.mean, "interim events");
  // A sweep file's single scenario keeps its number.
  const fs::path design = dir_ / "sweep.yaml";
  std::ofstream(design) << SWEEP;
  const fs::path sweep_file = dir_ / "sweep.h5";
  ASSERT_EQ(
      trialsim({"run", design.string(), "-o", sweep_file.string(), "--replicates", "200", "-q"}, "sweep").exit_code, 0);
  const Parsed third = formatted({"show", sweep_file.string(), "--scenario", "3"}, "csv");
  ASSERT_EQ(third.rows.size(), 2u);
  EXPECT_EQ(third.rows[0].at("scenario"), "3.0");
  expect_same(third.rows[1].at("power"), read_results(sweep_file.string(), scenario_group(3)).results.power, "#3");
}

// ------------------------------------------------------------------ boundaries, design, solve

TEST_F(RecordsTest, BoundariesArePrintedForEveryScenario) {
  const fs::path design = dir_ / "sweep.yaml";
  std::ofstream(design) << SWEEP;
  const Parsed json = formatted({"boundaries", design.string()}, "json");
  const Parsed csv = formatted({"boundaries", design.string()}, "csv");
  const SweepDesign sweep = load_sweep(design.string());
  ASSERT_EQ(json.rows.size(), 8u);
  ASSERT_EQ(csv.rows.size(), 8u);
  EXPECT_EQ(csv.columns, (std::vector<std::string>{"scenario", "label", "look", "look_name", "information_fraction",
                                                   "boundary_z", "nominal_alpha", "cumulative_alpha", "futility_z"}));
  for (std::size_t s = 0; s < 4; ++s) {
    const BoundaryPlan plan = plan_boundaries(sweep.scenarios[s].design);
    for (std::size_t k = 0; k < 2; ++k) {
      const auto& row = json.rows[2 * s + k];
      const std::string where = "scenario " + std::to_string(s) + " look " + std::to_string(k);
      expect_same(row.at("information_fraction"), plan.information_fractions[k], where);
      expect_same(row.at("boundary_z"), plan.efficacy_z[k], where);
      expect_same(row.at("nominal_alpha"), plan.nominal_alpha[k], where);
      expect_same(row.at("cumulative_alpha"), plan.alpha_spent[k], where);
      expect_same(row.at("futility_z"), plan.futility_z[k], where);
      expect_same(csv.rows[2 * s + k].at("boundary_z"), plan.efficacy_z[k], "csv " + where);
    }
  }
  // The interim after 100 of 200 and of 260 patients: information 0.5 and 100/260,
  // so the scenarios' boundaries differ (classical O'Brien-Fleming).
  EXPECT_NE(json.rows[0].at("boundary_z"), json.rows[4].at("boundary_z"));
  // DanGer Shock: final nominal alpha 0.048 (the protocol; Jennison and Turnbull 2000, Table 2.3).
  const Parsed danger = formatted({"boundaries", SOURCE + "/configs/danger_shock.yaml"}, "json");
  ASSERT_EQ(danger.rows.size(), 2u);
  EXPECT_NEAR(number(danger.rows[1].at("nominal_alpha")), 0.048, 0.0005);
}

TEST_F(RecordsTest, DesignPrintsTheAnalyticFigures) {
  const std::string path = SOURCE + "/configs/danger_shock.yaml";
  const Parsed json = formatted({"design", path}, "json");
  const Design design = load_design(path);
  const BoundaryPlan plan = plan_boundaries(design);
  const DesignAnalysis analysis = analyse_design(design, plan);
  const auto row_of = [&json](const std::string& quantity, const std::string& look) {
    for (const auto& row : json.rows)
      if (row.at("quantity") == json_string(quantity) && row.at("look") == json_string(look)) return row;
    ADD_FAILURE() << "no row " << quantity << " " << look;
    return json.rows.front();
  };
  expect_same(row_of("power", "").at("analytic"), analysis.sequential.power, "power");
  expect_same(row_of("boundary_z", "final").at("analytic"), plan.efficacy_z[1], "final z");
  expect_same(row_of("events", "final").at("analytic"), analysis.looks[1].events, "final events");
  expect_same(row_of("power", "").at("simulated"), NaN, "not simulated");
  EXPECT_EQ(json.field("simulated_replicates"), "0.0");
  // The CSV keeps its columns.
  const Parsed csv = formatted({"design", path}, "csv");
  EXPECT_EQ(csv.columns,
            (std::vector<std::string>{"quantity", "look", "power", "alpha", "analytic", "simulated", "simulated_se"}));
  EXPECT_EQ(csv.rows.size(), json.rows.size());
}

// solve: every simulated point is the power of a run at that value (common random
// numbers: the same seed gives the same trials), and the answer is the first
// sample size simulated whose power reaches the target.
TEST_F(RecordsTest, SolvePrintsTheAnswerAndThePointsItSimulated) {
  const std::string path = SOURCE + "/configs/danger_shock.yaml";
  const Parsed json = formatted(
      {"solve", path, "--for", "enrollment.sample_size", "--replicates", "1000", "--seed", "9", "--threads", "2", "-q"},
      "json");
  EXPECT_EQ(json.field("path"), json_string("enrollment.sample_size"));
  EXPECT_EQ(json.field("integer"), "1.0");
  const double answer = number(json.field("value"));
  ASSERT_GE(json.rows.size(), 3u);
  double first_reaching = INF;
  for (const auto& row : json.rows) {
    const double value = number(row.at("value"));
    if (number(row.at("power")) >= 0.8) first_reaching = std::min(first_reaching, value);
  }
  EXPECT_EQ(answer, first_reaching);
  EXPECT_GT(number(json.field("analytic_value")), 0.0);
  // Two points checked against plain runs of the same design at that value.
  for (std::size_t r : {std::size_t{0}, json.rows.size() - 1}) {
    const std::string value = json.rows[r].at("value");
    const Parsed run =
        formatted({"run", path, "-o", (dir_ / "point.h5").string(), "--replicates", "1000", "--seed", "9", "-q",
                   "--set", "enrollment.sample_size=" + std::to_string(std::lround(number(value)))},
                  "json");
    EXPECT_EQ(json.rows[r].at("power"), run.field("power")) << "sample size " << value;
    EXPECT_EQ(json.rows[r].at("power_se"), run.field("power_se")) << "sample size " << value;
  }
  const Parsed csv = formatted(
      {"solve", path, "--for", "enrollment.sample_size", "--replicates", "1000", "--seed", "9", "--threads", "2", "-q"},
      "csv");
  EXPECT_EQ(csv.columns, (std::vector<std::string>{"value", "power", "power_se"}));
  EXPECT_EQ(csv.rows, json.rows);
}

}  // namespace
