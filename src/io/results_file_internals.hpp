#pragma once
// What the io module's source files share about results files; private to io.

#include <string>

#include "hdf5_interface.hpp"
#include "trialsim/error.hpp"
#include "trialsim/shard.hpp"

namespace trialsim {

// Runs `action` with HDF5 failures (a damaged file, a wrong type, a full disk)
// reported as InputError on `path`, so that users see which file and why.
template <class Action>
auto reporting_errors(const std::string& path, const std::string& doing, Action action) {
  try {
    return action();
  } catch (const hdf5::Error& error) {
    throw InputError(path, doing + error.what());
  }
}

// Opens a results file read-only once its filetype and format_version have been
// checked; InputError naming `path` for a missing, foreign or damaged file.
hdf5::Handle open_results_file(const std::string& path);

// Writes the root attributes that make a results file a shard (shard_file.cpp).
void write_shard_attributes(hid_t root, const ShardInfo& info);

} // namespace trialsim
