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

// The kept observations, whose latest time is `latest`, into the first slots of
// workspace.sorted by time, within strata when the tables are stratified (one contiguous run
// of observations per stratum).
void sort_observations(std::span<const Observation> observations, double latest, int strata,
                       StatisticsWorkspace& workspace) {
  const auto time_of = [](const Observation& observation) { return observation.time; };
  const std::span<Observation> sorted(workspace.sorted);
  if (strata == 1) {
    distribution_sort(
        observations, latest, 1, time_of, [](const Observation&) { return 0; }, sorted, workspace.sort_buckets);
  } else {
    distribution_sort(
        observations, latest, static_cast<std::size_t>(strata), time_of,
        [](const Observation& observation) { return observation.stratum; }, sorted, workspace.sort_buckets);
  }
}

void reset(EventTable& table) {
  table.rows.clear();  // keeps the capacity for the next call
  table.patients[CONTROL] = table.patients[TREATMENT] = 0;
  table.events[CONTROL] = table.events[TREATMENT] = 0;
  table.single_events = false;
}

// Fills the table of one stratum from its observations sorted by time, up to its
// last event at least (later ones only ever count as at risk, which `totals` says).
// Walking the times upwards, the risk set just before a time is everyone not yet
// passed, patients censored at that very time included; each run of tied times
// yields one row when it holds an event. Arms and events are 0/1, so the counts
// are sums and products of them.
void fill_table(std::span<const Observation> observations, const EventTotals& totals, EventTable& table) {
  table.patients[CONTROL] = totals.patients - totals.treatment_patients;
  table.patients[TREATMENT] = totals.treatment_patients;
  table.events[CONTROL] = totals.events - totals.treatment_events;
  table.events[TREATMENT] = totals.treatment_events;

  // At most one row per event, plus a slot that a run without events may
  // write into before it is dropped.
  table.rows.resize(static_cast<std::size_t>(totals.events) + 1);
  EventRow* row = table.rows.data();
  std::int32_t at_risk = totals.patients;
  std::int32_t at_risk_treatment = totals.treatment_patients;
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
  table.single_events = table.rows.size() == static_cast<std::size_t>(totals.events);
}

// Counts every observation into its stratum's totals, and returns the last event time of
// all strata (0 without events). Branch-free, as the event flag is a coin toss, with four
// running maxima as sorting_detail::largest keeps them; with one stratum the totals are kept
// in registers rather than updated through memory, where each update would wait for the
// store of the one before.
template <bool STRATIFIED>
double count_totals(std::span<const Observation> observations, std::span<EventTotals> totals) {
  EventTotals one;
  double last[4] = {0.0, 0.0, 0.0, 0.0};
  const auto count = [&](const Observation& observation, double& last_event) {
    EventTotals& total = STRATIFIED ? totals[observation.stratum] : one;
    ++total.patients;
    total.treatment_patients += observation.arm;
    total.events += observation.event;
    total.treatment_events += observation.arm * observation.event;
    last_event = std::max(last_event, observation.time * observation.event);  // times are finite
  };
  const std::size_t size = observations.size();
  std::size_t i = 0;
  for (; i + 4 <= size; i += 4) {
    for (std::size_t lane = 0; lane < 4; ++lane) count(observations[i + lane], last[lane]);
  }
  for (; i < size; ++i) count(observations[i], last[0]);
  if (!STRATIFIED) totals[0] = one;
  return std::max(std::max(last[0], last[1]), std::max(last[2], last[3]));
}

// Copies into `kept` the observations at or before `last_event`: only they can change a risk
// set between two events (in the default design this leaves out the patients censored at the
// end of follow-up, nearly half), so only they are sorted. Returns their number. Branch-free:
// every observation is written to the next free slot, which only a kept one keeps.
std::size_t keep_until(std::span<const Observation> observations, double last_event, std::span<Observation> kept) {
  std::size_t count = 0;
  for (const Observation& observation : observations) {
    kept[count] = observation;
    count += observation.time <= last_event ? 1 : 0;
  }
  return count;
}

// Gives `kept` and `sorted` at least `observations` slots. Grown, never shrunk: a vector
// resized down and up again would fill the new slots each time.
void grow_observation_slots(StatisticsWorkspace& workspace, std::size_t observations) {
  if (workspace.sorted.size() < observations) {
    workspace.sorted.resize(observations);
    workspace.kept.resize(observations);
  }
}

}  // namespace

void StatisticsWorkspace::reserve(std::size_t observations, int strata) {
  const auto table_count = static_cast<std::size_t>(strata);
  grow_observation_slots(*this, observations);
  sort_buckets.reserve(distribution_sort_buckets(observations, table_count));
  totals.reserve(table_count);
  if (tables.size() < table_count) {
    tables.resize(table_count);
  }
  for (EventTable& table : tables) {
    table.rows.reserve(observations + 1);  // one row per event, and a slot for a run without
  }
}

namespace {

// Empties the workspace's first `strata` tables and readies its slots for the observations.
std::span<EventTable> start_tables(std::span<const Observation> observations, int strata,
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
  assert(observations.empty() || observations.data() != workspace.kept.data());
  grow_observation_slots(workspace, observations.size());
  return tables;
}

// Fills the tables from the observations, given workspace.totals and the last event time.
std::span<const EventTable> fill_tables(std::span<const Observation> observations, double last_event,
                                        std::span<EventTable> tables, StatisticsWorkspace& workspace) {
  const std::size_t kept = keep_until(observations, last_event, workspace.kept);
  // The unstratified table takes everyone, whatever their stratum. The kept observations'
  // latest time is the last event's.
  sort_observations(std::span<const Observation>(workspace.kept.data(), kept), last_event,
                    static_cast<int>(tables.size()), workspace);
  workspace.sorted_count = kept;
  const std::span<const Observation> sorted(workspace.sorted.data(), kept);
  if (tables.size() == 1) {
    fill_table(sorted, workspace.totals[0], tables[0]);
    return tables;
  }
  // One contiguous run per stratum (possibly empty: a stratum whose patients all come after the last event).
  std::size_t begin = 0;
  for (std::size_t stratum = 0; stratum < tables.size(); ++stratum) {
    std::size_t end = begin;
    while (end < sorted.size() && sorted[end].stratum == stratum) {
      ++end;
    }
    fill_table(sorted.subspan(begin, end - begin), workspace.totals[stratum], tables[stratum]);
    begin = end;
  }
  assert(begin == sorted.size());
  return tables;
}

}  // namespace

std::span<const EventTable> build_event_tables(std::span<const Observation> observations, int strata,
                                               StatisticsWorkspace& workspace) {
  const std::span<EventTable> tables = start_tables(observations, strata, workspace);
  workspace.totals.assign(tables.size(), EventTotals{});
  const double last_event = strata == 1 ? count_totals<false>(observations, workspace.totals)
                                        : count_totals<true>(observations, workspace.totals);
  return fill_tables(observations, last_event, tables, workspace);
}

std::span<const EventTable> build_event_table(std::span<const Observation> observations, const EventTotals& totals,
                                              double last_event, StatisticsWorkspace& workspace) {
  const std::span<EventTable> tables = start_tables(observations, 1, workspace);
  workspace.totals.assign(1, totals);
  return fill_tables(observations, last_event, tables, workspace);
}

}  // namespace trialsim
