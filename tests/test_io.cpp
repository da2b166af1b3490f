// The results file: everything written reads back exactly (NaN and infinities
// included), h5py reads the layout the README promises, writes are atomic, and
// damaged or foreign files are refused with exact messages.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "input_error.hpp"
#include "trialsim/error.hpp"
#include "trialsim/io.hpp"
#include "trialsim/version.hpp"

using namespace trialsim;
using trialsim::testing::input_error_of;
namespace fs = std::filesystem;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr double INF = std::numeric_limits<double>::infinity();
constexpr int LOOKS = 2;
// More than one chunk (8192 rows) and more than one read block (65536 rows).
constexpr std::int64_t REPLICATES = 70001;
constexpr std::int64_t FIRST_BLOCK = 40000;

const std::string SCRIPT = std::string(TRIALSIM_SOURCE_DIR) + "/tests/read_results.py";

Design make_design() {
  Design design;
  design.name = "io test";
  design.time_unit = "day";
  design.start_date = "2013-01-27";
  Look interim, final;
  interim.name = "interim";
  final.name = "final";
  design.looks = {interim, final};
  design.resolved_yaml = "name: io test\nlooks:\n  - name: interim\n  - name: final\nnote: \"µ ≤ 1\"\n";
  return design;
}

Distribution distribution(double base) {
  Distribution d;
  d.count = static_cast<std::int64_t>(base * 10);
  d.mean = base + 0.125;
  d.sd = base / 3;
  d.quantiles = {base - 2, base - 1, base, base + 1, base + 2};
  return d;
}

Results make_results() {
  Results r;
  r.replicates = REPLICATES;
  r.seed = 18446744073709551557ull; // needs all 64 bits
  r.power = 0.8125;
  r.power_se = 0.00147;
  r.reject_probability = 0.8130;
  r.reject_se = 0.001469;
  r.events_at_stop = distribution(150);
  r.enrolled_at_stop = distribution(340);
  r.time_at_stop = distribution(1500.5);
  r.time_at_stop.quantiles[4] = INF;
  for (int k = 0; k < LOOKS; ++k) {
    LookSummary s;
    s.name = k == 0 ? "interim" : "final";
    s.information_fraction = k == 0 ? 0.5 : 1.0;
    s.boundary_z = k == 0 ? 2.797 : 1.977;
    s.nominal_alpha = k == 0 ? 0.00516 : 0.048;
    s.futility_z = k == 0 ? 0.1 : -INF;
    s.performed_probability = k == 0 ? 1.0 : 0.7;
    s.reject_probability = 0.3 + k * 0.2;
    s.reject_se = 0.0017 + k;
    s.harm_probability = k * 0.001;
    s.harm_se = 0.0001 * k;
    s.futility_probability = k == 0 ? 0.05 : 0.0;
    s.futility_se = k == 0 ? 0.0008 : 0.0;
    s.stop_probability = k == 0 ? 0.3 : 0.7;
    s.stop_se = 0.0018 - k * 0.0001;
    s.trigger_missed_probability = k == 0 ? 0.0 : NaN;
    s.events = distribution(80 + 80 * k);
    s.events_control = distribution(45 + 45 * k);
    s.events_treatment = distribution(35 + 35 * k);
    s.enrolled = distribution(300 + 60 * k);
    s.time = distribution(900 + 600 * k);
    s.hr = distribution(0.7 + k * 0.01);
    s.hr.quantiles[0] = 0.0;
    s.hr.quantiles[4] = INF;
    s.mean_z = 1.5 + k;
    r.looks.push_back(s);
  }
  return r;
}

// Replicate r of a synthetic run: the four ways a two-look trial can end, plus
// NaN and infinite values where a real run may have them.
TrialOutcome make_outcome(std::int64_t r) {
  TrialOutcome outcome;
  for (int k = 0; k < LOOKS; ++k) {
    LookOutcome& o = outcome.looks[static_cast<std::size_t>(k)];
    o.time = 500.0 + static_cast<double>(r % 997) / 8 + 700 * k;
    o.z = static_cast<double>(r % 401) / 64 - 3 + k * 0.5;
    o.hr = std::exp(-o.z / 7);
    o.log_hr_se = 2.0 / std::sqrt(static_cast<double>(70 + r % 91 + 70 * k));
    o.enrolled = static_cast<std::int32_t>(180 + r % 181);
    o.events[CONTROL] = static_cast<std::int32_t>(40 + r % 50 + 40 * k);
    o.events[TREATMENT] = static_cast<std::int32_t>(30 + r % 41 + 30 * k);
    o.trigger_reached = r % 7 != 3;
  }
  LookOutcome& interim = outcome.looks[0];
  LookOutcome& final = outcome.looks[1];
  switch (r % 4) {
  case 0: interim.decision = EFFICACY; final.decision = NOT_PERFORMED; outcome.stop_look = 0; break;
  case 1: interim.decision = CONTINUE; final.decision = EFFICACY; outcome.stop_look = 1; break;
  case 2: interim.decision = CONTINUE; final.decision = NO_REJECTION; outcome.stop_look = 1; break;
  default: interim.decision = FUTILITY; final.decision = NOT_PERFORMED; outcome.stop_look = 0; break;
  }
  if (r % 1000 == 5) final.z = NaN, final.hr = NaN;
  if (r % 1000 == 6) final.hr = INF, final.time = INF;
  if (r % 1000 == 7) final.decision = HARM, final.z = -4.5;
  return outcome;
}

