#pragma once
// Compares two HDF5 files object by object, through the HDF5 C API and nothing
// of trialsim's own, so that a bug in the results file code cannot hide itself:
// the same groups and datasets, every dataset of the same type and shape with
// the same bytes (strings by content), and the same attributes on every object.

#include <hdf5.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace file_comparison {

// Element bytes of a dataset or attribute read as its native type; variable-length
// strings are replaced by their text so that two files' pointers never compare.
struct Values {
  std::string type; // "class/size" of the stored type
  std::vector<hsize_t> shape;
  std::vector<unsigned char> bytes;
  std::vector<std::string> strings;
  bool operator==(const Values&) const = default;
};

template <class Read>
inline Values read_values(hid_t stored_type, hid_t space, Read read) {
  Values values;
  values.type = std::to_string(H5Tget_class(stored_type)) + "/" + std::to_string(H5Tget_size(stored_type));
  const int rank = H5Sget_simple_extent_ndims(space);
  values.shape.resize(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space, values.shape.data(), nullptr);
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  const hid_t native = H5Tget_native_type(stored_type, H5T_DIR_ASCEND);
  if (H5Tis_variable_str(stored_type) > 0) {
    std::vector<char*> texts(count, nullptr);
    read(native, texts.data());
    for (char* text : texts) {
      values.strings.emplace_back(text == nullptr ? "" : text);
      H5free_memory(text);
    }
  } else {
    values.bytes.resize(count * H5Tget_size(native));
    read(native, values.bytes.data());
  }
  H5Tclose(native);
  return values;
}

inline Values dataset_values(hid_t dataset) {
  const hid_t type = H5Dget_type(dataset), space = H5Dget_space(dataset);
  Values values = read_values(type, space, [dataset](hid_t memory, void* buffer) {
    H5Dread(dataset, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  });
  H5Sclose(space);
  H5Tclose(type);
  return values;
}

inline Values attribute_values(hid_t object, const std::string& name) {
  const hid_t attribute = H5Aopen(object, name.c_str(), H5P_DEFAULT);
  const hid_t type = H5Aget_type(attribute), space = H5Aget_space(attribute);
  Values values =
      read_values(type, space, [attribute](hid_t memory, void* buffer) { H5Aread(attribute, memory, buffer); });
  H5Sclose(space);
  H5Tclose(type);
  H5Aclose(attribute);
  return values;
}

inline std::set<std::string> attribute_names(hid_t object) {
  std::set<std::string> names;
  H5Aiterate2(
      object, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5A_info_t*, void* found) -> herr_t {
        static_cast<std::set<std::string>*>(found)->insert(name);
        return 0;
      },
      &names);
  return names;
}

// Every object path below the root ("summary", "summary/power", ...).
inline std::set<std::string> object_paths(hid_t file) {
  std::set<std::string> paths;
  H5Lvisit(
      file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5L_info_t*, void* found) -> herr_t {
        static_cast<std::set<std::string>*>(found)->insert(name);
        return 0;
      },
      &paths);
  return paths;
}

inline void compare_attributes(hid_t a, hid_t b, const std::string& path, const std::set<std::string>& ignored,
                               std::vector<std::string>& differences) {
  const std::set<std::string> names = attribute_names(a);
  if (names != attribute_names(b)) differences.push_back(path + ": different attribute names");
  for (const std::string& name : names) {
    if (ignored.contains(name) || !H5Aexists(b, name.c_str())) continue;
    if (attribute_values(a, name) != attribute_values(b, name)) differences.push_back(path + " attribute " + name);
  }
}

//! What differs between the files at `a` and `b`, as readable items; empty when
//! they are the same. Objects under `ignored_paths` and attributes named in
//! `ignored_attributes` (on any object: a sweep's scenarios carry the root's) are allowed to differ.
inline std::vector<std::string> differences(const std::string& a, const std::string& b,
                                            const std::set<std::string>& ignored_paths,
                                            const std::set<std::string>& ignored_attributes) {
  std::vector<std::string> found;
  const hid_t file_a = H5Fopen(a.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t file_b = H5Fopen(b.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file_a < 0 || file_b < 0) return {"cannot open " + (file_a < 0 ? a : b)};
  compare_attributes(file_a, file_b, "/", ignored_attributes, found);
  const auto is_ignored = [&ignored_paths](const std::string& path) {
    for (const std::string& prefix : ignored_paths) {
      if (path == prefix || path.starts_with(prefix + "/")) return true;
    }
    return false;
  };
  std::set<std::string> paths_a, paths_b;
  for (const std::string& path : object_paths(file_a))
    if (!is_ignored(path)) paths_a.insert(path);
  for (const std::string& path : object_paths(file_b))
    if (!is_ignored(path)) paths_b.insert(path);
  if (paths_a != paths_b) found.push_back("different objects");
  for (const std::string& path : paths_a) {
    if (!paths_b.contains(path)) continue;
    const hid_t object_a = H5Oopen(file_a, path.c_str(), H5P_DEFAULT);
    const hid_t object_b = H5Oopen(file_b, path.c_str(), H5P_DEFAULT);
    if (H5Iget_type(object_a) != H5Iget_type(object_b)) {
      found.push_back(path + ": group in one file, dataset in the other");
    } else if (H5Iget_type(object_a) == H5I_DATASET && dataset_values(object_a) != dataset_values(object_b)) {
      found.push_back(path);
    }
    compare_attributes(object_a, object_b, path, ignored_attributes, found);
    H5Oclose(object_a);
    H5Oclose(object_b);
  }
  H5Fclose(file_a);
  H5Fclose(file_b);
  return found;
}

} // namespace file_comparison
