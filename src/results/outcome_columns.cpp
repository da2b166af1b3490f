// The per-replicate columns of a results file (outcome_columns.hpp). The descriptions are
// part of the file's contract with its readers: each dataset carries its own.

#include "trialsim/outcome_columns.hpp"

#include <array>
#include <cmath>
#include <limits>

namespace trialsim {

namespace {

using Outcome = const TrialOutcome&;

// A count or flag read back from its float64 column: NaN (a look not performed) leaves the
// in-memory default, which nothing reads for such a look.
template <class T>
void set_count(T& field, double value) {
  if (!std::isnan(value)) field = static_cast<T>(value);
}

constexpr auto F64 = ColumnType::float64;
constexpr auto LOOK = ColumnExtent::look;
constexpr auto NAN_THEN = NotPerformed::nan;

const std::array<OutcomeColumn, 17> COLUMNS{{
    {"performed", ColumnType::uint8, LOOK,
     "1 when the look was analysed (by the design's procedure or a statistic of test.compare), 0 when the trial "
     "had stopped before it; every measurement of a look with 0 is NaN",
     false, NotPerformed::zero, [](Outcome, std::size_t, std::size_t) { return 1.0; }, nullptr},
    {"z", F64, LOOK,
     "test statistic of the look (z > 0 favours treatment; NaN: not performed, or undefined at this look)", false,
     NAN_THEN, [](Outcome o, std::size_t k, std::size_t) { return o.looks[k].z; },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { o.looks[k].z = v; }},
    {"hr", F64, LOOK,
     "Cox estimate of the hazard ratio, treatment vs control (NaN: not performed, or no estimate exists; 0 or inf "
     "when one arm has no events)",
     false, NAN_THEN, [](Outcome o, std::size_t k, std::size_t) { return o.looks[k].hr; },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { o.looks[k].hr = v; }},
    {"log_hr_se", F64, LOOK,
     "standard error of log(hr), 1 / sqrt(Cox information at the estimate), for Wald intervals "
     "exp(log(hr) -+ 1.96 log_hr_se) (NaN: not performed, or no estimate exists; inf when one arm has no events)",
     false, NAN_THEN, [](Outcome o, std::size_t k, std::size_t) { return o.looks[k].log_hr_se; },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { o.looks[k].log_hr_se = v; }},
    {"events", F64, LOOK, "analysed events, both arms (a whole number; NaN: not performed)", false, NAN_THEN,
     [](Outcome o, std::size_t k, std::size_t) {
       return static_cast<double>(o.looks[k].events[CONTROL] + o.looks[k].events[TREATMENT]);
     },
     nullptr},
    {"events_control", F64, LOOK, "analysed events, control arm (a whole number; NaN: not performed)", false, NAN_THEN,
     [](Outcome o, std::size_t k, std::size_t) { return static_cast<double>(o.looks[k].events[CONTROL]); },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { set_count(o.looks[k].events[CONTROL], v); }},
    {"events_treatment", F64, LOOK, "analysed events, treatment arm (a whole number; NaN: not performed)", false,
     NAN_THEN, [](Outcome o, std::size_t k, std::size_t) { return static_cast<double>(o.looks[k].events[TREATMENT]); },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { set_count(o.looks[k].events[TREATMENT], v); }},
    {"time", F64, LOOK, "calendar time of the look's data cut (NaN: not performed)", true, NAN_THEN,
     [](Outcome o, std::size_t k, std::size_t) { return o.looks[k].time; },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { o.looks[k].time = v; }},
    {"enrolled", F64, LOOK,
     "patients randomised by the data cut, in the look's population (a whole number; NaN: not performed)", false,
     NAN_THEN, [](Outcome o, std::size_t k, std::size_t) { return static_cast<double>(o.looks[k].enrolled); },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { set_count(o.looks[k].enrolled, v); }},
    {"decision", ColumnType::int8, LOOK,
     "decision at the look: -1 not performed, 0 continue, 1 efficacy, 2 harm, 3 futility, 4 final look without "
     "rejection",
     false, NotPerformed::as_is,
     [](Outcome o, std::size_t k, std::size_t) { return static_cast<double>(o.looks[k].decision); },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { o.looks[k].decision = static_cast<std::int8_t>(v); }},
    {"trigger_reached", F64, LOOK,
     "1 when the look's trigger fired, 0 when it never did and the look used all data (NaN: not performed)", false,
     NAN_THEN, [](Outcome o, std::size_t k, std::size_t) { return o.looks[k].trigger_reached ? 1.0 : 0.0; },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) {
       if (!std::isnan(v)) o.looks[k].trigger_reached = v != 0.0;
     }},
    {"boundary_z", F64, LOOK,
     "efficacy critical value the look applied: the planned one, or with test.boundary.information: observed the "
     "one spent at this trial's observed information (inf: nothing left to spend; NaN: not performed)",
     false, NAN_THEN, [](Outcome o, std::size_t k, std::size_t) { return o.looks[k].boundary_z; },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { o.looks[k].boundary_z = v; }},
    {"conditional_power_design", F64, LOOK,
     "conditional power of rejecting for benefit at the last look given the look's z, under the design's hazard "
     "ratio (Jennison & Turnbull 2000, eq. 10.1; NaN at the last look, or not performed)",
     false, NAN_THEN, [](Outcome o, std::size_t k, std::size_t) { return o.looks[k].conditional_power_design; },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { o.looks[k].conditional_power_design = v; }},
    {"conditional_power_trend", F64, LOOK,
     "conditional power of rejecting for benefit at the last look given the look's z, under the current trend "
     "(NaN at the last look, or not performed)",
     false, NAN_THEN, [](Outcome o, std::size_t k, std::size_t) { return o.looks[k].conditional_power_trend; },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) { o.looks[k].conditional_power_trend = v; }},
    {"planned_decision", ColumnType::int8, LOOK,
     "decision of the planned boundaries by their own procedure on the same trial, coded as decision (equal to "
     "decision unless test.boundary.information is observed)",
     false, NotPerformed::as_is,
     [](Outcome o, std::size_t k, std::size_t) { return static_cast<double>(o.looks[k].planned_decision); },
     [](TrialOutcome& o, std::size_t k, std::size_t, double v) {
       o.looks[k].planned_decision = static_cast<std::int8_t>(v);
     }},
    {"compare_z", F64, ColumnExtent::look_and_compared,
     "z of each statistic of test.compare (names in /summary/compare/key; NaN: its procedure had stopped, or the "
     "statistic is undefined at this look)",
     false, NAN_THEN, [](Outcome o, std::size_t k, std::size_t c) { return o.looks[k].compared_z[c]; },
     [](TrialOutcome& o, std::size_t k, std::size_t c, double v) { o.looks[k].compared_z[c] = v; }},
    {"compare_decision", ColumnType::int8, ColumnExtent::look_and_compared,
     "decision of each statistic of test.compare by its own procedure, coded as decision", false, NotPerformed::as_is,
     [](Outcome o, std::size_t k, std::size_t c) { return static_cast<double>(o.looks[k].compared_decision[c]); },
     [](TrialOutcome& o, std::size_t k, std::size_t c, double v) {
       o.looks[k].compared_decision[c] = static_cast<std::int8_t>(v);
     }},
}};

