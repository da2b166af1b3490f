// The command line end to end: a real run writes a real HDF5 file that is read
// back; `show`, `check` and `boundaries` print; bad input exits with code 2, a
// message naming the file, line and key, and no output file.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "scratch_folder.hpp"
#include "text_replace.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/io.hpp"

using namespace trialsim;
namespace fs = std::filesystem;

namespace {

const std::string SOURCE = TRIALSIM_SOURCE_DIR;

struct Command {
  int exit_code;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CliTest : public ScratchFolderTest {
 protected:
  Command trialsim(const std::string& arguments) const {
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string command =
        std::string(TRIALSIM_BINARY) + " " + arguments + " > " + out.string() + " 2> " + err.string();
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }

  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

  // Only stdout.txt / stderr.txt and the inputs may be left: no output, no partial file.
  void expect_no_output() const {
    for (const auto& entry : fs::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      EXPECT_EQ(name.find(".h5"), std::string::npos) << name;
    }
  }
};

// A valid design (line numbers matter to the bad-input tests below).
const std::string GOOD = R"(name: cli test
arms:
  - id: control
    survival:
      exponential: {event_probability: 0.60, at: 180}
  - id: pump
    survival:
      exponential: {event_probability: 0.42, at: 180}
enrollment:
  sample_size: 360
  rates:
    - {from: 0, rate: 0.041}
    - {from: 2190, rate: 0.164}
follow_up:
  fixed: 180
analyses:
  - name: interim
    when: {completed_follow_up: 180}
  - name: final
    when: {completed_follow_up: all}
simulation:
  replicates: 3000
  seed: 7
)";

using trialsim::testing::replaced;

}  // namespace

TEST_F(CliTest, RunWritesTheFileThatShowReadsBack) {
  const fs::path design_path = write("good.yaml", GOOD);
  const fs::path output = dir_ / "good.h5";
  const Command run = trialsim("run " + design_path.string() + " -o " + output.string() + " --threads 2 -q");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("Power"), std::string::npos);
  ASSERT_TRUE(fs::exists(output));

  // The file holds exactly what the same run computes in process.
  const Design design = load_design(design_path.string());
  std::vector<TrialOutcome> expected;
  RunOptions options;
  options.on_block = [&expected](std::int64_t, std::span<const TrialOutcome> block) {
    expected.insert(expected.end(), block.begin(), block.end());
  };
  const Results results = run_simulation(design, plan_boundaries(design), options);
  const StoredResults stored = read_results(output.string());
  EXPECT_EQ(stored.config_yaml, design.resolved_yaml);
  EXPECT_EQ(stored.results.replicates, 3000);
  EXPECT_EQ(stored.results.seed, 7u);
  EXPECT_EQ(stored.results.power, results.power);
  EXPECT_EQ(stored.results.looks[0].stop_probability, results.looks[0].stop_probability);
  EXPECT_EQ(stored.results.looks[1].time.quantiles, results.looks[1].time.quantiles);
  const std::vector<TrialOutcome> replicates = read_replicates(output.string(), 2);
  ASSERT_EQ(replicates.size(), expected.size());
  for (std::size_t r = 0; r < expected.size(); ++r) {
    ASSERT_EQ(replicates[r].looks[0].z, expected[r].looks[0].z);
    ASSERT_EQ(replicates[r].looks[0].decision, expected[r].looks[0].decision);
    ASSERT_EQ(replicates[r].looks[1].events[1], expected[r].looks[1].events[1]);
  }

  const Command show = trialsim("show " + output.string());
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(show.out.substr(0, show.out.find("  (trialsim ")), run.out);
}

TEST_F(CliTest, ReplicatesSeedAndSetOverrideTheFile) {
  const fs::path design_path = write("good.yaml", GOOD);
  const fs::path output = dir_ / "o.h5";
  const Command run = trialsim("run " + design_path.string() + " -o " + output.string() +
                               " --replicates 500 --seed 3 --set enrollment.sample_size=300 -q");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const StoredResults stored = read_results(output.string());
  EXPECT_EQ(stored.results.replicates, 500);
  EXPECT_EQ(stored.results.seed, 3u);
  EXPECT_EQ(parse_design(stored.config_yaml, "stored").enrollment.sample_size, 300);
}

TEST_F(CliTest, KeepPatientsStoresTheFirstReplicates) {
  const fs::path design_path = write("good.yaml", GOOD);
  const fs::path output = dir_ / "p.h5";
  const Command run =
      trialsim("run " + design_path.string() + " -o " + output.string() + " --replicates 100 --keep-patients 3 -q");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Command dump = trialsim("show " + output.string());
  EXPECT_EQ(dump.exit_code, 0);
}