std::vector<TrialOutcome> make_outcomes(std::int64_t first, std::int64_t count) {
  std::vector<TrialOutcome> outcomes;
  for (std::int64_t r = first; r < first + count; ++r) outcomes.push_back(make_outcome(r));
  return outcomes;
}

// Two small trials as the looks saw them: patient 2 of trial 0 entered after the interim cut.
std::vector<PatientRecords> make_patients() {
  PatientRecords a;
  a.entry = {0.0, 3.5, 10.25};
  a.arm = {0, 1, 1};
  a.received = {0, 1, 0};
  a.stratum = {0, 1, 65535};
  a.analysed = {1, 1, 0};
  a.follow_up = {5.0, 90.0, 180.0};
  a.event = {1, 1, 0};
  a.time = {{5.0, 1.5, NaN}, {180.0, 90.0, 44.0}};
  a.status = {{1, 0, 0}, {1, 1, 0}};
  PatientRecords b;
  b.entry = {1.0, 2.0};
  b.arm = {1, 0};
  b.received = {1, 0};
  b.stratum = {0, 0};
  b.analysed = {1, 1};
  b.follow_up = {180.0, 2.0};
  b.event = {0, 1};
  b.time = {{3.0, 2.0}, {180.0, 180.0}};
  b.status = {{0, 1}, {0, 1}};
  return {a, b};
}

// "YYYY-MM-DDTHH:MM:SSZ"
bool is_utc_timestamp(const std::string& text) {
  const std::string pattern = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (pattern[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(text[i])) : text[i] != pattern[i]) return false;
  }
  return true;
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

void expect_same(const Distribution& found, const Distribution& expected, const std::string& what) {
  EXPECT_EQ(found.count, expected.count) << what;
  EXPECT_TRUE(same(found.mean, expected.mean)) << what;
  EXPECT_TRUE(same(found.sd, expected.sd)) << what;
  for (std::size_t q = 0; q < QUANTILE_LEVELS.size(); ++q) {
    EXPECT_TRUE(same(found.quantiles[q], expected.quantiles[q])) << what << " quantile " << q;
  }
}

void expect_same(const Results& found, const Results& expected) {
  EXPECT_EQ(found.replicates, expected.replicates);
  EXPECT_EQ(found.seed, expected.seed);
  EXPECT_EQ(found.power, expected.power);
  EXPECT_EQ(found.power_se, expected.power_se);
  EXPECT_EQ(found.reject_probability, expected.reject_probability);
  EXPECT_EQ(found.reject_se, expected.reject_se);
  expect_same(found.events_at_stop, expected.events_at_stop, "events at stop");
  expect_same(found.enrolled_at_stop, expected.enrolled_at_stop, "enrolled at stop");
  expect_same(found.time_at_stop, expected.time_at_stop, "time at stop");
  ASSERT_EQ(found.looks.size(), expected.looks.size());
  for (std::size_t k = 0; k < found.looks.size(); ++k) {
    const LookSummary& f = found.looks[k];
    const LookSummary& e = expected.looks[k];
    EXPECT_EQ(f.name, e.name);
    for (auto member : {&LookSummary::information_fraction, &LookSummary::boundary_z, &LookSummary::nominal_alpha,
                        &LookSummary::futility_z, &LookSummary::performed_probability,
                        &LookSummary::reject_probability, &LookSummary::reject_se, &LookSummary::harm_probability,
                        &LookSummary::harm_se, &LookSummary::futility_probability, &LookSummary::futility_se,
                        &LookSummary::stop_probability, &LookSummary::stop_se,
                        &LookSummary::trigger_missed_probability, &LookSummary::mean_z}) {
      EXPECT_TRUE(same(f.*member, e.*member)) << "look " << k << ": " << f.*member << " vs " << e.*member;
    }
    expect_same(f.events, e.events, "events");
    expect_same(f.events_control, e.events_control, "events_control");
    expect_same(f.events_treatment, e.events_treatment, "events_treatment");
    expect_same(f.enrolled, e.enrolled, "enrolled");
    expect_same(f.time, e.time, "time");
    expect_same(f.hr, e.hr, "hr");
  }
}

