// Event tables: the number at risk and the number of events per arm at each
// distinct event time, per stratum. This is the counting-process summary of
// right-censored data (Kalbfleisch & Prentice 2002, sec. 1.4; Fleming &
// Harrington 1991, ch. 1) from which the log-rank test, the Cox partial
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
constexpr std::size_t BUCKETS_PER_OBSERVATION = 2;
// Element moves per observation the final insertion pass may make before it
// hands over to std::sort, so that no input can make the sort quadratic.
constexpr std::size_t MOVES_PER_OBSERVATION = 8;

bool earlier(const Observation& a, const Observation& b) { return a.time < b.time; }

// Straight insertion (Knuth, TAOCP vol. 3, sec. 5.2.1): linear on nearly
// sorted input. Returns false, leaving the items permuted but unsorted, once
// more than `move_budget` moves would be needed.
bool insertion_sort(std::span<Observation> items, std::size_t move_budget) {
  std::size_t moves = 0;
  for (std::size_t i = 1; i < items.size(); ++i) {
    if (!earlier(items[i], items[i - 1])) {
      continue;
    }
    const Observation item = items[i];
    std::size_t j = i;
    do {
      items[j] = items[j - 1];
      --j;
    } while (j > 0 && earlier(item, items[j - 1]));
    items[j] = item;
    moves += i - j;
    if (moves > move_budget) {
      return false;
    }
  }
  return true;
}

// Distribution counting into equal-width time buckets followed by straight
// insertion (Knuth, TAOCP vol. 3, sec. 5.2, Algorithm D and sec. 5.2.1; the
// bucket sort of Cormen et al., Introduction to Algorithms, sec. 8.4). The bucket of a time,
// floor(time * buckets / latest), never decreases with the time, so after the
// distribution only observations sharing a bucket can be out of order and the
// insertion pass is close to linear. Two passes over the data instead of the
// n log n compares of std::sort, whose branches a random order defeats.
void distribution_sort(std::span<const Observation> observations, StatisticsWorkspace& workspace) {
  const std::size_t size = observations.size();
  std::vector<Observation>& sorted = workspace.sorted;
  sorted.resize(size);
  double latest = 0.0;
  for (const Observation& observation : observations) {
    assert(observation.time >= 0.0); // non-negative, not NaN
    latest = std::max(latest, observation.time);
  }
  const std::size_t bucket_count = size * BUCKETS_PER_OBSERVATION;
  const double scale = static_cast<double>(bucket_count) / latest;
  if (!(latest > 0.0 && std::isfinite(latest) && std::isfinite(scale))) { // all zero, or not finite
    std::copy(observations.begin(), observations.end(), sorted.begin());
    std::sort(sorted.begin(), sorted.end(), earlier);
    return;
  }
  const auto bucket_of = [scale, bucket_count](double time) {
    return std::min(static_cast<std::size_t>(time * scale), bucket_count - 1);
  };

  // starts[b + 1] counts bucket b, then the prefix sums make starts[b] its first slot.
  std::vector<std::uint32_t>& starts = workspace.sort_buckets;
  starts.assign(bucket_count + 1, 0);
  for (const Observation& observation : observations) {
    ++starts[bucket_of(observation.time) + 1];
  }
  for (std::size_t b = 1; b < bucket_count; ++b) {
    starts[b] += starts[b - 1];
  }
  for (const Observation& observation : observations) {
    sorted[starts[bucket_of(observation.time)]++] = observation;
  }
  if (!insertion_sort(sorted, MOVES_PER_OBSERVATION * size)) {
    std::sort(sorted.begin(), sorted.end(), earlier);
  }
}

void sort_by_time(std::span<const Observation> observations, StatisticsWorkspace& workspace) {
  if (observations.size() < SMALL_INPUT) {
    workspace.sorted.assign(observations.begin(), observations.end());
    insertion_sort(workspace.sorted, SIZE_MAX);
  } else {
    distribution_sort(observations, workspace);
  }
}

void reset(EventTable& table) {
  table.rows.clear(); // keeps the capacity for the next call
  table.patients[CONTROL] = table.patients[TREATMENT] = 0;
  table.events[CONTROL] = table.events[TREATMENT] = 0;
}

// Adds one patient while walking the times in decreasing order. The patients
// counted so far are exactly those with time >= this one, i.e. the risk set
// just before it, so the running `patients` count is the at-risk count; later
// patients tied at the same time (censored or not) join the row already open.
void add_patient(EventTable& table, const Observation& observation) {
  const int arm = observation.arm;
  ++table.patients[arm];
  table.events[arm] += observation.event;
  if (!table.rows.empty() && table.rows.back().time == observation.time) {
    EventRow& row = table.rows.back();
    ++row.at_risk[arm];
    row.events[arm] += observation.event;
  } else if (observation.event != 0) {
    EventRow& row = table.rows.emplace_back();
    row.time = observation.time;
    row.at_risk[CONTROL] = table.patients[CONTROL];
    row.at_risk[TREATMENT] = table.patients[TREATMENT];
    row.events[arm] = 1;
  }
}

} // namespace

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
  if (observations.empty()) {
    workspace.sorted.clear();
    return tables;
  }

  // The sort writes into the workspace, so the input must live elsewhere.
  assert(observations.data() != workspace.sorted.data());
  sort_by_time(observations, workspace);
  const std::vector<Observation>& sorted = workspace.sorted;
  if (strata == 1) { // the unstratified table takes everyone, whatever their stratum
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) {
      add_patient(tables[0], *it);
    }
  } else {
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) {
      assert(it->stratum < table_count);
      add_patient(tables[it->stratum], *it);
    }
  }
  for (EventTable& table : tables) {
    std::reverse(table.rows.begin(), table.rows.end()); // built latest first
  }
  return tables;
}

} // namespace trialsim