TEST_F(CliTest, CheckAndBoundaries) {
  const Command check = trialsim("check " + SOURCE + "/configs/danger_shock.yaml");
  EXPECT_EQ(check.exit_code, 0) << check.err;
  const Command boundaries = trialsim("boundaries " + SOURCE + "/configs/danger_shock.yaml");
  ASSERT_EQ(boundaries.exit_code, 0) << boundaries.err;
  // Classical O'Brien-Fleming, two looks at information 0.5 and 1, two-sided 0.05:
  // final z 1.977 and nominal alpha 0.048 (Jennison and Turnbull 2000, Table 2.3; the protocol).
  EXPECT_NE(boundaries.out.find("1.977"), std::string::npos) << boundaries.out;
  EXPECT_NE(boundaries.out.find("0.048"), std::string::npos) << boundaries.out;
}

TEST_F(CliTest, BoundariesPrintTheBetaSpendingFutilityBounds) {
  // Looks at half and all the information, one-sided 0.025, O'Brien-Fleming-type alpha and
  // beta spending (beta 0.2), non-binding: rpact 3.3.4 gives critical values 2.9626 and
  // 1.9686 and the futility bound 0.5594 (tests/data/boundaries_beta_spending.csv has the
  // full-precision values of such designs); beta spent 0.06993 by the interim, 0.2 in all.
  const Command boundaries = trialsim("boundaries " + SOURCE +
                                      "/configs/danger_shock_event_driven.yaml --set "
                                      "'test.boundary={family: spending, function: obrien_fleming}' --set "
                                      "'test.futility={beta_spending: obrien_fleming, beta: 0.2}'");
  ASSERT_EQ(boundaries.exit_code, 0) << boundaries.err;
  for (const char* expected : {"futility z (non-binding)", "cumulative beta", "2.9626", "1.9686", "0.5594", "0.06993",
                               "0.20000", "Futility by beta spending (O'Brien-Fleming type, beta 0.2)"}) {
    EXPECT_NE(boundaries.out.find(expected), std::string::npos) << expected << " in\n" << boundaries.out;
  }
}

struct BadDesign {
  const char* label;
  const char* from;
  const char* to;
  const char* message;  // the location and key the error must name
};

TEST_F(CliTest, BadDesignsExitWithCodeTwoAndWriteNothing) {
  const BadDesign cases[] = {
      {"unknown key", "follow_up:\n  fixed: 180", "follow_up:\n  fixd: 180",
       "bad.yaml:15: follow_up.fixd: unknown key"},
      {"probability outside (0, 1)", "{event_probability: 0.42, at: 180}", "{event_probability: 1.42, at: 180}",
       "bad.yaml:8: arms[1].survival.exponential.event_probability:"},
      {"non-increasing landmarks", "exponential: {event_probability: 0.60, at: 180}",
       "piecewise_exponential: {event_probability: {30: 0.45, 2: 0.25, 180: 0.60}}",
       "bad.yaml:5: arms[0].survival.piecewise_exponential.event_probability"},
      {"negative rate", "{from: 2190, rate: 0.164}", "{from: 2190, rate: -0.164}",
       "bad.yaml:13: enrollment.rates[1].rate:"},
      {"trigger that can never fire", "{completed_follow_up: 180}", "{completed_follow_up: 400}",
       "bad.yaml:18: analyses[0].when.completed_follow_up:"},
      {"one arm only", "  - id: pump\n    survival:\n      exponential: {event_probability: 0.42, at: 180}\n", "",
       "bad.yaml:2: arms:"},
  };
  for (const BadDesign& bad : cases) {
    const fs::path design_path = write("bad.yaml", replaced(GOOD, bad.from, bad.to));
    const Command run = trialsim("run " + design_path.string() + " -o " + (dir_ / "bad.h5").string() + " -q");
    EXPECT_EQ(run.exit_code, 2) << bad.label;
    EXPECT_NE(run.err.find(bad.message), std::string::npos) << bad.label << ": " << run.err;
    expect_no_output();
  }
}

