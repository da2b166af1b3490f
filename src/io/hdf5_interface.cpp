#include "hdf5_interface.hpp"

#include "chunk_encoder.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <utility>

namespace trialsim::hdf5 {

namespace {

// Compression of the large datasets: after shuffle, level 1 gives files only
// about 2% larger than level 4 at half the time, and compression runs on the
// thread that folds the results, so its time is not parallel; shuffle groups the bytes
// of equal significance, which is what makes doubles and counts compress.
constexpr unsigned DEFLATE_LEVEL = 1;
// The filters of every chunked dataset, in pipeline order: what create_raw sets, and what
// a dataset must have for its whole chunks to be encoded here (ChunkEncoder makes them).
constexpr H5Z_filter_t CHUNK_PIPELINE[] = {H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32};

herr_t keep_innermost(unsigned position, const H5E_error2_t* error, void* reason) {
  // Walking upward, position 0 is where HDF5 first detected the problem: the most specific reason.
  if (position == 0 && error->desc != nullptr) *static_cast<std::string*>(reason) = error->desc;
  return 0;
}

std::string take_error_reason() {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason;
}

// HDF5's low-level I/O errors describe the call at length (time, file descriptor,
// buffer address ...) with the system's message inside: keep only that message.
std::string system_message_of(const std::string& reason) {
  const std::string marker = "error message = '";
  const std::size_t start = reason.find(marker);
  if (start == std::string::npos) return reason;
  const std::size_t end = reason.find('\'', start + marker.size());
  return end == std::string::npos ? reason : reason.substr(start + marker.size(), end - start - marker.size());
}

[[noreturn]] void fail(const std::string& what) {
  const std::string reason = system_message_of(take_error_reason());
  throw Error(reason.empty() ? what : what + " (" + reason + ")");
}

Handle make_dataspace(const std::vector<hsize_t>& shape, const std::string& name) {
  const hid_t space =
      shape.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr);
  return Handle(checked(space, "cannot make the dataspace of " + name), H5Sclose, "dataspace of " + name);
}

Handle make_string_type(StringKind kind, std::size_t fixed_size, H5T_cset_t cset, const std::string& name) {
  Handle type(checked(H5Tcopy(H5T_C_S1), "cannot make the string type of " + name), H5Tclose, "string type of " + name);
  const std::string what = "cannot make the string type of " + name;
  check(H5Tset_size(type.id(), kind == StringKind::variable ? H5T_VARIABLE : std::max<std::size_t>(1, fixed_size)),
        what);
  check(H5Tset_cset(type.id(), cset), what);
  if (kind == StringKind::fixed) check(H5Tset_strpad(type.id(), H5T_STR_NULLPAD), what);
  return type;
}

Handle open_attribute(hid_t object, const std::string& name) {
  const std::string full = name_of(object) + " attribute " + name;
  return Handle(checked(H5Aopen(object, name.c_str(), H5P_DEFAULT), "cannot open " + full), H5Aclose, full);
}

// A stored dataset or attribute opened for reading, with its dataspace and file type.
struct StoredValues {
  std::string full;  // names it in messages
  Handle object;
  Handle space;
  Handle file_type;
};

StoredValues open_stored(std::string full, Handle object, hid_t (*get_space)(hid_t), hid_t (*get_type)(hid_t)) {
  Handle space(checked(get_space(object.id()), "cannot read the shape of " + full), H5Sclose, "dataspace of " + full);
  Handle file_type(checked(get_type(object.id()), "cannot read the type of " + full), H5Tclose, "type of " + full);
  return {std::move(full), std::move(object), std::move(space), std::move(file_type)};
}

}  // namespace

Handle open_dataset(hid_t parent, const std::string& name) {
  const std::string full = name_of(parent, name);
  return Handle(checked(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "cannot open dataset " + full), H5Dclose,
                "dataset " + full);
}

