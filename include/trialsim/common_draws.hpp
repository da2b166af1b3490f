#pragma once
//! \file common_draws.hpp
//! Common random numbers across the scenarios of a sweep, drawn once per replicate.
//! Every scenario takes its numbers from the streams of one stream scenario (the
//! sweep's scenario 0) under one seed, and each stream is consumed in patient order:
//! a scenario of n patients takes the first n draws of a stream that a larger
//! scenario takes more of. So the numbers are drawn once, for the largest scenario
//! that needs them, and each scenario reads its prefix (PatientDraws). What depends
//! on the design is shared only between designs where it is the same function of
//! the draws: entry times between equal Poisson enrolment rates, strata and arms
//! between equal allocations (ratio, block size, strata prevalences); the raw
//! uniforms and Exp(1) numbers (crossover, exclusion, events, dropout) between all.

#include <cstdint>
#include <span>
#include <vector>

#include "trialsim/design.hpp"
#include "trialsim/model.hpp"
#include "trialsim/random.hpp"
#include "trialsim/trial.hpp"

namespace trialsim {

//! One thread's draws of the current replicate, sized once by CommonDraws::make_workspace.
struct CommonDrawsWorkspace {
  std::vector<std::vector<double>> entry;           //!< [enrolment group][patient]
  std::vector<std::vector<std::uint16_t>> stratum;  //!< [allocation group][patient]
  std::vector<std::vector<std::uint8_t>> assigned;  //!< [allocation group][patient]
  std::vector<Allocator> allocators;                //!< [allocation group]
  std::vector<double> crossover, exclusion, event, dropout;
  TrialStreams streams;
};

//! Which scenario shares which draws, and the drawing of one replicate.
class CommonDraws {
 public:
  //! `designs`: the scenarios, all with one seed (std::invalid_argument otherwise);
  //! `stream_scenario`: the scenario whose streams they all use.
  CommonDraws(std::span<const Design* const> designs, std::uint64_t stream_scenario);

  CommonDrawsWorkspace make_workspace() const;
  //! Draws replicate `replicate` into the workspace (allocation-free once made).
  void draw(std::uint64_t replicate, CommonDrawsWorkspace& w) const;
  //! Scenario `scenario`'s view of the drawn replicate.
  PatientDraws of(std::size_t scenario, const CommonDrawsWorkspace& w) const;

  //! Distinct enrolments and allocations drawn (for the tests).
  std::size_t enrolment_groups() const { return arrivals_.size(); }
  std::size_t allocation_groups() const { return allocations_.size(); }

 private:
  static constexpr std::size_t NONE = static_cast<std::size_t>(-1);
  struct Use {
    std::size_t enrolment = NONE;  // NONE: deterministic arrivals, nothing drawn
    std::size_t allocation = 0;
    bool crossover = false, exclusion = false, dropout = false;
  };
  std::uint64_t seed_ = 0;
  std::uint64_t stream_scenario_ = 0;
  std::vector<Use> uses_;                     // [scenario]
  std::vector<ArrivalProcess> arrivals_;      // [enrolment group]
  std::vector<std::size_t> enrolment_size_;   // [enrolment group]: the largest sample size
  std::vector<Allocation> allocations_;       // [allocation group]
  std::vector<std::size_t> allocation_size_;  // [allocation group]
  std::size_t crossover_size_ = 0, exclusion_size_ = 0, event_size_ = 0, dropout_size_ = 0;
};

}  // namespace trialsim
