#pragma once
//! \file shard.hpp
//! Splitting one run into shards (`trialsim run --shard K/N`) and merging the
//! shard files back into exactly the file a single run writes (`trialsim merge`).
//! A replicate's random numbers depend only on (seed, scenario, replicate), so a
//! shard computes the same records as the same replicates of a whole run.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "trialsim/design.hpp"
#include "trialsim/paired_difference.hpp"
#include "trialsim/results.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim {

//! Shard `index` of `count` covers replicates [begin, end) of a run of `total`
//! (indices from 0; `index` from 1, as users write it).
struct Shard {
  std::int64_t index = 1;
  std::int64_t count = 1;
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t total = 0;

  std::int64_t size() const { return end - begin; }
  friend bool operator==(const Shard&, const Shard&) = default;
};

//! Shard K of N of `total` replicates: [floor((K-1) total / N), floor(K total / N)).
//! Requires 1 <= index <= count <= total (std::invalid_argument otherwise).
Shard make_shard(std::int64_t index, std::int64_t count, std::int64_t total);

//! Parses `--shard K/N` ("2/8") for a run of `total` replicates; InputError naming
//! `--shard` when the text is not K/N with 1 <= K <= N <= total.
Shard parse_shard(const std::string& text, std::int64_t total);

//! Replicates [begin, end) as users count them, from 1: "334..666".
std::string replicate_range_text(std::int64_t begin, std::int64_t end);

//! "shard 2/3 (replicates 334..666 of 1000)", for messages and `show`.
std::string shard_text(const Shard& shard);

//! A 64-bit digest of the resolved design (FNV-1a of its YAML text), as 16 hex
//! digits. Two files have the same digest when they were run from the same
//! design, seed and number of replicates.
std::string design_digest(std::string_view resolved_yaml);

//! 64-bit FNV-1a of any bytes, as 16 hex digits.
std::string fnv1a_digest(std::string_view bytes);

//! What a shard file records beyond a results file (root attributes).
struct ShardInfo {
  Shard shard;
  std::string design_digest;       //!< of the design the shard was run from
  std::int64_t keep_patients = 0;  //!< `--keep-patients` of the run the shard belongs to
};

//! A merged run: its design (parsed from the shards' config_yaml) and results.
//! A run without a sweep has one scenario, the design itself.
struct MergedRun {
  SweepDesign sweep;
  std::vector<Results> results;              //!< one per scenario
  std::vector<PowerDifference> differences;  //!< one per scenario of a sweep; empty otherwise
};

struct MergeOptions {
  //! Polled between blocks; returning true stops the merge (InterruptedError).
  std::function<bool()> should_stop;
};

//! Merges shard files into `output`: checks that they come from one design and
//! seed and cover every replicate exactly once, concatenates their replicates
//! and patients in replicate order, and recomputes the summaries from the
//! replicates as a single run does (for a sweep: every scenario, and the
//! paired power differences from the merged replicates). InputError (naming the file) for a file
//! that is not a shard of the same run, and for missing or repeated replicates;
//! `output` is written only when the merge succeeds.
MergedRun merge_shards(const std::vector<std::string>& shard_paths, const std::string& output,
                       const MergeOptions& options = {});

} // namespace trialsim
