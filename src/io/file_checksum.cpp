#include "file_checksum.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

namespace trialsim::checksum {

namespace {

// The block: these lines, then NUL bytes up to BLOCK_SIZE. The CRC covers the first two
// lines and every byte after the block, so a damaged stated length fails it too.
constexpr char MAGIC[] = "trialsim results file\n";
constexpr std::size_t MAGIC_SIZE = sizeof(MAGIC) - 1;
constexpr char HDF5_SIGNATURE[] = "\x89HDF\r\n\x1a\n";

// Slicing-by-8 tables for the reflected polynomial 0xEDB88320 (Intel's method, as in zlib).
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;
const Tables& tables() {
  static const Tables made = [] {
    Tables t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (std::size_t i = 0; i < 256; ++i) {
      for (std::size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFFu];
    }
    return t;
  }();
  return made;
}

std::string length_line(std::uint64_t size) {
  char line[48];
  std::snprintf(line, sizeof line, "length: %020llu\n", static_cast<unsigned long long>(size));
  return line;
}

std::string block_text(std::uint64_t size, std::uint32_t crc) {
  char line[32];
  std::snprintf(line, sizeof line, "crc32: %08x\n", crc);
  std::string block = std::string(MAGIC) + length_line(size) + line;
  block.resize(BLOCK_SIZE, '\0');
  return block;
}

class File {
 public:
  File(const std::string& path, int flags) : descriptor_(::open(path.c_str(), flags | O_CLOEXEC)) {
    if (descriptor_ < 0) throw std::system_error(errno, std::generic_category(), path);
  }
  ~File() { ::close(descriptor_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // Reads up to `size` bytes; fewer only at the end of the file.
  std::size_t read(char* data, std::size_t size) const {
    std::size_t done = 0;
    while (done < size) {
      const ssize_t got = ::read(descriptor_, data + done, size - done);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw std::system_error(errno, std::generic_category(), "read");
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

  void write_at(const std::string& bytes, off_t offset) const {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t put =
          ::pwrite(descriptor_, bytes.data() + done, bytes.size() - done, offset + static_cast<off_t>(done));
      if (put < 0 && errno == EINTR) continue;
      if (put < 0) throw std::system_error(errno, std::generic_category(), "write");
      done += static_cast<std::size_t>(put);
    }
  }

 private:
  int descriptor_;
};

// The CRC of the rest of the file (from the current position), continuing `crc`; `size` counts its bytes.
std::uint32_t crc_of_rest(const File& file, std::uint32_t crc, std::uint64_t& size) {
  std::vector<char> buffer(1 << 20);
  for (;;) {
    const std::size_t got = file.read(buffer.data(), buffer.size());
    crc = crc32(buffer.data(), got, crc);
    size += got;
    if (got < buffer.size()) return crc;
  }
}

// Strict reading of the block: exactly block_text(size, crc) for some size and crc.
bool parse_block(const std::string& block, std::uint64_t& size, std::uint32_t& crc) {
  unsigned long long stated = 0;
  unsigned int stated_crc = 0;
  if (std::sscanf(block.c_str() + MAGIC_SIZE, "length: %20llu\ncrc32: %8x\n", &stated, &stated_crc) != 2) return false;
  size = stated;
  crc = stated_crc;
  return block == block_text(size, crc);
}

}  // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) {
  const Tables& t = tables();
  const auto* bytes = static_cast<const unsigned char*>(data);
  crc = ~crc;
  while (size >= 8) {
    std::uint32_t low = 0, high = 0;
    std::memcpy(&low, bytes, 4);  // little-endian words (x86, ARM)
    std::memcpy(&high, bytes + 4, 4);
    low ^= crc;
    crc = t[7][low & 0xFFu] ^ t[6][(low >> 8) & 0xFFu] ^ t[5][(low >> 16) & 0xFFu] ^ t[4][low >> 24] ^
          t[3][high & 0xFFu] ^ t[2][(high >> 8) & 0xFFu] ^ t[1][(high >> 16) & 0xFFu] ^ t[0][high >> 24];
    bytes += 8;
    size -= 8;
  }
  while (size-- > 0) crc = t[0][(crc ^ *bytes++) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

void stamp(const std::string& path) {
  std::error_code error;
  const std::uint64_t size = std::filesystem::file_size(path, error);
  if (error) throw std::system_error(error, path);
  if (size < BLOCK_SIZE) throw std::system_error(EIO, std::generic_category(), path + ": no user block");
  const File file(path, O_RDWR);
  std::vector<char> block(BLOCK_SIZE);
  file.read(block.data(), BLOCK_SIZE);
  const std::string head = std::string(MAGIC) + length_line(size);
  std::uint64_t read = BLOCK_SIZE;
  const std::uint32_t crc = crc_of_rest(file, crc32(head.data(), head.size()), read);
  if (read != size) throw std::system_error(EIO, std::generic_category(), path + ": changed while stamped");
  file.write_at(block_text(size, crc), 0);
}

Verification verify(const std::string& path) {
  const File file(path, O_RDONLY);
  std::string block(BLOCK_SIZE, '\0');
  const std::size_t got = file.read(block.data(), BLOCK_SIZE);
  Verification result;
  if (got >= 8 && block.compare(0, 8, HDF5_SIGNATURE, 8) == 0) {
    result.verdict = Verdict::absent;
    return result;
  }
  std::uint32_t stated_crc = 0;
  if (got < BLOCK_SIZE || !parse_block(block, result.stated_size, stated_crc)) {
    result.verdict = Verdict::damaged;
    return result;
  }
  const std::string head = std::string(MAGIC) + length_line(result.stated_size);
  result.actual_size = BLOCK_SIZE;
  const std::uint32_t crc = crc_of_rest(file, crc32(head.data(), head.size()), result.actual_size);
  if (result.actual_size < result.stated_size) {
    result.verdict = Verdict::truncated;
  } else if (result.actual_size > result.stated_size) {
    result.verdict = Verdict::extended;
  } else {
    result.verdict = crc == stated_crc ? Verdict::valid : Verdict::mismatch;
  }
  return result;
}

std::string describe(const Verification& verification) {
  const std::string damaged = "damaged file (its checksum does not match: ";
  switch (verification.verdict) {
    case Verdict::truncated:
      return "truncated file (" + std::to_string(verification.actual_size) + " of " +
             std::to_string(verification.stated_size) + " bytes)";
    case Verdict::extended:
      return damaged + std::to_string(verification.actual_size) + " bytes where " +
             std::to_string(verification.stated_size) + " were written)";
    case Verdict::mismatch: return damaged + "its bytes changed after trialsim wrote them)";
    case Verdict::damaged: return "damaged file (its checksum block is unreadable)";
    default: return "";
  }
}

}  // namespace trialsim::checksum
