#pragma once
// The stored form of one chunk of a results column, made here rather than by HDF5's
// filter pipeline: shuffle, deflate, Fletcher-32: the pipeline that every chunked dataset
// of the file declares (RowDataset), so that every HDF5 reader (h5py, hdf5r, rhdf5, h5dump)
// decodes it with HDF5's own filters and checks its checksum. Two things make it cheaper
// than the pipeline: one zlib stream is reset and reused rather than set up for every
// chunk, and deflate runs with the run-length strategy (Z_RLE), which after the shuffle
// compresses the columns as well as level 1's string matching does (runs of equal bytes
// are what shuffled doubles and counts have) at half its time, and planes of bytes that
// are as good as random (a double's low mantissa) are stored rather than searched, which
// halves the time of a column of estimates again. The stream is standard deflate: those
// are the encoder's choices and readers never see them.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace trialsim::hdf5 {

//! HDF5's Fletcher-32 checksum (the fletcher32 filter, H5_checksum_fletcher32): Fletcher's
//! sums (Fletcher 1982) over big-endian 16-bit words, both sums starting at 0 and folded
//! to 16 bits every 360 words, an odd last byte taken as the high byte of a word.
std::uint32_t fletcher32(std::span<const std::uint8_t> bytes);

//! HDF5's shuffle filter: byte b of every element, for b = 0 .. element_size - 1, one
//! after the other (bytes beyond whole elements are copied as they are).
void shuffle_bytes(std::span<const std::uint8_t> data, std::size_t element_size, std::vector<std::uint8_t>& shuffled);

//! Encodes chunks; one per thread (it keeps a zlib stream and buffers for the next chunk).
class ChunkEncoder {
 public:
  ChunkEncoder();
  ~ChunkEncoder();
  ChunkEncoder(const ChunkEncoder&) = delete;
  ChunkEncoder& operator=(const ChunkEncoder&) = delete;

  //! The stored bytes of a chunk of elements of `element_size` bytes: shuffled, deflated (a
  //! zlib stream), then the Fletcher-32 checksum of those bytes, little-endian. Valid until
  //! the next call.
  std::span<const std::uint8_t> encode(std::span<const std::uint8_t> chunk, std::size_t element_size);

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
  std::vector<std::uint8_t> shuffled_;
  std::vector<std::uint8_t> stored_;
};

}  // namespace trialsim::hdf5
