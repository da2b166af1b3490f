// Lan-DeMets critical values at a simulated trial's observed information, remembered by
// the observed counts (monitoring.hpp). Lan KKG, DeMets DL (1983), Discrete sequential
// boundaries for clinical trials, Biometrika 70:659-663; Jennison & Turnbull (2000),
// section 7.2 (spending at the information levels observed, the last look spending the rest).

#include <algorithm>
#include <limits>
#include <utility>

#include "trialsim/monitoring.hpp"

namespace trialsim {

namespace {

// Linear probing stops after this many slots; a history not found by then is computed and
// stored in its home slot (the values are a pure function of the history, so which entry
// a full table forgets changes nothing but the time).
constexpr std::size_t PROBES = 8;

std::size_t hash_of(int look, std::span<const ObservedInformation> history) {
  // FNV-1a over the counts.
  std::uint64_t hash = 1469598103934665603ULL ^ static_cast<std::uint64_t>(look);
  for (const ObservedInformation& info : history) {
    for (const std::int32_t value : {info.spending_count, info.events}) {
      hash ^= static_cast<std::uint32_t>(value);
      hash *= 1099511628211ULL;
    }
  }
  return static_cast<std::size_t>(hash ^ (hash >> 29));
}

}  // namespace

ObservedBoundaries::ObservedBoundaries(const TestPlan& test, int looks, double planned_total,
                                       std::vector<double> binding_futility, std::size_t capacity)
    : test_(&test),
      looks_(looks),
      planned_total_(planned_total),
      binding_futility_(std::move(binding_futility)),
      entries_(std::max<std::size_t>(capacity, PROBES)) {}

double ObservedBoundaries::critical_value(int look, std::span<const ObservedInformation> history) {
  const auto count = static_cast<std::size_t>(look) + 1;
  const std::span<const ObservedInformation> prefix = history.first(count);
  const std::size_t home = hash_of(look, prefix) % entries_.size();
  std::size_t free_slot = home;
  bool found_free = false;
  for (std::size_t probe = 0; probe < PROBES; ++probe) {
    Entry& entry = entries_[(home + probe) % entries_.size()];
    if (entry.look < 0) {
      if (!found_free) free_slot = (home + probe) % entries_.size();
      found_free = true;
      break;
    }
    if (entry.look == look && std::equal(prefix.begin(), prefix.end(), entry.history.begin())) return entry.critical;
  }
  Entry& slot = entries_[free_slot];
  slot.look = static_cast<std::int8_t>(look);
  std::copy(prefix.begin(), prefix.end(), slot.history.begin());
  slot.critical = compute(look, prefix);
  return slot.critical;
}

double ObservedBoundaries::compute(int look, std::span<const ObservedInformation> history) {
  ++computed_;
  constexpr double INF = std::numeric_limits<double>::infinity();
  // The looks that brought new information, in order; `look` itself must be one of them.
  std::size_t included = 0;
  std::int32_t last_events = 0;
  for (int j = 0; j <= look; ++j) {
    const ObservedInformation& info = history[static_cast<std::size_t>(j)];
    if (info.events <= last_events) {
      if (j == look) return INF;
      continue;
    }
    last_events = info.events;
    const bool final_look = j + 1 == looks_;
    times_[included] = final_look ? 1.0 : std::min(info.spending_count / planned_total_, 1.0);
    information_[included] = info.events;
    futility_[included] = binding_futility_[static_cast<std::size_t>(j)];
    ++included;
  }
  spending_critical_values(
      *test_, std::span<const double>(times_.data(), included), std::span<const double>(information_.data(), included),
      std::span<const double>(futility_.data(), included), std::span<double>(critical_.data(), included), scratch_);
  return critical_[included - 1];
}

}  // namespace trialsim
