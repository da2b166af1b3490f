#pragma once
// /scenarios/table and /scenarios/look_table of a sweep file: one row per scenario,
// and one per scenario and look, each as a group of equal-length one-dimensional
// columns (h5py reads each as an array, rhdf5's h5read the group as a list that
// as.data.frame turns into a table; a matrix or a column of another length would
// break that). Private to the io module.

#include <span>
#include <string>

#include <hdf5.h>

#include "trialsim/paired_difference.hpp"
#include "trialsim/results.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim {

//! Writes the table into `scenarios` (the /scenarios group).
void write_scenario_table(hid_t scenarios, const SweepDesign& sweep, std::span<const Results> results,
                          std::span<const PowerDifference> differences);

//! Writes /scenarios/look_table into `scenarios`.
void write_scenario_look_table(hid_t scenarios, std::span<const Results> results, const std::string& time_unit);

}  // namespace trialsim
