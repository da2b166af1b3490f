#pragma once
//! \file philox4x32.hpp
//! Philox4x32-10 (Salmon, Moraes, Dror & Shaw 2011, "Parallel random numbers: as easy
//! as 1, 2, 3"; Random123's philox4x32), computed for many successive counters at once.
//! Its multiplies are 32 x 32 -> 64 bits, which x86 vector units do two, four or eight
//! to an instruction (pmuludq): the blocks of successive counters are computed side by
//! side in SIMD lanes (SSE2, AVX2 or AVX-512F, chosen at run time from the CPU), with a
//! portable scalar path. Every path gives the same words; the tests check each against
//! Random123 word for word.
//!
//! This header declares only (no inline definitions), so that the files compiled for
//! AVX2 or AVX-512 share no code with the rest of the program.

#include <cstddef>
#include <cstdint>

namespace trialsim::philox {

//! The key and the last three counter words of a stream; its blocks differ in the
//! first counter word.
struct StreamKey {
  std::uint32_t key[2] = {0, 0};
  std::uint32_t counter[3] = {0, 0, 0};  // counter words 1, 2 and 3
};

//! The ways of computing blocks. scalar is zero, so that a stream used before the
//! program's static initialisers have chosen a path computes on the portable one (with
//! the same numbers).
enum class Path : int { scalar = 0, sse2 = 1, avx2 = 2, avx512 = 3 };

//! Whether this build and this CPU can run `path` (scalar always).
bool supported(Path path);
//! The path blocks() uses: the widest supported one unless use_path chose another.
Path current_path();
//! Makes blocks() use `path` from now on (tests and benchmarks compare the paths); the
//! path must be supported (std::invalid_argument otherwise).
void use_path(Path path);
//! "scalar", "sse2", "avx2" or "avx512".
const char* path_name(Path path);

//! Blocks first, first + 1, ..., first + count - 1 (the first counter word, modulo
//! 2^32) of `stream`, as 2 * count 64-bit words: block b's four 32-bit outputs
//! x0, x1, x2, x3 become words[2 b] = x0 + 2^32 x1 and words[2 b + 1] = x2 + 2^32 x3.
void blocks(const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count);
//! The same on the given path, which must be supported.
void blocks(Path path, const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count);

}  // namespace trialsim::philox
