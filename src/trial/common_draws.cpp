#include <algorithm>
#include <stdexcept>

#include "trialsim/common_draws.hpp"

namespace trialsim {

namespace {

// Equal rates give equal entry times from equal draws (ArrivalProcess::sample maps each
// running sum of the gaps on its own), so a smaller sample size takes a prefix.
bool same_rates(const std::vector<RatePeriod>& a, const std::vector<RatePeriod>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const RatePeriod& x, const RatePeriod& y) { return x.from == y.from && x.rate == y.rate; });
}

// Allocator::assign draws patient by patient from the strata and allocation streams, and a
// permuted block's state depends only on the patients before: equal allocations give equal
// strata and arms, and a smaller sample size takes a prefix. Stratum names play no part.
bool same_allocation(const Allocation& a, const Allocation& b) {
  return a.ratio == b.ratio && a.block_size == b.block_size &&
         std::equal(a.strata.begin(), a.strata.end(), b.strata.begin(), b.strata.end(),
                    [](const Stratum& x, const Stratum& y) { return x.prevalence == y.prevalence; });
}

// The index of the first of `groups` that `same` matches with `item`, adding it when none does.
template <class T, class Same>
std::size_t group_of(std::vector<T>& groups, const T& item, Same same) {
  const auto found = std::find_if(groups.begin(), groups.end(), [&](const T& g) { return same(g, item); });
  if (found != groups.end()) return static_cast<std::size_t>(found - groups.begin());
  groups.push_back(item);
  return groups.size() - 1;
}

}  // namespace

CommonDraws::CommonDraws(std::span<const Design* const> designs, std::uint64_t stream_scenario)
    : stream_scenario_(stream_scenario) {
  if (designs.empty()) throw std::invalid_argument("common draws of no scenario");
  seed_ = designs.front()->simulation.seed;
  std::vector<std::vector<RatePeriod>> enrolment_rates;
  for (const Design* design : designs) {
    if (design->simulation.seed != seed_) throw std::invalid_argument("common draws of scenarios with other seeds");
    const auto n = static_cast<std::size_t>(design->enrollment.sample_size);
    Use use;
    if (design->enrollment.arrivals == Enrollment::Arrivals::poisson) {
      use.enrolment = group_of(enrolment_rates, design->enrollment.periods, same_rates);
      enrolment_size_.resize(enrolment_rates.size(), 0);
      enrolment_size_[use.enrolment] = std::max(enrolment_size_[use.enrolment], n);
    }
    use.allocation = group_of(allocations_, design->allocation, same_allocation);
    allocation_size_.resize(allocations_.size(), 0);
    allocation_size_[use.allocation] = std::max(allocation_size_[use.allocation], n);
    // The streams that TrialSimulator draws for this scenario.
    const DrawnStreams drawn(*design);
    use.crossover = drawn.crossover;
    use.exclusion = drawn.exclusion;
    use.dropout = drawn.dropout;
    if (use.crossover) crossover_size_ = std::max(crossover_size_, n);
    if (use.exclusion) exclusion_size_ = std::max(exclusion_size_, n);
    if (use.dropout) dropout_size_ = std::max(dropout_size_, n);  // at most one draw per patient
    event_size_ = std::max(event_size_, n);
    uses_.push_back(use);
  }
  for (const std::vector<RatePeriod>& rates : enrolment_rates) arrivals_.emplace_back(rates);
}

CommonDrawsWorkspace CommonDraws::make_workspace() const {
  CommonDrawsWorkspace w;
  w.streams = TrialStreams(seed_, stream_scenario_);
  for (const std::size_t n : enrolment_size_) w.entry.emplace_back(n);
  for (std::size_t g = 0; g < allocations_.size(); ++g) {
    w.stratum.emplace_back(allocation_size_[g]);
    w.assigned.emplace_back(allocation_size_[g]);
    w.allocators.emplace_back(allocations_[g]);
  }
  w.crossover.resize(crossover_size_);
  w.exclusion.resize(exclusion_size_);
  w.event.resize(event_size_);
  w.dropout.resize(dropout_size_);
  return w;
}

void CommonDraws::draw(std::uint64_t replicate, CommonDrawsWorkspace& w) const {
  TrialStreams& streams = w.streams;
  // Each group draws from the start of the replicate's stream, as a scenario alone would.
  for (std::size_t g = 0; g < arrivals_.size(); ++g) {
    streams.arrival.start(replicate);
    arrivals_[g].sample(streams.arrival, w.entry[g]);
  }
  for (std::size_t g = 0; g < allocations_.size(); ++g) {
    streams.stratum.start(replicate);
    streams.allocation.start(replicate);
    w.allocators[g].assign(streams.stratum, streams.allocation, w.stratum[g], w.assigned[g]);
  }
  streams.crossover.start(replicate);
  for (double& u : w.crossover) u = streams.crossover.uniform();
  streams.exclusion.start(replicate);
  for (double& u : w.exclusion) u = streams.exclusion.uniform();
  streams.event.start(replicate);
  streams.event.exponentials(w.event);
  // The same numbers as successive exponential() calls, which a scenario's dropout makes.
  streams.dropout.start(replicate);
  streams.dropout.exponentials(w.dropout);
}

PatientDraws CommonDraws::of(std::size_t scenario, const CommonDrawsWorkspace& w) const {
  const Use& use = uses_[scenario];
  PatientDraws draws;
  if (use.enrolment != NONE) draws.entry = w.entry[use.enrolment];
  draws.stratum = w.stratum[use.allocation];
  draws.assigned = w.assigned[use.allocation];
  if (use.crossover) draws.crossover = w.crossover;
  if (use.exclusion) draws.exclusion = w.exclusion;
  draws.event = w.event;
  if (use.dropout) draws.dropout = w.dropout;
  return draws;
}

}  // namespace trialsim
