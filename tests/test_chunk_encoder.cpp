// The chunks that trialsim encodes itself (shuffle, deflate, Fletcher-32) against HDF5's
// own filter pipeline: the reference is the HDF5 library, which wrote the chunks that the
// encoder's pieces are compared with and which decodes and checks the encoder's chunks.

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "../src/io/chunk_encoder.hpp"   // private to io: the encoder under test
#include "../src/io/hdf5_interface.hpp"  // private to io: RowDataset writes whole chunks encoded
#include "scratch_folder.hpp"

using namespace trialsim;

namespace {

constexpr hsize_t CHUNK_ROWS = 4096;

// Columns as a results file holds them: doubles with full mantissas (a hazard ratio), counts
// held as doubles, and small integers; rows of two looks.
std::vector<double> hazard_ratios(std::size_t count) {
  std::mt19937_64 generator(20130127);
  std::lognormal_distribution<double> ratio(-0.5, 0.3);
  std::vector<double> values(count);
  for (double& value : values) value = ratio(generator);
  return values;
}

std::vector<double> event_counts(std::size_t count) {
  std::vector<double> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = i % 2 == 0 ? 92.0 : 184.0 - static_cast<double>(i % 7);
  return values;
}

std::vector<std::int8_t> decisions(std::size_t count) {
  std::vector<std::int8_t> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = static_cast<std::int8_t>((i * 2654435761U >> 7) % 3) - 1;
  return values;
}

std::span<const std::uint8_t> bytes_of(const void* data, std::size_t size) {
  return {static_cast<const std::uint8_t*>(data), size};
}

// A file whose dataset `name` [rows, 2] of type T is created by RowDataset (the pipeline
// shuffle, deflate, Fletcher-32, chunks of CHUNK_ROWS rows).
template <class T>
hdf5::RowDataset make_dataset(hid_t file, const std::string& name, hsize_t rows) {
  return hdf5::RowDataset::create<T>(file, name, {rows, 2}, CHUNK_ROWS);
}

// The stored bytes of chunk `index` of a dataset, as HDF5 keeps them.
std::vector<std::uint8_t> raw_chunk(hid_t dataset, hsize_t first_row) {
  const hsize_t offset[2] = {first_row, 0};
  hsize_t size = 0;
  EXPECT_GE(H5Dget_chunk_storage_size(dataset, offset, &size), 0);
  std::vector<std::uint8_t> stored(size);
  std::uint32_t mask = 0;
  EXPECT_GE(H5Dread_chunk(dataset, H5P_DEFAULT, offset, &mask, stored.data()), 0);
  EXPECT_EQ(mask, 0U) << "HDF5 skipped a filter of the chunk";
  return stored;
}

// zlib's inflate of a whole zlib stream of known decoded size.
std::vector<std::uint8_t> inflated(std::span<const std::uint8_t> stream, std::size_t size) {
  std::vector<std::uint8_t> out(size);
  uLongf out_size = static_cast<uLongf>(size);
  EXPECT_EQ(uncompress(out.data(), &out_size, stream.data(), static_cast<uLong>(stream.size())), Z_OK);
  EXPECT_EQ(out_size, size);
  return out;
}

std::uint32_t little_endian_word(const std::uint8_t* bytes) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

// Checks a chunk that HDF5's own pipeline stored against the encoder's pieces: its last four
// bytes are the Fletcher-32 of the rest, little-endian, and the rest inflates to the shuffle
// of the chunk's values.
template <class T>
void expect_hdf5_pipeline_matches_pieces(const std::filesystem::path& folder, const std::vector<T>& values) {
  const std::string path = folder / "hdf5_pipeline.h5";
  const hdf5::Handle file = hdf5::create_file(path);
  // Written in two pieces, so that HDF5's pipeline (not the encoder) stores the chunk.
  hdf5::RowDataset dataset = make_dataset<T>(file.id(), "column", CHUNK_ROWS);
  const std::size_t half = values.size() / 2;
  dataset.write_rows<T>(0, std::span<const T>(values.data(), half));
  dataset.write_rows<T>(half / 2, std::span<const T>(values.data() + half, values.size() - half));
  dataset.close();
  const hdf5::Handle dataset_again = hdf5::open_dataset(file.id(), "column");
  const std::vector<std::uint8_t> stored = raw_chunk(dataset_again.id(), 0);
  ASSERT_GT(stored.size(), 4U);
  const std::span<const std::uint8_t> deflated(stored.data(), stored.size() - 4);
  EXPECT_EQ(hdf5::fletcher32(deflated), little_endian_word(stored.data() + stored.size() - 4));
  std::vector<std::uint8_t> shuffled;
  hdf5::shuffle_bytes(bytes_of(values.data(), values.size() * sizeof(T)), sizeof(T), shuffled);
  EXPECT_EQ(inflated(deflated, shuffled.size()), shuffled);
}

// Writes `values` as one whole chunk through RowDataset (the encoder's path), then reads them
// back through HDF5, which inflates, unshuffles and checks the checksum of the chunk.
template <class T>
void expect_encoded_chunk_reads_back(const std::filesystem::path& folder, const std::vector<T>& values) {
  const std::string path = folder / "encoded.h5";
  {
    const hdf5::Handle file = hdf5::create_file(path);
    hdf5::RowDataset dataset = make_dataset<T>(file.id(), "column", CHUNK_ROWS);
    dataset.write_rows<T>(0, std::span<const T>(values));
  }
  const hdf5::Handle file = hdf5::open_file_read_only(path);
  const hdf5::Handle dataset = hdf5::open_dataset(file.id(), "column");
  std::vector<T> read(values.size());
  ASSERT_GE(H5Dread(dataset.id(), hdf5::native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, read.data()), 0);
  EXPECT_EQ(std::memcmp(read.data(), values.data(), values.size() * sizeof(T)), 0);
  // The encoder wrote the chunk: what HDF5 stores is the encoder's output, byte for byte.
  hdf5::ChunkEncoder encoder;
  const std::span<const std::uint8_t> encoded =
      encoder.encode(bytes_of(values.data(), values.size() * sizeof(T)), sizeof(T));
  const std::vector<std::uint8_t> stored = raw_chunk(dataset.id(), 0);
  EXPECT_EQ(stored, std::vector<std::uint8_t>(encoded.begin(), encoded.end()));
}

}  // namespace

