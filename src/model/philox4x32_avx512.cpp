// Philox4x32-10 blocks in AVX-512F lanes. CMake compiles this file with -mavx512f; it
// runs only where the CPU has AVX-512F (philox4x32.cpp chooses), and shares no code with
// other files (philox_lanes.hpp has internal linkage).

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's AVX-512 intrinsics pass _mm512_undefined_epi32() as the unused merge source,
// which -Wmaybe-uninitialized reports inside its own header (a false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "philox_lanes.hpp"

namespace trialsim::philox {
namespace {

// Eight lanes of 64 bits in an AVX-512 register.
struct Avx512 {
  using Vector = __m512i;
  static constexpr std::size_t LANES = 8;
  static Vector broadcast(std::uint32_t x) { return _mm512_set1_epi64(static_cast<long long>(x)); }
  static Vector lane_index() { return _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0); }
  static Vector add(Vector a, Vector b) { return _mm512_add_epi64(a, b); }
  static Vector multiply(Vector a, Vector b) { return _mm512_mul_epu32(a, b); }
  static Vector high_half(Vector a) { return _mm512_srli_epi64(a, 32); }
  static Vector exclusive_or(Vector a, Vector b) { return _mm512_xor_si512(a, b); }
  static Vector join(Vector low, Vector high) {
    return _mm512_mask_blend_epi32(0xaaaa, low, _mm512_slli_epi64(high, 32));
  }
  // Lane l's block is the words first[l] then second[l] (index 8 + l is second[l]).
  static void store_blocks(std::uint64_t* words, Vector first, Vector second) {
    const Vector lanes_0_to_3 = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0);
    const Vector lanes_4_to_7 = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
    _mm512_storeu_si512(words, _mm512_permutex2var_epi64(first, lanes_0_to_3, second));
    _mm512_storeu_si512(words + 8, _mm512_permutex2var_epi64(first, lanes_4_to_7, second));
  }
};

}  // namespace

void avx512_blocks(const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count) {
  lane_blocks<Avx512, 2>(stream, first, words, count);
}

}  // namespace trialsim::philox
#endif
