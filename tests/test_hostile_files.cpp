// `trialsim show` on hostile and foreign files, as a user would run it: a file
// that is not HDF5 (text, empty, random bytes, a folder, a FIFO), an HDF5 file
// from another program, a trialsim file cut short at many sizes, and trialsim
// files edited by another program (h5py) to have the right groups but wrong
// shapes, types, links or attributes. Each must end with exit code 2 and one
// clear line naming the file and what is wrong: no crash (the sanitizer builds
// run these too), no hang, no internal error.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "scratch_folder.hpp"

using namespace trialsim::testing;
namespace fs = std::filesystem;
using std::chrono::seconds;

namespace {

const std::string SOURCE = TRIALSIM_SOURCE_DIR;
const std::string EDITOR = SOURCE + "/tests/hostile_files.py";
// Debian's python3 has h5py (python3-h5py); a python3 earlier on PATH may not.
const std::string PYTHON = "/usr/bin/python3";

class HostileFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = make_scratch_folder("trialsim_hostile_");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Finished trialsim(const std::vector<std::string>& arguments) const {
    Child child(arguments, dir_);
    return child.wait(seconds(60));
  }

  // `show FILE` fails with exit code 2 and exactly "trialsim: error: FILE: <reason>".
  void expect_refused(const fs::path& file, const std::string& reason) const {
    const Finished finished = trialsim({"show", file.string()});
    ASSERT_TRUE(finished.exited) << file << ": signal " << finished.signal
                                 << (finished.timed_out ? ", hung" : "");
    EXPECT_EQ(finished.exit_code, 2) << file;
    EXPECT_EQ(finished.err, "trialsim: error: " + file.string() + ": " + reason + "\n") << file;
    EXPECT_EQ(finished.out, "") << file;
  }

  fs::path good_file() const {
    const fs::path path = dir_ / "good.h5";
    const Finished run = trialsim(
        {"run", SOURCE + "/configs/danger_shock.yaml", "-o", path.string(), "--replicates", "300", "-q"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return path;
  }

  static bool have_h5py() { return std::system((PYTHON + " -c 'import h5py' > /dev/null 2>&1").c_str()) == 0; }

  // An h5py-edited copy of `source` ("-": a new file); see tests/hostile_files.py.
  fs::path edited(const std::string& source, const std::string& name, const std::vector<std::string>& edits) const {
    std::string command = PYTHON + " " + EDITOR + " " + source + " " + (dir_ / name).string();
    for (const std::string& edit : edits) command += " '" + edit + "'";
    EXPECT_EQ(std::system((command + " > /dev/null").c_str()), 0) << command;
    return dir_ / name;
  }

  fs::path dir_;
};

} // namespace

TEST_F(HostileFileTest, FilesThatAreNotHdf5) {
  std::ofstream(dir_ / "text.h5") << "power: 0.8\n";
  expect_refused(dir_ / "text.h5", "not an HDF5 file");
  std::ofstream(dir_ / "empty.h5");
  expect_refused(dir_ / "empty.h5", "not an HDF5 file");
  std::string noise(100000, '\0');
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 2654435761u) >> 13);
  std::ofstream(dir_ / "noise.h5", std::ios::binary) << noise;
  expect_refused(dir_ / "noise.h5", "not an HDF5 file");
  fs::create_directory(dir_ / "folder.h5");
  expect_refused(dir_ / "folder.h5", "not an HDF5 file");
  expect_refused(dir_ / "missing.h5", "no such file");
  // Reading a FIFO would wait for a writer for ever.
  ASSERT_EQ(::mkfifo((dir_ / "fifo.h5").c_str(), 0600), 0);
  expect_refused(dir_ / "fifo.h5", "not a regular file");
}

TEST_F(HostileFileTest, TruncatedResultsFiles) {
  const std::string bytes = read_bytes(good_file());
  ASSERT_GT(bytes.size(), 20000u);
  // From nothing to one byte short: the checksum block, the signature, the superblock, the object
  // headers, the data.
  for (const std::size_t size : {std::size_t{1}, std::size_t{8}, std::size_t{96}, std::size_t{512}, std::size_t{2048},
                                 std::size_t{4096}, bytes.size() / 4, bytes.size() / 2, bytes.size() - 1}) {
    const fs::path cut = dir_ / ("cut_" + std::to_string(size) + ".h5");
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, size);
    // The HDF5 signature follows the 512-byte checksum block; the block states the length.
    expect_refused(cut, size < 520 ? "not an HDF5 file"
                                   : "truncated file (" + std::to_string(size) + " of " + std::to_string(bytes.size()) +
                                         " bytes)");
  }
}

