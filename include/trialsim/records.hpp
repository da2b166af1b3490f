#pragma once
//! \file records.hpp
//! Output for scripts: the figures of a command as named columns, written as CSV
//! (one row per record) or JSON (an object with the run-level fields and the
//! same rows as objects). One writer serves every command (run, show,
//! boundaries, design, solve); each command only says which records it has.
//! Column names are documented in docs/output_formats.md.

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "trialsim/analytic.hpp"
#include "trialsim/boundaries.hpp"
#include "trialsim/design.hpp"
#include "trialsim/paired_difference.hpp"
#include "trialsim/results.hpp"
#include "trialsim/solve.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim {

enum class OutputFormat { table, csv, json };

//! One value: a real number (NaN: no value), a count, text, or (run-level fields only) a list of texts.
using Cell = std::variant<double, std::int64_t, std::string, std::vector<std::string>>;

struct Records {
  std::vector<std::pair<std::string, Cell>> fields;  //!< run-level figures (JSON only)
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  //!< each as long as `columns`

  //! Appends a run-level field.
  void field(std::string name, Cell value) { fields.emplace_back(std::move(name), std::move(value)); }
};

//! CSV (RFC 4180): a header of the column names, then one line per row. Numbers at
//! full precision (the shortest text that reads back as the same double), NaN as an
//! empty cell, infinities as inf and -inf; text quoted when it holds a comma, a
//! quote or a line break.
void write_csv(std::ostream& out, const Records& records);

//! JSON: {"<field>": value, ..., "rows": [{"<column>": value, ...}, ...]}. Numbers
//! at full precision; NaN and infinities (which JSON cannot hold) as null.
void write_json(std::ostream& out, const Records& records);

//! write_csv or write_json (`format` is not `table`).
void write_records(std::ostream& out, const Records& records, OutputFormat format);

//! The operating characteristics of a run (`run`, `show`): one row per scenario x
//! look. A design without a sweep is scenario 0 with an empty label and no swept
//! columns (or `scenario`, for one scenario of a sweep's file), and its whole-run
//! figures are also run-level fields.
Records results_records(const Design& design, const Results& results, std::int64_t scenario = 0);
Records sweep_records(const SweepDesign& sweep, std::span<const Results> results,
                      std::span<const PowerDifference> differences);

//! The boundaries of each scenario's design (`boundaries`): one row per scenario x look.
Records boundary_records(const SweepDesign& sweep, std::span<const BoundaryPlan> plans);

//! `design`: one figure per row: quantity, look, power, alpha, analytic, simulated, simulated_se.
Records design_analysis_records(const Design& design, const BoundaryPlan& plan, const DesignAnalysis& analysis,
                                const Results* simulated);

//! The analytic (Schoenfeld) answer of `solve`, or why there is none.
struct AnalyticAnswer {
  double value = 0.0;  //!< NaN when not available
  double hazard_ratio = 0.0;
  double events = 0.0;
  std::string note;  //!< the reason it is not available, or what it leaves out
};

//! `solve`: one row per value simulated (value, power, power_se); the answer as run-level fields.
Records solve_records(const Design& design, const std::string& path, const SolveSettings& settings,
                      const Solution& solution, const AnalyticAnswer& analytic);

}  // namespace trialsim
