// Shards and merging: shard ranges and the design digest against known answers;
// shards merged in any order give, dataset for dataset and byte for byte, the
// file of a single run; bad merges exit with code 2, a message naming the file
// and the problem, and no output file.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../src/io/file_checksum.hpp" // private to io: the test edits a file as a writer would
#include "file_comparison.hpp"
#include "input_error.hpp"
#include "scratch_folder.hpp"
#include "trialsim/error.hpp"
#include "trialsim/io.hpp"
#include "trialsim/shard.hpp"
#include "trialsim/version.hpp"

using namespace trialsim;
using trialsim::testing::input_error_of;
namespace fs = std::filesystem;

namespace {

// A small design (40 patients) so that runs of 70,000 replicates take a second.
const std::string SMALL_DESIGN = R"(name: shard test
arms:
  - id: control
    survival:
      exponential: {event_probability: 0.60, at: 180}
  - id: treatment
    survival:
      exponential: {event_probability: 0.42, at: 180}
enrollment:
  sample_size: 40
  rates:
    - {from: 0, rate: 0.2}
follow_up:
  fixed: 180
analyses:
  - name: interim
    when: {completed_follow_up: 20}
  - name: final
    when: {completed_follow_up: all}
simulation:
  replicates: 1000
  seed: 7
)";

// Attributes and objects that are allowed to differ between a merged file
// and a single run's: when and how fast each was made (root and sweep scenarios).
const std::set<std::string> WHEN_MADE = {"created_utc"};
const std::set<std::string> RUNTIME = {"runtime"};

struct Outcome {
  int exit_code;
  std::string err;
};

class ShardFiles : public ScratchFolderTest {
 protected:
  void SetUp() override {
    ScratchFolderTest::SetUp();
    std::ofstream(dir_ / "design.yaml") << SMALL_DESIGN;
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  Outcome trialsim(const std::string& arguments) const {
    const std::string err = path("stderr.txt");
    const std::string command = std::string(TRIALSIM_BINARY) + " " + arguments + " > /dev/null 2> " + err;
    const int status = std::system(command.c_str());
    std::stringstream text;
    text << std::ifstream(err).rdbuf();
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
  }

  // Runs the design (options such as "--shard 2/3") into `name`; the test fails when the run does.
  std::string run(const std::string& name, const std::string& options = "") const {
    const Outcome outcome = trialsim("run " + path("design.yaml") + " -o " + path(name) + " -q " + options);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
    return path(name);
  }

  // Runs shards 1..count into shard<K>.h5.
  std::vector<std::string> run_shards(int count, const std::string& options = "") const {
    std::vector<std::string> shards;
    for (int k = 1; k <= count; ++k) {
      const std::string shard = std::to_string(k) + "/" + std::to_string(count);
      shards.push_back(run("shard" + std::to_string(k) + ".h5", "--shard " + shard + " " + options));
    }
    return shards;
  }

  Outcome merge(const std::vector<std::string>& shards, const std::string& output = "merged.h5") const {
    std::string arguments = "merge -q -o " + path(output);
    for (const std::string& shard : shards) arguments += " " + shard;
    return trialsim(arguments);
  }

  // A bad merge: exit code 2, exactly this message, and no output under any name.
  void expect_refused(const std::vector<std::string>& shards, const std::string& message) const {
    const Outcome outcome = merge(shards);
    EXPECT_EQ(outcome.exit_code, 2) << outcome.err;
    EXPECT_EQ(outcome.err, "trialsim: error: " + message + "\n");
    for (const auto& entry : fs::directory_iterator(dir_)) {
      EXPECT_EQ(entry.path().filename().string().find("merged"), std::string::npos) << entry.path();
    }
  }
};

}  // namespace