// The replicate-level column: where the design's procedure ended.
const OutcomeColumn STOP_LOOK{
    "stop_look",
    ColumnType::int8,
    ColumnExtent::replicate,
    "index (from 0) of the look at which the trial ended",
    false,
    NotPerformed::as_is,
    [](Outcome o, std::size_t, std::size_t) { return static_cast<double>(o.stop_look); },
    [](TrialOutcome& o, std::size_t, std::size_t, double v) { o.stop_look = static_cast<std::int8_t>(v); }};

const std::array<OutcomeColumn, COLUMNS.size() + 1> ALL_COLUMNS = [] {
  std::array<OutcomeColumn, COLUMNS.size() + 1> all{};
  for (std::size_t i = 0; i < COLUMNS.size(); ++i) all[i] = COLUMNS[i];
  all.back() = STOP_LOOK;
  return all;
}();

template <class T>
void append_as(std::string& bytes, double value) {
  const T stored = static_cast<T>(value);
  bytes.append(reinterpret_cast<const char*>(&stored), sizeof stored);
}

}  // namespace

std::span<const OutcomeColumn> outcome_columns() {
  return ALL_COLUMNS;
}

double stored_value(const OutcomeColumn& column, const TrialOutcome& outcome, std::size_t look, std::size_t compared,
                    int compared_count) {
  if (column.extent != ColumnExtent::replicate && column.not_performed != NotPerformed::as_is &&
      !analysed(outcome.looks[look], compared_count)) {
    return column.not_performed == NotPerformed::nan ? std::numeric_limits<double>::quiet_NaN() : 0.0;
  }
  return column.get(outcome, look, compared);
}

std::size_t values_per_replicate(const OutcomeColumn& column, int looks, int compared) {
  switch (column.extent) {
    case ColumnExtent::replicate: return 1;
    case ColumnExtent::look: return static_cast<std::size_t>(looks);
    case ColumnExtent::look_and_compared: return static_cast<std::size_t>(looks) * static_cast<std::size_t>(compared);
  }
  return 0;
}

void append_outcome_bytes(std::string& bytes, const TrialOutcome& outcome, int looks, int compared) {
  for (const OutcomeColumn& column : outcome_columns()) {
    const std::size_t per_look =
        column.extent == ColumnExtent::look_and_compared ? static_cast<std::size_t>(compared) : 1;
    const std::size_t count = values_per_replicate(column, looks, compared);
    for (std::size_t i = 0; i < count; ++i) {
      const double value = stored_value(column, outcome, i / per_look, i % per_look, compared);
      switch (column.type) {
        case ColumnType::float64: append_as<double>(bytes, value); break;
        case ColumnType::int32: append_as<std::int32_t>(bytes, value); break;
        case ColumnType::int8: append_as<std::int8_t>(bytes, value); break;
        case ColumnType::uint8: append_as<std::uint8_t>(bytes, value); break;
      }
    }
  }
}

}  // namespace trialsim
