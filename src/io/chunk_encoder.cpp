#include "chunk_encoder.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include <zlib.h>

namespace trialsim::hdf5 {

namespace {

// Words summed before the sums are folded: the most that cannot overflow 32 bits.
constexpr std::size_t WORDS_PER_FOLD = 360;

// zlib's levels: 1 compresses (with Z_RLE the level only tells compressing from storing), 0 stores.
constexpr int COMPRESS = 1, STORE = 0;
// Planes of bytes whose single-byte (Shannon) entropy is at least this many bits are stored:
// Huffman coding, which is all that deflate's run-length matches add to on such planes,
// could save at most an eighth of them, and would spend more time than anything else in
// writing them. These are the low bytes of estimates whose rows mix in a few NaNs of looks
// not performed; a plane with more NaNs, or with a narrower spread of values, is compressed.
constexpr double INCOMPRESSIBLE_BITS_PER_BYTE = 7.0;
// Bytes of a plane sampled for its entropy: a quarter (the estimate needs hundreds, not all),
// taken as runs of consecutive bytes. Every k-th byte would see one column of a row of k
// values only (every other look's NaN of a two-look column would never be sampled); a run
// spans whole rows (at most MAX_LOOKS x MAX_COMPARED = 60 values).
constexpr std::size_t SAMPLE_RUN = 64, SAMPLE_PERIOD = 256;

std::uint32_t fold(std::uint32_t sum) {
  return (sum & 0xffffU) + (sum >> 16);
}

// c log2 c for the counts of a sample, from a table for the counts most samples have.
double count_times_log2(std::uint64_t count) {
  constexpr std::size_t TABLE_SIZE = 4096;
  static const std::array<double, TABLE_SIZE> table = [] {
    std::array<double, TABLE_SIZE> t{};
    for (std::size_t c = 1; c < TABLE_SIZE; ++c) t[c] = static_cast<double>(c) * std::log2(static_cast<double>(c));
    return t;
  }();
  if (count < TABLE_SIZE) return table[count];
  return static_cast<double>(count) * std::log2(static_cast<double>(count));
}

// Whether deflate can shorten `bytes` by enough to be worth its time, judged from a sample
// of them (a plane of a chunk has thousands) by their entropy
// log2 N - (1/N) sum c log2 c over the sample's counts c of each byte value.
bool worth_compressing(std::span<const std::uint8_t> bytes) {
  std::array<std::uint32_t, 256> counts{};
  std::uint64_t sampled = 0;
  for (std::size_t run = 0; run < bytes.size(); run += SAMPLE_PERIOD) {
    const std::size_t end = std::min(run + SAMPLE_RUN, bytes.size());
    for (std::size_t i = run; i < end; ++i) ++counts[bytes[i]];
    sampled += end - run;
  }
  if (sampled < 2) return true;
  double sum = 0.0;
  for (const std::uint32_t count : counts) sum += count_times_log2(count);
  const double entropy = std::log2(static_cast<double>(sampled)) - sum / static_cast<double>(sampled);
  return entropy < INCOMPRESSIBLE_BITS_PER_BYTE;
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
  // Element by element, each byte to its plane: every read and every plane's writes run in
  // order, which the caches follow better than gathering one plane at a stride.
  for (std::size_t i = 0; i < elements; ++i) {
    for (std::size_t b = 0; b < element_size; ++b) shuffled[b * elements + i] = data[i * element_size + b];
  }
  std::copy(data.begin() + static_cast<std::ptrdiff_t>(elements * element_size), data.end(),
            shuffled.begin() + static_cast<std::ptrdiff_t>(elements * element_size));
}

// The zlib stream, set up once: level 1 (HDF5's deflate level of the file, which Z_RLE does
// not consult beyond "compress"), a 32 KB window and zlib's default memory level.
struct ChunkEncoder::Stream {
  z_stream z{};
  Stream() {
    if (deflateInit2(&z, COMPRESS, Z_DEFLATED, MAX_WBITS, 8, Z_RLE) != Z_OK) {
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
  const auto fail = [&](const char* what) {
    throw std::runtime_error(std::string("zlib's deflate failed to ") + what + ": " +
                             (z.msg != nullptr ? z.msg : "no reason given"));
  };
  if (deflateReset(&z) != Z_OK || deflateParams(&z, COMPRESS, Z_RLE) != Z_OK) fail("start a chunk");
  // Room for the worst case of compressing every plane, for the headers of the planes'
  // blocks, and for the checksum.
  const std::size_t planes = element_size > 0 ? element_size : 1;
  constexpr std::size_t CHECKSUM_BYTES = 4, BLOCK_HEADER_BYTES = 16;
  stored_.resize(deflateBound(&z, static_cast<uLong>(shuffled_.size())) + BLOCK_HEADER_BYTES * (planes + 1) +
                 CHECKSUM_BYTES);
  z.next_out = stored_.data();
  z.avail_out = static_cast<uInt>(stored_.size() - CHECKSUM_BYTES);
  const std::size_t plane_size = shuffled_.size() / planes;
  int level = COMPRESS;
  for (std::size_t p = 0; p < planes; ++p) {
    // The last plane takes the bytes beyond whole elements too.
    const std::size_t end = p + 1 == planes ? shuffled_.size() : (p + 1) * plane_size;
    const std::span<std::uint8_t> plane(shuffled_.data() + p * plane_size, end - p * plane_size);
    // Bytes of a double's low mantissa are as good as random: stored, they cost a copy
    // where deflate would spend its time to save nothing.
    const int wanted = worth_compressing(plane) ? COMPRESS : STORE;
    if (wanted != level) {
      if (deflateParams(&z, wanted, Z_RLE) != Z_OK) fail("change its level");  // ends the block so far
      level = wanted;
    }
    z.next_in = plane.data();
    z.avail_in = static_cast<uInt>(plane.size());
    if (deflate(&z, Z_NO_FLUSH) != Z_OK || z.avail_in != 0) fail("take a plane of bytes");
  }
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) fail("finish a chunk");
  const std::size_t deflated = z.total_out;
  const std::uint32_t checksum = fletcher32(std::span<const std::uint8_t>(stored_.data(), deflated));
  for (std::size_t i = 0; i < CHECKSUM_BYTES; ++i)
    stored_[deflated + i] = static_cast<std::uint8_t>(checksum >> (8 * i));
  return std::span<const std::uint8_t>(stored_.data(), deflated + CHECKSUM_BYTES);
}

}  // namespace trialsim::hdf5
