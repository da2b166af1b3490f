// Philox4x32-10 blocks: the portable path, SSE2 (part of every x86-64 CPU), and the
// choice of path at run time. The AVX2 and AVX-512 paths are in files of their own,
// compiled for those instruction sets and run only where the CPU has them.

#include <atomic>
#include <stdexcept>
#include <string>

#include "philox_lanes.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TRIALSIM_PHILOX_X86 1
#include <emmintrin.h>
#endif

namespace trialsim::philox {

#ifdef TRIALSIM_PHILOX_X86
// Defined in philox4x32_avx2.cpp and philox4x32_avx512.cpp.
void avx2_blocks(const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count);
void avx512_blocks(const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count);

namespace {

// Two lanes of 64 bits in an SSE2 register.
struct Sse2 {
  using Vector = __m128i;
  static constexpr std::size_t LANES = 2;
  static Vector broadcast(std::uint32_t x) { return _mm_set1_epi64x(static_cast<long long>(x)); }
  static Vector lane_index() { return _mm_set_epi64x(1, 0); }
  static Vector add(Vector a, Vector b) { return _mm_add_epi64(a, b); }
  static Vector multiply(Vector a, Vector b) { return _mm_mul_epu32(a, b); }
  static Vector high_half(Vector a) { return _mm_srli_epi64(a, 32); }
  static Vector exclusive_or(Vector a, Vector b) { return _mm_xor_si128(a, b); }
  // Each lane's word: the low half of `low` and the low half of `high` above it.
  static Vector join(Vector low, Vector high) {
    return _mm_or_si128(_mm_and_si128(low, _mm_set1_epi64x(0xffffffffLL)), _mm_slli_epi64(high, 32));
  }
  // Lane l's block is the words first[l] then second[l].
  static void store_blocks(std::uint64_t* words, Vector first, Vector second) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(words), _mm_unpacklo_epi64(first, second));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(words + 2), _mm_unpackhi_epi64(first, second));
  }
};

void sse2_blocks(const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count) {
  lane_blocks<Sse2, 4>(stream, first, words, count);
}

Path widest_supported() {
  __builtin_cpu_init();  // may run before libgcc's own initialiser (static initialisation)
  if (__builtin_cpu_supports("avx512f")) return Path::avx512;
  if (__builtin_cpu_supports("avx2")) return Path::avx2;
  return Path::sse2;
}

}  // namespace
#else
namespace {
Path widest_supported() {
  return Path::scalar;
}
}  // namespace
#endif

namespace {
// Zero (scalar) until initialised, which gives the same numbers.
std::atomic<Path> chosen_path{widest_supported()};
}  // namespace

bool supported(Path path) {
  static const Path widest = widest_supported();
  return static_cast<int>(path) <= static_cast<int>(widest);
}

Path current_path() {
  return chosen_path.load(std::memory_order_relaxed);
}

void use_path(Path path) {
  if (!supported(path)) {
    throw std::invalid_argument(std::string("this CPU cannot compute Philox4x32 with ") + path_name(path));
  }
  chosen_path.store(path, std::memory_order_relaxed);
}

const char* path_name(Path path) {
  switch (path) {
    case Path::scalar: return "scalar";
    case Path::sse2: return "sse2";
    case Path::avx2: return "avx2";
    case Path::avx512: return "avx512";
  }
  return "unknown";
}

void blocks(Path path, const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count) {
  switch (path) {
#ifdef TRIALSIM_PHILOX_X86
    case Path::avx512: avx512_blocks(stream, first, words, count); return;
    case Path::avx2: avx2_blocks(stream, first, words, count); return;
    case Path::sse2: sse2_blocks(stream, first, words, count); return;
#endif
    default: scalar_blocks(stream, first, words, count); return;
  }
}

void blocks(const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count) {
  blocks(current_path(), stream, first, words, count);
}

}  // namespace trialsim::philox
