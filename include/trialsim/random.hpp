#pragma once
//! \file random.hpp
//! Counter-based random streams (Philox4x64-10, Random123). The stream of
//! replicate r for purpose `id` in scenario s under seed S is a pure function of
//! (S, s, id, r): key = (S, s * 256 + id), counter = (r, block, 0, 0). A replicate
//! can therefore be simulated by any thread, in any shard, in any order, with the
//! same numbers; and each purpose has its own stream, so drawing dropout times
//! never shifts the event times (common random numbers across designs).

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

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
  }

  //! Uniform on the open interval (0, 1): 53 random bits, offset by half a step.
  double uniform() {
    if (next_word_ == WORDS) refill();
    const std::uint64_t bits = block_.v[next_word_++] >> 11;
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
  }

  //! Exp(1) by inversion, so that one draw maps to one uniform.
  double exponential() { return -std::log(uniform()); }

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
};

} // namespace trialsim