namespace {

StoredValues open_stored_dataset(hid_t parent, const std::string& name) {
  return open_stored(name_of(parent, name), open_dataset(parent, name), H5Dget_space, H5Dget_type);
}

StoredValues open_stored_attribute(hid_t object, const std::string& name) {
  return open_stored(name_of(object) + " attribute " + name, open_attribute(object, name), H5Aget_space, H5Aget_type);
}

std::vector<hsize_t> shape_of_space(hid_t space, const std::string& name) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) fail("cannot read the shape of " + name);
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0) check(H5Sget_simple_extent_dims(space, shape.data(), nullptr), "cannot read the shape of " + name);
  return shape;
}

std::string class_name(H5T_class_t type_class) {
  switch (type_class) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "floating-point";
    case H5T_STRING: return "string";
    default: return "non-numeric";
  }
}

// Numeric data converts within its class (int8 to int64, float to double), never across.
void check_class(hid_t file_type, hid_t memory_type, const std::string& name) {
  const H5T_class_t found = H5Tget_class(file_type);
  const H5T_class_t expected = H5Tget_class(memory_type);
  if (found < 0 || expected < 0) fail("cannot read the type of " + name);
  if (found != expected)
    throw Error(name + ": expected " + class_name(expected) + " values, found " + class_name(found));
}

void check_count(hid_t space, std::size_t count, const std::string& name) {
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points < 0) fail("cannot read the size of " + name);
  if (static_cast<std::size_t>(points) != count) {
    throw Error(name + ": holds " + std::to_string(points) + " values, expected " + std::to_string(count));
  }
}

// Reads the strings of a dataset or an attribute (variable- or fixed-length) through `read`.
std::vector<std::string> read_string_values(hid_t file_type, hid_t space, const std::string& name,
                                            const std::function<herr_t(hid_t, void*)>& read) {
  if (H5Tget_class(file_type) != H5T_STRING) throw Error(name + ": expected strings");
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (points < 0) fail("cannot read the size of " + name);
  const auto count = static_cast<std::size_t>(points);
  const H5T_cset_t cset = H5Tget_cset(file_type);
  const htri_t variable = H5Tis_variable_str(file_type);
  if (variable < 0 || cset < 0) fail("cannot read the string type of " + name);
  std::vector<std::string> values;
  values.reserve(count);
  if (variable > 0) {
    const Handle memory_type = make_string_type(StringKind::variable, 0, cset, name);
    std::vector<char*> buffer(count, nullptr);
    check(read(memory_type.id(), buffer.data()), "cannot read " + name);
    for (char* value : buffer) values.emplace_back(value == nullptr ? "" : value);
    for (char* value : buffer) H5free_memory(value);
  } else {
    const std::size_t size = H5Tget_size(file_type);
    if (size == 0) fail("cannot read the string type of " + name);
    const Handle memory_type = make_string_type(StringKind::fixed, size, cset, name);
    std::vector<char> buffer(count * size, '\0');
    check(read(memory_type.id(), buffer.data()), "cannot read " + name);
    for (std::size_t i = 0; i < count; ++i) {
      const char* value = buffer.data() + i * size;
      values.emplace_back(value, strnlen(value, size));
    }
  }
  return values;
}

}  // namespace

void silence_automatic_errors() {
  // HDF5 1.10 leaves a file whose close failed (a full disk) half-closed in its tables,
  // and its exit-time cleanup then crashes on it. Files here are closed by their owners,
  // so that cleanup has nothing to do: it is not registered (this call must come before
  // HDF5 initialises, and every entry point of this module starts here; later calls are no-ops).
  static const bool registered = [] { return H5dont_atexit() >= 0; }();
  (void)registered;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

hid_t checked(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}

Handle::Handle(hid_t id, Closer closer, std::string name) : id_(id), closer_(closer), name_(std::move(name)) {}

Handle::~Handle() {
  if (id_ >= 0) {
    // Nothing can be reported from a destructor; leave no stale error for the next check.
    if (closer_(id_) < 0) H5Eclear2(H5E_DEFAULT);
  }
}

Handle::Handle(Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_), name_(std::move(other.name_)) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Handle old(std::move(*this));
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
    name_ = std::move(other.name_);
  }
  return *this;
}