// Compares every stored field; returns false at the first difference so a failure prints once.
// A look not performed keeps no measurement: it reads back with NaN time, z and HR.
bool same_outcome(const TrialOutcome& found, const TrialOutcome& expected) {
  for (std::size_t k = 0; k < LOOKS; ++k) {
    const LookOutcome& f = found.looks[k];
    const LookOutcome& e = expected.looks[k];
    if (e.decision == NOT_PERFORMED) {
      if (f.decision != NOT_PERFORMED || !std::isnan(f.time) || !std::isnan(f.z) || !std::isnan(f.hr)) return false;
      continue;
    }
    if (!same(f.time, e.time) || !same(f.z, e.z) || !same(f.hr, e.hr) || !same(f.log_hr_se, e.log_hr_se) ||
        f.enrolled != e.enrolled || f.events[0] != e.events[0] || f.events[1] != e.events[1] ||
        f.decision != e.decision || f.trigger_reached != e.trigger_reached) {
      return false;
    }
  }
  return found.stop_look == expected.stop_look;
}

// An interpreter that has h5py ("" when none): the system one may have it when python3 on PATH does not.
std::string python_with_h5py() {
  for (const std::string candidate : {"python3", "/usr/bin/python3"}) {
    if (std::system((candidate + " -c 'import h5py' > /dev/null 2>&1").c_str()) == 0) return candidate;
  }
  return "";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string number_text(double value) {
  std::ostringstream text;
  text << std::setprecision(17) << value;
  return text.str();
}

class ResultsFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("trialsim_test_io_" + std::to_string(::getpid()) + "_" + test->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (fs::exists(dir_ / "read_only")) fs::permissions(dir_ / "read_only", fs::perms::owner_all);
    fs::remove_all(dir_);
  }

  // A complete file: replicates appended in two blocks, the later one first, plus patients.
  fs::path write_good_file(const std::string& name = "good.h5") {
    const fs::path path = dir_ / name;
    ResultsFileWriter writer(path.string(), design_, REPLICATES);
    writer.append(FIRST_BLOCK, make_outcomes(FIRST_BLOCK, REPLICATES - FIRST_BLOCK));
    writer.append(0, make_outcomes(0, FIRST_BLOCK));
    writer.write_patients(make_patients());
    writer.commit(results_, 12.5, 2);
    return path;
  }

  // Runs tests/read_results.py; its exit code, with its output in `output`.
  int run_script(const std::string& python, const std::string& arguments, std::string& output) {
    const fs::path log = dir_ / "script.log";
    const int status = std::system((python + " " + SCRIPT + " " + arguments + " > " + log.string() + " 2>&1").c_str());
    output = read_text(log);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::vector<fs::path> files() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir_)) found.push_back(entry.path().filename());
    return found;
  }

  fs::path dir_;
  Design design_ = make_design();
  Results results_ = make_results();
};

} // namespace

TEST_F(ResultsFileTest, EveryValueReadsBackExactly) {
  const fs::path path = write_good_file();
  EXPECT_EQ(files(), std::vector<fs::path>{"good.h5"}); // no temporary file left

  const StoredResults stored = read_results(path.string());
  EXPECT_EQ(stored.config_yaml, design_.resolved_yaml);
  EXPECT_EQ(stored.trialsim_version, VERSION);
  EXPECT_TRUE(is_utc_timestamp(stored.created_utc)) << stored.created_utc;
  expect_same(stored.results, results_);

  const std::vector<TrialOutcome> outcomes = read_replicates(path.string(), LOOKS);
  ASSERT_EQ(outcomes.size(), static_cast<std::size_t>(REPLICATES));
  for (std::int64_t r = 0; r < REPLICATES; ++r) {
    ASSERT_TRUE(same_outcome(outcomes[static_cast<std::size_t>(r)], make_outcome(r))) << "replicate " << r;
  }
}

