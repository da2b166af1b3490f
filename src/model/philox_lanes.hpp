#pragma once
// Philox4x32-10 for one block (scalar) and for several blocks in SIMD lanes. Everything
// here has internal linkage: the files that include it are compiled for different
// instruction sets, and must not share (through the linker) a copy compiled for another.

#include <cstddef>
#include <cstdint>

#include "trialsim/philox4x32.hpp"

namespace trialsim::philox {
namespace {

// Random123's PHILOX_M4x32_0/1 (multipliers) and PHILOX_W32_0/1 (key increments: the
// golden ratio and sqrt(3) - 1).
constexpr std::uint32_t MULTIPLIER_0 = 0xD2511F53U;
constexpr std::uint32_t MULTIPLIER_1 = 0xCD9E8D57U;
constexpr std::uint32_t WEYL_0 = 0x9E3779B9U;
constexpr std::uint32_t WEYL_1 = 0xBB67AE85U;
constexpr int ROUNDS = 10;

// One block, Random123's philox4x32round ten times, the key bumped before each round
// after the first.
inline void scalar_block(const StreamKey& stream, std::uint32_t c0, std::uint64_t* words) {
  std::uint32_t k0 = stream.key[0];
  std::uint32_t k1 = stream.key[1];
  std::uint32_t x0 = c0;
  std::uint32_t x1 = stream.counter[0];
  std::uint32_t x2 = stream.counter[1];
  std::uint32_t x3 = stream.counter[2];
  for (int round = 0; round < ROUNDS; ++round) {
    if (round > 0) {
      k0 += WEYL_0;
      k1 += WEYL_1;
    }
    const std::uint64_t product0 = std::uint64_t{MULTIPLIER_0} * x0;
    const std::uint64_t product1 = std::uint64_t{MULTIPLIER_1} * x2;
    x0 = static_cast<std::uint32_t>(product1 >> 32) ^ x1 ^ k0;
    x1 = static_cast<std::uint32_t>(product1);
    x2 = static_cast<std::uint32_t>(product0 >> 32) ^ x3 ^ k1;
    x3 = static_cast<std::uint32_t>(product0);
  }
  words[0] = x0 | (std::uint64_t{x1} << 32);
  words[1] = x2 | (std::uint64_t{x3} << 32);
}

inline void scalar_blocks(const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count) {
  for (std::size_t b = 0; b < count; ++b) {
    scalar_block(stream, static_cast<std::uint32_t>(first + b), words + 2 * b);
  }
}

// Blocks in lanes. Ops is a vector of 64-bit lanes, each holding one 32-bit state word
// in its low half: the unsigned even-lane multiply (pmuludq) reads only those low halves
// and gives the full 64-bit product, so the high halves may hold anything until the
// words are stored. Counters first + b differ only in the lanes' first counter word;
// SETS independent groups of lanes are interleaved to hide the multiply's latency.
template <class Ops, int SETS>
inline void lane_blocks(const StreamKey& stream, std::uint32_t first, std::uint64_t* words, std::size_t count) {
  using Vector = typename Ops::Vector;
  constexpr std::size_t LANES = Ops::LANES;
  constexpr std::size_t STEP = LANES * SETS;
  Vector round_key0[ROUNDS];
  Vector round_key1[ROUNDS];
  std::uint32_t k0 = stream.key[0];
  std::uint32_t k1 = stream.key[1];
  for (int round = 0; round < ROUNDS; ++round) {
    round_key0[round] = Ops::broadcast(k0);
    round_key1[round] = Ops::broadcast(k1);
    k0 += WEYL_0;
    k1 += WEYL_1;
  }
  const Vector multiplier0 = Ops::broadcast(MULTIPLIER_0);
  const Vector multiplier1 = Ops::broadcast(MULTIPLIER_1);
  const Vector c1 = Ops::broadcast(stream.counter[0]);
  const Vector c2 = Ops::broadcast(stream.counter[1]);
  const Vector c3 = Ops::broadcast(stream.counter[2]);
  const Vector lane = Ops::lane_index();
  std::size_t b = 0;
  for (; b + STEP <= count; b += STEP) {
    Vector x0[SETS], x1[SETS], x2[SETS], x3[SETS];
    for (int s = 0; s < SETS; ++s) {
      // Only the low 32 bits of a lane count: the counter word wraps modulo 2^32.
      x0[s] = Ops::add(Ops::broadcast(static_cast<std::uint32_t>(first + b + s * LANES)), lane);
      x1[s] = c1;
      x2[s] = c2;
      x3[s] = c3;
    }
    for (int round = 0; round < ROUNDS; ++round) {
      for (int s = 0; s < SETS; ++s) {
        const Vector product0 = Ops::multiply(x0[s], multiplier0);
        const Vector product1 = Ops::multiply(x2[s], multiplier1);
        x0[s] = Ops::exclusive_or(Ops::exclusive_or(Ops::high_half(product1), x1[s]), round_key0[round]);
        x1[s] = product1;
        x2[s] = Ops::exclusive_or(Ops::exclusive_or(Ops::high_half(product0), x3[s]), round_key1[round]);
        x3[s] = product0;
      }
    }
    for (int s = 0; s < SETS; ++s) {
      Ops::store_blocks(words + 2 * (b + s * LANES), Ops::join(x0[s], x1[s]), Ops::join(x2[s], x3[s]));
    }
  }
  scalar_blocks(stream, static_cast<std::uint32_t>(first + b), words + 2 * b, count - b);
}

}  // namespace
}  // namespace trialsim::philox
