#pragma once
//! \file sorting.hpp
//! The sort of the hot path: items ordered by (group, time) with distribution
//! counting into equal-width time buckets followed by straight insertion (Knuth,
//! TAOCP vol. 3, sec. 5.2, Algorithm D and sec. 5.2.1; the bucket sort of Cormen
//! et al., Introduction to Algorithms, sec. 8.4). The bucket of a time never
//! decreases with the time, so after the distribution only items sharing a bucket
//! can be out of order and the insertion pass is close to linear: two passes over
//! the data instead of the n log n compares of std::sort, whose branches a random
//! order defeats. Used for the observations of each look.

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace trialsim {

namespace sorting_detail {

// Below this size insertion sort alone is the cheapest sort.
constexpr std::size_t SMALL_INPUT = 32;
// Buckets of the distribution per item: with times spread over their range,
// most buckets then hold at most one item.
constexpr std::size_t BUCKETS_PER_ITEM = 4;
// Element moves per item the insertion pass may make before it hands over to
// std::sort, so that no input can make the sort quadratic.
constexpr std::size_t MOVES_PER_ITEM = 8;

// Bucket of a time: floor(time * scale), at most last. The conversion goes through a
// signed integer, which x86-64 converts in one instruction (unsigned takes a branch).
inline std::size_t bucket_index(double time, double scale, std::size_t last) {
  return std::min(static_cast<std::size_t>(static_cast<std::int64_t>(time * scale)), last);
}

// The largest of value_of(item) over the items, and at least 0 (values are not NaN).
// Four running maxima, so that each comparison need not wait for the one before;
// the maximum is exact, so the order of comparison cannot change it.
template <class T, class ValueOf>
double largest(std::span<const T> items, ValueOf value_of) {
  double most[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t i = 0;
  for (; i + 4 <= items.size(); i += 4) {
    for (std::size_t lane = 0; lane < 4; ++lane) most[lane] = std::max(most[lane], value_of(items[i + lane]));
  }
  for (; i < items.size(); ++i) most[0] = std::max(most[0], value_of(items[i]));
  return std::max(std::max(most[0], most[1]), std::max(most[2], most[3]));
}

// Calls visit(item) for every item, taking the first and the second half in turn.
// Items in entry order have nearly sorted times, so neighbours often share a bucket
// counter; visited this way, two updates of one counter are seldom back to back, and
// the second need not wait for the first one's store.
template <class T, class Visit>
void visit_halves_in_turn(std::span<const T> items, Visit visit) {
  const std::size_t half = items.size() / 2;
  for (std::size_t i = 0; i < half; ++i) {
    visit(items[i]);
    visit(items[half + i]);
  }
  if (items.size() % 2 != 0) visit(items.back());
}

// Running sums in place. On x86-64 four at a time: the sums within a group of four
// by two shifted additions (Hillis & Steele 1986), plus the running total of the
// groups before, broadcast; the scalar loop keeps its total in a register rather
// than re-reading the element just written.
inline void prefix_sums(std::span<std::uint32_t> counts) {
  std::size_t i = 0;
  std::uint32_t total = 0;
#ifdef __SSE2__
  __m128i before = _mm_setzero_si128();  // the running total, in every lane
  // Eight at a time, the second group's sums completed by the first group's total before
  // the running total is added to both: the total then waits for one addition and one
  // shuffle per eight counts rather than per four.
  for (; i + 8 <= counts.size(); i += 8) {
    auto* first = reinterpret_cast<__m128i*>(counts.data() + i);
    auto* second = reinterpret_cast<__m128i*>(counts.data() + i + 4);
    __m128i low = _mm_loadu_si128(first);
    __m128i high = _mm_loadu_si128(second);
    low = _mm_add_epi32(low, _mm_slli_si128(low, 4));
    high = _mm_add_epi32(high, _mm_slli_si128(high, 4));
    low = _mm_add_epi32(low, _mm_slli_si128(low, 8));
    high = _mm_add_epi32(high, _mm_slli_si128(high, 8));
    high = _mm_add_epi32(high, _mm_shuffle_epi32(low, _MM_SHUFFLE(3, 3, 3, 3)));
    low = _mm_add_epi32(low, before);
    high = _mm_add_epi32(high, before);
    _mm_storeu_si128(first, low);
    _mm_storeu_si128(second, high);
    before = _mm_shuffle_epi32(high, _MM_SHUFFLE(3, 3, 3, 3));
  }
  for (; i + 4 <= counts.size(); i += 4) {
    auto* group = reinterpret_cast<__m128i*>(counts.data() + i);
    __m128i sums = _mm_loadu_si128(group);
    sums = _mm_add_epi32(sums, _mm_slli_si128(sums, 4));
    sums = _mm_add_epi32(sums, _mm_slli_si128(sums, 8));
    sums = _mm_add_epi32(sums, before);
    _mm_storeu_si128(group, sums);
    before = _mm_shuffle_epi32(sums, _MM_SHUFFLE(3, 3, 3, 3));
  }
  total = static_cast<std::uint32_t>(_mm_cvtsi128_si32(before));
#endif
  for (; i < counts.size(); ++i) {
    total += counts[i];
    counts[i] = total;
  }
}

// Straight insertion: linear on nearly sorted input. Returns false, leaving the
// items permuted but unsorted, once more than `move_budget` moves would be needed.
template <class T, class Earlier>
bool insertion_sort(std::span<T> items, std::size_t move_budget, Earlier earlier) {
  std::size_t moves = 0;
  for (std::size_t i = 1; i < items.size(); ++i) {
    if (!earlier(items[i], items[i - 1])) continue;
    const T item = items[i];
    std::size_t j = i;
    do {
      items[j] = items[j - 1];
      --j;
    } while (j > 0 && earlier(item, items[j - 1]));
    items[j] = item;
    moves += i - j;
    if (moves > move_budget) return false;
  }
  return true;
}

}  // namespace sorting_detail

//! Scratch space (bucket counts) that distribution_sort needs for `size` items in `groups` groups.
inline std::size_t distribution_sort_buckets(std::size_t size, std::size_t groups) {
  return size * sorting_detail::BUCKETS_PER_ITEM * groups + 1;
}

//! Writes `items` into the first items.size() slots of `sorted` ordered by (group(item),
//! time(item)), given `latest`, the largest of their times (a caller that has it saves the
//! pass that would find it). Times must be non-negative (buckets span 0 to the latest time);
//! groups must be below `groups`. `buckets` is scratch space kept by the caller so that the
//! sort allocates nothing once it has grown. Items with equal keys may come out in any order.
template <class T, class TimeOf, class GroupOf>
void distribution_sort(std::span<const T> items, double latest, std::size_t groups, TimeOf time_of, GroupOf group_of,
                       std::span<T> sorted, std::vector<std::uint32_t>& buckets) {
  using namespace sorting_detail;
  assert(sorted.size() >= items.size());
  const auto earlier = [&](const T& a, const T& b) {
    const auto group_a = group_of(a);
    const auto group_b = group_of(b);
    return group_a != group_b ? group_a < group_b : time_of(a) < time_of(b);
  };
  const std::size_t size = items.size();
  const std::span<T> out = sorted.first(size);
  if (size < SMALL_INPUT) {
    std::copy(items.begin(), items.end(), out.begin());
    insertion_sort(out, SIZE_MAX, earlier);
    return;
  }
#ifndef NDEBUG
  for (const T& item : items) {
    assert(time_of(item) >= 0.0);  // non-negative, not NaN
    assert(time_of(item) <= latest);
    assert(static_cast<std::size_t>(group_of(item)) < groups);
  }
#endif
  const std::size_t buckets_per_group = size * BUCKETS_PER_ITEM;
  const double scale = static_cast<double>(buckets_per_group) / latest;
  if (!(latest > 0.0 && std::isfinite(latest) && std::isfinite(scale))) {  // all zero, or not finite
    std::copy(items.begin(), items.end(), out.begin());
    std::sort(out.begin(), out.end(), earlier);
    return;
  }
  const auto bucket_of = [&](const T& item) {
    const std::size_t time_bucket = bucket_index(time_of(item), scale, buckets_per_group - 1);
    return static_cast<std::size_t>(group_of(item)) * buckets_per_group + time_bucket;
  };

  // starts[b + 1] counts bucket b, then the prefix sums make starts[b] its first slot.
  const std::size_t bucket_count = buckets_per_group * groups;
  buckets.assign(distribution_sort_buckets(size, groups), 0);
  visit_halves_in_turn(items, [&](const T& item) { ++buckets[bucket_of(item) + 1]; });
  prefix_sums(std::span<std::uint32_t>(buckets.data(), bucket_count));
  visit_halves_in_turn(items, [&](const T& item) { out[buckets[bucket_of(item)]++] = item; });
  if (!insertion_sort(out, MOVES_PER_ITEM * size, earlier)) {
    std::sort(out.begin(), out.end(), earlier);
  }
}

//! Writes `items` into `sorted` (resized to them) ordered by (group(item), time(item)).
template <class T, class TimeOf, class GroupOf>
void distribution_sort(std::span<const T> items, std::size_t groups, TimeOf time_of, GroupOf group_of,
                       std::vector<T>& sorted, std::vector<std::uint32_t>& buckets) {
  sorted.resize(items.size());
  // The largest time is only needed (for the buckets' width) when the input is not small.
  const double latest = items.size() < sorting_detail::SMALL_INPUT ? 0.0 : sorting_detail::largest(items, time_of);
  distribution_sort(items, latest, groups, time_of, group_of, std::span<T>(sorted), buckets);
}

}  // namespace trialsim
