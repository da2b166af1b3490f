// Golden digests of fixed-seed runs: every per-replicate record (look times, z,
// HR, events, enrolment, decisions) of the shipped designs, hashed. A speed-up
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
#include "trialsim/shard.hpp"

using namespace trialsim;

namespace {

const std::string GOLDEN_FILE = std::string(TRIALSIM_TEST_DATA) + "/golden_digests.txt";
constexpr std::int64_t REPLICATES = 4096;

template <typename T>
void append_bytes(std::string& bytes, const T& value) {
  bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
}

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
      append_bytes(bytes, outcome.stop_look);
      for (std::size_t k = 0; k < design.looks.size(); ++k) {
        const LookOutcome& look = outcome.looks[k];
        append_bytes(bytes, look.time);
        append_bytes(bytes, look.z);
        append_bytes(bytes, look.hr);
        append_bytes(bytes, look.enrolled);
        append_bytes(bytes, look.events[0]);
        append_bytes(bytes, look.events[1]);
        append_bytes(bytes, look.decision);
        append_bytes(bytes, look.trigger_reached);
      }
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
