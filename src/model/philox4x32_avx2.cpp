// Philox4x32-10 blocks in AVX2 lanes. CMake compiles this file with -mavx2; it runs only
// where the CPU has AVX2 (philox4x32.cpp chooses), and shares no code with other files
// (philox_lanes.hpp has internal linkage).

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "philox_lanes.hpp"

namespace trialsim::philox {
namespace {

// Four lanes of 64 bits in an AVX2 register.
struct Avx2 {
  using Vector = __m256i;
  static constexpr std::size_t LANES = 4;
  static Vector broadcast(std::uint32_t x) { return _mm256_set1_epi64x(static_cast<long long>(x)); }
  static Vector lane_index() { return _mm256_set_epi64x(3, 2, 1, 0); }
  static Vector add(Vector a, Vector b) { return _mm256_add_epi64(a, b); }
  static Vector multiply(Vector a, Vector b) { return _mm256_mul_epu32(a, b); }
  static Vector high_half(Vector a) { return _mm256_srli_epi64(a, 32); }
  static Vector exclusive_or(Vector a, Vector b) { return _mm256_xor_si256(a, b); }
  static Vector join(Vector low, Vector high) { return _mm256_blend_epi32(low, _mm256_slli_epi64(high, 32), 0xaa); }
  // Lane l's block is the words first[l] then second[l]: unpack pairs them within each
  // 128-bit half, and the halves are then put in lane order.
  static void store_blocks(std::uint64_t* words, Vector first, Vector second) {
    const Vector even = _mm256_unpacklo_epi64(first, second);  // lanes 0 and 2
    const Vector odd = _mm256_unpackhi_epi64(first, second);   // lanes 1 and 3
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(words), _mm256_permute2x128_si256(even, odd, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(words + 4), _mm256_permute2x128_si256(even, odd, 0x31));
  }
};

}  // namespace

void avx2_blocks(const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count) {
  lane_blocks<Avx2, 4>(stream, first, words, count);
}

}  // namespace trialsim::philox
#endif
