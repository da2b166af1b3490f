// The hot path's sort against std::sort, on inputs that stress its buckets: ties, zeros, one
// far outlier, all equal, tiny sizes; and the order statistics of the event calendar.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "trialsim/event_calendar.hpp"
#include "trialsim/sorting.hpp"

using namespace trialsim;

namespace {

std::vector<double> exponential_times(std::size_t size, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::exponential_distribution<double> exponential(1.0 / 250.0);
  std::vector<double> times(size);
  for (double& t : times) t = exponential(engine);
  return times;
}

// Named inputs: each is sorted by std::sort for the expected answer.
std::vector<std::pair<std::string, std::vector<double>>> cases() {
  std::vector<std::pair<std::string, std::vector<double>>> all;
  for (std::size_t size : {1, 2, 31, 32, 33, 360, 5000}) {
    all.emplace_back("exponential " + std::to_string(size), exponential_times(size, static_cast<std::uint32_t>(size)));
  }
  std::vector<double> ties = exponential_times(400, 7);
  for (double& t : ties) t = std::floor(t / 50.0) * 50.0;  // a few values, many ties, zeros
  all.emplace_back("ties and zeros", ties);
  std::vector<double> outlier = exponential_times(400, 8);
  outlier.push_back(1e12);  // squeezes everything else into the first bucket
  all.emplace_back("far outlier", outlier);
  all.emplace_back("all equal", std::vector<double>(100, 180.0));
  all.emplace_back("all zero", std::vector<double>(100, 0.0));
  return all;
}

}  // namespace

TEST(DistributionSort, OrdersLikeStdSort) {
  std::vector<double> sorted;
  std::vector<std::uint32_t> buckets;
  for (const auto& [name, times] : cases()) {
    SCOPED_TRACE(name);
    distribution_sort(
        std::span<const double>(times), 1, [](double t) { return t; }, [](double) { return 0; }, sorted, buckets);
    std::vector<double> expected = times;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(sorted, expected);
  }
}

TEST(DistributionSort, GroupsComeFirstThenTimes) {
  struct Item {
    double time;
    int group;
  };
  std::mt19937 engine(3);
  std::uniform_int_distribution<int> group(0, 3);
  std::vector<Item> items;
  for (double t : exponential_times(500, 4)) items.push_back({t, group(engine)});
  std::vector<Item> sorted;
  std::vector<std::uint32_t> buckets;
  distribution_sort(
      std::span<const Item>(items), 4, [](const Item& i) { return i.time; }, [](const Item& i) { return i.group; },
      sorted, buckets);
  ASSERT_EQ(sorted.size(), items.size());
  EXPECT_TRUE(std::is_sorted(sorted.begin(), sorted.end(), [](const Item& a, const Item& b) {
    return a.group != b.group ? a.group < b.group : a.time < b.time;
  }));
}