using ChunkEncoderFiles = ScratchFolderTest;

// Fletcher-32 as HDF5 defines it, by hand: words 0x0102 and 0x0304 give sums 0x0406 and
// 0x0102 + 0x0406 = 0x0508; an odd last byte 0x03 is the word 0x0300.
TEST(ChunkEncoder, Fletcher32OfHandWorkedBytes) {
  const std::uint8_t even[] = {0x01, 0x02, 0x03, 0x04};
  EXPECT_EQ(hdf5::fletcher32(even), 0x05080406U);
  const std::uint8_t odd[] = {0x01, 0x02, 0x03};
  EXPECT_EQ(hdf5::fletcher32(odd), 0x05040402U);
}

// Long runs of 0xffff words cross the folds every 360 words: checked against the same sums
// taken modulo 65535 with 64-bit arithmetic (the folds are end-around carries, so the two
// agree wherever neither sum is a multiple of 65535).
TEST(ChunkEncoder, Fletcher32FoldsAsModularSums) {
  for (const std::size_t words : {359U, 360U, 361U, 1000U, 16384U}) {
    std::vector<std::uint8_t> bytes(2 * words);
    std::uint64_t sum1 = 0, sum2 = 0;
    for (std::size_t i = 0; i < words; ++i) {
      const auto word = static_cast<std::uint16_t>(0xffffU - (i * 7919U) % 977U);
      bytes[2 * i] = static_cast<std::uint8_t>(word >> 8);
      bytes[2 * i + 1] = static_cast<std::uint8_t>(word & 0xffU);
      sum1 = (sum1 + word) % 65535U;
      sum2 = (sum2 + sum1) % 65535U;
    }
    const std::uint32_t checksum = hdf5::fletcher32(bytes);
    EXPECT_EQ((checksum & 0xffffU) % 65535U, sum1) << words << " words";
    EXPECT_EQ((checksum >> 16) % 65535U, sum2) << words << " words";
  }
}

// HDF5's pipeline is the reference for the checksum and the shuffle, on the kinds of column
// a results file holds.
TEST_F(ChunkEncoderFiles, PiecesMatchHdf5sOwnPipeline) {
  expect_hdf5_pipeline_matches_pieces(dir_, hazard_ratios(2 * CHUNK_ROWS));
  expect_hdf5_pipeline_matches_pieces(dir_, event_counts(2 * CHUNK_ROWS));
  expect_hdf5_pipeline_matches_pieces(dir_, decisions(2 * CHUNK_ROWS));
}

TEST_F(ChunkEncoderFiles, WholeChunksReadBackThroughHdf5) {
  expect_encoded_chunk_reads_back(dir_, hazard_ratios(2 * CHUNK_ROWS));
  expect_encoded_chunk_reads_back(dir_, event_counts(2 * CHUNK_ROWS));
  expect_encoded_chunk_reads_back(dir_, decisions(2 * CHUNK_ROWS));
  std::vector<std::int32_t> integers(2 * CHUNK_ROWS);
  for (std::size_t i = 0; i < integers.size(); ++i) integers[i] = static_cast<std::int32_t>(i * i) - 1000;
  expect_encoded_chunk_reads_back(dir_, integers);
}

