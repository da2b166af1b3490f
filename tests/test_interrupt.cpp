// Interruption and failing destinations, with real processes: SIGINT and
// SIGTERM during a long run stop it promptly with exit code 128 + signal and a
// message, leaving no output (nor temporary) file and an existing file of the
// same name byte for byte as it was; a full disk (the child's file size limit,
// so writes fail with EFBIG) fails with a clear message and exit code 2, with
// the same guarantees; an unwritable destination fails before any simulation.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "scratch_folder.hpp"

using namespace trialsim::testing;
namespace fs = std::filesystem;
using std::chrono::seconds;

namespace {

const std::string DANGER_SHOCK = std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock.yaml";
// Far more replicates than any test waits for: hours of simulation even in a Release build.
const std::string ENDLESS = "100000000";
const std::string PREVIOUS = "previous results: must survive any failed or interrupted run\n";

class InterruptTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = make_scratch_folder("trialsim_interrupt_");
    output_ = dir_ / "out.h5";
    std::ofstream(output_, std::ios::binary) << PREVIOUS;
  }
  void TearDown() override {
    if (fs::exists(dir_ / "read_only")) fs::permissions(dir_ / "read_only", fs::perms::owner_all);
    fs::remove_all(dir_);
  }

  // Waits until the run has created its temporary file, i.e. has passed validation and
  // opened its output, and is simulating.
  bool wait_for_partial_file(Child& child) const {
    const fs::path partial = output_.string() + ".partial-" + std::to_string(child.pid());
    const auto start = std::chrono::steady_clock::now();
    while (!fs::exists(partial)) {
      if (!child.running() || std::chrono::steady_clock::now() - start > seconds(60)) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // well into the simulation
    return true;
  }

  // The folder holds the previous output, unchanged, and the child's logs: nothing else.
  void expect_previous_output_only() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.insert(entry.path().filename().string());
    EXPECT_EQ(names, (std::set<std::string>{"out.h5", "stdout.txt", "stderr.txt"}));
    EXPECT_EQ(read_bytes(output_), PREVIOUS);
  }

  void expect_interruption_handled(int signal, const std::string& name) {
    Child child({"run", DANGER_SHOCK, "-o", output_.string(), "--replicates", ENDLESS, "--threads", "2", "-q"}, dir_);
    ASSERT_TRUE(wait_for_partial_file(child)) << child.wait(seconds(1)).err;
    const auto sent = std::chrono::steady_clock::now();
    child.send(signal);
    const Finished finished = child.wait(seconds(60));
    const double seconds_to_stop = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    ASSERT_TRUE(finished.exited) << "signal " << finished.signal << (finished.timed_out ? ", timed out" : "");
    EXPECT_EQ(finished.exit_code, 128 + signal);
    // Stop requests are polled between replicates: a DanGer Shock replicate takes microseconds
    // (milliseconds under sanitizers), so a second is generous.
    EXPECT_LT(seconds_to_stop, 5.0);
    EXPECT_NE(finished.err.find("trialsim: interrupted by " + name + " after "), std::string::npos) << finished.err;
    EXPECT_NE(finished.err.find(" of " + ENDLESS + " replicates; no results file written (" + output_.string() +
                                " left as it was)"),
              std::string::npos)
        << finished.err;
    EXPECT_EQ(finished.out, "");
    expect_previous_output_only();
  }

  fs::path dir_;
  fs::path output_;
};

} // namespace

TEST_F(InterruptTest, CtrlCStopsTheRunAndLeavesNoFile) {
  expect_interruption_handled(SIGINT, "SIGINT");
}

TEST_F(InterruptTest, SigtermStopsTheRunAndLeavesNoFile) {
  expect_interruption_handled(SIGTERM, "SIGTERM");
}

TEST_F(InterruptTest, AFullDiskFailsWithAClearMessageAndLeavesTheExistingFileIntact) {
  // 200,000 replicates of two looks need megabytes; the child may write 64 KiB per file, so
  // the run fails at its first blocks (HDF5 writes a chunk when its cache is full).
  // Small trials (40 patients) keep the simulation before the failure short under sanitizers.
  Child child({"run", DANGER_SHOCK, "-o", output_.string(), "--replicates", "200000", "--threads", "2", "-q", "--set",
               "enrollment.sample_size=40", "--set", "analyses[0].when.completed_follow_up=20"},
              dir_,
              64 * 1024);
  const Finished finished = child.wait(seconds(600));
  ASSERT_TRUE(finished.exited) << "signal " << finished.signal << (finished.timed_out ? ", timed out" : "");
  EXPECT_EQ(finished.exit_code, 2) << finished.err;
  EXPECT_EQ(finished.err.rfind("trialsim: error: " + output_.string() + ": cannot write output file: ", 0), 0u)
      << finished.err;
  EXPECT_NE(finished.err.find("File too large"), std::string::npos) << finished.err; // the system's reason, EFBIG
  EXPECT_EQ(finished.out, "");
  expect_previous_output_only();
}

TEST_F(InterruptTest, UnwritableDestinationsFailBeforeSimulating) {
  std::ofstream(dir_ / "plain") << "a file, not a folder";
  fs::create_directory(dir_ / "folder.h5");
  struct Destination {
    fs::path path;
    std::string reason;
  };
  std::vector<Destination> destinations{
      {dir_ / "missing" / "out.h5", "folder " + (dir_ / "missing").string() + " does not exist"},
      {dir_ / "plain" / "out.h5", (dir_ / "plain").string() + " is not a folder"},
      {dir_ / "folder.h5", "it is a folder"},
  };
  // sysfs refuses new files even to root (who may write into any read-only folder).
  if (fs::is_directory("/sys/kernel")) destinations.push_back({"/sys/kernel/out.h5", "permission denied"});
  if (::geteuid() != 0) {
    fs::create_directory(dir_ / "read_only");
    fs::permissions(dir_ / "read_only", fs::perms::owner_read | fs::perms::owner_exec);
    destinations.push_back({dir_ / "read_only" / "out.h5", "permission denied"});
  }
  for (const Destination& destination : destinations) {
    // A billion replicates: only failing before the simulation can end within the deadline.
    Child child({"run", DANGER_SHOCK, "-o", destination.path.string(), "--replicates", "1000000000", "-q"}, dir_);
    const Finished finished = child.wait(seconds(60));
    ASSERT_TRUE(finished.exited) << destination.path << (finished.timed_out ? ": still simulating" : "");
    EXPECT_EQ(finished.exit_code, 2) << destination.path;
    EXPECT_EQ(finished.err, "trialsim: error: " + destination.path.string() + ": cannot write output file: " +
                                destination.reason + "\n");
  }
  fs::remove_all(dir_ / "folder.h5");
  fs::remove(dir_ / "plain");
  if (fs::exists(dir_ / "read_only")) {
    fs::permissions(dir_ / "read_only", fs::perms::owner_all);
    fs::remove(dir_ / "read_only");
  }
  expect_previous_output_only();
}
