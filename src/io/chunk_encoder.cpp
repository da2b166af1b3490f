#include "chunk_encoder.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <zlib.h>

namespace trialsim::hdf5 {

namespace {

// Words summed before the sums are folded: the most that cannot overflow 32 bits.
constexpr std::size_t WORDS_PER_FOLD = 360;

std::uint32_t fold(std::uint32_t sum) {
  return (sum & 0xffffU) + (sum >> 16);
}

}  // namespace

std::uint32_t fletcher32(std::span<const std::uint8_t> bytes) {
  std::uint32_t sum1 = 0, sum2 = 0;
  std::size_t words = bytes.size() / 2;
  const std::uint8_t* data = bytes.data();
  while (words > 0) {
    const std::size_t now = std::min(words, WORDS_PER_FOLD);
    words -= now;
    for (std::size_t i = 0; i < now; ++i, data += 2) {
      sum1 += (static_cast<std::uint32_t>(data[0]) << 8) | data[1];
      sum2 += sum1;
    }
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  if (bytes.size() % 2 != 0) {
    sum1 += static_cast<std::uint32_t>(*data) << 8;
    sum2 += sum1;
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  return (fold(sum2) << 16) | fold(sum1);
}

void shuffle_bytes(std::span<const std::uint8_t> data, std::size_t element_size, std::vector<std::uint8_t>& shuffled) {
  shuffled.resize(data.size());
  const std::size_t elements = element_size > 0 ? data.size() / element_size : 0;
  std::uint8_t* out = shuffled.data();
  for (std::size_t b = 0; b < element_size && elements > 0; ++b) {
    for (std::size_t i = 0; i < elements; ++i) *out++ = data[i * element_size + b];
  }
  std::copy(data.begin() + static_cast<std::ptrdiff_t>(elements * element_size), data.end(), out);
}

// The zlib stream, set up once: level 1 (HDF5's deflate level of the file, which Z_RLE does
// not consult beyond "compress"), a 32 KB window and zlib's default memory level.
struct ChunkEncoder::Stream {
  z_stream z{};
  Stream() {
    if (deflateInit2(&z, 1, Z_DEFLATED, MAX_WBITS, 8, Z_RLE) != Z_OK) {
      throw std::runtime_error("cannot set up zlib's deflate: out of memory");
    }
  }
  ~Stream() { deflateEnd(&z); }
};

ChunkEncoder::ChunkEncoder() : stream_(std::make_unique<Stream>()) {}
ChunkEncoder::~ChunkEncoder() = default;

std::span<const std::uint8_t> ChunkEncoder::encode(std::span<const std::uint8_t> chunk, std::size_t element_size) {
  shuffle_bytes(chunk, element_size, shuffled_);
  z_stream& z = stream_->z;
  if (deflateReset(&z) != Z_OK) throw std::runtime_error("cannot reset zlib's deflate");
  constexpr std::size_t CHECKSUM_BYTES = 4;
  stored_.resize(deflateBound(&z, static_cast<uLong>(shuffled_.size())) + CHECKSUM_BYTES);
  z.next_in = shuffled_.data();
  z.avail_in = static_cast<uInt>(shuffled_.size());
  z.next_out = stored_.data();
  z.avail_out = static_cast<uInt>(stored_.size() - CHECKSUM_BYTES);
  // deflateBound's room is enough for one call to finish the stream.
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
    throw std::runtime_error(std::string("zlib's deflate failed: ") + (z.msg != nullptr ? z.msg : "no reason given"));
  }
  const std::size_t deflated = z.total_out;
  const std::uint32_t checksum = fletcher32(std::span<const std::uint8_t>(stored_.data(), deflated));
  for (std::size_t i = 0; i < CHECKSUM_BYTES; ++i)
    stored_[deflated + i] = static_cast<std::uint8_t>(checksum >> (8 * i));
  return std::span<const std::uint8_t>(stored_.data(), deflated + CHECKSUM_BYTES);
}

}  // namespace trialsim::hdf5
