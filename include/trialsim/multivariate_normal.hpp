#pragma once
//! \file multivariate_normal.hpp
//! Multivariate normal orthant probabilities P(X_1 <= b_1, ..., X_d <= b_d) for
//! X ~ N(0, R), R a correlation matrix, d = 1 to 4 (the MaxCombo test's p-value).
//! Deterministic numerical integration to an absolute error below 1e-10 (d <= 3) and
//! 1e-9 (d = 4), singular and nearly singular R included. No heap allocation, no
//! shared state: safe to call from any number of threads.

#include <Eigen/Dense>

#include <span>
#include <vector>

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

namespace trialsim {

//! Largest dimension NormalRectangle accepts: every component of a MaxCombo test at every look.
inline constexpr int MAX_RECTANGLE_DIMENSION = 40;

//! Rectangle probabilities P(lower_i < X_i <= upper_i for all i), X ~ N(0, R), of any
//! dimension up to MAX_RECTANGLE_DIMENSION (the group-sequential MaxCombo critical values),
//! by Genz's separation of variables (Genz A (1992). Numerical computation of multivariate
//! normal probabilities. J Comput Graph Stat 1:141-149) on a randomly shifted rank-1
//! lattice (Genz A, Bretz F (2009). Computation of Multivariate Normal and t Probabilities,
//! Springer, section 4.2). R may be singular: the Cholesky factor is pivoted and keeps only
//! its rank's columns, and each limit then bounds the last variable it depends on.
//! The lattice and its shifts are fixed, so that the estimate is a deterministic, continuous
//! and monotone function of the limits (root finding on a limit converges).
class NormalRectangle {
public:
  struct Estimate {
    double probability = 0.0;
    double error = 0.0; //!< 3 standard errors over the random shifts of the lattice
  };

  //! Factors R (symmetric, unit diagonal, positive semi-definite up to rounding). The
  //! variables may come in consecutive blocks (the looks of a group-sequential test, sizes
  //! summing to R's dimension): the factor is then pivoted within each block only, so that
  //! exit_probability can integrate the last block's exit directly. No blocks: one block.
  //! Throws std::invalid_argument when R is empty, too large, not square or not a
  //! correlation matrix, or the block sizes do not add up.
  explicit NormalRectangle(const Eigen::MatrixXd& correlation, std::span<const int> block_sizes = {});

  //! P(lower < X <= upper); the limits may be +-infinity. lower and upper have R's dimension.
  Estimate probability(const Eigen::VectorXd& lower, const Eigen::VectorXd& upper) const;

  //! P(lower < X <= upper in every block but the last, and not in the last): a small
  //! probability estimated with an error relative to its own size rather than to 1, which the
  //! difference of two probability() calls would not give.
  Estimate exit_probability(const Eigen::VectorXd& lower, const Eigen::VectorXd& upper) const;

  int dimension() const { return static_cast<int>(factor_.rows()); }
  int rank() const { return static_cast<int>(factor_.cols()); }

private:
  Estimate integrate(const Eigen::VectorXd& lower, const Eigen::VectorXd& upper, bool exit) const;

  //! Rows in pivot order, rank columns: R = P L L' P'. Row-major: rows are dotted with draws.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> factor_;
  std::vector<int> variable_;              // variable_[i]: the variable of row i
  std::vector<std::vector<int>> bounding_; // bounding_[j]: the rows whose last non-zero column is j
  int last_block_column_ = 0;              // the first column of the last block
  bool last_block_closed_ = true;          // every row of the last block bounds a column of its own block
};

} // namespace trialsim
