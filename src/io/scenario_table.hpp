#pragma once
// /scenarios/table of a sweep file: one row per scenario, as a group of
// equal-length columns (h5py reads each as an array, rhdf5's h5read the group
// as a list that as.data.frame turns into a table). Private to the io module.

#include <span>

#include <hdf5.h>

#include "trialsim/paired_difference.hpp"
#include "trialsim/results.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim {

//! Writes the table into `scenarios` (the /scenarios group).
void write_scenario_table(hid_t scenarios, const SweepDesign& sweep, std::span<const Results> results,
                          std::span<const PowerDifference> differences);

}  // namespace trialsim
