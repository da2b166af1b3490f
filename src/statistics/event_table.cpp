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

#include "trialsim/statistics.hpp"

namespace trialsim {
namespace {

// Below this size insertion sort alone is the cheapest sort.
constexpr std::size_t SMALL_INPUT = 32;
// Buckets of the distribution sort per observation: with times spread over
// their range, most buckets then hold at most one observation.
constexpr std::size_t BUCKETS_PER_OBSERVATION = 1;
// Element moves per observation the final insertion pass may make before it
// hands over to std::sort, so that no input can make the sort quadratic.
constexpr std::size_t MOVES_PER_OBSERVATION = 8;

// The sort order: by time, within strata when the tables are stratified (one
// contiguous run of observations per stratum).
template <bool STRATIFIED>
bool earlier(const Observation& a, const Observation& b) {
  if constexpr (STRATIFIED) {
    if (a.stratum != b.stratum) {
      return a.stratum < b.stratum;
    }
  }
  return a.time < b.time;
}

// Straight insertion (Knuth, TAOCP vol. 3, sec. 5.2.1): linear on nearly
// sorted input. Returns false, leaving the items permuted but unsorted, once
// more than `move_budget` moves would be needed.
template <bool STRATIFIED>
bool insertion_sort(std::span<Observation> items, std::size_t move_budget) {
  std::size_t moves = 0;
  for (std::size_t i = 1; i < items.size(); ++i) {
    if (!earlier<STRATIFIED>(items[i], items[i - 1])) {
      continue;
    }
    const Observation item = items[i];
    std::size_t j = i;
    do {
      items[j] = items[j - 1];
      --j;
    } while (j > 0 && earlier<STRATIFIED>(item, items[j - 1]));
    items[j] = item;
    moves += i - j;
    if (moves > move_budget) {
      return false;
    }
  }
  return true;
}

// Distribution counting into equal-width time buckets (one set per stratum)
// followed by straight insertion (Knuth, TAOCP vol. 3, sec. 5.2, Algorithm D
// and sec. 5.2.1; the bucket sort of Cormen et al., Introduction to
// Algorithms, sec. 8.4). The bucket of a time, floor(time * buckets / latest),
// never decreases with the time, so after the distribution only observations
// sharing a bucket can be out of order and the insertion pass is close to
// linear: two passes over the data instead of the n log n compares of
// std::sort, whose branches a random order defeats.
template <bool STRATIFIED>
void distribution_sort(std::span<const Observation> observations, int strata, StatisticsWorkspace& workspace) {
  const std::size_t size = observations.size();
  std::vector<Observation>& sorted = workspace.sorted;
  sorted.resize(size);
  double latest = 0.0;
  for (const Observation& observation : observations) {
    assert(observation.time >= 0.0);  // non-negative, not NaN
    assert(!STRATIFIED || observation.stratum < strata);
    latest = std::max(latest, observation.time);
  }
  const std::size_t buckets_per_stratum = size * BUCKETS_PER_OBSERVATION;
  const double scale = static_cast<double>(buckets_per_stratum) / latest;
  if (!(latest > 0.0 && std::isfinite(latest) && std::isfinite(scale))) {  // all zero, or not finite
    std::copy(observations.begin(), observations.end(), sorted.begin());
    std::sort(sorted.begin(), sorted.end(), earlier<STRATIFIED>);
    return;
  }
  const auto bucket_of = [scale, buckets_per_stratum](const Observation& observation) {
    const std::size_t time_bucket =
        std::min(static_cast<std::size_t>(observation.time * scale), buckets_per_stratum - 1);
    return STRATIFIED ? observation.stratum * buckets_per_stratum + time_bucket : time_bucket;
  };

  // starts[b + 1] counts bucket b, then the prefix sums make starts[b] its first slot.
  const std::size_t bucket_count = buckets_per_stratum * static_cast<std::size_t>(STRATIFIED ? strata : 1);
  std::vector<std::uint32_t>& starts = workspace.sort_buckets;
  starts.assign(bucket_count + 1, 0);
  for (const Observation& observation : observations) {
    ++starts[bucket_of(observation) + 1];
  }
  for (std::size_t b = 1; b < bucket_count; ++b) {
    starts[b] += starts[b - 1];
  }
  for (const Observation& observation : observations) {
    sorted[starts[bucket_of(observation)]++] = observation;
  }
  if (!insertion_sort<STRATIFIED>(sorted, MOVES_PER_OBSERVATION * size)) {
    std::sort(sorted.begin(), sorted.end(), earlier<STRATIFIED>);
  }
}

template <bool STRATIFIED>
void sort_observations(std::span<const Observation> observations, int strata, StatisticsWorkspace& workspace) {
  if (observations.size() < SMALL_INPUT) {
    workspace.sorted.assign(observations.begin(), observations.end());
    insertion_sort<STRATIFIED>(workspace.sorted, SIZE_MAX);
  } else {
    distribution_sort<STRATIFIED>(observations, strata, workspace);
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
    sort_observations<false>(observations, strata, workspace);
    fill_table(workspace.sorted, tables[0]);
    return tables;
  }
  sort_observations<true>(observations, strata, workspace);
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