TEST(Shard, RangesAreTheDocumentedFloorSplit) {
  EXPECT_EQ(make_shard(1, 3, 1000), (Shard{1, 3, 0, 333, 1000}));
  EXPECT_EQ(make_shard(2, 3, 1000), (Shard{2, 3, 333, 666, 1000}));
  EXPECT_EQ(make_shard(3, 3, 1000), (Shard{3, 3, 666, 1000, 1000}));
  EXPECT_EQ(make_shard(1, 1, 5), (Shard{1, 1, 0, 5, 5}));
  // Seven shards of 100: contiguous, sizes 14 or 15.
  std::int64_t end = 0;
  for (int k = 1; k <= 7; ++k) {
    const Shard shard = make_shard(k, 7, 100);
    EXPECT_EQ(shard.begin, end);
    EXPECT_TRUE(shard.size() == 14 || shard.size() == 15) << k;
    end = shard.end;
  }
  EXPECT_EQ(end, 100);
  // (K-1) R would overflow 64 bits here; floor(4e18 / 3) = 1333333333333333333.
  const Shard huge = make_shard(2, 3, 4'000'000'000'000'000'000);
  EXPECT_EQ(huge.begin, 1'333'333'333'333'333'333);
  EXPECT_EQ(huge.end, 2'666'666'666'666'666'666);
  EXPECT_THROW(make_shard(4, 3, 1000), std::invalid_argument);
}

TEST(Shard, ParsesKOfNAndNamesWhatIsWrong) {
  EXPECT_EQ(parse_shard("2/3", 1000), make_shard(2, 3, 1000));
  const std::string expected = "--shard: expected K/N (shard K of N, counted from 1, e.g. 2/8), found ";
  for (const char* text : {"2", "2/", "/3", "a/3", "2/3x", "-1/3", "2 / 3", "99999999999999999999/3"}) {
    EXPECT_EQ(input_error_of([&] { parse_shard(text, 1000); }), expected + "\"" + text + "\"");
  }
  EXPECT_EQ(input_error_of([] { parse_shard("0/3", 1000); }), "--shard: K must be 1 to N in K/N, found 0/3");
  EXPECT_EQ(input_error_of([] { parse_shard("4/3", 1000); }), "--shard: K must be 1 to N in K/N, found 4/3");
  EXPECT_EQ(input_error_of([] { parse_shard("2/2000", 1000); }),
            "--shard: N must be at most the number of replicates (1000), found 2/2000");
}

TEST(Shard, TextCountsReplicatesFromOne) {
  EXPECT_EQ(shard_text(make_shard(2, 3, 1000)), "shard 2/3 (replicates 334..666 of 1000)");
  EXPECT_EQ(replicate_range_text(4, 5), "5");
}

