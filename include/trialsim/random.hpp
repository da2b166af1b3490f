#pragma once
//! \file random.hpp
//! Counter-based random streams: Philox4x64-10 (Salmon, Moraes, Dror & Shaw 2011,
//! "Parallel random numbers: as easy as 1, 2, 3"), the generator of Random123,
//! with which the tests check it word for word. The stream of replicate r for
//! purpose `id` in scenario s under seed S is a pure function of (S, s, id, r):
//! key = (S, s * 256 + id), counter = (r, block, 0, 0). A replicate can therefore
//! be simulated by any thread, in any shard, in any order, with the same numbers;
//! and each purpose has its own stream, so drawing dropout times never shifts the
//! event times (common random numbers across designs).
//! Exp(1) draws come from Boost.Random's ziggurat, which takes one word, a table
//! lookup and one comparison in about 98% of draws; they do not depend on any
//! design parameter, so common random numbers across designs hold for every time
//! drawn from them.

#include <boost/random/exponential_distribution.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <span>

namespace trialsim {

//! The named purposes of the random numbers of one trial.
enum class StreamId : std::uint64_t {
  arrival = 1,
  stratum = 2,
  allocation = 3,
  crossover = 4,
  exclusion = 5,
  event = 6,
  dropout = 7,
};

//! Philox4x64 with R rounds for counters whose last two words are zero, with the key
//! schedule (the key bumped by the Weyl constants before each round after the first)
//! computed once per key rather than in every block.
template <int ROUNDS>
class Philox4x64 {
  __extension__ typedef unsigned __int128 Product;  // the full 128-bit product of two words (GCC, Clang)

public:
  using Block = std::array<std::uint64_t, 4>;

  Philox4x64() : Philox4x64(0, 0) {}
  Philox4x64(std::uint64_t key0, std::uint64_t key1) {
    for (auto& round_key : round_keys_) {
      round_key = {key0, key1};
      key0 += WEYL_0;
      key1 += WEYL_1;
    }
  }

  //! The block of counter (c0, c1, 0, 0).
  Block operator()(std::uint64_t c0, std::uint64_t c1) const {
    // Round 1 with c2 = c3 = 0: the second product is zero.
    const Product first = static_cast<Product>(MULTIPLIER_0) * c0;
    std::uint64_t x0 = c1 ^ round_keys_[0][0];
    std::uint64_t x1 = 0;
    std::uint64_t x2 = static_cast<std::uint64_t>(first >> 64) ^ round_keys_[0][1];
    std::uint64_t x3 = static_cast<std::uint64_t>(first);
    for (int round = 1; round < ROUNDS; ++round) {
      const Product product0 = static_cast<Product>(MULTIPLIER_0) * x0;
      const Product product1 = static_cast<Product>(MULTIPLIER_1) * x2;
      x0 = static_cast<std::uint64_t>(product1 >> 64) ^ x1 ^ round_keys_[round][0];
      x1 = static_cast<std::uint64_t>(product1);
      x2 = static_cast<std::uint64_t>(product0 >> 64) ^ x3 ^ round_keys_[round][1];
      x3 = static_cast<std::uint64_t>(product0);
    }
    return {x0, x1, x2, x3};
  }

private:
  static constexpr std::uint64_t MULTIPLIER_0 = 0xD2E7470EE14C6C93ULL;
  static constexpr std::uint64_t MULTIPLIER_1 = 0xCA5A826395121157ULL;
  static constexpr std::uint64_t WEYL_0 = 0x9E3779B97F4A7C15ULL;  // golden ratio
  static constexpr std::uint64_t WEYL_1 = 0xBB67AE8584CAA73BULL;  // sqrt(3) - 1
  std::array<std::array<std::uint64_t, 2>, ROUNDS> round_keys_;
};

class RandomStream {
public:
  RandomStream() = default;
  RandomStream(std::uint64_t seed, std::uint64_t scenario, StreamId id)
      : engine_(seed, scenario * 256u + static_cast<std::uint64_t>(id)) {}