void Handle::close() {
  if (id_ < 0) return;
  const herr_t status = closer_(std::exchange(id_, H5I_INVALID_HID));
  check(status, "cannot close " + name_);
}

Handle create_file(const std::string& path, hsize_t user_block) {
  silence_automatic_errors();
  const Handle properties(checked(H5Pcreate(H5P_FILE_CREATE), "cannot create " + path), H5Pclose,
                          "properties of " + path);
  if (user_block > 0) check(H5Pset_userblock(properties.id(), user_block), "cannot create " + path);
  return Handle(checked(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, properties.id(), H5P_DEFAULT), "cannot create " + path),
                H5Fclose, path);
}

Handle open_file_read_only(const std::string& path) {
  silence_automatic_errors();
  return Handle(checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "cannot open " + path), H5Fclose, path);
}

bool is_hdf5_file(const std::string& path) {
  silence_automatic_errors();
#if H5_VERSION_GE(1, 12, 0)
  const htri_t result = H5Fis_accessible(path.c_str(), H5P_DEFAULT);
#else
  const htri_t result = H5Fis_hdf5(path.c_str());
#endif
  H5Eclear2(H5E_DEFAULT);
  return result > 0;
}

void flush(hid_t file) {
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot flush " + name_of(file));
}

Handle create_group(hid_t parent, const std::string& name) {
  const std::string full = name_of(parent, name);
  return Handle(
      checked(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create group " + full),
      H5Gclose, "group " + full);
}

Handle open_group(hid_t parent, const std::string& name) {
  const std::string full = name_of(parent, name);
  return Handle(checked(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), "cannot open group " + full), H5Gclose,
                "group " + full);
}

bool exists(hid_t parent, const std::string& path) {
  // H5Lexists fails rather than answering when an intermediate link is missing, so walk the path.
  std::size_t end = 0;
  while (end != std::string::npos) {
    end = path.find('/', end + 1);
    const std::string prefix = path.substr(0, end);
    const htri_t found = H5Lexists(parent, prefix.c_str(), H5P_DEFAULT);
    if (found < 0) fail("cannot look up " + name_of(parent, prefix));
    if (found == 0) return false;
  }
  return true;
}

std::string name_of(hid_t object) {
  const ssize_t size = H5Iget_name(object, nullptr, 0);
  if (size < 0) fail("cannot read an object's name");
  std::string name(static_cast<std::size_t>(size) + 1, '\0');
  H5Iget_name(object, name.data(), name.size());
  name.resize(static_cast<std::size_t>(size));
  return name;
}

std::string name_of(hid_t parent, const std::string& name) {
  if (!name.empty() && name.front() == '/') return name;  // already absolute
  const std::string parent_name = name_of(parent);
  return parent_name == "/" ? "/" + name : parent_name + "/" + name;
}