TEST(Shard, DesignDigestIsSixtyFourBitFnv1a) {
  // Test vectors of FNV-1a 64 (Fowler, Noll and Vo, the FNV reference test suite).
  EXPECT_EQ(design_digest(""), "cbf29ce484222325");
  EXPECT_EQ(design_digest("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(design_digest("foobar"), "85944171f73967e8");
}

TEST_F(ShardFiles, ThreeShardsMergeIntoTheFileOfASingleRun) {
  // 70,001 replicates: more than one merge block (65,536) and uneven shards.
  const std::string options = "--replicates 70001 --threads 2";
  const std::string single = run("single.h5", options);
  const std::vector<std::string> shards = run_shards(3, options);

  // Each shard holds exactly its slice of the single run's replicates.
  const std::vector<TrialOutcome> all = read_replicates(single, 2);
  for (int k = 1; k <= 3; ++k) {
    const Shard expected = make_shard(k, 3, 70001);
    const std::optional<ShardInfo> info = read_shard_info(shards[static_cast<std::size_t>(k - 1)]);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->shard, expected);
    const std::vector<TrialOutcome> slice = read_replicates(single, 2, expected.begin, expected.size());
    const std::vector<TrialOutcome> stored = read_replicates(shards[static_cast<std::size_t>(k - 1)], 2);
    ASSERT_EQ(stored.size(), static_cast<std::size_t>(expected.size()));
    for (std::size_t r = 0; r < stored.size(); r += 997) {  // the interim is always performed: z is never NaN
      EXPECT_EQ(stored[r].looks[0].z, slice[r].looks[0].z) << r;
      EXPECT_EQ(stored[r].looks[0].z, all[static_cast<std::size_t>(expected.begin) + r].looks[0].z) << r;
      EXPECT_EQ(stored[r].stop_look, slice[r].stop_look) << r;
    }
  }

  // Given in any order, the shards merge into the single run's file.
  const Outcome merged = merge({shards[2], shards[0], shards[1]});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(file_comparison::differences(single, path("merged.h5"), RUNTIME, WHEN_MADE), std::vector<std::string>{});
  // The comparison does see a difference where there is one.
  EXPECT_EQ(file_comparison::differences(single, shards[0], RUNTIME, WHEN_MADE).empty(), false);
}

// Compared statistics: their per-replicate z and decisions are columns like the others, and
// merging refolds their powers and paired differences from them.
TEST_F(ShardFiles, ShardsWithComparedStatisticsMergeIntoTheFileOfASingleRun) {
  std::ofstream(path("design.yaml")) << SMALL_DESIGN
                                     << "test:\n  compare: [{statistic: maxcombo}, {statistic: rmst, tau: 180}]\n";
  const std::string single = run("single.h5", "--replicates 3001");
  const std::vector<std::string> shards = run_shards(2, "--replicates 3001");
  const Outcome merged = merge({shards[1], shards[0]});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(file_comparison::differences(single, path("merged.h5"), RUNTIME, WHEN_MADE), std::vector<std::string>{});
  EXPECT_EQ(file_comparison::differences(single, shards[0], RUNTIME, WHEN_MADE).empty(), false);
}

TEST_F(ShardFiles, OneShardMergesIntoTheFileOfASingleRun) {
  const std::string single = run("single.h5");
  const std::vector<std::string> shards = run_shards(1);
  ASSERT_EQ(merge(shards).exit_code, 0);
  EXPECT_EQ(file_comparison::differences(single, path("merged.h5"), RUNTIME, WHEN_MADE), std::vector<std::string>{});
}

TEST_F(ShardFiles, PatientsAreWrittenByTheShardsThatHoldThemAndConcatenated) {
  // Shards of 100: the patients of replicates 0..149 are in shards 1 and 2, none in 3.
  const std::string options = "--replicates 300 --keep-patients 150";
  const std::string single = run("single.h5", options);
  const std::vector<std::string> shards = run_shards(3, options);
  EXPECT_EQ(read_patients(shards[0], 2).trials.size(), 100u);
  const StoredPatients second = read_patients(shards[1], 2);
  EXPECT_EQ(second.first_replicate, 100);
  EXPECT_EQ(second.trials.size(), 50u);
  EXPECT_EQ(read_patients(shards[2], 2).trials.size(), 0u);
  const StoredPatients expected = read_patients(single, 2);
  ASSERT_EQ(expected.trials.size(), 150u);
  EXPECT_EQ(second.trials[7].entry, expected.trials[107].entry);
  EXPECT_EQ(second.trials[7].time, expected.trials[107].time);

  ASSERT_EQ(merge({shards[1], shards[2], shards[0]}).exit_code, 0);
  EXPECT_EQ(file_comparison::differences(single, path("merged.h5"), RUNTIME, WHEN_MADE), std::vector<std::string>{});
}

TEST_F(ShardFiles, ShardsOfASweepMergeIntoTheFileOfASingleSweepRun) {
  // Four scenarios; the patients of replicates 0..399 span shards 1 and 2 of every scenario.
  std::ofstream(path("sweep.yaml")) << SMALL_DESIGN << "sweep:\n"
                                    << "  enrollment.sample_size: [40, 60]\n"
                                    << "  arms[1].survival.exponential.event_probability: [0.42, 0.50]\n";
  const std::string options = " -q --keep-patients 400";
  const auto run_sweep = [&](const std::string& name, const std::string& shard) {
    const Outcome outcome = trialsim("run " + path("sweep.yaml") + " -o " + path(name) + options + shard);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
    return path(name);
  };
  const std::string single = run_sweep("single.h5", "");
  std::vector<std::string> shards;
  for (int k = 1; k <= 3; ++k) {
    shards.push_back(run_sweep("shard" + std::to_string(k) + ".h5", " --shard " + std::to_string(k) + "/3"));
  }

  // Shard 2 holds replicates 333..665 of every scenario.
  EXPECT_EQ(read_file_info(shards[1]).scenarios, 4);
  for (std::size_t scenario = 0; scenario < 4; ++scenario) {
    const std::string group = scenario_group(scenario);
    const std::vector<TrialOutcome> slice = read_replicates(single, 2, 333, 333, group);
    const std::vector<TrialOutcome> stored = read_replicates(shards[1], 2, group);
    ASSERT_EQ(stored.size(), 333u);
    for (std::size_t r = 0; r < stored.size(); r += 37) EXPECT_EQ(stored[r].looks[0].z, slice[r].looks[0].z) << r;
    EXPECT_EQ(read_patients(shards[1], 2, group).first_replicate, 333);
    EXPECT_EQ(read_patients(shards[1], 2, group).trials.size(), 67u);
  }
  // A shard's own table pairs only its slice, so it differs from the whole run's.
  EXPECT_NE(read_power_differences(shards[1])[3].difference, read_power_differences(single)[3].difference);

  const Outcome merged = merge({shards[1], shards[2], shards[0]});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(file_comparison::differences(single, path("merged.h5"), RUNTIME, WHEN_MADE), std::vector<std::string>{});
}

TEST_F(ShardFiles, ShowSaysThatAFileIsAShard) {
  const std::vector<std::string> shards = run_shards(3);
  const std::string out = path("show.txt");
  const int status = std::system((std::string(TRIALSIM_BINARY) + " show " + shards[1] + " > " + out).c_str());
  ASSERT_EQ(WEXITSTATUS(status), 0);
  std::stringstream text;
  text << std::ifstream(out).rdbuf();
  EXPECT_NE(text.str().find("\n  (this file is shard 2/3 (replicates 334..666 of 1000) only; trialsim merge "
                            "combines the shards)\n"),
            std::string::npos)
      << text.str();
  // The table is the shard's own: its 333 replicates.
  EXPECT_NE(text.str().find("  333 replicates, seed 7"), std::string::npos) << text.str();
}

TEST_F(ShardFiles, ABadShardArgumentExitsWithCodeTwo) {
  const Outcome outcome = trialsim("run " + path("design.yaml") + " -o " + path("x.h5") + " -q --shard 4/3");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.err, "trialsim: error: --shard: K must be 1 to N in K/N, found 4/3\n");
  EXPECT_FALSE(fs::exists(path("x.h5")));
}