TEST_F(CliTest, UnwritableOutputAndBadArgumentsExitWithCodeTwo) {
  const fs::path design_path = write("good.yaml", GOOD);
  const Command missing_folder = trialsim("run " + design_path.string() + " -o " + (dir_ / "no/such/x.h5").string());
  EXPECT_EQ(missing_folder.exit_code, 2);
  EXPECT_NE(missing_folder.err.find("cannot write output file"), std::string::npos) << missing_folder.err;
  EXPECT_EQ(trialsim("run").exit_code, 2);
  EXPECT_EQ(trialsim("run " + design_path.string() + " --replicates -5").exit_code, 2);
  EXPECT_EQ(trialsim("frobnicate").exit_code, 2);
  EXPECT_EQ(trialsim("run " + (dir_ / "absent.yaml").string()).exit_code, 2);
  const Command not_hdf5 = trialsim("show " + design_path.string());
  EXPECT_EQ(not_hdf5.exit_code, 2);
  expect_no_output();
}

// ------------------------------------------------------------------ progress in logs

namespace {

// 40 patients, one look when all completed follow-up: 100,000 replicates take well under a second.
const std::string SMALL = R"(name: small
arms:
  - {id: control, survival: {exponential: {event_probability: 0.60, at: 180}}}
  - {id: pump, survival: {exponential: {event_probability: 0.42, at: 180}}}
enrollment: {sample_size: 40, rates: [{from: 0, rate: 1}]}
follow_up: {fixed: 180}
analyses: [{name: final, when: {completed_follow_up: all}}]
simulation: {replicates: 100000, seed: 1}
)";

// The lines "trialsim: P% (D/T replicates, ...)" of a log, as (P, D).
std::vector<std::pair<int, long long>> progress_lines(const std::string& log, long long total) {
  const std::regex line("trialsim: (\\d+)% \\((\\d+)/" + std::to_string(total) +
                        " replicates, \\d+ replicates/s, ETA \\d+ s\\)");
  std::vector<std::pair<int, long long>> found;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it) {
    found.emplace_back(std::stoi((*it)[1]), std::stoll((*it)[2]));
  }
  return found;
}

}  // namespace

// stderr to a file (a batch or Slurm log): one line at each tenth of the run,
// with the replicates done; the engine's blocks of 8,192 replicates are smaller
// than a tenth of 100,000, so every tenth has its line.
TEST_F(CliTest, ProgressLinesInALogAtEveryTenth) {
  const fs::path design_path = write("small.yaml", SMALL);
  const Command run = trialsim("run " + design_path.string() + " -o " + (dir_ / "small.h5").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto lines = progress_lines(run.err, 100000);
  ASSERT_EQ(lines.size(), 10u) << run.err;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto [percent, done] = lines[k];
    EXPECT_EQ(percent / 10, static_cast<int>(k + 1)) << run.err;
    EXPECT_EQ(percent, static_cast<int>(100 * done / 100000));
  }
  EXPECT_EQ(lines.back(), (std::pair<int, long long>{100, 100000}));
  EXPECT_EQ(run.err.find('\r'), std::string::npos) << "no bar drawn into a log";
  EXPECT_NE(run.err.find("wrote "), std::string::npos);

  const Command quiet = trialsim("run " + design_path.string() + " -o " + (dir_ / "small.h5").string() + " -q");
  ASSERT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err, "");
}

