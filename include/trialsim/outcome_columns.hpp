#pragma once
//! \file outcome_columns.hpp
//! The per-replicate columns of a results file (/replicates): one list that the HDF5
//! writer and reader, the merge of shards (which reads and refolds them) and the golden
//! digests all iterate, so that a new field of LookOutcome is stored, read back, merged
//! and checked by adding one entry here (docs/extending.md).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "trialsim/outcome.hpp"

namespace trialsim {

//! How a column is stored.
enum class ColumnType { float64, int32, int8, uint8 };

//! What a column holds at a look that no procedure analysed (the trial had stopped earlier):
//! a value would be a measurement never made, so measurements are NaN there and the file's
//! integer-valued measurements are stored as float64 to hold it (a naive mean over the
//! replicates then skips those looks instead of averaging zeros in).
enum class NotPerformed {
  as_is,  //!< the value itself says so (decision -1) or the column is per replicate
  nan,    //!< NaN: nothing was measured
  zero,   //!< 0 (the `performed` flag)
};

//! A column's extent beyond the replicates.
enum class ColumnExtent {
  replicate,          //!< [replicate]
  look,               //!< [replicate, look]
  look_and_compared,  //!< [replicate, look, compared statistic]; only when test.compare is given
};

struct OutcomeColumn {
  const char* name;
  ColumnType type;
  ColumnExtent extent;
  const char* description;  //!< what a value means; the writer adds the extent and, when
                            //!< `in_time_unit`, the unit
  bool in_time_unit;
  NotPerformed not_performed;
  //! The value of (look, compared) of an outcome; integers are exact in a double.
  double (*get)(const TrialOutcome& outcome, std::size_t look, std::size_t compared);
  //! Stores a value read back; null for a column derived from others (events).
  void (*set)(TrialOutcome& outcome, std::size_t look, std::size_t compared, double value);
};

//! Every column, in the order of the file.
std::span<const OutcomeColumn> outcome_columns();

//! The value of (look, compared) of `outcome` in `column` as the file stores it: the
//! column's value, or what `not_performed` says when no procedure (the design's or one of
//! the first `compared_count` compared statistics') analysed the look.
double stored_value(const OutcomeColumn& column, const TrialOutcome& outcome, std::size_t look, std::size_t compared,
                    int compared_count);

//! The number of values of one replicate in `column`.
std::size_t values_per_replicate(const OutcomeColumn& column, int looks, int compared);

//! Appends the bytes of every column value of `outcome`, column by column, as stored:
//! the input of the golden digests (tests/test_golden.cpp).
void append_outcome_bytes(std::string& bytes, const TrialOutcome& outcome, int looks, int compared);

}  // namespace trialsim
