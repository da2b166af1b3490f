// Event tables: the number at risk and the number of events per arm at each
// distinct event time, per stratum. This is the counting-process summary of
// right-censored data (Kalbfleisch & Prentice 2002, sec. 1.4; Fleming &
// Harrington 1991, ch. 1) from which the log-rank test, the Cox partial
// likelihood and the Kaplan-Meier estimate are all computed.

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "trialsim/statistics.hpp"

namespace trialsim {
namespace {

// Non-negative IEEE 754 doubles order like their bit patterns read as unsigned
// integers, so the bit pattern is an exact sort key and equal keys are exactly
// the tied times. Adding +0.0 turns -0.0 (sign bit set) into +0.0.
std::uint64_t time_key(double time) {
  assert(!(time < 0.0) && time == time); // times are non-negative and not NaN
  return std::bit_cast<std::uint64_t>(time + 0.0);
}

constexpr int DIGIT_BITS = 8;
constexpr int DIGIT_COUNT = 64 / DIGIT_BITS;
constexpr std::size_t BUCKETS = std::size_t{1} << DIGIT_BITS;
constexpr std::uint64_t DIGIT_MASK = BUCKETS - 1;

// Below this size a comparison sort is cheaper than the radix sort's histograms.
constexpr std::size_t SMALL_INPUT = 48;

void comparison_sort(std::span<const Observation> observations, std::vector<Observation>& sorted) {
  sorted.assign(observations.begin(), observations.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const Observation& a, const Observation& b) { return time_key(a.time) < time_key(b.time); });
}

// Least-significant-digit radix sort on the time's bit pattern (Knuth, TAOCP
// vol. 3, sec. 5.2.5): one pass builds the histograms of all eight byte
// digits, then each digit whose value is not the same for every key gets one
// stable scatter pass. Linear in the number of observations, without the
// unpredictable branches of a comparison sort.
void radix_sort(std::span<const Observation> observations, StatisticsWorkspace& workspace) {
  const std::size_t size = observations.size();
  std::array<std::array<std::uint32_t, BUCKETS>, DIGIT_COUNT> counts{};
  for (const Observation& observation : observations) {
    std::uint64_t key = time_key(observation.time);
    for (int digit = 0; digit < DIGIT_COUNT; ++digit, key >>= DIGIT_BITS) {
      ++counts[digit][key & DIGIT_MASK];
    }
  }

  workspace.sorted.resize(size);
  workspace.sort_buffer.resize(size);
  // The first pass reads the input; after that the two buffers take turns.
  Observation* const buffers[2] = {workspace.sort_buffer.data(), workspace.sorted.data()};
  const Observation* source = observations.data();
  int next = 0;
  for (int digit = 0; digit < DIGIT_COUNT; ++digit) {
    auto& count = counts[digit];
    const int shift = digit * DIGIT_BITS;
    // A digit shared by every key leaves the order unchanged: skip its pass.
    if (count[(time_key(source[0].time) >> shift) & DIGIT_MASK] == size) {
      continue;
    }
    std::uint32_t offset = 0;
    for (std::uint32_t& bucket : count) {
      offset += std::exchange(bucket, offset);
    }
    Observation* const target = buffers[next];
    for (std::size_t i = 0; i < size; ++i) {
      target[count[(time_key(source[i].time) >> shift) & DIGIT_MASK]++] = source[i];
    }
    source = target;
    next ^= 1;
  }
  if (source == observations.data()) { // every key equal: nothing moved
    std::copy(observations.begin(), observations.end(), workspace.sorted.begin());
  } else if (source == workspace.sort_buffer.data()) {
    workspace.sorted.swap(workspace.sort_buffer); // O(1); both keep their capacity
  }
}

void sort_by_time(std::span<const Observation> observations, StatisticsWorkspace& workspace) {
  if (observations.size() < SMALL_INPUT) {
    comparison_sort(observations, workspace.sorted);
  } else {
    radix_sort(observations, workspace);
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
  assert(observations.data() != workspace.sorted.data() && observations.data() != workspace.sort_buffer.data());
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
