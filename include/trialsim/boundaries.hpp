#pragma once
//! \file boundaries.hpp
//! Group-sequential critical values and crossing probabilities, by recursive
//! numerical integration of the canonical joint distribution of the look
//! statistics (Armitage, McPherson and Rowe 1969; Jennison and Turnbull 2000,
//! ch. 19): Z_k ~ N(drift * sqrt(t_k), 1), cov(Z_j, Z_k) = sqrt(t_j / t_k), t_j <= t_k.
//! Pure functions of their arguments: no random numbers, no I/O.

#include <limits>
#include <span>
#include <vector>

#include "trialsim/design.hpp"

namespace trialsim {

//! Critical values per look on the z scale, benefit direction positive.
struct BoundaryPlan {
  int sides = 2;
  std::vector<double> information_fractions;
  std::vector<double> efficacy_z;  //!< reject for benefit when z >= efficacy_z[k] (two-sided: also harm when z <= -efficacy_z[k])
  std::vector<double> futility_z;  //!< stop for futility when z < futility_z[k]; -infinity where none (always at the last look)
  std::vector<double> nominal_alpha;   //!< sides-sided nominal p-value threshold of each look
  std::vector<double> alpha_spent;     //!< cumulative type I error spent by look k (sides-sided), under H0
  //! The efficacy boundary of each compared statistic's procedure (test.compare order), on its
  //! own z: efficacy_z, but for a MaxCombo statistic over several looks (plan_boundaries).
  //! Empty: every compared statistic uses efficacy_z.
  std::vector<std::vector<double>> compared_efficacy_z;
  //! What conditional power needs (set by plan_boundaries, monitoring.hpp): the planned
  //! events at the last look (its events trigger, else the expected events there), and
  //! E[Z at the last look] under the design's hazard ratio HR, -ln(HR / HR0) sqrt(r (1 - r) D).
  double planned_final_events = 0.0;
  double design_drift = 0.0;
  //! Beta-spending futility only: cumulative P(stop for futility by look k) under the
  //! alternative, the last look's non-rejection included (ends at beta); empty otherwise.
  std::vector<double> beta_spent;
  //! Beta-spending futility only: the drift theta of that alternative, E[Z_k] = theta sqrt(t_k),
  //! at which the futility and efficacy bounds meet at the last look (NaN otherwise).
  double alternative_drift = std::numeric_limits<double>::quiet_NaN();
};

//! Probabilities of first crossing the upper / lower boundary at each look.
struct CrossingProbabilities {
  std::vector<double> upper; //!< P(continue to k, Z_k >= upper[k])
  std::vector<double> lower; //!< P(continue to k, Z_k <= lower[k])
};

//! Exit probabilities of the continuation regions lower[k] < Z_k < upper[k]
//! (use +-infinity for no boundary) when E[Z_k] = drift * sqrt(t_k).
CrossingProbabilities crossing_probabilities(std::span<const double> information_fractions,
                                             std::span<const double> upper, std::span<const double> lower,
                                             double drift);

//! Critical values of the design's boundary family at its planned information
//! fractions, including the futility boundary (binding or not).
//! Two-sided designs are symmetric: alpha / 2 in each tail, and the spending
//! functions are applied to alpha / 2 per tail (as gsDesign and rpact do).
//! Beta-spending futility (one-sided tests) follows rpact 3.3.4's
//! getDesignGroupSequential(typeBetaSpending =): the futility bound of look k spends
//! beta(t_k) - beta(t_{k-1}) under the drift at which the last look's futility and
//! efficacy bounds coincide; a binding one enters the efficacy recursion.
BoundaryPlan compute_boundaries(const TestPlan& test, std::span<const double> information_fractions);

//! Cumulative alpha spent by time t in [0, 1] for a one-sided level `alpha`.
double spending_function(Boundary::Spending function, double parameter, double alpha, double t);

//! Sub-density of Z_k on the paths that continued past looks 1..k, as quadrature nodes
//! and masses (Simpson weight times sub-density), so that E[g(Z_k); continued] is
//! sum_i mass_i g(z_i). Before the first look all mass sits at Z_0 = 0 with information 0.
struct ContinuationDensity {
  double information = 0.0;
  std::vector<double> z{0.0};
  std::vector<double> mass{1.0};
};

//! Buffers of the spending recursion, reserved once for the widest grid, so that
//! spending_critical_values allocates nothing (the per-trial boundaries of
//! `information: observed`).
struct SpendingScratch {
  SpendingScratch();
  ContinuationDensity current, next;
  std::vector<double> means, ends;
};

//! Lan-DeMets critical values of looks 0..n-1 of the design's spending function when
//! look k spends alpha(spending_times[k]) - alpha(spending_times[k-1]) and the look
//! statistics are correlated as sqrt(information[j] / information[k]) (information in any
//! unit, strictly increasing). A spending time of 1 or more spends all that is left; a
//! look with nothing left to spend gets +infinity. `binding_futility` (-infinity: none)
//! removes paths under H0 as a binding boundary does. Writes `efficacy`.
void spending_critical_values(const TestPlan& test, std::span<const double> spending_times,
                              std::span<const double> information, std::span<const double> binding_futility,
                              std::span<double> efficacy, SpendingScratch& scratch);

//! Standard normal distribution and quantile (double precision).
double normal_cdf(double z);
double normal_quantile(double p);

} // namespace trialsim
