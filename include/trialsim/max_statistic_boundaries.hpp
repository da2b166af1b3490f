#pragma once
//! \file max_statistic_boundaries.hpp
//! Group-sequential critical values of a test on the largest of several statistics per look
//! (MaxCombo), from the joint normal distribution of every component at every look. Pure
//! functions of their arguments: no random numbers, no I/O.

#include <span>
#include <vector>

#include <Eigen/Dense>

namespace trialsim {

//! A MaxCombo procedure's critical values, look by look.
struct MaxStatisticBoundaries {
  //! Reject for benefit at look k when the largest component z >= max_z[k] (two-sided: also
  //! for harm when the smallest <= -max_z[k]); +infinity where the look spends nothing.
  std::vector<double> max_z;
  //! The same rule on the scale of the look's own MaxCombo p-value, as a normal quantile:
  //! -Phi^-1(P(max_m Z_mk >= max_z[k])) under the look's correlation; boundaries on the
  //! MaxCombo z (MaxComboResult) apply as they do to any other statistic.
  std::vector<double> nominal_z;
  //! Integration error (3 standard errors) of each look's cumulative type I error.
  std::vector<double> alpha_error;
};

//! The critical values that spend `alpha_spent` (cumulative, sides-sided, one per look) when
//! the components' score statistics have covariance `look_covariance[k]` at look k and, as
//! weighted log-rank statistics do (Tsiatis 1982, JASA 77:855-861), independent increments
//! across looks: cov(U_aj, U_bk) = look_covariance[min(j, k)](a, b). A component without
//! variance at a look is left out of that look's maximum. Increments that estimation has made
//! slightly indefinite are projected onto the positive semi-definite matrices.
//! The first look is exact: its nominal level is alpha_spent[0] per side, as every
//! statistic's first look is. Later looks: multivariate normal integration (NormalRectangle).
//! Non-binding: futility stops are not counted, so that with them the level is at most alpha.
//! Throws std::invalid_argument for mismatched sizes or more than 40 components in all.
MaxStatisticBoundaries max_statistic_boundaries(std::span<const Eigen::MatrixXd> look_covariance,
                                                std::span<const double> alpha_spent, int sides);

}  // namespace trialsim
