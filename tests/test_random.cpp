// The random streams' generator, Philox4x32-10, against Random123's philox4x32 word for
// word on every path that computes it (scalar, SSE2, AVX2, AVX-512F: each path this CPU
// supports is forced in turn, the others are reported as skipped), and simulations that
// give the same records on every path.

#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <cstdint>
#include <string>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/outcome_columns.hpp"
#include "trialsim/philox4x32.hpp"
#include "trialsim/random.hpp"
#include "trialsim/shard.hpp"

using namespace trialsim;

namespace {

const std::vector<philox::Path> ALL_PATHS{philox::Path::scalar, philox::Path::sse2, philox::Path::avx2,
                                          philox::Path::avx512};

// Restores the path the program chose when a test that forces another ends.
class PathGuard {
 public:
  explicit PathGuard(philox::Path path) : previous_(philox::current_path()) { philox::use_path(path); }
  ~PathGuard() { philox::use_path(previous_); }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;

 private:
  philox::Path previous_;
};

// Random123's block of `counter` under `key`, as the two 64-bit words philox4x32.hpp documents.
std::array<std::uint64_t, 2> reference_words(const r123::Philox4x32::key_type& key,
                                             const r123::Philox4x32::ctr_type& counter) {
  const r123::Philox4x32 reference;
  const auto x = reference(counter, key);
  return {x.v[0] | (std::uint64_t{x.v[1]} << 32), x.v[2] | (std::uint64_t{x.v[3]} << 32)};
}

class EveryPath : public ::testing::TestWithParam<philox::Path> {
 protected:
  void SetUp() override {
    if (!philox::supported(GetParam())) GTEST_SKIP() << "this CPU lacks " << philox::path_name(GetParam());
  }
};

std::string path_test_name(const ::testing::TestParamInfo<philox::Path>& info) {
  return philox::path_name(info.param);
}

}  // namespace

// Runs of 0 to 70 blocks (every split into whole lane groups and a scalar tail), from
// first counters that include the wrap of the first counter word at 2^32, under keys and
// counter words of all zeros, all ones and in between.
TEST_P(EveryPath, BlocksAreRandom123Philox4x32) {
  const philox::Path path = GetParam();
  const std::vector<std::array<std::uint32_t, 2>> keys{
      {0, 0}, {20130127, 0}, {0xffffffffU, 0xffffffffU}, {0x243F6A88U, 0x85A308D3U}};
  const std::vector<std::array<std::uint32_t, 3>> counters{{0, 0, 0}, {999983, 0, 6}, {0xffffffffU, 7, 0xffffffffU}};
  const std::vector<std::uint32_t> firsts{0, 1, 16, 0xffffffffU - 20};
  std::vector<std::uint64_t> words;
  for (const auto& key : keys) {
    for (const auto& high : counters) {
      philox::StreamKey stream;
      stream.key[0] = key[0];
      stream.key[1] = key[1];
      for (int w = 0; w < 3; ++w) stream.counter[w] = high[w];
      for (const std::uint32_t first : firsts) {
        for (std::size_t count : {0, 1, 2, 3, 5, 8, 15, 16, 17, 31, 32, 33, 64, 70}) {
          words.assign(2 * count + 1, 0xdeadbeefU);  // one word past the end, which must stay
          philox::blocks(path, stream, first, words.data(), count);
          for (std::size_t b = 0; b < count; ++b) {
            const auto expected = reference_words({{key[0], key[1]}},
                                                  {{static_cast<std::uint32_t>(first + b), high[0], high[1], high[2]}});
            ASSERT_EQ(words[2 * b], expected[0]) << "block " << b << " of " << count << " from " << first;
            ASSERT_EQ(words[2 * b + 1], expected[1]) << "block " << b << " of " << count << " from " << first;
          }
          ASSERT_EQ(words[2 * count], 0xdeadbeefU) << "wrote past " << count << " blocks";
        }
      }
    }
  }
}

