#pragma once
//! \file random.hpp
//! Counter-based random streams: Philox4x32-10 (Salmon, Moraes, Dror & Shaw 2011,
//! "Parallel random numbers: as easy as 1, 2, 3"), Random123's philox4x32, with which the
//! tests check it word for word on every path that computes it (philox4x32.hpp: its 32-bit
//! multiplies vectorise, several blocks side by side in SIMD lanes). The stream of
//! replicate r for purpose `id` in scenario s under seed S is a pure function of
//! (S, s, id, r): key = (S mod 2^32, S div 2^32), counter = (block, r mod 2^32,
//! r div 2^32, s * 256 + id). A replicate can therefore be simulated by any thread, in
//! any shard, in any order, with the same numbers; and each purpose has its own stream,
//! so drawing dropout times never shifts the event times (common random numbers across
//! designs). A block's four 32-bit outputs x0..x3 are two 64-bit words, x0 + 2^32 x1 then
//! x2 + 2^32 x3; the blocks follow one another in counter order.
//! Exp(1) draws come from Boost.Random's ziggurat, which takes one word, a table
//! lookup and one comparison in about 98% of draws; they do not depend on any
//! design parameter, so common random numbers across designs hold for every time
//! drawn from them.

#include <boost/random/exponential_distribution.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>

#include "trialsim/philox4x32.hpp"

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

//! Scenario indices of streams are below this: s * 256 + id fills one 32-bit counter word.
inline constexpr std::uint64_t STREAM_SCENARIOS = std::uint64_t{1} << 24;

class RandomStream {
 public:
  RandomStream() = default;
  RandomStream(std::uint64_t seed, std::uint64_t scenario, StreamId id) {
    if (scenario >= STREAM_SCENARIOS) throw std::out_of_range("random streams take scenario indices below 2^24");
    key_.key[0] = static_cast<std::uint32_t>(seed);
    key_.key[1] = static_cast<std::uint32_t>(seed >> 32);
    key_.counter[2] = static_cast<std::uint32_t>(scenario * 256U + static_cast<std::uint64_t>(id));
  }

  //! Positions the stream at the start of replicate `replicate`: no block is computed
  //! until a number is drawn, so a stream nobody draws from costs nothing.
  void start(std::uint64_t replicate) {
    key_.counter[0] = static_cast<std::uint32_t>(replicate);
    key_.counter[1] = static_cast<std::uint32_t>(replicate >> 32);
    next_block_ = 0;
    next_word_ = WORDS;
    spare_half_ = false;
  }

  //! Uniform on the open interval (0, 1): 53 random bits, offset by half a step.
  double uniform() {
    if (next_word_ == WORDS) refill();
    const std::uint64_t bits = words_[next_word_++] >> 11;
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
      const std::uint64_t bits = words_[word];
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
    return words_[next_word_++];
  }

  //! 32 random bits: the two halves of one 64-bit word in turn, low half first (so the
  //! stream's 32-bit outputs in order), for draws that need no more (a stream should use
  //! either these or uniform(), not both).
  std::uint32_t bits32() {
    if (spare_half_) {
      spare_half_ = false;
      return static_cast<std::uint32_t>(spare_);
    }
    if (next_word_ == WORDS) refill();
    spare_ = words_[next_word_++] >> 32;
    spare_half_ = true;
    return static_cast<std::uint32_t>(words_[next_word_ - 1]);
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
  //! Blocks computed at a time: enough for the vector paths' lanes and their latency
  //! (philox4x32.cpp), and few enough that a stream drawing a handful of numbers pays
  //! little for the ones it leaves.
  static constexpr int BLOCKS = 16;
  static constexpr int WORDS = 2 * BLOCKS;

  // Out of line: it is rare, and inlined it would crowd the fast loop's registers.
  [[gnu::noinline]] double exponential_from_boost() { return exponential(); }

  void refill() {
    philox::blocks(key_, next_block_, words_.data(), BLOCKS);
    next_block_ += BLOCKS;
    next_word_ = 0;
  }

  philox::StreamKey key_;
  std::uint32_t next_block_ = 0;
  int next_word_ = WORDS;
  std::uint64_t spare_ = 0;
  bool spare_half_ = false;
  std::array<std::uint64_t, WORDS> words_{};
};

}  // namespace trialsim
