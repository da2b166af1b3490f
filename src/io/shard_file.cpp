// Shard files: the root attributes that make a results file one shard of a
// larger run, and reading back what merging needs beyond the replicates (the
// shard attributes and the patients).

#include <optional>
#include <stdexcept>

#include "results_file_internals.hpp"
#include "trialsim/io.hpp"

namespace trialsim {

namespace {

// Root attributes of a shard file, all present or all absent.
constexpr const char* SHARD_ATTRIBUTES[] = {"shard_index",      "shard_count",   "replicate_begin", "replicate_end",
                                            "total_replicates", "keep_patients", "design_digest"};

std::optional<ShardInfo> read_shard_attributes(const std::string& path, hid_t root) {
  if (!hdf5::has_attribute(root, "shard_index")) return std::nullopt;
  for (const char* name : SHARD_ATTRIBUTES) {
    if (!hdf5::has_attribute(root, name)) throw InputError(path, std::string("attribute ") + name + ": missing");
  }
  const auto index = hdf5::read_attribute<std::int64_t>(root, "shard_index");
  const auto count = hdf5::read_attribute<std::int64_t>(root, "shard_count");
  const auto total = hdf5::read_attribute<std::int64_t>(root, "total_replicates");
  ShardInfo info;
  info.shard.index = index;
  info.shard.count = count;
  info.shard.total = total;
  info.shard.begin = hdf5::read_attribute<std::int64_t>(root, "replicate_begin");
  info.shard.end = hdf5::read_attribute<std::int64_t>(root, "replicate_end");
  info.keep_patients = hdf5::read_attribute<std::int64_t>(root, "keep_patients");
  info.design_digest = hdf5::read_string_attribute(root, "design_digest");
  // Merging trusts the range, so it must be the one that K, N and the total imply.
  const bool valid = 1 <= index && index <= count && count <= total;
  if (!valid || make_shard(index, count, total) != info.shard) {
    throw InputError(path, "inconsistent shard attributes: shard " + std::to_string(index) + "/" +
                               std::to_string(count) + " of " + std::to_string(total) +
                               " replicates cannot hold rows " + std::to_string(info.shard.begin) + " to " +
                               std::to_string(info.shard.end));
  }
  if (info.keep_patients < 0 || info.keep_patients > total) {
    throw InputError(path, "attribute keep_patients: " + std::to_string(info.keep_patients) + " is not 0 to " +
                               std::to_string(total));
  }
  return info;
}

// The /patients group of one set of results (the root, or a sweep's scenario), named
// in messages by its full path in the file.
struct PatientGroup {
  const std::string& path;
  hid_t results; // the root or /scenarios/<k>
  std::string name; // "/patients" or "/scenarios/<k>/patients"
};

// Reads <group>/<column>, which must have `rows` rows of `columns` values (0: a vector).
template <class T>
std::vector<T> read_patient_column(const PatientGroup& group, const std::string& column, hsize_t rows,
                                   hsize_t columns = 0) {
  const std::string dataset = "patients/" + column;
  if (!hdf5::exists(group.results, dataset)) throw InputError(group.path, group.name + "/" + column + ": missing");
  const std::vector<hsize_t> shape = hdf5::dataset_shape(group.results, dataset);
  const std::vector<hsize_t> expected = columns == 0 ? std::vector<hsize_t>{rows} : std::vector<hsize_t>{rows, columns};
  if (shape != expected) {
    throw InputError(group.path, group.name + "/" + column + ": expected " + std::to_string(rows) + " rows" +
                                     (columns == 0 ? "" : " of " + std::to_string(columns) + " looks") + " like " +
                                     group.name + "/replicate");
  }
  return hdf5::read_vector<T>(group.results, dataset);
}

// Splits rows [patient][look] of one trial into [look][patient].
template <class T>
std::vector<std::vector<T>> by_look(const std::vector<T>& values, std::size_t first, std::size_t patients, int looks) {
  std::vector<std::vector<T>> columns(static_cast<std::size_t>(looks), std::vector<T>(patients));
  for (std::size_t i = 0; i < patients; ++i) {
    for (std::size_t k = 0; k < columns.size(); ++k) columns[k][i] = values[(first + i) * columns.size() + k];
  }
  return columns;
}

template <class T>
std::vector<T> slice(const std::vector<T>& values, std::size_t first, std::size_t count) {
  return {values.begin() + static_cast<std::ptrdiff_t>(first),
          values.begin() + static_cast<std::ptrdiff_t>(first + count)};
}

StoredPatients read_patient_group(const PatientGroup& group, int looks) {
  StoredPatients stored;
  if (!hdf5::exists(group.results, "patients")) return stored;
  if (!hdf5::exists(group.results, "patients/replicate")) {
    throw InputError(group.path, group.name + "/replicate: missing");
  }
  const std::vector<hsize_t> shape = hdf5::dataset_shape(group.results, "patients/replicate");
  if (shape.size() != 1) throw InputError(group.path, group.name + "/replicate: expected one column");
  const hsize_t rows = shape[0];
  const auto by_looks = static_cast<hsize_t>(looks);
  const auto replicate = read_patient_column<std::int64_t>(group, "replicate", rows);
  const auto entry = read_patient_column<double>(group, "entry", rows);
  const auto arm = read_patient_column<std::uint8_t>(group, "arm", rows);
  const auto received = read_patient_column<std::uint8_t>(group, "received", rows);
  const auto stratum = read_patient_column<std::uint16_t>(group, "stratum", rows);
  const auto analysed = read_patient_column<std::uint8_t>(group, "analysed", rows);
  const auto follow_up = read_patient_column<double>(group, "follow_up", rows);
  const auto event = read_patient_column<std::uint8_t>(group, "event", rows);
  const auto time = read_patient_column<double>(group, "time", rows, by_looks);
  const auto status = read_patient_column<std::uint8_t>(group, "status", rows, by_looks);
  if (!replicate.empty()) stored.first_replicate = replicate.front();
  // Each trial's patients are one run of equal replicate numbers, trials in order without gaps.
  for (std::size_t first = 0; first < replicate.size();) {
    const std::int64_t number = stored.first_replicate + static_cast<std::int64_t>(stored.trials.size());
    if (replicate[first] != number) {
      throw InputError(group.path, group.name + "/replicate: row " + std::to_string(first) + " holds replicate " +
                                 std::to_string(replicate[first]) + " where replicate " + std::to_string(number) +
                                 " was expected");
    }
    std::size_t end = first;
    while (end < replicate.size() && replicate[end] == number) ++end;
    const std::size_t patients = end - first;
    PatientRecords trial;
    trial.entry = slice(entry, first, patients);
    trial.arm = slice(arm, first, patients);
    trial.received = slice(received, first, patients);
    trial.stratum = slice(stratum, first, patients);
    trial.analysed = slice(analysed, first, patients);
    trial.follow_up = slice(follow_up, first, patients);
    trial.event = slice(event, first, patients);
    trial.time = by_look(time, first, patients, looks);
    trial.status = by_look(status, first, patients, looks);
    stored.trials.push_back(std::move(trial));
    first = end;
  }
  return stored;
}

} // namespace

void write_shard_attributes(hid_t root, const ShardInfo& info) {
  hdf5::write_attribute<std::int64_t>(root, "shard_index", info.shard.index);
  hdf5::write_attribute<std::int64_t>(root, "shard_count", info.shard.count);
  hdf5::write_attribute<std::int64_t>(root, "replicate_begin", info.shard.begin);
  hdf5::write_attribute<std::int64_t>(root, "replicate_end", info.shard.end);
  hdf5::write_attribute<std::int64_t>(root, "total_replicates", info.shard.total);
  hdf5::write_attribute<std::int64_t>(root, "keep_patients", info.keep_patients);
  hdf5::write_attribute(root, "design_digest", info.design_digest);
}

std::optional<ShardInfo> read_shard_info(const std::string& path) {
  const hdf5::Handle file = open_results_file(path);
  return reporting_errors(path, "", [&] { return read_shard_attributes(path, file.id()); });
}

StoredPatients read_patients(const std::string& path, int looks, const std::string& group) {
  if (looks < 1 || looks > MAX_LOOKS) throw std::invalid_argument("looks must be 1 to " + std::to_string(MAX_LOOKS));
  const hdf5::Handle file = open_results_file(path);
  return reporting_errors(path, "", [&] {
    if (group.empty()) return read_patient_group({path, file.id(), "/patients"}, looks);
    if (!hdf5::exists(file.id(), group)) throw InputError(path, "/" + group + ": missing");
    const hdf5::Handle results = hdf5::open_group(file.id(), group);
    return read_patient_group({path, results.id(), "/" + group + "/patients"}, looks);
  });
}

} // namespace trialsim