// A stream's words are Random123's philox4x32 with key (seed mod 2^32, seed div 2^32) and
// counter (block, replicate mod 2^32, replicate div 2^32, scenario * 256 + id), blocks in
// counter order: every word of the first 40 blocks (more than two refills) of several
// replicates of streams with different seeds, scenarios and purposes.
TEST_P(EveryPath, StreamWordsAreRandom123Philox4x32) {
  const PathGuard guard(GetParam());
  for (const std::uint64_t seed : {0ULL, 20130127ULL, 0x123456789abcdefULL, ~0ULL}) {
    for (const std::uint64_t scenario : {std::uint64_t{0}, std::uint64_t{3}, STREAM_SCENARIOS - 1}) {
      for (const StreamId id : {StreamId::arrival, StreamId::event, StreamId::dropout}) {
        RandomStream stream(seed, scenario, id);
        const r123::Philox4x32::key_type key{
            {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
        const auto code = static_cast<std::uint32_t>(scenario * 256U + static_cast<std::uint64_t>(id));
        for (const std::uint64_t replicate : {0ULL, 1ULL, 999983ULL, (1ULL << 32) + 5, ~0ULL}) {
          stream.start(replicate);
          for (std::uint32_t block = 0; block < 40; ++block) {
            const auto expected = reference_words(key, {{block, static_cast<std::uint32_t>(replicate),
                                                         static_cast<std::uint32_t>(replicate >> 32), code}});
            for (const std::uint64_t word : expected) ASSERT_EQ(stream(), word) << "block " << block;
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Philox4x32, EveryPath, ::testing::ValuesIn(ALL_PATHS), path_test_name);

// The program runs on the widest path the CPU has, and the portable one always exists.
TEST(Philox4x32, TheWidestSupportedPathIsUsed) {
  EXPECT_TRUE(philox::supported(philox::Path::scalar));
  philox::Path widest = philox::Path::scalar;
  for (const philox::Path path : ALL_PATHS) {
    if (philox::supported(path)) widest = path;
  }
  EXPECT_EQ(philox::current_path(), widest);
  for (const philox::Path path : ALL_PATHS) {
    std::cout << "[ path     ] " << philox::path_name(path)
              << (philox::supported(path) ? ": supported" : ": not on this CPU") << "\n";
  }
}

TEST(Philox4x32, AnUnsupportedPathIsRefused) {
  for (const philox::Path path : ALL_PATHS) {
    if (philox::supported(path)) continue;
    EXPECT_THROW(philox::use_path(path), std::invalid_argument) << philox::path_name(path);
  }
}

// bits32() hands out a word's low half, then its high half: the generator's 32-bit
// outputs in Random123's order.
TEST(RandomStream, Bits32AreThe32BitOutputsInOrder) {
  RandomStream stream(20130127, 2, StreamId::allocation);
  stream.start(11);
  const r123::Philox4x32 reference;
  for (std::uint32_t block = 0; block < 40; ++block) {
    const auto x = reference({{block, 11, 0, 2 * 256 + 3}}, {{20130127, 0}});
    for (const std::uint32_t output : x.v) ASSERT_EQ(stream.bits32(), output) << "block " << block;
  }
}

// The scenario index fills 24 bits of a counter word; a larger one is refused rather than
// sharing another scenario's streams.
TEST(RandomStream, ScenarioIndicesAbove2To24AreRefused) {
  EXPECT_NO_THROW(RandomStream(1, STREAM_SCENARIOS - 1, StreamId::dropout));
  EXPECT_THROW(RandomStream(1, STREAM_SCENARIOS, StreamId::arrival), std::out_of_range);
}

// Whole simulations give the same records, bit for bit, on every path: 600 replicates of
// three shipped designs (Poisson arrivals with blocks; fixed entry and event-driven looks;
// strata, crossover and exclusion, so that every stream but dropout is drawn).
TEST(RandomStream, SimulationsAreTheSameOnEveryPath) {
  for (const std::string config :
       {"danger_shock.yaml", "danger_shock_event_driven.yaml", "danger_shock_timeline.yaml"}) {
    const Design design = load_design(std::string(TRIALSIM_SOURCE_DIR) + "/configs/" + config);
    const BoundaryPlan plan = plan_boundaries(design);
    std::string first_digest;
    for (const philox::Path path : ALL_PATHS) {
      if (!philox::supported(path)) continue;
      const PathGuard guard(path);
      RunOptions options;
      options.count = 600;
      options.threads = 1;
      std::string bytes;
      options.on_block = [&](std::int64_t, std::span<const TrialOutcome> outcomes) {
        for (const TrialOutcome& outcome : outcomes) {
          append_outcome_bytes(bytes, outcome, static_cast<int>(design.looks.size()),
                               static_cast<int>(design.test.compare.size()));
        }
      };
      run_simulation(design, plan, options);
      ASSERT_FALSE(bytes.empty());
      const std::string digest = fnv1a_digest(bytes);
      if (first_digest.empty()) first_digest = digest;
      EXPECT_EQ(digest, first_digest) << config << " on " << philox::path_name(path);
    }
  }
}