TEST_F(HostileFileTest, Hdf5FilesFromAnotherProgram) {
  if (!have_h5py()) GTEST_SKIP() << PYTHON << " has no h5py";
  expect_refused(edited("-", "foreign.h5", {}), "not a trialsim results file");
  const std::string good = good_file().string();
  expect_refused(edited(good, "filetype_number.h5", {"--attr=filetype=1"}), "not a trialsim results file");
  expect_refused(edited(good, "filetype_other.h5", {"--attr=filetype=\"other results\""}),
                 "not a trialsim results file");
}

TEST_F(HostileFileTest, RightGroupsWrongContents) {
  if (!have_h5py()) GTEST_SKIP() << PYTHON << " has no h5py";
  const std::string good = good_file().string();
  struct Case {
    std::string name;
    std::vector<std::string> edits;
    std::string reason;
  };
  const std::vector<Case> cases{
      {"no_version", {"--delattr=format_version"}, "attribute format_version: missing"},
      {"version_text",
       {"--attr=format_version=\"2\""},
       "/ attribute format_version: expected integer values, found string"},
      {"future", {"--attr=format_version=3"}, "format_version 3 is not supported (this trialsim reads 2)"},
      {"no_config", {"--delattr=config_yaml"}, "attribute config_yaml: missing"},
      {"config_number", {"--attr=config_yaml=7"}, "/ attribute config_yaml: expected strings"},
      {"replicates_negative", {"--attr=replicates=-5"}, "attribute replicates: negative (-5)"},
      {"replicates_text",
       {"--attr=replicates=\"300\""},
       "/ attribute replicates: expected integer values, found string"},
      {"replicates_more",
       {"--attr=replicates=4611686018427387904"},
       "/replicates/performed: expected shape [4611686018427387904, 2], found [300, 2]"},
      {"power_text",
       {"--dataset=/summary/power=\"high\""},
       "/summary/power: expected floating-point values, found string"},
      {"power_vector", {"--dataset=/summary/power=[0.1, 0.2]"}, "/summary/power: expected shape [], found [2]"},
      {"power_group", {"--group=/summary/power"}, "cannot open dataset /summary/power (not a dataset)"},
      {"power_missing", {"--delete=/summary/power"}, "/summary/power: missing"},
      {"power_loop",
       {"--softlink=/summary/power=/summary/power"},
       "cannot open dataset /summary/power (too many links)"},
      {"summary_dangling", {"--softlink=/summary=/nowhere"}, "cannot look up /summary/power"},
      {"summary_elsewhere", {"--extlink=/summary=missing.h5"}, "cannot look up /summary/power"},
      {"names_numbers", {"--dataset=/summary/look_names=[1, 2]"}, "/summary/look_names: expected strings"},
      {"no_looks", {"--dataset=/summary/look_names=[]"}, "/summary/look_names: expected 1 to 10 looks, found 0"},
      {"quantiles_shape",
       {"--dataset=/summary/hr/quantiles=[[1, 2, 3, 4], [1, 2, 3, 4]]"},
       "/summary/hr/quantiles: expected shape [2, 5], found [2, 4]"},
      {"decisions_cut",
       {"--dataset=/replicates/decision=[[1, 4]]"},
       "/replicates/decision: expected shape [300, 2], found [1, 2]"},
      {"z_flat", {"--dataset=/replicates/z=[0.5]"}, "/replicates/z: expected shape [300, 2], found [1]"},
  };
  for (const Case& c : cases) expect_refused(edited(good, c.name + ".h5", c.edits), c.reason);
}

TEST_F(HostileFileTest, StoredDesignThatDoesNotFitTheSummary) {
  if (!have_h5py()) GTEST_SKIP() << PYTHON << " has no h5py";
  const std::string good = good_file().string();
  const fs::path broken = edited(good, "broken_yaml.h5", {"--attr=config_yaml=\"name: [unclosed\""});
  const Finished unreadable = trialsim({"show", broken.string()});
  EXPECT_EQ(unreadable.exit_code, 2);
  EXPECT_EQ(unreadable.err.rfind("trialsim: error: " + broken.string() + " (config_yaml):1: invalid YAML: ", 0), 0u)
      << unreadable.err;

  // A valid design of one look over a summary of two: the table would mix them.
  const std::string one_look =
      "name: one look\\narms:\\n  - {id: a, survival: {exponential: {median: 10}}}\\n"
      "  - {id: b, survival: {exponential: {median: 12}}}\\n"
      "enrollment: {sample_size: 100, rates: [{from: 0, rate: 1}]}\\nanalyses: [{when: {events: 50}}]\\n";
  const fs::path mismatched = edited(good, "one_look.h5", {"--attr=config_yaml=\"" + one_look + "\""});
  expect_refused(mismatched, "the stored design has 1 look(s), the summary 2");
}
