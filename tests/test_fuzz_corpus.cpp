// The fuzz target's properties (tests/fuzz/design_input.hpp) on every saved
// input: the seeds of tools/fuzz and the inputs that fuzzing found to fail once
// (tests/fuzz/regressions/, each fixed and kept so that it stays fixed). Runs
// under the sanitizer builds too, so a crash or leak there fails this test.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fuzz/design_input.hpp"
#include "input_error.hpp"

using namespace trialsim;
namespace fs = std::filesystem;

namespace {

const fs::path SOURCE = TRIALSIM_SOURCE_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Checks every file of `folder`; returns how many loaded as valid designs.
int check_folder(const fs::path& folder, int& files) {
  int accepted = 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    try {
      if (fuzz::check_design_input(read_file(entry.path())) == fuzz::Verdict::accepted) ++accepted;
    } catch (const std::exception& error) {
      ADD_FAILURE() << entry.path() << ": " << error.what();
    }
  }
  return accepted;
}

}  // namespace

TEST(FuzzCorpus, SeedsAndShippedConfigsKeepTheLoaderProperties) {
  int files = 0;
  const int accepted = check_folder(SOURCE / "tests/fuzz/seeds", files) + check_folder(SOURCE / "configs", files);
  // The seeds hold valid designs of every form and bad snippets; both kinds must be there.
  EXPECT_GE(accepted, 9);
  EXPECT_GE(files - accepted, 5);
}

TEST(FuzzCorpus, RegressionsKeepTheLoaderProperties) {
  int files = 0;
  check_folder(SOURCE / "tests/fuzz/regressions", files);
  EXPECT_GE(files, 1);
}

// The first regression: boundaries that cannot exist are the user's input error, named.
TEST(FuzzCorpus, BoundariesThatCannotExistAreInputErrors) {
  const std::string text = read_file(SOURCE / "tests/fuzz/regressions/haybittle_peto_interim_z_spends_everything.yaml");
  const Design design = parse_design(text, "regression.yaml");
  EXPECT_EQ(trialsim::testing::input_error_of([&] { plan_boundaries(design); }),
            "test.boundary: the Haybittle-Peto interim boundaries (z = 1e-300) alone spend 1, more than alpha = 0.05");
}
