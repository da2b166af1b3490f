#pragma once
//! \file paired_difference.hpp
//! The difference in power between each scenario of a sweep and the first,
//! paired by replicate. Under common random numbers replicate r of every
//! scenario sees the same random numbers, so the per-replicate outcomes are
//! strongly correlated and the difference has a much smaller Monte Carlo error
//! than two independent runs would give: SE = sd(e_k - e_0) / sqrt(R), where
//! e is the 0/1 indicator of efficacy at some look.

#include <cstdint>
#include <span>
#include <vector>

#include "trialsim/outcome.hpp"

namespace trialsim {

struct PowerDifference {
  double difference = 0.0;      //!< power of the scenario minus power of the first
  double se = 0.0;              //!< Monte Carlo SE of the difference, paired by replicate
  double independent_se = 0.0;  //!< what the SE would be for independent runs: sqrt(se_k^2 + se_0^2)
};

//! The paired difference p - p0 of two efficacy indicators over n replicates, from the
//! counts of each and of the replicates where only one of them holds (gained: e = 1, e0 = 0).
PowerDifference paired_power_difference(std::int64_t efficacy, std::int64_t reference_efficacy, std::int64_t gained,
                                        std::int64_t lost, std::int64_t replicates);

//! Folds blocks of outcomes, scenario after scenario, in replicate order.
class PairedPowerDifference {
 public:
  explicit PairedPowerDifference(std::int64_t replicates);

  //! Outcomes of replicates [offset, offset + outcomes.size()) of `scenario`; scenario 0 comes first.
  void add(std::size_t scenario, std::int64_t offset, std::span<const TrialOutcome> outcomes);
  //! The difference of every scenario added so far (0 for the first).
  std::vector<PowerDifference> differences() const;

 private:
  struct Sums {
    std::int64_t efficacy = 0;
    std::int64_t gained = 0;  // efficacy here, not in the first scenario
    std::int64_t lost = 0;    // efficacy in the first scenario, not here
  };
  std::vector<bool> reference_;  // efficacy per replicate in the first scenario
  std::vector<Sums> sums_;
};

}  // namespace trialsim