TEST_F(ResultsFileTest, H5pyReadsTheDocumentedLayout) {
  const std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "no python3 with h5py";
  const fs::path path = write_good_file();
  const TrialOutcome nan_replicate = make_outcome(5);
  const TrialOutcome harm_replicate = make_outcome(2007);
  std::string expectations;
  for (const auto& [where, value] : std::vector<std::pair<std::string, std::string>>{
           {"@seed", "18446744073709551557"},
           {"@replicates", std::to_string(REPLICATES)},
           {"@design_name", "io test"},
           {"@config_yaml", design_.resolved_yaml},
           {"summary/power", number_text(results_.power)},
           {"summary/reject_any", number_text(results_.reject_probability)},
           {"summary/look_names[1]", "final"},
           {"summary/futility_z[1]", "-inf"},
           {"summary/trigger_missed_probability[1]", "nan"},
           {"summary/expected_time[1]", number_text(results_.looks[1].time.mean)},
           {"summary/hr/quantiles[1,4]", "inf"},
           {"summary/at_stop/time/quantiles[4]", "inf"},
           {"replicates/z[5,1]", "nan"},
           {"replicates/z[5,0]", number_text(nan_replicate.looks[0].z)},
           {"replicates/decision[2007,1]", "2"},
           {"replicates/events[2007,1]",
            std::to_string(harm_replicate.looks[1].events[0] + harm_replicate.looks[1].events[1])},
           {"replicates/stop_look[3]", "0"},
           {"@seed_text", "18446744073709551557"},
           {"@start_date", "2013-01-27"},
           {"replicates/performed[0,0]", "1"},
           {"replicates/performed[0,1]", "0"},
           {"replicates/events[0,1]", "nan"},
           {"replicates/enrolled[0,1]", "nan"},
           {"replicates/time[0,1]", "nan"},
           {"replicates/trigger_reached[0,1]", "nan"},
           {"replicates/enrolled[1,1]", std::to_string(make_outcome(1).looks[1].enrolled)},
           {"summary/quantile_levels[2]", "0.5"},
           {"replicates/trigger_reached[3,0]", "0"},
           {"replicates/time[70000,1]", "nan"},  // stopped at the interim
           {"replicates/time[69998,1]", number_text(make_outcome(69998).looks[1].time)},
           {"patients/replicate[4]", "1"},
           {"patients/stratum[2]", "65535"},
           {"patients/time[2,0]", "nan"},
           {"patients/time[2,1]", "44"},
           {"patients/status[1,1]", "1"},
           {"runtime/threads", "2"},
       }) {
    expectations += " --expect '" + where + "=" + value + "'";
  }
  std::string output;
  EXPECT_EQ(run_script(python, "check " + path.string() + expectations, output), 0) << output;
  EXPECT_NE(output.find("io test: 70001 replicates, looks ['interim', 'final'], 5 patients"), std::string::npos)
      << output;
}

TEST_F(ResultsFileTest, UncommittedWriterLeavesNoFile) {
  {
    ResultsFileWriter writer((dir_ / "out.h5").string(), design_, 100);
    writer.append(0, make_outcomes(0, 50));
    EXPECT_EQ(files(), std::vector<fs::path>{"out.h5.partial-" + std::to_string(::getpid())});
  }
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, AnExistingFileIsReplacedOnlyAtCommit) {
  const fs::path path = dir_ / "out.h5";
  std::ofstream(path) << "previous results";
  ResultsFileWriter writer(path.string(), design_, 10);
  writer.append(0, make_outcomes(0, 10));
  EXPECT_EQ(read_text(path), "previous results");
  Results results = results_;
  results.replicates = 10;
  writer.commit(results, 0.5, 1);
  EXPECT_EQ(files(), std::vector<fs::path>{"out.h5"});
  EXPECT_EQ(read_results(path.string()).results.replicates, 10);
}

TEST_F(ResultsFileTest, CommitRefusesMissingReplicatesAndLeavesNoFile) {
  const fs::path path = dir_ / "out.h5";
  {
    ResultsFileWriter writer(path.string(), design_, 10);
    writer.append(0, make_outcomes(0, 9));
    EXPECT_THROW(writer.append(5, make_outcomes(5, 6)), std::out_of_range);
    EXPECT_THROW(writer.commit(results_, 1.0, 1), std::logic_error);
  }
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, NoReplicatesStillMakesAReadableFile) {
  const fs::path path = dir_ / "empty.h5";
  ResultsFileWriter writer(path.string(), design_, 0);
  writer.append(0, {});
  Results results = results_;
  results.replicates = 0;
  writer.commit(results, 0.0, 1);
  EXPECT_EQ(read_results(path.string()).results.replicates, 0);
  EXPECT_TRUE(read_replicates(path.string(), LOOKS).empty());
}

