#pragma once
//! \file monitoring.hpp
//! What a data monitoring committee computes at a look: the conditional power of the
//! trial, and Lan-DeMets critical values at the information the trial actually has.
//! Pure functions and a per-thread cache: no random numbers, no I/O.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "trialsim/boundaries.hpp"
#include "trialsim/design.hpp"

namespace trialsim {

//! Conditional power at a look with information fraction t = I_k / I_K and statistic z:
//! P(Z_K >= final_critical | Z_k = z) when E[Z_K] = drift at the planned final information.
//! On the Brownian-motion scale B(t) = z sqrt(t) with drift theta = drift,
//!   CP = 1 - Phi((final_critical - z sqrt(t) - drift (1 - t)) / sqrt(1 - t))
//! (Jennison & Turnbull 2000, eq. 10.1 and section 10.2; Proschan, Lan & Wittes 2006,
//! section 3.2; rpact's getConditionalPower at the second-last look). With t >= 1 nothing
//! is left to observe: 1 when z >= final_critical, else 0. NaN when z is NaN.
double conditional_power(double z, double information_fraction, double final_critical, double drift);

//! Conditional power under the current trend: the drift estimated from the look,
//! z / sqrt(t) (Jennison & Turnbull 2000, section 10.2; Lan & Wittes 1988).
double conditional_power_trend(double z, double information_fraction, double final_critical);

//! The z below which the conditional power at information fraction t (< 1) is below
//! `threshold` (CP is increasing in z under either effect): the futility boundary that a
//! binding conditional-power rule amounts to at the planned information.
double conditional_power_futility_z(double threshold, Futility::Effect effect, double information_fraction,
                                    double final_critical, double drift);

//! What a look knows of its own information: the count that sets its spending time
//! (events, or patients for patient-count looks) and its events (the log-rank
//! information, which sets the correlation with earlier looks).
struct ObservedInformation {
  std::int32_t spending_count = 0;
  std::int32_t events = 0;
  bool operator==(const ObservedInformation&) const = default;
};

//! Lan-DeMets critical values at one simulated trial's observed information
//! (`test.boundary.information: observed`; Lan & DeMets 1983, Jennison & Turnbull 2000,
//! section 7.2): look k spends alpha(spending_count_k / planned_total) less what earlier
//! looks spent, the final look spends all that is left, and the statistics are correlated
//! as sqrt(events_j / events_k). A look with no events beyond the last look that had some
//! has no new information: it cannot reject (+infinity) and later looks ignore it.
//! Values are remembered by the observed counts in a table of fixed capacity, sized once,
//! so that each distinct history costs one recursion per thread and nothing allocates.
class ObservedBoundaries {
 public:
  ObservedBoundaries() = default;
  //! `binding_futility`: the futility z per look that binds the boundary (-infinity: none).
  ObservedBoundaries(const TestPlan& test, int looks, double planned_total, std::vector<double> binding_futility,
                     std::size_t capacity);
  //! The critical value of look `look` given looks 0..look's information in `history`.
  double critical_value(int look, std::span<const ObservedInformation> history);
  std::int64_t computed() const { return computed_; }  //!< recursions run (cache misses)

 private:
  struct Entry {
    std::array<ObservedInformation, MAX_LOOKS> history{};
    std::int8_t look = -1;  //!< -1: empty
    double critical = 0.0;
  };
  double compute(int look, std::span<const ObservedInformation> history);

  const TestPlan* test_ = nullptr;
  int looks_ = 0;
  double planned_total_ = 1.0;
  std::vector<double> binding_futility_;
  std::vector<Entry> entries_;
  SpendingScratch scratch_;
  std::array<double, MAX_LOOKS> times_{}, information_{}, futility_{}, critical_{};
  std::int64_t computed_ = 0;
};

}  // namespace trialsim