  //! Positions the stream at the start of replicate `replicate`.
  void start(std::uint64_t replicate) {
    replicate_ = replicate;
    next_block_ = 0;
    next_word_ = WORDS;
    spare_half_ = false;
  }

  //! Uniform on the open interval (0, 1): 53 random bits, offset by half a step.
  double uniform() {
    if (next_word_ == WORDS) refill();
    const std::uint64_t bits = block_[next_word_++] >> 11;
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
  }

  //! Exp(1) (ziggurat: one 64-bit word in about 98% of draws).
  double exponential() { return boost::random::exponential_distribution<double>()(*this); }

  //! The next out.size() Exp(1) draws, in order: the same numbers as as many calls of
  //! exponential(). The ziggurat's fast path (about 98% of draws: one word, accepted
  //! below the next layer) is Boost's, operation for operation, in a loop of its own;
  //! any other draw goes to Boost from the same word.
  void exponentials(std::span<double> out) {
    const double* const layer_x = boost::random::detail::exponential_table<double>::table_x;
    // The word position in a local, so that the loop does not carry it through memory.
    int word = next_word_;
    for (double& x : out) {
      if (word == WORDS) {
        refill();
        word = 0;
      }
      const std::uint64_t bits = block_[word];
      // Boost's generate_int_float_pair<double, 8> for 64-bit words (Boost 1.74): the low
      // 8 bits pick the layer; the other 56, with bit 11 of the word cleared, scaled by
      // 2^-56. ExponentialsAreBoostZigguratDrawsInOrder fails if a Boost release changes it.
      const std::uint64_t layer = bits & 0xffU;
      const auto high = static_cast<std::int64_t>((bits & ~(std::uint64_t{1} << 11)) >> 8);
      const double candidate = static_cast<double>(high) * 0x1p-56 * layer_x[layer];
      if (candidate < layer_x[layer + 1]) [[likely]] {
        ++word;
        x = candidate;
      } else {
        next_word_ = word;
        x = exponential_from_boost();
        word = next_word_;
      }
    }
    next_word_ = word;
  }

  // The uniform random bit generator interface that Boost.Random's distributions take.
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() {
    if (next_word_ == WORDS) refill();
    return block_[next_word_++];
  }

  //! 32 random bits: the two halves of one 64-bit word in turn, for draws that
  //! need no more (a stream should use either these or uniform(), not both).
  std::uint32_t bits32() {
    if (spare_half_) {
      spare_half_ = false;
      return static_cast<std::uint32_t>(spare_);
    }
    if (next_word_ == WORDS) refill();
    spare_ = block_[next_word_++] >> 32;
    spare_half_ = true;
    return static_cast<std::uint32_t>(block_[next_word_ - 1]);
  }

  //! Uniform integer in [0, n) by multiply-and-shift of 32 bits (Lemire 2019):
  //! its bias, at most n / 2^32, is far below any Monte Carlo error.
  std::uint32_t below(std::uint32_t n) { return below(bits32(), n); }
  //! The same mapping of given 32 random bits, for loops that split a 64-bit word
  //! (operator()) themselves: its low half first, as bits32() hands them out.
  static std::uint32_t below(std::uint32_t bits, std::uint32_t n) {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(bits) * n) >> 32);
  }

private:
  static constexpr int WORDS = 4;

  // Out of line: it is rare, and inlined it would crowd the fast loop's registers.
  [[gnu::noinline]] double exponential_from_boost() { return exponential(); }

  void refill() {
    block_ = engine_(replicate_, next_block_++);
    next_word_ = 0;
  }

  Philox4x64<10> engine_;
  std::uint64_t replicate_ = 0;
  std::uint64_t next_block_ = 0;
  std::array<std::uint64_t, WORDS> block_{};
  int next_word_ = WORDS;
  std::uint64_t spare_ = 0;
  bool spare_half_ = false;
};

} // namespace trialsim
