#pragma once
//! \file event_calendar.hpp
//! The calendar times of a trial's events, as its patients are drawn in order of entry, and
//! the k-th of them for the looks that wait for k events. Nobody's event precedes their
//! entry, so an event no later than the next patient's entry is settled: no patient drawn
//! later can come before it. The k-th event of the trial is known as soon as k events are
//! settled, and the patients after that are drawn only if a later step needs them.
//!
//! Settled events are kept in batches, one per call of settle: every time of a batch is above
//! every time of the batches before, so the k-th smallest is found within the one batch that
//! holds rank k (std::nth_element, Hoare's selection), and each settle only looks at the
//! events not yet settled.

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace trialsim {

class EventCalendar {
 public:
  //! Room for the events of `patients` patients, so that nothing allocates afterwards.
  void reserve(std::size_t patients) {
    settled_.resize(patients);
    pending_.resize(patients);
    batch_ends_.reserve(patients + 1);
  }

  //! No events: a new trial.
  void clear() {
    settled_count_ = 0;
    pending_count_ = 0;
    settled_through_ = 0.0;
    batch_ends_.clear();
  }

  //! Adds the calendar times entry + follow_up of patients begin..end-1 whose status and
  //! analysed flags are both 1. Without a branch on them: each time is written to the next
  //! free slot, which only an event keeps.
  void add(std::size_t begin, std::size_t end, const double* entry, const double* follow_up, const std::uint8_t* status,
           const std::uint8_t* analysed) {
    assert(pending_count_ + settled_count_ + (end - begin) <= pending_.size());
    double* pending = pending_.data();
    std::size_t count = pending_count_;
    for (std::size_t i = begin; i < end; ++i) {
      pending[count] = entry[i] + follow_up[i];
      count += status[i] & analysed[i];
    }
    pending_count_ = count;
  }

  //! Settles every event at or before `time` (never less than at the call before) and returns
  //! how many are settled. Branch-free, as whether an event is settled is a coin toss.
  std::size_t settle(double time) {
    assert(time >= settled_through_);
    settled_through_ = time;
    double* pending = pending_.data();
    double* settled = settled_.data();
    const std::size_t before = settled_count_;
    std::size_t kept = 0;
    std::size_t count = before;
    for (std::size_t i = 0; i < pending_count_; ++i) {
      const double t = pending[i];
      const std::size_t now = t <= time ? 1 : 0;
      settled[count] = t;
      pending[kept] = t;
      count += now;
      kept += 1 - now;
    }
    pending_count_ = kept;
    settled_count_ = count;
    if (count > before) batch_ends_.push_back(static_cast<std::uint32_t>(count));
    return count;
  }

  std::size_t settled() const { return settled_count_; }
  //! Every event added, settled or not.
  std::size_t size() const { return settled_count_ + pending_count_; }

  //! The k-th smallest settled time, k = 1..settled().
  double smallest_settled(std::size_t k) {
    assert(k >= 1 && k <= settled_count_);
    // The batch that holds rank k: the first whose end is at least k.
    const auto batch = std::lower_bound(batch_ends_.begin(), batch_ends_.end(), static_cast<std::uint32_t>(k));
    const std::size_t first = batch == batch_ends_.begin() ? 0 : *(batch - 1);
    const auto begin = settled_.begin() + static_cast<std::ptrdiff_t>(first);
    const auto nth = settled_.begin() + static_cast<std::ptrdiff_t>(k - 1);
    std::nth_element(begin, nth, settled_.begin() + static_cast<std::ptrdiff_t>(*batch));
    return *nth;
  }

 private:
  std::vector<double> settled_;            // the first settled_count_: batch after batch
  std::vector<double> pending_;            // the first pending_count_: events after the last settle's time
  std::vector<std::uint32_t> batch_ends_;  // where each batch of settled_ ends
  std::size_t settled_count_ = 0;
  std::size_t pending_count_ = 0;
  double settled_through_ = 0.0;
};

}  // namespace trialsim
