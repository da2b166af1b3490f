#pragma once
// A small RAII layer over the HDF5 C API, private to the io module. Every call's
// status is checked; a failure becomes hdf5::Error naming the object and, when
// HDF5 gave one, its innermost reason. Typed templates map C++ element types to
// HDF5 native types so that callers never spell an hid_t type themselves.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <hdf5.h>

namespace trialsim::hdf5 {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// HDF5 prints its error stack to stderr by default; errors here become exceptions instead.
void silence_automatic_errors();

//! Throws Error(what + HDF5's innermost reason) when a call failed (negative status).
void check(herr_t status, const std::string& what);
//! Returns `id`, or throws as check() when the call that made it failed.
hid_t checked(hid_t id, const std::string& what);

//! Owns one identifier and closes it with the function matching its kind.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  //! Takes a valid `id` (see checked()); `name` names the object in messages.
  Handle(hid_t id, Closer closer, std::string name);
  ~Handle();
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t id() const { return id_; }
  bool is_open() const { return id_ >= 0; }
  //! Closes now, reporting failure (the destructor closes silently).
  void close();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
  std::string name_;
};

// Element types that files hold, as HDF5 native types.
template <class T>
hid_t native_type() = delete;
template <>
inline hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
inline hid_t native_type<std::int8_t>() {
  return H5T_NATIVE_INT8;
}
template <>
inline hid_t native_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
inline hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
inline hid_t native_type<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}
template <>
inline hid_t native_type<std::uint16_t>() {
  return H5T_NATIVE_UINT16;
}
template <>
inline hid_t native_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}

//! How strings are stored: variable-length (h5py reads str) or fixed-length (h5py reads bytes); UTF-8 either way.
enum class StringKind { variable, fixed };

// Files and groups.
//! Truncates an existing file; `user_block` bytes (0, or a power of 2 from 512) are left before HDF5's data.
Handle create_file(const std::string& path, hsize_t user_block = 0);
Handle open_file_read_only(const std::string& path);
//! True when the file starts with an HDF5 signature; false for anything else, unreadable included.
bool is_hdf5_file(const std::string& path);
void flush(hid_t file);
Handle create_group(hid_t parent, const std::string& name);
Handle open_dataset(hid_t parent, const std::string& name);  //!< to give it attributes
Handle open_group(hid_t parent, const std::string& name);
//! True when every link of the relative path `path` ("a/b/c") exists under `parent`.
bool exists(hid_t parent, const std::string& path);
//! The object's full name in its file ("/summary/power"), for messages.
std::string name_of(hid_t object);
std::string name_of(hid_t parent, const std::string& name);

// Raw forms of the typed functions below (type = HDF5 memory type).
void write_raw(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& shape, const void* data);
void write_attribute_raw(hid_t object, const std::string& name, hid_t type, const std::vector<hsize_t>& shape,
                         const void* data);
//! Reads the whole dataset into `data` (`count` elements), refusing a different element class or size.
void read_raw(hid_t parent, const std::string& name, hid_t type, std::size_t count, void* data);
void read_attribute_raw(hid_t object, const std::string& name, hid_t type, std::size_t count, void* data);

//! Dimensions of a dataset; empty for a scalar.
std::vector<hsize_t> dataset_shape(hid_t parent, const std::string& name);
std::vector<hsize_t> attribute_shape(hid_t object, const std::string& name);
std::size_t element_count(const std::vector<hsize_t>& shape);

// Contiguous datasets written whole (small ones: summaries, names).
template <class T>
void write_scalar(hid_t parent, const std::string& name, T value) {
  write_raw(parent, name, native_type<T>(), {}, &value);
}
template <class T>
void write_vector(hid_t parent, const std::string& name, std::span<const T> values) {
  write_raw(parent, name, native_type<T>(), {values.size()}, values.data());
}
//! `values` in row-major order, rows x columns.
template <class T>
void write_matrix(hid_t parent, const std::string& name, hsize_t rows, hsize_t columns, std::span<const T> values) {
  if (values.size() != rows * columns) throw Error(name_of(parent, name) + ": values do not fill the matrix");
  write_raw(parent, name, native_type<T>(), {rows, columns}, values.data());
}
void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values,
                   StringKind kind = StringKind::variable);

template <class T>
void write_attribute(hid_t object, const std::string& name, T value) {
  write_attribute_raw(object, name, native_type<T>(), {}, &value);
}
template <class T>
void write_attribute(hid_t object, const std::string& name, std::span<const T> values) {
  write_attribute_raw(object, name, native_type<T>(), {values.size()}, values.data());
}
void write_attribute(hid_t object, const std::string& name, const std::string& value,
                     StringKind kind = StringKind::variable);
