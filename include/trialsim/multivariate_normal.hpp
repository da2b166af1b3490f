#pragma once
//! \file multivariate_normal.hpp
//! Multivariate normal probabilities of small dimension, for the MaxCombo test.

#include <Eigen/Dense>

namespace trialsim {

inline constexpr int MAX_NORMAL_DIMENSION = 4;
using CorrelationMatrix = Eigen::Matrix<double, MAX_NORMAL_DIMENSION, MAX_NORMAL_DIMENSION>;
//! P(X_i <= upper[i] for all i < dimension), X ~ N(0, R) with R the top-left
//! dimension x dimension block of `correlation`. upper[i] may be +-infinity.
double normal_orthant_probability(const double* upper, const CorrelationMatrix& correlation, int dimension);

} // namespace trialsim