// Counts compress as they did under HDF5's level-1 deflate: at least 5 to 1 here.
TEST(ChunkEncoder, CountsCompress) {
  const std::vector<double> counts = event_counts(2 * CHUNK_ROWS);
  hdf5::ChunkEncoder encoder;
  const std::size_t bytes = counts.size() * sizeof(double);
  EXPECT_LT(encoder.encode(bytes_of(counts.data(), bytes), sizeof(double)).size() * 5, bytes);
}

// Rows of two looks whose second is NaN (a trial that stopped at its interim) compress
// although their other half is random: the planes are judged from runs of whole rows, not from
// every k-th byte, which would see one look only. These 8,192 rows encode at 1.8 to 1 (at 1.2
// to 1 when judged from every fourth byte); the check asks for 1.4 to 1.
TEST(ChunkEncoder, RowsHalfNotPerformedCompress) {
  std::vector<double> rows = hazard_ratios(2 * 8192);
  for (std::size_t i = 1; i < rows.size(); i += 2) rows[i] = std::nan("");
  hdf5::ChunkEncoder encoder;
  const std::size_t bytes = rows.size() * sizeof(double);
  EXPECT_LT(encoder.encode(bytes_of(rows.data(), bytes), sizeof(double)).size() * 1.4, bytes);
}

// A chunk whose checksum is wrong is refused by HDF5's reader: the check that makes the
// comparisons above worth making.
TEST_F(ChunkEncoderFiles, HdfRefusesAChunkWithAWrongChecksum) {
  const std::string path = dir_ / "damaged.h5";
  const std::vector<double> values = hazard_ratios(2 * CHUNK_ROWS);
  hdf5::ChunkEncoder encoder;
  const std::span<const std::uint8_t> encoded =
      encoder.encode(bytes_of(values.data(), values.size() * sizeof(double)), sizeof(double));
  std::vector<std::uint8_t> damaged(encoded.begin(), encoded.end());
  damaged.back() ^= 0x01;
  {
    const hdf5::Handle file = hdf5::create_file(path);
    hdf5::RowDataset dataset = make_dataset<double>(file.id(), "column", CHUNK_ROWS);
    const hsize_t offset[2] = {0, 0};
    ASSERT_GE(H5Dwrite_chunk(dataset.id(), H5P_DEFAULT, 0, offset, damaged.size(), damaged.data()), 0);
  }
  const hdf5::Handle file = hdf5::open_file_read_only(path);
  const hdf5::Handle dataset = hdf5::open_dataset(file.id(), "column");
  std::vector<double> read(values.size());
  hdf5::silence_automatic_errors();
  EXPECT_LT(H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, read.data()), 0);
}

// A dataset whose last chunk is partial: whole chunks are encoded here, the partial one goes
// through HDF5's pipeline, and the whole reads back.
TEST_F(ChunkEncoderFiles, PartialLastChunkGoesThroughHdf5) {
  const std::string path = dir_ / "partial.h5";
  const hsize_t rows = 2 * CHUNK_ROWS + 100;
  const std::vector<double> values = hazard_ratios(2 * rows);
  {
    const hdf5::Handle file = hdf5::create_file(path);
    hdf5::RowDataset dataset = make_dataset<double>(file.id(), "column", rows);
    for (hsize_t first = 0; first < rows; first += CHUNK_ROWS) {
      const hsize_t count = std::min(CHUNK_ROWS, rows - first);
      dataset.write_rows<double>(first, std::span<const double>(values.data() + 2 * first, 2 * count));
    }
  }
  const hdf5::Handle file = hdf5::open_file_read_only(path);
  const hdf5::Handle dataset = hdf5::open_dataset(file.id(), "column");
  std::vector<double> read(values.size());
  ASSERT_GE(H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, read.data()), 0);
  EXPECT_EQ(read, values);
}

// A chunk rewritten whole after it was stored goes through HDF5's pipeline (HDF5 keeps an
// overwritten chunk's record of skipped filters, which only its pipeline keeps true), and
// the rewritten values read back.
TEST_F(ChunkEncoderFiles, RewrittenChunkReadsBack) {
  const std::string path = dir_ / "rewritten.h5";
  const std::vector<double> first = hazard_ratios(2 * CHUNK_ROWS);
  const std::vector<double> second = event_counts(2 * CHUNK_ROWS);
  {
    const hdf5::Handle file = hdf5::create_file(path);
    hdf5::RowDataset dataset = make_dataset<double>(file.id(), "column", CHUNK_ROWS);
    dataset.write_rows<double>(0, std::span<const double>(first));
    dataset.close();
    hdf5::RowDataset again = hdf5::RowDataset::open(file.id(), "column");
    again.write_rows<double>(0, std::span<const double>(second));
  }
  const hdf5::Handle file = hdf5::open_file_read_only(path);
  const hdf5::Handle dataset = hdf5::open_dataset(file.id(), "column");
  std::vector<double> read(second.size());
  ASSERT_GE(H5Dread(dataset.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, read.data()), 0);
  EXPECT_EQ(read, second);
}
