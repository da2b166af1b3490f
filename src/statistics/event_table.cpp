// Event tables: the number at risk and the number of events per arm at each
// distinct event time, per stratum. This is the counting-process summary of
// right-censored data (Fleming & Harrington 1991, "Counting Processes and
// Survival Analysis"; Kalbfleisch & Prentice 2002) from which the log-rank test, the Cox partial
// likelihood and the Kaplan-Meier estimate are all computed.

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "trialsim/sorting.hpp"
#include "trialsim/statistics.hpp"

namespace trialsim {
namespace {

// Observations by time, within strata when the tables are stratified (one
// contiguous run of observations per stratum).
void sort_observations(std::span<const Observation> observations, int strata, StatisticsWorkspace& workspace) {
  const auto time_of = [](const Observation& observation) { return observation.time; };
  if (strata == 1) {
    distribution_sort(observations, 1, time_of, [](const Observation&) { return 0; }, workspace.sorted,
                      workspace.sort_buckets);
  } else {
    distribution_sort(observations, static_cast<std::size_t>(strata), time_of,
                      [](const Observation& observation) { return observation.stratum; }, workspace.sorted,
                      workspace.sort_buckets);
  }
}

void reset(EventTable& table) {
  table.rows.clear();  // keeps the capacity for the next call
  table.patients[CONTROL] = table.patients[TREATMENT] = 0;
  table.events[CONTROL] = table.events[TREATMENT] = 0;
}

// Fills the table of one stratum from its observations sorted by time. Walking
// the times upwards, the risk set just before a time is everyone not yet
// passed, patients censored at that very time included; each run of tied times
// yields one row when it holds an event. Arms and events are 0/1, so the counts
// are sums and products of them.
void fill_table(std::span<const Observation> observations, EventTable& table) {
  std::int32_t treatment_patients = 0;
  std::int32_t treatment_events = 0;
  std::int32_t events = 0;
  for (const Observation& observation : observations) {
    treatment_patients += observation.arm;
    treatment_events += observation.arm * observation.event;
    events += observation.event;
  }
  const auto patients = static_cast<std::int32_t>(observations.size());
  table.patients[CONTROL] = patients - treatment_patients;
  table.patients[TREATMENT] = treatment_patients;
  table.events[CONTROL] = events - treatment_events;
  table.events[TREATMENT] = treatment_events;

  // At most one row per event, plus a slot that a run without events may
  // write into before it is dropped.
  table.rows.resize(static_cast<std::size_t>(events) + 1);
  EventRow* row = table.rows.data();
  std::int32_t at_risk = patients;
  std::int32_t at_risk_treatment = treatment_patients;
  std::int32_t run = 0;  // the run of tied times so far, and its treatment patients and events
  std::int32_t run_treatment = 0;
  std::int32_t run_events = 0;
  std::int32_t run_treatment_events = 0;
  const std::size_t size = observations.size();
  for (std::size_t i = 0; i < size; ++i) {
    const Observation& observation = observations[i];
    ++run;
    run_treatment += observation.arm;
    run_events += observation.event;
    run_treatment_events += observation.arm * observation.event;
    if (i + 1 < size && observations[i + 1].time == observation.time) {
      continue;  // the run goes on
    }
    row->time = observation.time;
    row->at_risk[CONTROL] = at_risk - at_risk_treatment;
    row->at_risk[TREATMENT] = at_risk_treatment;
    row->events[CONTROL] = run_events - run_treatment_events;
    row->events[TREATMENT] = run_treatment_events;
    row += run_events > 0 ? 1 : 0;  // a run without events is overwritten
    at_risk -= run;
    at_risk_treatment -= run_treatment;
    run = run_treatment = run_events = run_treatment_events = 0;
  }
  table.rows.resize(static_cast<std::size_t>(row - table.rows.data()));
}

}  // namespace

std::span<const EventTable> build_event_tables(std::span<const Observation> observations, int strata,
                                               StatisticsWorkspace& workspace) {
  assert(strata >= 1);
  const auto table_count = static_cast<std::size_t>(strata);
  if (workspace.tables.size() < table_count) {
    workspace.tables.resize(table_count);
  }
  const std::span<EventTable> tables(workspace.tables.data(), table_count);
  for (EventTable& table : tables) {
    reset(table);
  }
  // The sort writes into the workspace, so the input must live elsewhere.
  assert(observations.empty() || observations.data() != workspace.sorted.data());

  if (strata == 1) {  // the unstratified table takes everyone, whatever their stratum
    sort_observations(observations, strata, workspace);
    fill_table(workspace.sorted, tables[0]);
    return tables;
  }
  sort_observations(observations, strata, workspace);
  const std::span<const Observation> sorted = workspace.sorted;
  for (std::size_t begin = 0; begin < sorted.size();) {
    const std::uint16_t stratum = sorted[begin].stratum;
    assert(stratum < table_count);
    std::size_t end = begin + 1;
    while (end < sorted.size() && sorted[end].stratum == stratum) {
      ++end;
    }
    fill_table(sorted.subspan(begin, end - begin), tables[stratum]);
    begin = end;
  }
  return tables;
}

}  // namespace trialsim