TEST_F(CliTest, ProgressLinesNameEachScenarioOfASweep) {
  const fs::path design_path = write("sweep.yaml", replaced(SMALL, "replicates: 100000", "replicates: 20000") +
                                                       "sweep:\n  enrollment.sample_size: [40, 60]\n");
  const Command run = trialsim("run " + design_path.string() + " -o " + (dir_ / "sweep.h5").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::size_t first = run.err.find("trialsim: scenario 1/2: #0 sample_size=40\n");
  const std::size_t second = run.err.find("trialsim: scenario 2/2: #1 sample_size=60\n");
  ASSERT_NE(first, std::string::npos) << run.err;
  ASSERT_NE(second, std::string::npos) << run.err;
  EXPECT_LT(first, second);
  // The tenths count over the whole run (40,000 replicates, blocks of at most 8,192).
  const auto lines = progress_lines(run.err, 40000);
  ASSERT_FALSE(lines.empty()) << run.err;
  EXPECT_EQ(lines.back(), (std::pair<int, long long>{100, 40000}));
  for (std::size_t k = 1; k < lines.size(); ++k) EXPECT_GT(lines[k].first / 10, lines[k - 1].first / 10);
}

// On a terminal (script(1) gives the program a pseudo-terminal) the bar is drawn
// in place as before, without log lines.
TEST_F(CliTest, ProgressBarOnATerminal) {
  const fs::path design_path = write("small.yaml", SMALL);
  const fs::path screen = dir_ / "terminal.txt";
  const std::string command = "script -qec '" + std::string(TRIALSIM_BINARY) + " run " + design_path.string() + " -o " +
                              (dir_ / "tty.h5").string() + "' /dev/null < /dev/null > " + screen.string() + " 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string terminal = slurp(screen);
  EXPECT_NE(terminal.find("\r[##############################] 100%  100000/100000"), std::string::npos) << terminal;
  EXPECT_TRUE(progress_lines(terminal, 100000).empty()) << terminal;
  EXPECT_NE(terminal.find("Power (reject for benefit at any look)"), std::string::npos) << terminal;
}

// ------------------------------------------------------------------ readable argument errors

TEST_F(CliTest, OutOfRangeOptionsNameTheOptionAndTheRange) {
  const fs::path design_path = write("good.yaml", GOOD);
  const std::string design = design_path.string();
  const std::pair<std::string, std::string> cases[] = {
      {"run " + design + " --replicates 0",
       "run: --replicates: must be a whole number from 1 to 9223372036854775807, got '0'"},
      {"run " + design + " --replicates -5",
       "run: --replicates: must be a whole number from 1 to 9223372036854775807, got '-5'"},
      {"run " + design + " --replicates 1e6",
       "run: --replicates: must be a whole number from 1 to 9223372036854775807, got '1e6'"},
      {"run " + design + " --replicates 99999999999999999999",
       "run: --replicates: must be a whole number from 1 to 9223372036854775807, got '99999999999999999999'"},
      {"run " + design + " --threads -1",
       "run: --threads: must be a whole number from 0 to 2147483647 (0: all cores), got '-1'"},
      {"run " + design + " --keep-patients x",
       "run: --keep-patients: must be a whole number from 0 to 9223372036854775807, got 'x'"},
      {"run " + design + " --format xml", "run: --format: must be table, csv or json, got 'xml'"},
      {"design " + design + " --simulate 0",
       "design: --simulate: must be a whole number from 1 to 9223372036854775807, got '0'"},
      {"show x.h5 --scenario -2", "show: --scenario: must be a whole number from 0 to 9223372036854775807, got '-2'"},
  };
  for (const auto& [arguments, message] : cases) {
    const Command command = trialsim(arguments);
    EXPECT_EQ(command.exit_code, 2) << arguments;
    EXPECT_EQ(command.err, "trialsim: error: " + message + "\n") << arguments;
    EXPECT_EQ(command.out, "") << arguments;
  }
  expect_no_output();
}

TEST_F(CliTest, TyposGetTheNearestCommandOrOption) {
  const std::string commands = " (commands: run, check, boundaries, show, merge, design, solve)";
  const std::pair<std::string, std::string> cases[] = {
      {"rn x.yaml", "unknown command 'rn'; did you mean 'run'?" + commands},
      {"rnu x.yaml", "unknown command 'rnu'; did you mean 'run'?" + commands},
      {"bound x.yaml", "unknown command 'bound'; did you mean 'boundaries'?" + commands},
      {"sovle x.yaml", "unknown command 'sovle'; did you mean 'solve'?" + commands},
      {"shwo x.h5", "unknown command 'shwo'; did you mean 'show'?" + commands},
      {"frobnicate", "unknown command 'frobnicate'" + commands},
      {"design.yaml", "unknown command 'design.yaml'; did you mean 'trialsim run design.yaml'?" + commands},
      {"",
       "a command is required: run, check, boundaries, show, merge, design, solve (trialsim --help says what each "
       "does)"},
      {"run x.yaml --replicate 5",
       "run: unknown option '--replicate'; did you mean '--replicates'? (trialsim run --help lists the options)"},
      {"solve x.yaml --for enrollment.sample_size --target_power=0.9",
       "solve: unknown option '--target_power'; did you mean '--target-power'? (trialsim solve --help lists the "
       "options)"},
      {"show x.h5 --frobnicate", "show: unknown option '--frobnicate' (trialsim show --help lists the options)"},
      {"check a.yaml b.yaml", "check: unexpected argument 'b.yaml' (trialsim check --help lists the arguments)"},
  };
  for (const auto& [arguments, message] : cases) {
    const Command command = trialsim(arguments);
    EXPECT_EQ(command.exit_code, 2) << arguments;
    EXPECT_EQ(command.err, "trialsim: error: " + message + "\n") << arguments;
  }
  // Help and the version are no errors.
  EXPECT_EQ(trialsim("--version").exit_code, 0);
  EXPECT_EQ(trialsim("run --help").exit_code, 0);
}
