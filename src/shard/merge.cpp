// `trialsim merge`: shard files back into the file a single run writes. The
// replicates are copied in replicate order and folded into the same
// ResultsAccumulator, in the same order, as a run folds them, so every summary
// is bit-identical to the single run's: recomputed, never averaged.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>

#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"
#include "trialsim/io.hpp"
#include "trialsim/shard.hpp"

namespace trialsim {

namespace {

// Replicates read, folded and written at a time: bounded memory for any run length.
constexpr std::int64_t MERGE_BLOCK_ROWS = 65536;

struct ShardFile {
  std::string path;
  ShardInfo info;
  std::uint64_t seed = 0;
  std::string config_yaml;
  std::string trialsim_version;
  std::int64_t scenarios = 0; // of a sweep; 0 without one

  const Shard& shard() const { return info.shard; }
};

// The results groups of a file: the root, or every scenario of a sweep.
std::vector<std::string> result_groups(std::int64_t scenarios) {
  if (scenarios == 0) return {""};
  std::vector<std::string> groups;
  for (std::int64_t k = 0; k < scenarios; ++k) groups.push_back(scenario_group(static_cast<std::size_t>(k)));
  return groups;
}

ShardFile open_shard(const std::string& path) {
  const StoredFile file = read_file_info(path);
  const std::optional<ShardInfo> info = read_shard_info(path);
  if (!info) throw InputError(path, "not a shard file (written by trialsim run without --shard)");
  std::uint64_t seed = 0;
  // Reading the results checks the whole layout, so a damaged file fails here, before any output.
  for (const std::string& group : result_groups(file.scenarios)) {
    const StoredResults stored = read_results(path, group);
    if (stored.results.replicates != info->shard.size()) {
      throw InputError(path, (group.empty() ? "" : "/" + group + " ") + "holds " +
                                 std::to_string(stored.results.replicates) + " replicates where " +
                                 shard_text(info->shard) + " has " + std::to_string(info->shard.size()));
    }
    if (group.empty() || group == scenario_group(0)) seed = stored.results.seed;
  }
  if (design_digest(file.config_yaml) != info->design_digest) {
    throw InputError(path, "design_digest " + info->design_digest + " does not match its config_yaml (" +
                               design_digest(file.config_yaml) + "); was the file edited?");
  }
  return {path, *info, seed, file.config_yaml, file.trialsim_version, file.scenarios};
}

// Every shard must come from the run of `first`: same program, seed, replicates and design.
void expect_same_run(const ShardFile& first, const ShardFile& other) {
  const std::string of_first = " of " + first.path;
  // Another version may simulate differently: its shards would not make one run.
  if (other.trialsim_version != first.trialsim_version) {
    throw InputError(other.path, "written by trialsim " + other.trialsim_version + ", not by trialsim " +
                                     first.trialsim_version + " as " + first.path);
  }
  if (other.seed != first.seed) {
    throw InputError(other.path, "seed " + std::to_string(other.seed) + " differs from seed " +
                                     std::to_string(first.seed) + of_first);
  }
  if (other.shard().total != first.shard().total) {
    throw InputError(other.path, "is a shard of " + std::to_string(other.shard().total) + " replicates, not of the " +
                                     std::to_string(first.shard().total) + of_first);
  }
  if (other.info.design_digest != first.info.design_digest) {
    throw InputError(other.path, "design (digest " + other.info.design_digest + ") differs from the design (digest " +
                                     first.info.design_digest + ")" + of_first);
  }
  if (other.info.keep_patients != first.info.keep_patients) {
    throw InputError(other.path, "--keep-patients " + std::to_string(other.info.keep_patients) + " differs from " +
                                     std::to_string(first.info.keep_patients) + of_first);
  }
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  }
  return text;
}

// When every shard is of the same N, the missing ones can be named: "shard 2/3".
std::string missing_shards_note(const std::vector<ShardFile>& shards) {
  const std::int64_t count = shards.front().shard().count;
  std::set<std::int64_t> given;
  for (const ShardFile& file : shards) {
    if (file.shard().count != count) return "";
    given.insert(file.shard().index);
  }
  std::vector<std::string> missing;
  for (std::int64_t index = 1; index <= count; ++index) {
    if (!given.contains(index)) missing.push_back(std::to_string(index) + "/" + std::to_string(count));
  }
  return " (" + std::string(missing.size() == 1 ? "shard " : "shards ") + joined(missing) + " not given)";
}

// Sorts the shards by replicate and checks that they cover the run exactly once.
void expect_exact_cover(std::vector<ShardFile>& shards) {
  std::sort(shards.begin(), shards.end(), [](const ShardFile& a, const ShardFile& b) {
    return a.shard().begin != b.shard().begin ? a.shard().begin < b.shard().begin : a.shard().end < b.shard().end;
  });
  const std::int64_t total = shards.front().shard().total;
  std::vector<std::string> gaps;
  std::int64_t covered = 0; // replicates [0, covered) are in the shards before `shard`
  const ShardFile* previous = nullptr;
  for (const ShardFile& file : shards) {
    const Shard& shard = file.shard();
    if (shard.begin < covered) {
      if (shard == previous->shard()) {
        throw InputError(file.path, shard_text(shard) + " is given twice, here and in " + previous->path);
      }
      throw InputError(file.path, shard_text(shard) + " overlaps " + shard_text(previous->shard()) + " of " +
                                      previous->path + " in replicates " +
                                      replicate_range_text(shard.begin, std::min(covered, shard.end)));
    }
    if (shard.begin > covered) gaps.push_back(replicate_range_text(covered, shard.begin));
    covered = shard.end;
    previous = &file;
  }
  if (covered < total) gaps.push_back(replicate_range_text(covered, total));
  if (!gaps.empty()) {
    throw InputError("replicates " + joined(gaps) + " of " + std::to_string(total) + " missing" +
                     missing_shards_note(shards));
  }
}

// Copies the replicates of `group` of every shard, in order, into `writer` and `accumulator`;
// `also` sees every block with its first replicate (sweeps pair the scenarios with it).
void merge_replicates(const std::vector<ShardFile>& shards, const std::string& group, int looks,
                      ResultsFileWriter& writer, ResultsAccumulator& accumulator, const MergeOptions& options,
                      const std::function<void(std::int64_t, std::span<const TrialOutcome>)>& also = {}) {
  for (const ShardFile& file : shards) {
    for (std::int64_t done = 0; done < file.shard().size(); done += MERGE_BLOCK_ROWS) {
      const std::int64_t rows = std::min(MERGE_BLOCK_ROWS, file.shard().size() - done);
      const std::vector<TrialOutcome> outcomes = read_replicates(file.path, looks, done, rows, group);
      for (const TrialOutcome& outcome : outcomes) accumulator.add(outcome);
      writer.append(file.shard().begin + done, outcomes);
      if (also) also(file.shard().begin + done, outcomes);
      if (options.should_stop && options.should_stop()) throw InterruptedError();
    }
  }
}

// The patients of replicates [0, keep_patients), concatenated from the shards that hold them.
std::vector<PatientRecords> merge_patients(const std::vector<ShardFile>& shards, const std::string& group,
                                           int looks) {
  std::vector<PatientRecords> trials;
  for (const ShardFile& file : shards) {
    const std::int64_t expected =
        std::max<std::int64_t>(0, std::min(file.shard().end, file.info.keep_patients) - file.shard().begin);
    StoredPatients stored = read_patients(file.path, looks, group);
    const auto found = static_cast<std::int64_t>(stored.trials.size());
    if (found != expected || (expected > 0 && stored.first_replicate != file.shard().begin)) {
      throw InputError(file.path, "holds the patients of " + std::to_string(found) + " replicates from replicate " +
                                      std::to_string(stored.first_replicate + 1) + ", where --keep-patients " +
                                      std::to_string(file.info.keep_patients) + " asks for " +
                                      std::to_string(expected) + " from replicate " +
                                      std::to_string(file.shard().begin + 1));
    }
    std::move(stored.trials.begin(), stored.trials.end(), std::back_inserter(trials));
  }
  return trials;
}

// Merges one results group (the root, or a sweep's scenario) of every shard into the writer's current group.
Results merge_group(const std::vector<ShardFile>& shards, const std::string& group, const Design& design,
                    ResultsFileWriter& writer, const MergeOptions& options,
                    const std::function<void(std::int64_t, std::span<const TrialOutcome>)>& also = {}) {
  const int looks = static_cast<int>(design.looks.size());
  ResultsAccumulator accumulator(design, plan_boundaries(design));
  merge_replicates(shards, group, looks, writer, accumulator, options, also);
  if (shards.front().info.keep_patients > 0) {
    const std::vector<PatientRecords> patients = merge_patients(shards, group, looks);
    writer.write_patients(patients);
  }
  return accumulator.results();
}

MergedRun merge_single(const std::vector<ShardFile>& shards, const std::string& output, const MergeOptions& options,
                       std::chrono::steady_clock::time_point start) {
  const ShardFile& first = shards.front();
  MergedRun merged;
  merged.sweep.base = parse_design(first.config_yaml, first.path + " (config_yaml)");
  merged.sweep.config_yaml = first.config_yaml;
  merged.sweep.scenarios.push_back({{}, "", merged.sweep.base});
  const Design& design = merged.sweep.base;
  ResultsFileWriter writer(output, design, first.shard().total);
  merged.results.push_back(merge_group(shards, "", design, writer, options));
  writer.commit(merged.results.front(), seconds_since(start), 1);
  return merged;
}

// Scenario after scenario, as a sweep run writes them; the paired differences are
// recomputed from the merged replicates, so the table matches the single run's.
MergedRun merge_sweep(const std::vector<ShardFile>& shards, const std::string& output, const MergeOptions& options,
                      std::chrono::steady_clock::time_point start) {
  const ShardFile& first = shards.front();
  MergedRun merged;
  merged.sweep = parse_sweep(first.config_yaml, first.path + " (config_yaml)");
  const SweepDesign& sweep = merged.sweep;
  if (static_cast<std::int64_t>(sweep.scenarios.size()) != first.scenarios || !sweep.has_sweep()) {
    throw InputError(first.path, "the stored sweep has " + std::to_string(sweep.scenarios.size()) +
                                     " scenarios, the file " + std::to_string(first.scenarios));
  }
  const std::int64_t total = first.shard().total;
  ResultsFileWriter writer(output, sweep, total);
  PairedPowerDifference paired(total);
  for (std::size_t k = 0; k < sweep.scenarios.size(); ++k) {
    writer.begin_scenario(k);
    const auto pair = [&paired, k](std::int64_t offset, std::span<const TrialOutcome> outcomes) {
      paired.add(k, offset, outcomes);
    };
    merged.results.push_back(merge_group(shards, scenario_group(k), sweep.scenarios[k].design, writer, options, pair));
    writer.finish_scenario(merged.results.back());
  }
  merged.differences = paired.differences();
  writer.commit_sweep(merged.results, merged.differences, seconds_since(start), 1);
  return merged;
}

} // namespace

MergedRun merge_shards(const std::vector<std::string>& shard_paths, const std::string& output,
                       const MergeOptions& options) {
  if (shard_paths.empty()) throw InputError("merge", "no shard files given");
  const auto start = std::chrono::steady_clock::now();
  std::vector<ShardFile> shards;
  for (const std::string& path : shard_paths) {
    shards.push_back(open_shard(path));
    expect_same_run(shards.front(), shards.back());
  }
  expect_not_an_input(output, shard_paths, "one of the shards being merged");
  expect_exact_cover(shards);
  return shards.front().scenarios == 0 ? merge_single(shards, output, options, start)
                                       : merge_sweep(shards, output, options, start);
}

} // namespace trialsim
