// Golden digests of fixed-seed runs: every per-replicate record of the shipped designs
// (every column of /replicates, as outcome_columns.hpp lists them), hashed. A speed-up
// that changes any result by accident changes a digest. When a change of the
// random streams or of a statistic is deliberate, regenerate the digests with
//   TRIALSIM_UPDATE_GOLDEN=1 build/tests/test_golden
// say why in the commit, and check that the statistical tests still pass.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/outcome_columns.hpp"
#include "trialsim/shard.hpp"

using namespace trialsim;

namespace {

const std::string GOLDEN_FILE = std::string(TRIALSIM_TEST_DATA) + "/golden_digests.txt";
constexpr std::int64_t REPLICATES = 4096;

// The digest of every record of the first REPLICATES replicates, on two threads.
std::string run_digest(const std::string& config) {
  const Design design = load_design(std::string(TRIALSIM_SOURCE_DIR) + "/configs/" + config);
  RunOptions options;
  options.count = REPLICATES;
  options.threads = 2;
  options.block_size = 1000; // several blocks, the last one partial
  std::string bytes;
  options.on_block = [&](std::int64_t, std::span<const TrialOutcome> outcomes) {
    for (const TrialOutcome& outcome : outcomes) {
      append_outcome_bytes(bytes, outcome, static_cast<int>(design.looks.size()),
                           static_cast<int>(design.test.compare.size()));
    }
  };
  run_simulation(design, plan_boundaries(design), options);
  EXPECT_FALSE(bytes.empty());
  return fnv1a_digest(bytes);
}

std::map<std::string, std::string> stored_digests() {
  std::map<std::string, std::string> digests;
  std::ifstream in(GOLDEN_FILE);
  std::string config, digest;
  while (in >> config >> digest) digests[config] = digest;
  return digests;
}

} // namespace

TEST(Golden, FixedSeedRunsReproduceTheirStoredDigests) {
  const std::vector<std::string> configs{"danger_shock.yaml", "danger_shock_event_driven.yaml",
                                         "danger_shock_front_loaded.yaml", "danger_shock_spending.yaml",
                                         "danger_shock_timeline.yaml"};
  std::map<std::string, std::string> computed;
  for (const std::string& config : configs) computed[config] = run_digest(config);

  if (std::getenv("TRIALSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream out(GOLDEN_FILE);
    for (const auto& [config, digest] : computed) out << config << ' ' << digest << '\n';
    GTEST_SKIP() << "wrote " << GOLDEN_FILE;
  }
  const auto stored = stored_digests();
  ASSERT_EQ(stored.size(), configs.size()) << "missing or incomplete " << GOLDEN_FILE;
  for (const auto& [config, digest] : computed) {
    ASSERT_TRUE(stored.count(config)) << config << " has no stored digest";
    EXPECT_EQ(digest, stored.at(config)) << config << ": replicate data changed";
  }
}