inline void write_attribute(hid_t object, const std::string& name, const char* value,
                            StringKind kind = StringKind::variable) {
  write_attribute(object, name, std::string(value), kind);
}
//! Writes the `description` attribute of the object (group or dataset) `name` under `parent`:
//! every object of a results file carries one, so that a reader needs no other documentation.
void describe(hid_t parent, const std::string& name, const std::string& description);

// Reading whole datasets and attributes; numeric data converts to T within its class (integer or float).
template <class T>
std::vector<T> read_vector(hid_t parent, const std::string& name) {
  std::vector<T> values(element_count(dataset_shape(parent, name)));
  read_raw(parent, name, native_type<T>(), values.size(), values.data());
  return values;
}
template <class T>
T read_scalar(hid_t parent, const std::string& name) {
  T value{};
  read_raw(parent, name, native_type<T>(), 1, &value);
  return value;
}
std::vector<std::string> read_strings(hid_t parent, const std::string& name);

bool has_attribute(hid_t object, const std::string& name);
bool is_string_attribute(hid_t object, const std::string& name);
template <class T>
T read_attribute(hid_t object, const std::string& name) {
  T value{};
  read_attribute_raw(object, name, native_type<T>(), 1, &value);
  return value;
}
template <class T>
std::vector<T> read_attribute_vector(hid_t object, const std::string& name) {
  std::vector<T> values(element_count(attribute_shape(object, name)));
  read_attribute_raw(object, name, native_type<T>(), values.size(), values.data());
  return values;
}
std::string read_string_attribute(hid_t object, const std::string& name);

//! A fixed-size dataset written and read by blocks of rows (hyperslabs along the first
//! dimension), chunked along rows, compressed (shuffle + deflate) when HDF5 has zlib, and checksummed (Fletcher32).
class RowDataset {
 public:
  RowDataset() = default;
  //! shape = {rows} or {rows, columns}; chunks hold `chunk_rows` rows (fewer when the dataset is smaller).
  //! `cached` false: no chunk cache, for datasets written in whole chunks only, so that many
  //! of them can be open at once without HDF5 holding their chunks (1 MB each) until closed.
  template <class T>
  static RowDataset create(hid_t parent, const std::string& name, const std::vector<hsize_t>& shape, hsize_t chunk_rows,
                           bool cached = true) {
    return create_raw(parent, name, native_type<T>(), shape, chunk_rows, cached);
  }
  static RowDataset open(hid_t parent, const std::string& name);

  const std::vector<hsize_t>& shape() const { return shape_; }
  hid_t id() const { return dataset_.id(); }
  //! Writes rows [first, first + values.size() / row size).
  template <class T>
  void write_rows(hsize_t first, std::span<const T> values) {
    write_rows_raw(first, values.size(), native_type<T>(), values.data());
  }
  //! Reads rows [first, first + values.size() / row size).
  template <class T>
  void read_rows(hsize_t first, std::span<T> values) const {
    read_rows_raw(first, values.size(), native_type<T>(), values.data());
  }
  void close() { dataset_.close(); }

 private:
  static RowDataset create_raw(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& shape,
                               hsize_t chunk_rows, bool cached);
  void write_rows_raw(hsize_t first, std::size_t count, hid_t type, const void* data);
  void read_rows_raw(hsize_t first, std::size_t count, hid_t type, void* data) const;
  //! The file space selecting the rows that `count` elements starting at row `first` cover.
  Handle select_rows(hsize_t first, std::size_t count, hsize_t& rows) const;
  //! Notes whether whole chunks can be written encoded here (ChunkEncoder): the dataset is
  //! chunked by rows with the pipeline shuffle, deflate, Fletcher-32 and nothing else.
  void find_direct_chunks();
  //! Writes rows [first, first + rows) as one chunk encoded here; false if they are not one
  //! whole chunk of this dataset in its own element type.
  bool write_whole_chunk(hsize_t first, hsize_t rows, hid_t type, const void* data);

  Handle dataset_;
  std::vector<hsize_t> shape_;
  std::string name_;
  hsize_t direct_chunk_rows_ = 0;  // rows per chunk when whole chunks are encoded here, else 0
  Handle stored_type_;             // the dataset's element type, as stored
};

}  // namespace trialsim::hdf5