TEST_F(ShardFiles, ShardsOfAnotherRunAreRefused) {
  const std::vector<std::string> shards = run_shards(3);
  const std::string seed = run("seed.h5", "--shard 2/3 --seed 8");
  expect_refused({shards[0], seed, shards[2]}, seed + ": seed 8 differs from seed 7 of " + shards[0]);

  const std::string design = run("design.h5", "--shard 2/3 --set enrollment.sample_size=42");
  expect_refused({shards[0], design, shards[2]}, design + ": design (digest " + read_shard_info(design)->design_digest +
                                                     ") differs from the design (digest " +
                                                     read_shard_info(shards[0])->design_digest + ") of " + shards[0]);

  const std::string replicates = run("replicates.h5", "--shard 2/3 --replicates 999");
  expect_refused({shards[0], replicates, shards[2]},
                 replicates + ": is a shard of 999 replicates, not of the 1000 of " + shards[0]);

  // A shard of another trialsim version (its attribute rewritten as that version would have).
  const std::string version = path("version.h5");
  fs::copy_file(shards[1], version);
  const hid_t file = H5Fopen(version.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(H5Adelete(file, "trialsim_version"), 0);
  const hid_t type = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
  H5Tset_size(type, H5T_VARIABLE);
  const hid_t attribute = H5Acreate2(file, "trialsim_version", type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char* other_version = "99.0.0";
  H5Awrite(attribute, type, &other_version);
  H5Aclose(attribute);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(file);
  checksum::stamp(version); // the other version would have written its own checksum
  expect_refused({shards[0], version, shards[2]},
                 version + ": written by trialsim 99.0.0, not by trialsim " + VERSION + " as " + shards[0]);

  const std::string patients = run("patients.h5", "--shard 2/3 --keep-patients 5");
  expect_refused({shards[0], patients, shards[2]}, patients + ": --keep-patients 5 differs from 0 of " + shards[0]);
}

TEST_F(ShardFiles, MissingDuplicatedAndOverlappingSlicesAreNamed) {
  const std::vector<std::string> shards = run_shards(3);
  expect_refused({shards[0], shards[2]}, "replicates 334..666 of 1000 missing (shard 2/3 not given)");
  expect_refused({shards[1]}, "replicates 1..333 and 667..1000 of 1000 missing (shards 1/3 and 3/3 not given)");
  expect_refused({shards[0], shards[1], shards[1], shards[2]},
                 shards[1] + ": shard 2/3 (replicates 334..666 of 1000) is given twice, here and in " + shards[1]);

  const std::string half = run("half.h5", "--shard 1/2");
  expect_refused({half, shards[1], shards[2]},
                 shards[1] +
                     ": shard 2/3 (replicates 334..666 of 1000) overlaps shard 1/2 (replicates 1..500 of "
                     "1000) of " +
                     half + " in replicates 334..500");
  const std::string last_quarter = run("last_quarter.h5", "--shard 4/4");
  expect_refused({half, last_quarter}, "replicates 501..750 of 1000 missing");

  // Shards of different N that cover the run exactly once merge like any others.
  const std::string third_quarter = run("third_quarter.h5", "--shard 3/4");
  ASSERT_EQ(merge({last_quarter, half, third_quarter}).exit_code, 0);
  EXPECT_EQ(file_comparison::differences(run("single.h5"), path("merged.h5"), RUNTIME, WHEN_MADE),
            std::vector<std::string>{});
}

TEST_F(ShardFiles, ForeignTruncatedAndWholeRunFilesAreRefused) {
  const std::vector<std::string> shards = run_shards(2);

  const std::string text = path("text.h5");
  std::ofstream(text) << "power: 0.8\n";
  expect_refused({shards[0], text}, text + ": not an HDF5 file");

  const std::string foreign = path("foreign.h5");
  const hid_t file = H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t group = H5Gcreate2(file, "replicates", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(group);
  H5Fclose(file);
  expect_refused({shards[0], foreign}, foreign + ": not a trialsim results file");

  std::stringstream bytes;
  bytes << std::ifstream(shards[1], std::ios::binary).rdbuf();
  const std::string truncated = path("truncated.h5");
  std::ofstream(truncated, std::ios::binary) << bytes.str().substr(0, bytes.str().size() / 2);
  expect_refused({shards[0], truncated}, truncated + ": truncated file (" + std::to_string(bytes.str().size() / 2) +
                                              " of " + std::to_string(bytes.str().size()) + " bytes)");

  expect_refused({shards[0], path("absent.h5")}, path("absent.h5") + ": no such file");

  const std::string single = run("single.h5");
  expect_refused({single}, single + ": not a shard file (written by trialsim run without --shard)");

  const Outcome onto_input = merge({shards[0], shards[1]}, "shard1.h5");
  EXPECT_EQ(onto_input.exit_code, 2);
  EXPECT_EQ(onto_input.err,
            "trialsim: error: " + shards[0] + ": is one of the shards being merged; choose another output file\n");
}
