#pragma once
//! \file report.hpp
//! Plain-text tables for the terminal. Reads a Design, a BoundaryPlan and
//! Results; computes nothing of its own.

#include <ostream>
#include <span>
#include <string>

#include "trialsim/analytic.hpp"
#include "trialsim/boundaries.hpp"
#include "trialsim/design.hpp"
#include "trialsim/paired_difference.hpp"
#include "trialsim/results.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim {

//! The operating characteristics of a design: power, per-look probabilities,
//! events, enrolment and calendar time (as dates too when the design has a start date).
void print_results(std::ostream& out, const Design& design, const Results& results);

//! A sweep's scenarios, one line each: swept values, power, its difference to the
//! first scenario (paired SE), and per look the stopping probability, expected
//! events and median calendar time (and date).
void print_scenario_table(std::ostream& out, const SweepDesign& sweep, std::span<const Results> results,
                          std::span<const PowerDifference> differences);

//! The per-look critical values and nominal alphas of the design's boundary.
void print_boundaries(std::ostream& out, const Design& design, const BoundaryPlan& plan);

//! The analytic side of a design (`trialsim design`), with the simulated figures and
//! their Monte Carlo SEs beside it when `simulated` is given.
void print_design_analysis(std::ostream& out, const Design& design, const BoundaryPlan& plan,
                           const DesignAnalysis& analysis, const Results* simulated);

//! The boundary's name with its parameter, e.g. "Lan-DeMets spending, Hwang-Shih-DeCani (-4)".
std::string boundary_label(const Boundary& boundary);

//! `time` (in the design's time unit, from the start) as an ISO date, or "" without a start date.
std::string calendar_date(const Design& design, double time);

}  // namespace trialsim
