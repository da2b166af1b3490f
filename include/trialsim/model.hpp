#pragma once
//! \file model.hpp
//! The generative parts of one trial, prepared once from the Design and then
//! used without allocation: survival times by inversion of the cumulative
//! hazard, Poisson arrivals from a piecewise-constant rate, and permuted-block
//! allocation within strata.

#include <array>
#include <span>
#include <vector>

#include "trialsim/design.hpp"
#include "trialsim/random.hpp"

namespace trialsim {

//! A SurvivalModel in a form that evaluates and inverts its cumulative hazard.
class SurvivalDistribution {
public:
  SurvivalDistribution() = default;
  explicit SurvivalDistribution(const SurvivalModel& model);

  //! H(t) of the arm (cure fraction and hazard ratios included); infinite past the cure plateau.
  double cumulative_hazard(double t) const;
  //! S(t) = exp(-H(t)).
  double survival(double t) const { return std::exp(-cumulative_hazard(t)); }
  //! The time t with H(t) = exp1_draw: the event time of a patient whose Exp(1)
  //! draw is `exp1_draw` (infinite when the patient never has the event).
  double event_time(double exp1_draw) const {
    if (single_rate_) return exp1_draw / rate_;
    return invert_general(exp1_draw);
  }

  //! The hazard of a plain exponential (event_time divides by it), or 0 for any other law.
  double constant_hazard() const { return single_rate_ ? rate_ : 0.0; }

private:
  double base_cumulative(double t) const;     // H0
  double base_inverse(double h) const;        // H0^-1
  double population_cumulative(double t) const; // Hp = -ln(c + (1 - c) e^-H0)
  double population_inverse(double y) const;    // Hp^-1
  double invert_general(double e) const;

  BaseHazard base_;
  double cure_ = 0.0;
  std::vector<double> base_cumulative_at_break_; // H0(breaks[k])
  std::vector<double> ratio_breaks_;
  std::vector<double> hazard_ratios_;
  std::vector<double> population_at_ratio_break_; // Hp(ratio_breaks[j])
  std::vector<double> arm_at_ratio_break_;        // H(ratio_breaks[j])
  bool single_rate_ = false; // plain exponential: t = E / rate
  double rate_ = 0.0;
};

//! Arrival times of a Poisson process with a piecewise-constant rate (the last
//! period extends forever): the k-th arrival is Lambda^-1(G_k), G_k a sum of k Exp(1).
class ArrivalProcess {
public:
  ArrivalProcess() = default;
  //! `deterministic`: patient i (from 1) enters at Lambda^-1(i) instead of at random.
  explicit ArrivalProcess(const std::vector<RatePeriod>& periods, bool deterministic = false);

  //! Fills `entry` (size N, ascending) from the arrival stream (or deterministically).
  void sample(RandomStream& arrivals, std::vector<double>& entry) const;
  //! Expected number of arrivals by calendar time t, Lambda(t).
  double cumulative_rate(double t) const;
  //! Lambda^-1(g).
  double time_of_cumulative(double g) const;

private:
  std::vector<double> from_;
  std::vector<double> rate_;
  std::vector<double> cumulative_at_from_;
  bool deterministic_ = false;
};

//! Permuted blocks within strata (or simple randomisation when block_size == 0).
//! One uniform per patient for the stratum and one for the arm, each from its own stream.
class Allocator {
public:
  Allocator() = default;
  explicit Allocator(const Allocation& allocation);

  //! Empties every stratum's current block (call at the start of each trial).
  void reset();
  int draw_stratum(RandomStream& strata) const;
  int draw_arm(int stratum, RandomStream& allocation);
  //! Resets, then draws the stratum and the arm of every patient in order of entry.
  void assign(RandomStream& strata, RandomStream& allocation, std::span<std::uint16_t> stratum,
              std::span<std::uint8_t> arm);

private:
  struct Block {
    int control_left = 0;
    int total_left = 0;
  };
  std::vector<double> cumulative_prevalence_;
  std::vector<Block> blocks_;
  int block_size_ = 0;
  int block_controls_ = 0;
  std::uint64_t treatment_threshold_ = 1ULL << 31;
};

} // namespace trialsim
