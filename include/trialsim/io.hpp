#pragma once
//! \file io.hpp
//! The results file (HDF5; layout in README "Output file"). The HDF5 C API
//! lives only behind this header. Files are written under a temporary name and
//! renamed into place by commit(), so an interrupted or failed run never leaves
//! a file that looks complete.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "trialsim/boundaries.hpp"
#include "trialsim/design.hpp"
#include "trialsim/paired_difference.hpp"
#include "trialsim/results.hpp"
#include "trialsim/shard.hpp"
#include "trialsim/sweep.hpp"
#include "trialsim/trial.hpp"

namespace trialsim {

inline constexpr const char* FILETYPE = "trialsim results";
inline constexpr int FORMAT_VERSION = 2;

//! Refuses (InputError) an output that is one of `inputs`: the same file by its
//! identity (device and inode), so another name, a link or a relative path is caught
//! too. `inputs_are` says what they are ("the design file").
void expect_not_an_input(const std::string& output, const std::vector<std::string>& inputs,
                         const std::string& inputs_are);

//! Streams per-replicate records into /replicates and, on commit, writes
//! /summary, /patients and the root attributes, then renames the file into place.
//! A sweep file holds the same layout once per scenario, in /scenarios/<k>.
class ResultsFileWriter {
public:
  //! Creates `<path>.partial-<pid>` next to `path`; InputError when the folder is not writable.
  ResultsFileWriter(const std::string& path, const Design& design, std::int64_t replicates);
  //! A sweep file: scenario k is written between begin_scenario(k) and finish_scenario().
  ResultsFileWriter(const std::string& path, const SweepDesign& sweep, std::int64_t replicates);
  ~ResultsFileWriter(); //!< removes the temporary file unless committed
  ResultsFileWriter(const ResultsFileWriter&) = delete;
  ResultsFileWriter& operator=(const ResultsFileWriter&) = delete;

  //! Writes outcomes of replicates [first, first + outcomes.size()) (relative to this file).
  void append(std::int64_t first, std::span<const TrialOutcome> outcomes);
  //! Writes the patients of replicates [first_replicate, first_replicate + trials.size()).
  void write_patients(std::span<const PatientRecords> trials, std::int64_t first_replicate = 0);
  //! Makes the file a shard of a larger run: root attributes shard_index, shard_count,
  //! replicate_begin, replicate_end, total_replicates, keep_patients and design_digest.
  void mark_as_shard(const ShardInfo& info);
  //! Writes the summary and attributes, closes and renames into place.
  void commit(const Results& results, double seconds, int threads);

  //! Sweep files: the next append() and write_patients() go to /scenarios/<index>. Scenarios
  //! begun earlier and not finished stay open (a sweep on common random numbers writes the
  //! blocks of its scenarios in turn): resume_scenario makes one of them current again.
  void begin_scenario(std::size_t index);
  //! Sweep files: the next append(), write_patients() and finish_scenario() go to the open
  //! scenario `index` (std::logic_error when it is not open).
  void resume_scenario(std::size_t index);
  //! Writes the current scenario's summary and attributes (those of a root: config_yaml, seed, ...).
  void finish_scenario(const Results& results);
  //! Writes /scenarios/table (one row per scenario) and the root attributes, closes and renames into place.
  //! `differences`: each scenario's power minus the first's, paired by replicate.
  void commit_sweep(std::span<const Results> scenario_results, std::span<const PowerDifference> differences,
                    double seconds, int threads);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

//! What `show` needs from a results file.
struct StoredResults {
  std::string config_yaml;
  std::string trialsim_version;
  std::string created_utc;
  Results results;
};

//! Reads a results file; InputError for missing, foreign, truncated or malformed files.
//! `group` selects one scenario of a sweep file ("scenarios/3"); empty: the root.
StoredResults read_results(const std::string& path, const std::string& group = "");

//! Reads /replicates (of `group`, as above) back into outcomes (all of them; for tests and merging).
std::vector<TrialOutcome> read_replicates(const std::string& path, int looks, const std::string& group = "");
//! Reads rows [first, first + count) of /replicates (a block, so that merging stays in bounded memory).
std::vector<TrialOutcome> read_replicates(const std::string& path, int looks, std::int64_t first, std::int64_t count,
                                          const std::string& group = "");

//! The shard attributes of a results file; nullopt for the file of a whole run.
std::optional<ShardInfo> read_shard_info(const std::string& path);

//! The patients stored in a file (/patients of `group`): trials[i] is replicate first_replicate + i.
struct StoredPatients {
  std::int64_t first_replicate = 0;
  std::vector<PatientRecords> trials;
};
//! Reads /patients (empty when the file has none); InputError when it is malformed.
StoredPatients read_patients(const std::string& path, int looks, const std::string& group = "");

//! The root of a results file.
struct StoredFile {
  std::string config_yaml; //!< the resolved design; with its sweep block in a sweep file
  std::string trialsim_version;
  std::string created_utc;
  std::int64_t scenarios = 0; //!< scenarios of a sweep file; 0 when the results are at the root
};

//! Reads the root attributes of a results file (InputError as read_results).
StoredFile read_file_info(const std::string& path);

//! The power differences to scenario 0 stored in a sweep file's /scenarios/table
//! (independent_se left 0); InputError when the file has no complete table.
std::vector<PowerDifference> read_power_differences(const std::string& path);

//! The group of scenario k of a sweep file: "scenarios/<k>".
std::string scenario_group(std::size_t index);

} // namespace trialsim
