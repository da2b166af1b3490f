#pragma once
// A checksum of the whole results file, kept in its HDF5 user block (the bytes
// before the superblock, which HDF5, h5py and hdf5r skip). HDF5 1.10 keeps no
// checksum of most of what it stores (object headers of version 1, the global
// heap that holds variable-length strings, contiguous datasets, attributes), so
// a damaged byte there reads back as a different value, or crashes the library.
// CRC-32 detects every error confined to 32 consecutive bits, so any damaged
// byte; the file's length is stored too, so a cut file is named as such.
// Private to io.

#include <cstdint>
#include <string>

namespace trialsim::checksum {

//! Bytes reserved before the superblock (HDF5's smallest user block).
constexpr std::uint64_t BLOCK_SIZE = 512;

//! CRC-32 (ISO-HDLC, the polynomial of zlib and Python's zlib.crc32) of `size` bytes, continuing from `crc`.
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

//! Writes the block of a closed file of `path`: its length and the CRC-32 of every byte after the block.
//! Throws std::system_error on a failing read or write.
void stamp(const std::string& path);

enum class Verdict {
  valid,      //!< the block is intact and the file matches it
  absent,     //!< the file starts with HDF5's signature: no block (another program wrote it)
  damaged,    //!< the block is not trialsim's or is itself damaged
  truncated,  //!< shorter than the length the block states
  extended,   //!< longer than the length the block states
  mismatch,   //!< the stated length, but different bytes
};

struct Verification {
  Verdict verdict = Verdict::absent;
  std::uint64_t stated_size = 0;  //!< from the block (truncated, extended)
  std::uint64_t actual_size = 0;
};

//! Reads the whole file once. Throws std::system_error when it cannot be read.
Verification verify(const std::string& path);

//! The message for a verdict other than valid and absent ("damaged: ...").
std::string describe(const Verification& verification);

}  // namespace trialsim::checksum