TEST_F(ResultsFileTest, UnwritableDestinationsAreInputErrors) {
  const std::string missing = (dir_ / "no_such_folder" / "out.h5").string();
  EXPECT_EQ(input_error_of([&] { ResultsFileWriter(missing, design_, 10); }),
            missing + ": cannot write output file: folder " + (dir_ / "no_such_folder").string() +
                " does not exist");

  std::ofstream(dir_ / "plain") << "a file, not a folder";
  const std::string under_file = (dir_ / "plain" / "out.h5").string();
  EXPECT_EQ(input_error_of([&] { ResultsFileWriter(under_file, design_, 10); }),
            under_file + ": cannot write output file: " + (dir_ / "plain").string() + " is not a folder");

  fs::create_directory(dir_ / "folder.h5");
  const std::string folder = (dir_ / "folder.h5").string();
  EXPECT_EQ(input_error_of([&] { ResultsFileWriter(folder, design_, 10); }),
            folder + ": cannot write output file: it is a folder");

}

TEST_F(ResultsFileTest, AReadOnlyFolderIsAnInputError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
  fs::create_directory(dir_ / "read_only");
  fs::permissions(dir_ / "read_only", fs::perms::owner_read | fs::perms::owner_exec);
  const std::string read_only = (dir_ / "read_only" / "out.h5").string();
  EXPECT_EQ(input_error_of([&] { ResultsFileWriter(read_only, design_, 10); }),
            read_only + ": cannot write output file: permission denied");
}

TEST_F(ResultsFileTest, DamagedAndForeignFilesAreRefused) {
  const std::string missing = (dir_ / "missing.h5").string();
  EXPECT_EQ(input_error_of([&] { read_results(missing); }), missing + ": no such file");

  const std::string text = (dir_ / "text.h5").string();
  std::ofstream(text) << "power: 0.8\n";
  EXPECT_EQ(input_error_of([&] { read_results(text); }), text + ": not an HDF5 file");

  const fs::path good = write_good_file();
  const std::string bytes = read_text(good);
  const std::string truncated = (dir_ / "truncated.h5").string();
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  // The checksum block states the file's length.
  const std::string cut = ": truncated file (" + std::to_string(bytes.size() / 2) + " of " +
                          std::to_string(bytes.size()) + " bytes)";
  EXPECT_EQ(input_error_of([&] { read_results(truncated); }), truncated + cut);
  EXPECT_EQ(input_error_of([&] { read_replicates(truncated, LOOKS); }), truncated + cut);

  // Asking for another number of looks than the file has is a shape error too.
  EXPECT_EQ(input_error_of([&] { read_replicates(good.string(), 3); }),
            good.string() + ": /replicates/performed: expected shape [70001, 3], found [70001, 2]");
}

TEST_F(ResultsFileTest, FilesEditedByH5pyAreRefused) {
  const std::string python = python_with_h5py();
  if (python.empty()) GTEST_SKIP() << "no python3 with h5py";
  std::string output;
  const std::string foreign = (dir_ / "foreign.h5").string();
  ASSERT_EQ(run_script(python, "foreign " + foreign, output), 0) << output;
  EXPECT_EQ(input_error_of([&] { read_results(foreign); }), foreign + ": not a trialsim results file");

  const fs::path good = write_good_file();
  const std::string reshaped = (dir_ / "reshaped.h5").string();
  ASSERT_EQ(run_script(python, "reshape " + good.string() + " " + reshaped, output), 0) << output;
  EXPECT_EQ(input_error_of([&] { read_results(reshaped); }),
            reshaped + ": /replicates/z: expected shape [70001, 2], found [70001]");
  EXPECT_EQ(input_error_of([&] { read_replicates(reshaped, LOOKS); }),
            reshaped + ": /replicates/z: expected shape [70001, 2], found [70001]");

  const std::string without_hr = (dir_ / "without_hr.h5").string();
  ASSERT_EQ(run_script(python, "delete " + good.string() + " " + without_hr + " summary/hr/quantiles", output), 0)
      << output;
  EXPECT_EQ(input_error_of([&] { read_results(without_hr); }), without_hr + ": /summary/hr/quantiles: missing");

  // A fixed-length filetype (read like a variable-length one) on a format this version does not know.
  const std::string future = (dir_ / "future.h5").string();
  ASSERT_EQ(run_script(python, "future " + good.string() + " " + future, output), 0) << output;
  EXPECT_EQ(input_error_of([&] { read_results(future); }),
            future + ": format_version 3 is not supported (this trialsim reads 2)");
}
