#pragma once
//! \file multivariate_normal.hpp
//! Multivariate normal orthant probabilities P(X_1 <= b_1, ..., X_d <= b_d) for
//! X ~ N(0, R), R a correlation matrix, d = 1 to 4 (the MaxCombo test's p-value).
//! Deterministic numerical integration to an absolute error below 1e-10 (d <= 3) and
//! 1e-9 (d = 4), singular and nearly singular R included. No heap allocation, no
//! shared state: safe to call from any number of threads.

#include <Eigen/Dense>

namespace trialsim {

//! Largest dimension normal_orthant_probability accepts.
inline constexpr int MAX_NORMAL_DIMENSION = 4;

//! Correlation matrices are passed in a fixed 4 x 4 matrix; a smaller dimension uses its
//! top-left block.
using CorrelationMatrix = Eigen::Matrix<double, MAX_NORMAL_DIMENSION, MAX_NORMAL_DIMENSION>;

//! P(X_i <= upper[i] for all i < dimension), X ~ N(0, R) with R the top-left
//! dimension x dimension block of `correlation`. upper[i] may be +-infinity.
//!
//! Only the entries above the diagonal are read (the diagonal is taken as 1); R must be
//! positive semi-definite up to rounding. Correlations within 1e-15 of +-1 are taken as
//! exactly +-1 (identical or opposite statistics). A NaN limit or correlation gives NaN.
//! Throws std::invalid_argument unless 1 <= dimension <= MAX_NORMAL_DIMENSION.
double normal_orthant_probability(const double* upper, const CorrelationMatrix& correlation, int dimension);

}  // namespace trialsim