void write_raw(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& shape, const void* data) {
  const std::string full = name_of(parent, name);
  const Handle space = make_dataspace(shape, full);
  const Handle dataset(
      checked(H5Dcreate2(parent, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              "cannot create dataset " + full),
      H5Dclose, "dataset " + full);
  // An empty dataset has nothing to write (and HDF5 refuses the null buffer of an empty vector).
  if (element_count(shape) == 0) return;
  check(H5Dwrite(dataset.id(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "cannot write dataset " + full);
}

void write_attribute_raw(hid_t object, const std::string& name, hid_t type, const std::vector<hsize_t>& shape,
                         const void* data) {
  const std::string full = name_of(object) + " attribute " + name;
  const Handle space = make_dataspace(shape, full);
  const Handle attribute(
      checked(H5Acreate2(object, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT), "cannot create " + full),
      H5Aclose, full);
  if (element_count(shape) == 0) return;
  check(H5Awrite(attribute.id(), type, data), "cannot write " + full);
}

namespace {

// Checks that the stored values are `count` values of the class of `type`, then reads them with `read`.
void read_checked(const StoredValues& stored, hid_t type, std::size_t count, herr_t (*read)(hid_t, hid_t, void*),
                  void* data) {
  check_class(stored.file_type.id(), type, stored.full);
  check_count(stored.space.id(), count, stored.full);
  if (count == 0) return;
  check(read(stored.object.id(), type, data), "cannot read " + stored.full);
}

herr_t read_whole_dataset(hid_t dataset, hid_t memory_type, void* data) {
  return H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
}

}  // namespace

void read_raw(hid_t parent, const std::string& name, hid_t type, std::size_t count, void* data) {
  read_checked(open_stored_dataset(parent, name), type, count, read_whole_dataset, data);
}

void read_attribute_raw(hid_t object, const std::string& name, hid_t type, std::size_t count, void* data) {
  read_checked(open_stored_attribute(object, name), type, count, H5Aread, data);
}

std::vector<hsize_t> dataset_shape(hid_t parent, const std::string& name) {
  const StoredValues stored = open_stored_dataset(parent, name);
  return shape_of_space(stored.space.id(), stored.full);
}

std::vector<hsize_t> attribute_shape(hid_t object, const std::string& name) {
  const StoredValues stored = open_stored_attribute(object, name);
  return shape_of_space(stored.space.id(), stored.full);
}

std::size_t element_count(const std::vector<hsize_t>& shape) {
  std::size_t count = 1;
  for (hsize_t dimension : shape) count *= static_cast<std::size_t>(dimension);
  return count;
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values, StringKind kind) {
  const std::string full = name_of(parent, name);
  std::size_t longest = 0;
  for (const std::string& value : values) longest = std::max(longest, value.size());
  const Handle type = make_string_type(kind, longest, H5T_CSET_UTF8, full);
  if (kind == StringKind::variable) {
    std::vector<const char*> pointers;
    for (const std::string& value : values) pointers.push_back(value.c_str());
    write_raw(parent, name, type.id(), {values.size()}, pointers.data());
    return;
  }
  const std::size_t size = std::max<std::size_t>(1, longest);
  std::vector<char> buffer(values.size() * size, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), &buffer[i * size]);
  write_raw(parent, name, type.id(), {values.size()}, buffer.data());
}

void write_attribute(hid_t object, const std::string& name, const std::string& value, StringKind kind) {
  const std::string full = name_of(object) + " attribute " + name;
  const Handle type = make_string_type(kind, value.size(), H5T_CSET_UTF8, full);
  if (kind == StringKind::variable) {
    const char* pointer = value.c_str();
    write_attribute_raw(object, name, type.id(), {}, &pointer);
    return;
  }
  std::string padded = value;
  if (padded.empty()) padded.push_back('\0');
  write_attribute_raw(object, name, type.id(), {}, padded.data());
}

void describe(hid_t parent, const std::string& name, const std::string& description) {
  const std::string full = name_of(parent, name);
  const Handle object(checked(H5Oopen(parent, name.c_str(), H5P_DEFAULT), "cannot open " + full), H5Oclose, full);
  write_attribute(object.id(), "description", description);
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  const StoredValues stored = open_stored_dataset(parent, name);
  return read_string_values(
      stored.file_type.id(), stored.space.id(), stored.full,
      [&](hid_t memory_type, void* buffer) { return read_whole_dataset(stored.object.id(), memory_type, buffer); });
}

bool has_attribute(hid_t object, const std::string& name) {
  const htri_t found = H5Aexists(object, name.c_str());
  if (found < 0) fail("cannot look up attribute " + name + " of " + name_of(object));
  return found > 0;
}

bool is_string_attribute(hid_t object, const std::string& name) {
  return H5Tget_class(open_stored_attribute(object, name).file_type.id()) == H5T_STRING;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  const StoredValues stored = open_stored_attribute(object, name);
  const std::vector<std::string> values = read_string_values(
      stored.file_type.id(), stored.space.id(), stored.full,
      [&](hid_t memory_type, void* buffer) { return H5Aread(stored.object.id(), memory_type, buffer); });
  if (values.size() != 1) {
    throw Error(stored.full + ": expected one string, found " + std::to_string(values.size()));
  }
  return values.front();
}

RowDataset RowDataset::create_raw(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& shape,
                                  hsize_t chunk_rows, bool cached) {
  RowDataset result;
  result.name_ = name_of(parent, name);
  result.shape_ = shape;
  const std::string what = "cannot create dataset " + result.name_;
  const Handle space = make_dataspace(shape, result.name_);
  const Handle properties(checked(H5Pcreate(H5P_DATASET_CREATE), what), H5Pclose, "properties of " + result.name_);
  // HDF5 cannot chunk an empty extent; an empty dataset stays contiguous.
  if (!shape.empty() && element_count(shape) > 0) {
    std::vector<hsize_t> chunk = shape;
    chunk[0] = std::clamp<hsize_t>(chunk_rows, 1, shape[0]);
    check(H5Pset_chunk(properties.id(), static_cast<int>(chunk.size()), chunk.data()), what);
    if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
      check(H5Pset_shuffle(properties.id()), what);
      check(H5Pset_deflate(properties.id(), DEFLATE_LEVEL), what);
    }
    // Last in the pipeline, so it covers the stored (compressed) bytes: every reader built on
    // HDF5 (h5py, hdf5r, h5dump) refuses a damaged chunk. It is one of HDF5's built-in filters.
    check(H5Pset_fletcher32(properties.id()), what);
  }
  const Handle access(checked(H5Pcreate(H5P_DATASET_ACCESS), what), H5Pclose, "access of " + result.name_);
  // No bytes of cache: each chunk goes through the filters to the file as it is written.
  if (!cached) check(H5Pset_chunk_cache(access.id(), 0, 0, H5D_CHUNK_CACHE_W0_DEFAULT), what);
  result.dataset_ = Handle(
      checked(H5Dcreate2(parent, name.c_str(), type, space.id(), H5P_DEFAULT, properties.id(), access.id()), what),
      H5Dclose, "dataset " + result.name_);
  result.find_direct_chunks();
  return result;
}

RowDataset RowDataset::open(hid_t parent, const std::string& name) {
  RowDataset result;
  result.name_ = name_of(parent, name);
  result.dataset_ = open_dataset(parent, name);
  result.shape_ = dataset_shape(parent, name);
  result.find_direct_chunks();
  return result;
}

void RowDataset::find_direct_chunks() {
  direct_chunk_rows_ = 0;
  const std::string what = "cannot read the storage of " + name_;
  const Handle properties(checked(H5Dget_create_plist(dataset_.id()), what), H5Pclose, "properties of " + name_);
  if (shape_.empty() || H5Pget_layout(properties.id()) != H5D_CHUNKED) return;
  if (H5Pget_nfilters(properties.id()) != static_cast<int>(std::size(CHUNK_PIPELINE))) return;
  for (unsigned i = 0; i < std::size(CHUNK_PIPELINE); ++i) {
    unsigned flags = 0;
    std::size_t values = 0;
    if (H5Pget_filter2(properties.id(), i, &flags, &values, nullptr, 0, nullptr, nullptr) != CHUNK_PIPELINE[i]) return;
  }
  std::vector<hsize_t> chunk(shape_.size());
  if (H5Pget_chunk(properties.id(), static_cast<int>(chunk.size()), chunk.data()) != static_cast<int>(chunk.size())) {
    return;
  }
  // Chunks must span whole rows, so that a chunk is a run of rows in memory.
  if (!std::equal(chunk.begin() + 1, chunk.end(), shape_.begin() + 1)) return;
  stored_type_ = Handle(checked(H5Dget_type(dataset_.id()), what), H5Tclose, "type of " + name_);
  direct_chunk_rows_ = chunk[0];
}

bool RowDataset::write_whole_chunk(hsize_t first, hsize_t rows, hid_t type, const void* data) {
  if (direct_chunk_rows_ == 0 || rows != direct_chunk_rows_ || first % direct_chunk_rows_ != 0 ||
      first + rows > shape_[0] || H5Tequal(stored_type_.id(), type) <= 0) {
    return false;
  }
  std::vector<hsize_t> offset(shape_.size(), 0);
  offset[0] = first;
  // A chunk written before keeps the filter mask of its record when overwritten in place
  // (HDF5 updates it only for new chunks): a chunk HDF5 stored with deflate skipped would
  // be misread. Only new chunks are written here.
  hsize_t stored_before = 0;
  if (H5Dget_chunk_storage_size(dataset_.id(), offset.data(), &stored_before) < 0) H5Eclear2(H5E_DEFAULT);
  if (stored_before > 0) return false;
  // One encoder per thread: its zlib stream serves every dataset that thread writes.
  thread_local ChunkEncoder encoder;
  const std::size_t element_size = H5Tget_size(type);
  const std::size_t bytes = element_count(shape_) / shape_[0] * rows * element_size;
  const std::span<const std::uint8_t> stored =
      encoder.encode(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(data), bytes), element_size);
  constexpr std::uint32_t ALL_FILTERS_APPLIED = 0;  // the filter mask: no filter of the pipeline skipped
  check(H5Dwrite_chunk(dataset_.id(), H5P_DEFAULT, ALL_FILTERS_APPLIED, offset.data(), stored.size(), stored.data()),
        "cannot write rows " + std::to_string(first) + " to " + std::to_string(first + rows) + " of " + name_);
  return true;
}

