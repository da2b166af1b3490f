// The expected looks of a design: calendar time, events and enrolment of each look,
// from its trigger, by the integrals of ExpectedCourse. Triggers that count patients
// (enrolled, completed follow-up) and calendar times give exact expectations; an
// event trigger gives the exact expected time of the d-th event, while its enrolment
// and split of events by arm are taken at the time expected events reach d.

#include <algorithm>
#include <cmath>

#include "trialsim/analytic.hpp"

namespace trialsim {

namespace {

std::string shown(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

} // namespace

ExpectedLook ExpectedCourse::trigger_look(const Look& look, const Trigger& trigger) const {
  ExpectedLook result;
  result.name = look.name;
  const double fixed = design_.fixed_follow_up.value_or(0.0);
  const auto from_arrival = [&](int n, double delay, bool first_only) {
    const AtArrival at = at_arrival(n, delay, first_only);
    result.time = result.time_reached = at.time;
    result.events_per_arm = at.events;
    result.enrolled = at.enrolled;
  };
  switch (trigger.kind) {
  case Trigger::Kind::time:
    result.time = result.time_reached = trigger.value + look.lag;
    result.events_per_arm = {expected_events(result.time, CONTROL), expected_events(result.time, TREATMENT)};
    result.enrolled = expected_enrolled(result.time);
    break;
  case Trigger::Kind::enrolled: from_arrival(static_cast<int>(trigger.value), look.lag, false); break;
  case Trigger::Kind::completed_follow_up:
    from_arrival(static_cast<int>(trigger.value), fixed + look.lag, look.population == Population::first_completed);
    break;
  case Trigger::Kind::all_completed: from_arrival(sample_size_, fixed + look.lag, false); break;
  case Trigger::Kind::events: {
    const int events = static_cast<int>(trigger.value);
    result.never_reached = probability_never(events);
    const double reached = time_expected_events_reach(events);
    result.time = expected_event_time(events) + look.lag;
    result.time_reached = reached + look.lag;
    const double at = std::isfinite(reached) ? reached : model_.horizon() + expected_arrival_time(sample_size_);
    const std::array<double, 2> split{expected_events(at + look.lag, CONTROL), expected_events(at + look.lag, TREATMENT)};
    const double total = look.lag > 0.0 || !std::isfinite(reached) ? split[0] + split[1] : events;
    result.events_per_arm = {total * split[0] / (split[0] + split[1]), total * split[1] / (split[0] + split[1])};
    result.enrolled = expected_enrolled(at + look.lag);
    result.exact = false;
    break;
  }
  }
  return result;
}

std::vector<ExpectedLook> ExpectedCourse::looks(std::vector<std::string>& notes) const {
  std::vector<ExpectedLook> looks;
  bool any_event_trigger = false;
  for (const Look& look : design_.looks) {
    std::vector<ExpectedLook> candidates;
    for (const Trigger& trigger : look.triggers) {
      candidates.push_back(trigger_look(look, trigger));
      any_event_trigger = any_event_trigger || trigger.kind == Trigger::Kind::events;
    }
    const bool first = look.combine == Look::Combine::first;
    ExpectedLook chosen = *std::min_element(candidates.begin(), candidates.end(), [&](const auto& a, const auto& b) {
      return first ? a.time < b.time : a.time > b.time;
    });
    if (candidates.size() > 1) {
      chosen.exact = false;
      notes.push_back("look " + look.name + ": the " + (first ? "earlier" : "later") +
                      " of its triggers' expected times stands for the expected time of whichever fires " +
                      (first ? "first" : "last") + " (approximate)");
    }
    if (!looks.empty() && chosen.time < looks.back().time) {
      notes.push_back("look " + look.name + ": expected before the previous look; the simulator holds it back to "
                      "the previous look's time, which these figures do not");
      chosen.exact = false;
    }
    if (chosen.never_reached > 1e-9) {
      notes.push_back("look " + look.name + ": its event target is never reached with probability " +
                      shown(chosen.never_reached) + " (the simulator then analyses all data)" +
                      (std::isfinite(chosen.time) ? "" : "; its expected time is infinite"));
    }
    chosen.events = chosen.events_per_arm[0] + chosen.events_per_arm[1];
    looks.push_back(chosen);
  }
  for (ExpectedLook& look : looks) look.information = look.events / looks.back().events;
  notes.push_back(deterministic_ ? "arrivals: deterministic, patient i enters when the expected enrolment reaches i"
                                 : "arrivals: Poisson process of the design's rates, the first " +
                                       std::to_string(sample_size_) +
                                       " randomised; expectations over it are exact (no fluid approximation)");
  if (any_event_trigger) {
    notes.push_back("event-driven looks: time is the exact expected time of the target event; 'reached' is when the "
                    "expected events reach the target (the usual textbook figure); enrolment and the split of events "
                    "by arm are taken at that time");
  }
  return looks;
}

} // namespace trialsim