// The k-th event of a growing calendar, settled at each next entry, against std::sort of the
// events at or before that time: patients added in uneven groups, every rank asked in a
// scrambled order after every settle, with tied times, events at entry (follow-up 0),
// non-events and excluded patients in among them.
TEST(EventCalendar, EverySettledRankMatchesStdSort) {
  for (const bool ties : {false, true}) {
    SCOPED_TRACE(ties ? "tied times" : "distinct times");
    std::mt19937 engine(ties ? 5 : 6);
    constexpr std::size_t PATIENTS = 400;
    std::vector<double> entry = exponential_times(PATIENTS, 1);
    std::partial_sum(entry.begin(), entry.end(), entry.begin(), [](double a, double b) { return a + b / 40.0; });
    std::vector<double> follow_up = exponential_times(PATIENTS, 2);
    std::vector<std::uint8_t> status(PATIENTS), analysed(PATIENTS);
    std::bernoulli_distribution event(0.7), kept(0.9), at_entry(0.02);
    for (std::size_t p = 0; p < PATIENTS; ++p) {
      if (ties) {
        entry[p] = std::floor(entry[p] / 25.0) * 25.0;
        follow_up[p] = std::floor(follow_up[p] / 50.0) * 50.0;
      }
      if (at_entry(engine)) follow_up[p] = 0.0;
      status[p] = event(engine) ? 1 : 0;
      analysed[p] = kept(engine) ? 1 : 0;
    }
    EventCalendar calendar;
    calendar.reserve(PATIENTS);
    calendar.clear();
    std::uniform_int_distribution<std::size_t> group(1, 40);
    std::size_t completed = 0;
    while (true) {
      const std::size_t end = std::min(PATIENTS, completed + group(engine));
      calendar.add(completed, end, entry.data(), follow_up.data(), status.data(), analysed.data());
      completed = end;
      const double next_entry = completed == PATIENTS ? INFINITY : entry[completed];
      std::vector<double> expected;
      for (std::size_t p = 0; p < completed; ++p) {
        const double t = entry[p] + follow_up[p];
        if (status[p] == 1 && analysed[p] == 1 && t <= next_entry) expected.push_back(t);
      }
      std::sort(expected.begin(), expected.end());
      ASSERT_EQ(calendar.settle(next_entry), expected.size()) << completed << " patients";
      ASSERT_EQ(calendar.settled(), expected.size());
      std::vector<std::size_t> ranks(expected.size());
      std::iota(ranks.begin(), ranks.end(), std::size_t{1});
      std::shuffle(ranks.begin(), ranks.end(), engine);
      for (const std::size_t k : ranks) {
        ASSERT_EQ(calendar.smallest_settled(k), expected[k - 1]) << "rank " << k << " of " << completed << " patients";
      }
      if (completed == PATIENTS) break;
    }
    std::size_t events = 0;
    for (std::size_t p = 0; p < PATIENTS; ++p) events += status[p] & analysed[p];
    EXPECT_EQ(calendar.size(), events);
    calendar.clear();
    EXPECT_EQ(calendar.size(), 0u);
    EXPECT_EQ(calendar.settle(INFINITY), 0u);
  }
}

// The running sums (four lanes at a time on x86-64, then a scalar tail) against
// std::partial_sum, at every length around the lane width, with sums that wrap
// around 2^32 as unsigned arithmetic does.
TEST(PrefixSums, MatchStdPartialSumAtEveryLength) {
  std::mt19937 engine(11);
  for (std::size_t size = 0; size <= 19; ++size) {
    for (const std::uint32_t largest : {3U, 0xFFFFFFFFU}) {
      std::vector<std::uint32_t> counts(size);
      std::uniform_int_distribution<std::uint32_t> count(0, largest);
      for (std::uint32_t& c : counts) c = count(engine);
      std::vector<std::uint32_t> expected(size);
      std::partial_sum(counts.begin(), counts.end(), expected.begin());
      sorting_detail::prefix_sums(counts);
      EXPECT_EQ(counts, expected) << "size " << size << ", counts up to " << largest;
    }
  }
}

// The largest value (four running maxima, then a tail) against std::max_element at
// every length around the lane width, the maximum placed in every position; 0 when empty.
TEST(Largest, MatchesStdMaxElementWhereverTheMaximumIs) {
  const auto identity = [](double t) { return t; };
  EXPECT_EQ(sorting_detail::largest(std::span<const double>(), identity), 0.0);
  for (std::size_t size = 1; size <= 11; ++size) {
    for (std::size_t position = 0; position < size; ++position) {
      std::vector<double> times = exponential_times(size, static_cast<std::uint32_t>(100 + size));
      times[position] = 1e6;  // far above every exponential draw
      EXPECT_EQ(sorting_detail::largest(std::span<const double>(times), identity),
                *std::max_element(times.begin(), times.end()))
          << "size " << size << ", maximum at " << position;
    }
  }
}