Handle RowDataset::select_rows(hsize_t first, std::size_t count, hsize_t& rows) const {
  if (shape_.empty()) throw Error(name_ + ": a scalar has no rows");
  hsize_t row_size = 1;
  for (std::size_t d = 1; d < shape_.size(); ++d) row_size *= shape_[d];
  if (row_size == 0 || count % row_size != 0) {
    throw Error(name_ + ": " + std::to_string(count) + " values are not whole rows of " + std::to_string(row_size));
  }
  rows = count / row_size;
  if (first > shape_[0] || rows > shape_[0] - first) {
    throw Error(name_ + ": rows " + std::to_string(first) + " to " + std::to_string(first + rows) +
                " are outside its " + std::to_string(shape_[0]) + " rows");
  }
  Handle space(checked(H5Dget_space(dataset_.id()), "cannot select rows of " + name_), H5Sclose,
               "dataspace of " + name_);
  std::vector<hsize_t> start(shape_.size(), 0), extent = shape_;
  start[0] = first;
  extent[0] = rows;
  check(H5Sselect_hyperslab(space.id(), H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr),
        "cannot select rows of " + name_);
  return space;
}

void RowDataset::write_rows_raw(hsize_t first, std::size_t count, hid_t type, const void* data) {
  hsize_t rows = 0;
  const Handle file_space = select_rows(first, count, rows);
  if (rows == 0 || write_whole_chunk(first, rows, type, data)) return;
  std::vector<hsize_t> extent = shape_;
  extent[0] = rows;
  const Handle memory_space = make_dataspace(extent, name_);
  check(H5Dwrite(dataset_.id(), type, memory_space.id(), file_space.id(), H5P_DEFAULT, data),
        "cannot write rows " + std::to_string(first) + " to " + std::to_string(first + rows) + " of " + name_);
}

void RowDataset::read_rows_raw(hsize_t first, std::size_t count, hid_t type, void* data) const {
  const Handle file_type(checked(H5Dget_type(dataset_.id()), "cannot read the type of " + name_), H5Tclose,
                         "type of " + name_);
  check_class(file_type.id(), type, name_);
  hsize_t rows = 0;
  const Handle file_space = select_rows(first, count, rows);
  if (rows == 0) return;
  std::vector<hsize_t> extent = shape_;
  extent[0] = rows;
  const Handle memory_space = make_dataspace(extent, name_);
  check(H5Dread(dataset_.id(), type, memory_space.id(), file_space.id(), H5P_DEFAULT, data),
        "cannot read rows " + std::to_string(first) + " to " + std::to_string(first + rows) + " of " + name_);
}

}  // namespace trialsim::hdf5
