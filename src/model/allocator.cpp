#include <algorithm>
#include <cmath>

#include "trialsim/model.hpp"

namespace trialsim {

Allocator::Allocator(const Allocation& allocation)
    : block_size_(allocation.block_size),
      block_controls_(allocation.block_size * allocation.ratio[CONTROL] /
                      (allocation.ratio[CONTROL] + allocation.ratio[TREATMENT])),
      // P(treatment) = ratio share, as a threshold on 32 random bits.
      treatment_threshold_(static_cast<std::uint64_t>(std::ldexp(
          static_cast<double>(allocation.ratio[TREATMENT]) / (allocation.ratio[CONTROL] + allocation.ratio[TREATMENT]),
          32))) {
  double cumulative = 0.0;
  for (const Stratum& stratum : allocation.strata) {
    cumulative += stratum.prevalence;
    cumulative_prevalence_.push_back(cumulative);
  }
  if (cumulative_prevalence_.empty()) cumulative_prevalence_.push_back(1.0);
  cumulative_prevalence_.back() = 1.0;  // guard against rounding in the sum
  blocks_.resize(cumulative_prevalence_.size());
}

void Allocator::reset() {
  for (Block& block : blocks_) block = Block{};
}

int Allocator::draw_stratum(RandomStream& strata) const {
  if (cumulative_prevalence_.size() == 1) return 0;
  const double u = strata.uniform();
  int s = 0;
  while (cumulative_prevalence_[s] < u) ++s;
  return s;
}

int Allocator::draw_arm(int stratum, RandomStream& allocation) {
  if (block_size_ == 0) return allocation.bits32() < treatment_threshold_ ? TREATMENT : CONTROL;
  // Permuted block: drawing without replacement from the block's remaining
  // slots is the same as a uniformly random permutation of the block.
  Block& block = blocks_[stratum];
  if (block.total_left == 0) block = Block{block_controls_, block_size_};
  const bool control =
      allocation.below(static_cast<std::uint32_t>(block.total_left)) < static_cast<std::uint32_t>(block.control_left);
  --block.total_left;
  if (control) --block.control_left;
  return control ? CONTROL : TREATMENT;
}

void Allocator::assign(RandomStream& strata, RandomStream& allocation, std::span<std::uint16_t> stratum,
                       std::span<std::uint8_t> arm) {
  reset();
  if (cumulative_prevalence_.size() > 1 || block_size_ == 0) {
    for (std::size_t i = 0; i < arm.size(); ++i) {
      const int s = draw_stratum(strata);
      stratum[i] = static_cast<std::uint16_t>(s);
      arm[i] = static_cast<std::uint8_t>(draw_arm(s, allocation));
    }
    return;
  }
  // One stratum and permuted blocks, the common case: the same draws as draw_arm,
  // with the block's counts kept in registers rather than in blocks_, and two
  // patients to each 64-bit word, split as bits32() would split it.
  std::fill(stratum.begin(), stratum.end(), std::uint16_t{0});
  std::uint32_t control_left = 0;
  std::uint32_t total_left = 0;
  const auto next_arm = [&](std::uint32_t bits) {
    if (total_left == 0) {
      control_left = static_cast<std::uint32_t>(block_controls_);
      total_left = static_cast<std::uint32_t>(block_size_);
    }
    const std::uint32_t control = RandomStream::below(bits, total_left) < control_left ? 1 : 0;
    --total_left;
    control_left -= control;
    static_assert(CONTROL == 0 && TREATMENT == 1);
    return static_cast<std::uint8_t>(control ^ 1U);
  };
  // The stream is drawn from a local copy: stores through a byte pointer may alias
  // anything whose address is known, which would send the stream's state to memory
  // and back around every store.
  RandomStream stream = allocation;
  const std::size_t n = arm.size();
  std::size_t i = 0;
  if (block_size_ == 2) {
    // Blocks of two (arms balanced within every pair): each word is one whole block, so the
    // same two draws need no block counts carried from patient to patient. The first patient
    // is a control when its draw from the block's 2 slots falls among the block's controls;
    // the second takes whatever slot is left (its draw from 1 slot is always 0), a control
    // when one is left.
    const auto controls = static_cast<std::uint32_t>(block_controls_);
    for (; i + 1 < n; i += 2) {
      const std::uint64_t word = stream();
      const std::uint32_t first_control = RandomStream::below(static_cast<std::uint32_t>(word), 2) < controls ? 1 : 0;
      const std::uint32_t second_control = controls - first_control > 0 ? 1 : 0;
      arm[i] = static_cast<std::uint8_t>(first_control ^ 1U);
      arm[i + 1] = static_cast<std::uint8_t>(second_control ^ 1U);
    }
  }
  for (; i + 1 < n; i += 2) {
    const std::uint64_t word = stream();
    arm[i] = next_arm(static_cast<std::uint32_t>(word));
    arm[i + 1] = next_arm(static_cast<std::uint32_t>(word >> 32));
  }
  if (i < n) arm[i] = next_arm(stream.bits32());
  allocation = stream;
}

}  // namespace trialsim
