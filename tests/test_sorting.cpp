// The hot path's sort and order statistics against std::sort, on inputs that
// stress their buckets: ties, zeros, one far outlier, all equal, tiny sizes.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

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

} // namespace

TEST(DistributionSort, OrdersLikeStdSort) {
  std::vector<double> sorted;
  std::vector<std::uint32_t> buckets;
  for (const auto& [name, times] : cases()) {
    SCOPED_TRACE(name);
    distribution_sort(std::span<const double>(times), 1, [](double t) { return t; }, [](double) { return 0; }, sorted,
                      buckets);
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
  distribution_sort(std::span<const Item>(items), 4, [](const Item& i) { return i.time; },
                    [](const Item& i) { return i.group; }, sorted, buckets);
  ASSERT_EQ(sorted.size(), items.size());
  EXPECT_TRUE(std::is_sorted(sorted.begin(), sorted.end(), [](const Item& a, const Item& b) {
    return a.group != b.group ? a.group < b.group : a.time < b.time;
  }));
}

TEST(OrderStatistics, EveryRankMatchesStdSort) {
  OrderStatistics order;
  for (const auto& [name, times] : cases()) {
    SCOPED_TRACE(name);
    std::vector<double> expected = times;
    std::sort(expected.begin(), expected.end());
    order.reset(times, expected.back());
    ASSERT_EQ(order.size(), times.size());
    // Ranks in a scrambled order: a query must not depend on the ones before it.
    std::vector<std::size_t> ranks(times.size());
    for (std::size_t k = 0; k < ranks.size(); ++k) ranks[k] = k + 1;
    std::shuffle(ranks.begin(), ranks.end(), std::mt19937(1));
    for (std::size_t k : ranks) ASSERT_EQ(order.smallest(k), expected[k - 1]) << "rank " << k;
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
