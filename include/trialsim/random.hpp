#pragma once
//! \file random.hpp
//! Counter-based random streams (Philox4x64-10, Random123). The stream of
//! replicate r for purpose `id` in scenario s under seed S is a pure function of
//! (S, s, id, r): key = (S, s * 256 + id), counter = (r, block, 0, 0). A replicate
//! can therefore be simulated by any thread, in any shard, in any order, with the
//! same numbers; and each purpose has its own stream, so drawing dropout times
//! never shifts the event times (common random numbers across designs).
//! Exp(1) draws come from Boost.Random's ziggurat, which needs no logarithm in
//! all but about 1% of draws; they do not depend on any design parameter, so
//! common random numbers across designs hold for every time drawn from them.

#include <Random123/philox.h>
#include <boost/random/exponential_distribution.hpp>

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

class RandomStream {
public:
  RandomStream() = default;
  RandomStream(std::uint64_t seed, std::uint64_t scenario, StreamId id) {
    key_ = {{seed, scenario * 256u + static_cast<std::uint64_t>(id)}};
  }

  //! Positions the stream at the start of replicate `replicate`.
  void start(std::uint64_t replicate) {
    counter_ = {{replicate, 0, 0, 0}};
    next_word_ = WORDS;
    spare_half_ = false;
  }

  //! Uniform on the open interval (0, 1): 53 random bits, offset by half a step.
  double uniform() {
    if (next_word_ == WORDS) refill();
    const std::uint64_t bits = block_.v[next_word_++] >> 11;
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
  }

  //! Exp(1) (ziggurat: one 64-bit word in about 99% of draws).
  double exponential() { return boost::random::exponential_distribution<double>()(*this); }

  //! The next out.size() Exp(1) draws, in order: the same numbers as as many calls of
  //! exponential(), drawn in a loop that holds nothing but the generator.
  void exponentials(std::span<double> out) {
    for (double& x : out) x = exponential();
  }

  // The uniform random bit generator interface that Boost.Random's distributions take.
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() {
    if (next_word_ == WORDS) refill();
    return block_.v[next_word_++];
  }

  //! 32 random bits: the two halves of one 64-bit word in turn, for draws that
  //! need no more (a stream should use either these or uniform(), not both).
  std::uint32_t bits32() {
    if (spare_half_) {
      spare_half_ = false;
      return static_cast<std::uint32_t>(spare_);
    }
    if (next_word_ == WORDS) refill();
    spare_ = block_.v[next_word_++] >> 32;
    spare_half_ = true;
    return static_cast<std::uint32_t>(block_.v[next_word_ - 1]);
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
  using Engine = r123::Philox4x64;
  static constexpr int WORDS = 4;

  void refill() {
    block_ = engine_(counter_, key_);
    ++counter_.v[1];
    next_word_ = 0;
  }

  Engine engine_;
  Engine::key_type key_{{0, 0}};
  Engine::ctr_type counter_{{0, 0, 0, 0}};
  Engine::ctr_type block_{{0, 0, 0, 0}};
  int next_word_ = WORDS;
  std::uint64_t spare_ = 0;
  bool spare_half_ = false;
};

} // namespace trialsim
