#pragma once
//! \file multivariate_normal.hpp
//! Multivariate normal orthant probabilities P(X_1 <= b_1, ..., X_d <= b_d) for
//! X ~ N(0, R), R a correlation matrix, d = 1 to 4 (the MaxCombo test's p-value).
//! Deterministic numerical integration to an absolute error below 1e-10 (d <= 3) and
//! 1e-9 (d = 4), singular and nearly singular R included. No heap allocation, no
//! shared state: safe to call from any number of threads.

#include <Eigen/Dense>

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
//! normal probabilities. J Comput Graph Stat 1:141-149) with the variables ordered for each
//! rectangle (least likely interval first), on a randomly shifted rank-1 lattice (Genz A,
//! Bretz F (2009). Computation of Multivariate Normal and t Probabilities, Springer, sections
//! 4.1.3 and 4.2). R may be singular: the Cholesky factor keeps only its rank's columns, and
//! each limit then bounds the last variable it depends on. The lattice and its shifts are
//! fixed, so that the estimate is a deterministic function of the limits (root finding on a
//! limit converges). A probability of a rare event is estimated with an error relative to
//! its own size: the rare interval is integrated first, exactly.
class NormalRectangle {
 public:
  struct Estimate {
    double probability = 0.0;
    double error = 0.0;  //!< 3 standard errors over the random shifts of the lattice
  };

  //! R: symmetric, unit diagonal, positive semi-definite up to rounding. Throws
  //! std::invalid_argument when R is empty, too large, not square or not a correlation matrix.
  explicit NormalRectangle(const Eigen::MatrixXd& correlation);

  //! P(lower < X <= upper); the limits may be +-infinity. lower and upper have R's dimension.
  Estimate probability(const Eigen::VectorXd& lower, const Eigen::VectorXd& upper) const;

  int dimension() const { return static_cast<int>(correlation_.rows()); }
  int rank() const;

 private:
  //! R = P L L' P' for the variable order chosen for one rectangle.
  struct Factor {
    //! Rows in pivot order, rank columns. Row-major: rows are dotted with draws.
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows;
    std::vector<int> variable;               // variable[i]: the variable of row i
    std::vector<std::vector<int>> bounding;  // bounding[j]: the rows whose last non-zero column is j
  };
  Factor factor(const Eigen::VectorXd& lower, const Eigen::VectorXd& upper) const;

  Eigen::MatrixXd correlation_;
};

}  // namespace trialsim
