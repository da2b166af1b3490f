#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <type_traits>

#include "trialsim/double_pair.hpp"
#include "trialsim/trial.hpp"

namespace trialsim {

namespace {

constexpr double NOT_AVAILABLE = std::numeric_limits<double>::quiet_NaN();

// A look that no procedure performs: nothing measured.
LookOutcome not_performed_look() {
  LookOutcome o;
  o.time = NOT_AVAILABLE;
  o.z = NOT_AVAILABLE;
  o.hr = NOT_AVAILABLE;
  o.log_hr_se = NOT_AVAILABLE;
  o.trigger_reached = false;
  o.boundary_z = NOT_AVAILABLE;
  o.conditional_power_design = NOT_AVAILABLE;
  o.conditional_power_trend = NOT_AVAILABLE;
  o.compared_z.fill(NOT_AVAILABLE);
  o.compared_decision.fill(NOT_PERFORMED);
  return o;
}

// Follow-up time and status of patient p as a data cut at calendar time `cut_time` sees them.
struct Censored {
  double time;
  std::uint8_t event;
};
// The event test compares calendar times computed exactly as the event triggers compute them
// (entry + follow-up), so that the cut at an event-driven look sees the event that fired it.
// The choice is a bit mask rather than a branch: whether a patient is complete at an
// interim cut is a coin toss.
Censored observe(double entry, double follow_up, std::uint8_t status, double cut_time) {
  const bool complete = entry + follow_up <= cut_time;
  const std::uint64_t keep_follow_up = std::uint64_t{0} - static_cast<std::uint64_t>(complete);
  const std::uint64_t time = (std::bit_cast<std::uint64_t>(follow_up) & keep_follow_up) |
                             (std::bit_cast<std::uint64_t>(cut_time - entry) & ~keep_follow_up);
  return {std::bit_cast<double>(time), static_cast<std::uint8_t>(status & static_cast<std::uint8_t>(complete))};
}

}  // namespace

TrialSimulator::TrialSimulator(const Design& design, const BoundaryPlan& plan, std::uint64_t scenario)
    : design_(design),
      plan_(plan),
      scenario_(scenario),
      arrivals_(design.enrollment.periods, design.enrollment.arrivals == Enrollment::Arrivals::deterministic),
      allocator_(design.allocation) {
  for (const auto& row : design.survival) {
    survival_.push_back({SurvivalDistribution(row[CONTROL]), SurvivalDistribution(row[TREATMENT])});
  }
  for (const auto& row : survival_) {
    for (const SurvivalDistribution& law : row) constant_hazards_.push_back(law.constant_hazard());
  }
  if (std::find(constant_hazards_.begin(), constant_hazards_.end(), 0.0) != constant_hazards_.end()) {
    constant_hazards_.clear();
  }
  for (int arm : {CONTROL, TREATMENT}) {
    if (design.dropout[arm]) {
      dropout_[arm] = SurvivalDistribution(*design.dropout[arm]);
      has_dropout_[arm] = true;
    }
  }
  if (design.enrollment.arrivals == Enrollment::Arrivals::deterministic) {
    RandomStream unused;
    fixed_entry_.resize(static_cast<std::size_t>(design.enrollment.sample_size));
    arrivals_.sample(unused, fixed_entry_);
  }
  const DrawnStreams drawn(design);
  any_crossover_ = drawn.crossover;
  any_exclusion_ = drawn.exclusion;
  for (const Look& look : design.looks) {
    for (const Trigger& trigger : look.triggers)
      event_triggers_ = event_triggers_ || trigger.kind == Trigger::Kind::events;
  }
  if (design.test.stratified) table_strata_ = static_cast<int>(design.allocation.strata.size());
  efficacy_z_.push_back(plan.efficacy_z);
  for (std::size_t c = 0; c < design.test.compare.size(); ++c) {
    efficacy_z_.push_back(c < plan.compared_efficacy_z.size() ? plan.compared_efficacy_z[c] : plan.efficacy_z);
  }
  observed_information_ = design.test.boundary.information != Boundary::Information::planned;
  spending_by_events_ = design.test.boundary.information == Boundary::Information::observed_events ||
                        design.looks.back().triggers.front().kind == Trigger::Kind::events;
  log_null_hazard_ratio_ = std::log(design.test.null_hazard_ratio);
  const double share = static_cast<double>(design.allocation.ratio[TREATMENT]) /
                       (design.allocation.ratio[CONTROL] + design.allocation.ratio[TREATMENT]);
  information_per_event_ = share * (1.0 - share);
}

namespace {

// Rows of the table of observed-information critical values per thread: a design's
// distinct histories of observed counts (interim events and final events, say) rarely
// exceed a few thousand, and each row is under 100 bytes.
constexpr std::size_t OBSERVED_BOUNDARY_ROWS = 1U << 13;

}  // namespace

TrialWorkspace TrialSimulator::make_workspace() const {
  TrialWorkspace w;
  w.streams = TrialStreams(design_.simulation.seed, scenario_);
  w.allocator = allocator_;
  const auto n = static_cast<std::size_t>(design_.enrollment.sample_size);
  w.entry.resize(n);
  w.stratum.resize(n);
  w.assigned.resize(n);
  w.received.resize(n);
  w.analysed.resize(n);
  w.follow_up.resize(n);
  w.status.resize(n);
  w.event_calendar.reserve(n);
  w.statistics.reserve(n, table_strata_);
  const auto kaplan_meier = [](const StatisticSpec& spec) {
    return spec.kind == Statistic::milestone || spec.kind == Statistic::rmst;
  };
  const TestPlan& test = design_.test;
  if (table_strata_ > 1 &&
      (kaplan_meier(test.statistic) || std::any_of(test.compare.begin(), test.compare.end(), kaplan_meier))) {
    w.unstratified_statistics.reserve(n, 1);
  }
  w.observations.resize(n);
  if (observed_information_) {
    // Planned total of the counts that set the spending time: the planned final events (the
    // last look's events trigger, else the events expected there), or the sample size for
    // patient-count looks. Only a binding futility boundary enters the recursion.
    const double total =
        spending_by_events_ ? plan_.planned_final_events : static_cast<double>(design_.enrollment.sample_size);
    std::vector<double> binding(static_cast<std::size_t>(looks()), -std::numeric_limits<double>::infinity());
    if (test.futility.binding) binding = plan_.futility_z;
    w.observed_boundaries = ObservedBoundaries(test, looks(), total, binding, OBSERVED_BOUNDARY_ROWS);
  }
  return w;
}

namespace {

// Where a trial's draws come from: its own streams, drawn as the patients need them.
struct OwnStreams {
  TrialWorkspace& w;
  double crossover(std::size_t) { return w.streams.crossover.uniform(); }
  double exclusion(std::size_t) { return w.streams.exclusion.uniform(); }
  // Patients begin..end-1's draws, into their follow_up, where the event times then replace
  // them; indexed by patient.
  const double* events(std::size_t begin, std::size_t end) {
    w.streams.event.exponentials(std::span<double>(w.follow_up).subspan(begin, end - begin));
    return w.follow_up.data();
  }
  double dropout() { return w.streams.dropout.exponential(); }
};

// Or the draws of a sweep's scenarios shared (PatientDraws): the same numbers, in the same order.
struct SharedDraws {
  const PatientDraws& draws;
  std::size_t next_dropout = 0;
  double crossover(std::size_t i) const { return draws.crossover[i]; }
  double exclusion(std::size_t i) const { return draws.exclusion[i]; }
  const double* events(std::size_t, std::size_t) const { return draws.event.data(); }
  double dropout() { return draws.dropout[next_dropout++]; }
};

}  // namespace

DrawnStreams::DrawnStreams(const Design& design)
    : crossover(design.crossover[CONTROL] > 0.0 || design.crossover[TREATMENT] > 0.0),
      exclusion(design.exclusion > 0.0),
      dropout(design.dropout[CONTROL].has_value() || design.dropout[TREATMENT].has_value()) {}

TrialStreams::TrialStreams(std::uint64_t seed, std::uint64_t scenario)
    : arrival(seed, scenario, StreamId::arrival),
      stratum(seed, scenario, StreamId::stratum),
      allocation(seed, scenario, StreamId::allocation),
      crossover(seed, scenario, StreamId::crossover),
      exclusion(seed, scenario, StreamId::exclusion),
      event(seed, scenario, StreamId::event),
      dropout(seed, scenario, StreamId::dropout) {}

void TrialStreams::start(std::uint64_t replicate) {
  for (RandomStream* stream : {&arrival, &stratum, &allocation, &crossover, &exclusion, &event, &dropout}) {
    stream->start(replicate);
  }
}

void TrialSimulator::start_patients(std::uint64_t replicate, TrialWorkspace& w) const {
  w.streams.start(replicate);
  if (fixed_entry_.empty()) {
    arrivals_.sample(w.streams.arrival, w.entry);
  } else {
    std::copy(fixed_entry_.begin(), fixed_entry_.end(), w.entry.begin());
  }
  w.allocator.assign(w.streams.stratum, w.streams.allocation, w.stratum, w.assigned);
  w.completed = 0;
  w.event_calendar.clear();
}

void TrialSimulator::generate_patients(std::uint64_t replicate, TrialWorkspace& w) const {
  start_patients(replicate, w);
  complete_through(INFINITE_TIME, w);
}

void TrialSimulator::complete_next(std::size_t count, TrialWorkspace& w) const {
  OwnStreams source{w};
  complete_patients(source, w, std::min(w.entry.size(), w.completed + count));
}

void TrialSimulator::complete_through(double time, TrialWorkspace& w) const {
  const auto next = w.entry.begin() + static_cast<std::ptrdiff_t>(w.completed);
  const auto end = static_cast<std::size_t>(std::upper_bound(next, w.entry.end(), time) - w.entry.begin());
  if (end == w.completed) return;
  OwnStreams source{w};
  complete_patients(source, w, end);
}

template <class Source>
void TrialSimulator::complete_patients(Source& source, TrialWorkspace& w, std::size_t end) const {
  // Each purpose has its own stream, so each is drawn in a loop of its own; skipping a
  // stream nobody needs leaves every other number in place, and a used stream gives one
  // draw to every patient, in entry order, however the patients are split into calls.
  const std::size_t begin = w.completed;
  const std::size_t n = end;
  if (any_crossover_) {
    for (std::size_t i = begin; i < n; ++i) {
      const int assigned = w.assigned[i];
      w.received[i] =
          static_cast<std::uint8_t>(source.crossover(i) < design_.crossover[assigned] ? 1 - assigned : assigned);
    }
  } else {
    std::copy(w.assigned.begin() + static_cast<std::ptrdiff_t>(begin),
              w.assigned.begin() + static_cast<std::ptrdiff_t>(n),
              w.received.begin() + static_cast<std::ptrdiff_t>(begin));
  }
  if (any_exclusion_) {
    for (std::size_t i = begin; i < n; ++i) w.analysed[i] = source.exclusion(i) >= design_.exclusion ? 1 : 0;
  } else {
    std::fill(w.analysed.begin() + static_cast<std::ptrdiff_t>(begin),
              w.analysed.begin() + static_cast<std::ptrdiff_t>(n), std::uint8_t{1});
  }
  // The Exp(1) draws (in follow_up itself when drawn from the trial's own stream), then their
  // event times, censored by the end of fixed follow-up and by loss to follow-up, which is a
  // property of the arm the patient was assigned to. Without dropout the censoring is done in
  // the pass that computes the event times (one pass over the patients rather than two), by a
  // constant censoring time, so it draws and tests nothing per patient. The arrays are used
  // through local pointers: byte stores may alias anything, and would otherwise make the
  // loops reload each vector's data pointer.
  const double* draws = source.events(begin, n);
  double* follow_up = w.follow_up.data();
  std::uint8_t* status = w.status.data();
  const std::uint16_t* stratum = w.stratum.data();
  const std::uint8_t* received = w.received.data();
  const double fixed = design_.fixed_follow_up.value_or(INFINITE_TIME);
  const auto censor = [follow_up, status](std::size_t i, double event, double censor_time) {
    status[i] = event <= censor_time ? 1 : 0;
    follow_up[i] = std::min(event, censor_time);
  };
  const auto event_times = [&](auto censor_now) {
    const auto store = [&](std::size_t i, double event) {
      if constexpr (decltype(censor_now)::value) {
        censor(i, event, fixed);
      } else {
        follow_up[i] = event;
      }
    };
    if (constant_hazards_.empty()) {
      for (std::size_t i = begin; i < n; ++i) store(i, survival_[stratum[i]][received[i]].event_time(draws[i]));
      return;
    }
    // Every law exponential: the division event_time makes, two patients to an instruction.
    const double* hazards = constant_hazards_.data();
    const auto hazard_of = [&](std::size_t i) { return hazards[2 * stratum[i] + received[i]]; };
    std::size_t i = begin;
    for (; i + 2 <= n; i += 2) {
      const DoublePair pair = {draws[i], draws[i + 1]};
      const DoublePair times = pair / DoublePair{hazard_of(i), hazard_of(i + 1)};
      store(i, times[0]);
      store(i + 1, times[1]);
    }
    if (i < n) store(i, draws[i] / hazard_of(i));
  };
  if (!has_dropout_[CONTROL] && !has_dropout_[TREATMENT]) {
    event_times(std::true_type{});
  } else {
    event_times(std::false_type{});
    const std::uint8_t* assigned = w.assigned.data();
    for (std::size_t i = begin; i < n; ++i) {
      const int arm = assigned[i];
      const double censor_time =
          has_dropout_[arm] ? std::min(dropout_[arm].event_time(source.dropout()), fixed) : fixed;
      censor(i, follow_up[i], censor_time);
    }
  }
  w.completed = end;
  if (event_triggers_) {
    w.event_calendar.add(begin, end, w.entry.data(), w.follow_up.data(), w.status.data(), w.analysed.data());
  }
}

double TrialSimulator::data_end(TrialWorkspace& w) const {
  // Every patient randomised and every finite follow-up over: nothing more can be observed.
  complete_through(INFINITE_TIME, w);
  double end = w.entry.back();
  for (std::size_t i = 0; i < w.entry.size(); ++i) {
    const double t = w.entry[i] + w.follow_up[i];
    if (std::isfinite(t)) end = std::max(end, t);
  }
  return end;
}

double TrialSimulator::trigger_time(const Trigger& trigger, TrialWorkspace& w) const {
  const double fixed = design_.fixed_follow_up.value_or(0.0);
  const auto count = static_cast<std::size_t>(trigger.value);
  switch (trigger.kind) {
    case Trigger::Kind::time: return trigger.value;
    case Trigger::Kind::enrolled: return w.entry[count - 1];
    case Trigger::Kind::completed_follow_up: return w.entry[count - 1] + fixed;
    case Trigger::Kind::all_completed: return w.entry.back() + fixed;
    case Trigger::Kind::events: return event_time(count, w);
  }
  return INFINITE_TIME;
}

namespace {

// Fewest patients completed at a time while an event trigger looks for its event.
constexpr std::size_t PATIENTS_PER_STEP = 8;

}  // namespace

double TrialSimulator::event_time(std::size_t count, TrialWorkspace& w) const {
  // The patients are completed a few at a time until `count` events are settled (see
  // EventCalendar): the patients after them are drawn only if a later step needs them. Their
  // draws come after these in every stream, so the numbers drawn are the same either way.
  const std::size_t n = w.entry.size();
  EventCalendar& calendar = w.event_calendar;
  while (true) {
    const std::size_t settled = calendar.settle(w.completed == n ? INFINITE_TIME : w.entry[w.completed]);
    if (settled >= count) return calendar.smallest_settled(count);
    if (w.completed == n) return INFINITE_TIME;  // fewer events than `count` ever happen
    // Each patient adds at most one event, so at least as many patients as events are missing
    // are needed; once enough events are drawn, about one more settles per patient completed
    // (an estimate, halved against drawing patients after the event sought).
    const std::size_t missing = calendar.size() < count ? count - calendar.size() : (count - settled + 1) / 2;
    complete_next(std::max(PATIENTS_PER_STEP, missing), w);
  }
}

double TrialSimulator::look_time(int look, double previous, TrialWorkspace& w, bool& reached) const {
  const Look& spec = design_.looks[static_cast<std::size_t>(look)];
  double time = spec.combine == Look::Combine::first ? INFINITE_TIME : 0.0;
  for (const Trigger& trigger : spec.triggers) {
    const double t = trigger_time(trigger, w);
    time = spec.combine == Look::Combine::first ? std::min(time, t) : std::max(time, t);
  }
  reached = std::isfinite(time);
  // A trigger that never fires (too few events ever happen) analyses all the data there will be.
  if (!reached) time = data_end(w);
  // Looks happen in order: a look cannot precede the one before it.
  return std::max(time + spec.lag, previous);
}

int TrialSimulator::population_size(int look) const {
  const Look& spec = design_.looks[static_cast<std::size_t>(look)];
  if (spec.population == Population::first_completed) {
    for (const Trigger& trigger : spec.triggers) {
      if (trigger.kind == Trigger::Kind::completed_follow_up) return static_cast<int>(trigger.value);
    }
  }
  return design_.enrollment.sample_size;
}

void TrialSimulator::cut(int look, double time, TrialWorkspace& w, LookOutcome& outcome) const {
  const auto population = static_cast<std::ptrdiff_t>(population_size(look));
  // Entries are ascending, so the patients randomised by the cut form a prefix.
  const auto enrolled =
      static_cast<std::size_t>(std::upper_bound(w.entry.begin(), w.entry.begin() + population, time) - w.entry.begin());
  // Written without branches: every patient is written to the next free slot, which
  // only an analysed patient keeps; events and arms are 0/1, so counts are sums. The
  // arrays are read through local pointers: the byte stores into the observations may alias
  // anything, and would otherwise make the loop reload each vector's data pointer.
  Observation* observations = w.observations.data();
  const double* entry = w.entry.data();
  const double* follow_up = w.follow_up.data();
  const std::uint8_t* status = w.status.data();
  const std::uint8_t* kept = w.analysed.data();
  const std::uint16_t* stratum = w.stratum.data();
  const bool stratified = table_strata_ > 1;
  const std::uint8_t* arm = design_.as_treated ? w.received.data() : w.assigned.data();
  // The table's totals and latest event time are counted here too, while the data are at hand.
  std::size_t analysed = 0;
  std::int32_t events = 0;
  std::int32_t treatment_events = 0;
  std::int32_t treatment_patients = 0;
  double last_event = 0.0;
  for (std::size_t p = 0; p < enrolled; ++p) {
    const Censored seen = observe(entry[p], follow_up[p], status[p], time);
    Observation& o = observations[analysed];
    o.arm = arm[p];
    o.stratum = stratified ? stratum[p] : 0;
    o.event = seen.event;
    o.time = seen.time;
    const std::uint8_t counted = seen.event & kept[p];
    events += counted;
    treatment_events += counted & arm[p];
    treatment_patients += arm[p] & kept[p];
    last_event = std::max(last_event, seen.time * counted);  // times are finite
    analysed += kept[p];
  }
  w.observed = analysed;
  w.observed_totals = {static_cast<std::int32_t>(analysed), treatment_patients, events, treatment_events};
  w.observed_last_event = last_event;
  outcome.events[CONTROL] = events - treatment_events;
  outcome.events[TREATMENT] = treatment_events;
  outcome.enrolled = static_cast<std::int32_t>(enrolled);
  outcome.time = time;
}

// The tables a look's statistics are computed from: the design's (stratified when it is),
// the Cox fit, and the unstratified table of the Kaplan-Meier statistics, built on first use.
struct TrialSimulator::LookData {
  std::span<const Observation> observations;
  std::span<const EventTable> tables;
  CoxResult cox;
  std::span<const EventTable> all;  // empty until needed
};

const EventTable& TrialSimulator::unstratified_table(LookData& data, TrialWorkspace& w) const {
  if (data.all.empty()) {
    // With one table it is the table already built; otherwise a table of its own, in its own
    // workspace, so that the stratified tables stay intact for the other statistics.
    data.all = table_strata_ > 1 ? build_event_tables(data.observations, 1, w.unstratified_statistics) : data.tables;
  }
  return data.all.front();
}

double TrialSimulator::statistic_z(const StatisticSpec& spec, LookData& data, TrialWorkspace& w) const {
  switch (spec.kind) {
    case Statistic::logrank: return logrank_z(data.tables, data.cox);
    case Statistic::cox_wald: return data.cox.z_wald;
    case Statistic::cox_score: return data.cox.z_score;
    case Statistic::cox_lr: return data.cox.z_lr;
    case Statistic::fleming_harrington: return fleming_harrington(data.tables, spec.weight).z;
    case Statistic::maxcombo: {
      const MaxComboResult result = maxcombo(data.tables, spec.components);
      return plan_.sides == 1 ? result.z_benefit : result.z_two_sided;
    }
    case Statistic::milestone:
    case Statistic::rmst: {
      // Undefined (NaN, which crosses no boundary) where a curve does not reach the landmark.
      const EventTable& all = unstratified_table(data, w);
      if (!reaches_landmark(data.observations, all, spec.landmark)) return NOT_AVAILABLE;
      return spec.kind == Statistic::milestone ? milestone(all, spec.landmark).z : rmst(all, spec.landmark).z;
    }
  }
  return NOT_AVAILABLE;
}

// Non-inferiority: H0 is HR = m rather than HR = 1 (config allows m != 1 with these two only).
// Log-rank: the statistic shifted by the margin as rpact's thetaH0 does, z + ln(m) sqrt(r (1 - r) d)
// (the log-rank z estimates -ln(HR) sqrt(r (1 - r) d); Schoenfeld 1981). Cox Wald:
// -(ln HR - ln m) / SE = z_wald + ln(m) / SE. Both are positive for benefit beyond the margin.
double TrialSimulator::shifted_to_margin(const StatisticSpec& spec, double z, const LookData& data,
                                         const LookOutcome& look) const {
  if (log_null_hazard_ratio_ == 0.0) return z;
  if (spec.kind == Statistic::cox_wald) {
    return std::isfinite(data.cox.se) ? z + log_null_hazard_ratio_ / data.cox.se : z;
  }
  const double events = look.events[CONTROL] + look.events[TREATMENT];
  return z + log_null_hazard_ratio_ * std::sqrt(information_per_event_ * events);
}

// Jennison & Turnbull (2000) eq. 10.1 with the information fraction d_k / D of the look's
// events over the planned final events, and the planned final critical value.
void TrialSimulator::add_conditional_power(int look, LookOutcome& outcome) const {
  if (look + 1 == looks() || std::isnan(outcome.z) || !(plan_.planned_final_events > 0.0)) {
    outcome.conditional_power_design = NOT_AVAILABLE;
    outcome.conditional_power_trend = NOT_AVAILABLE;
    return;
  }
  const double events = outcome.events[CONTROL] + outcome.events[TREATMENT];
  const double fraction = events / plan_.planned_final_events;
  const double final_critical = efficacy_z_.front().back();
  if (!(fraction > 0.0)) {
    // No information yet: the trial's future is all that counts.
    outcome.conditional_power_design = conditional_power(0.0, 0.0, final_critical, plan_.design_drift);
    outcome.conditional_power_trend = NOT_AVAILABLE;
    return;
  }
  outcome.conditional_power_design = conditional_power(outcome.z, fraction, final_critical, plan_.design_drift);
  outcome.conditional_power_trend = conditional_power_trend(outcome.z, fraction, final_critical);
}

double TrialSimulator::efficacy_critical(int look, TrialWorkspace& w, const LookOutcome& outcome) const {
  if (!observed_information_) return efficacy_z_.front()[static_cast<std::size_t>(look)];
  ObservedInformation& info = w.observed_information[static_cast<std::size_t>(look)];
  info.events = outcome.events[CONTROL] + outcome.events[TREATMENT];
  info.spending_count = spending_by_events_ ? info.events : outcome.enrolled;
  return w.observed_boundaries.critical_value(look, w.observed_information);
}

void TrialSimulator::analyse(TrialWorkspace& w, bool primary, bool planned, LookOutcome& outcome, int look) const {
  LookData data;
  data.observations = std::span<const Observation>(w.observations.data(), w.observed);
  data.tables = table_strata_ == 1
                    ? build_event_table(data.observations, w.observed_totals, w.observed_last_event, w.statistics)
                    : build_event_tables(data.observations, table_strata_, w.statistics);
  data.cox = cox_fit(data.tables, design_.test.ties);
  // A flat partial likelihood (no event with both arms at risk: no events, one arm empty)
  // has no estimate: NaN, rather than the HR of 1 that its starting point log_hr = 0 would give.
  const bool flat = data.cox.log_hr == 0.0 && std::isinf(data.cox.se);
  outcome.hr = flat ? NOT_AVAILABLE : std::exp(data.cox.log_hr);
  outcome.log_hr_se = flat ? NOT_AVAILABLE : data.cox.se;
  const StatisticSpec& spec = design_.test.statistic;
  // The observed-information boundary is kept even where the design's procedure has
  // stopped, so that compared statistics and the planned procedure see the same trial.
  outcome.boundary_z = efficacy_critical(look, w, outcome);
  outcome.z = primary || planned ? shifted_to_margin(spec, statistic_z(spec, data, w), data, outcome) : NOT_AVAILABLE;
  add_conditional_power(look, outcome);
  const double planned_critical = efficacy_z_.front()[static_cast<std::size_t>(look)];
  outcome.planned_decision =
      planned ? decide(look, outcome.z, planned_critical, outcome) : static_cast<std::int8_t>(NOT_PERFORMED);
  outcome.decision =
      primary ? decide(look, outcome.z, outcome.boundary_z, outcome) : static_cast<std::int8_t>(NOT_PERFORMED);
  if (!observed_information_) outcome.planned_decision = outcome.decision;
  if (!primary) {
    outcome.z = NOT_AVAILABLE;
    outcome.conditional_power_design = NOT_AVAILABLE;
    outcome.conditional_power_trend = NOT_AVAILABLE;
  }
  for (std::size_t c = 0; c < design_.test.compare.size(); ++c) {
    if (outcome.compared_decision[c] == NOT_PERFORMED) continue;  // its procedure has stopped
    const StatisticSpec& compared = design_.test.compare[c];
    outcome.compared_z[c] = shifted_to_margin(compared, statistic_z(compared, data, w), data, outcome);
    LookOutcome own = outcome;  // its own z decides its conditional-power futility
    own.z = outcome.compared_z[c];
    add_conditional_power(look, own);
    // Its own boundary (MaxCombo's may be calibrated), or this trial's observed-information one.
    const double critical =
        observed_information_ ? outcome.boundary_z : efficacy_z_[1 + c][static_cast<std::size_t>(look)];
    outcome.compared_decision[c] = decide(look, own.z, critical, own);
  }
}

// An undefined z (NaN) fails every comparison: the look continues, or ends without rejection.
std::int8_t TrialSimulator::decide(int look, double z, double critical, const LookOutcome& outcome) const {
  const auto k = static_cast<std::size_t>(look);
  if (z >= critical) return EFFICACY;
  if (plan_.sides == 2 && z <= -critical) return HARM;
  if (look + 1 == looks()) return NO_REJECTION;
  const Futility& futility = design_.test.futility;
  switch (futility.scale) {
    case Futility::Scale::none: break;
    case Futility::Scale::z:
    case Futility::Scale::beta_spending:  // given, or computed by beta spending
      if (z < plan_.futility_z[k]) return FUTILITY;
      break;
    case Futility::Scale::hazard_ratio:
      if (outcome.hr > futility.values[k]) return FUTILITY;
      break;
    case Futility::Scale::conditional_power: {
      const double power = futility.effect == Futility::Effect::design ? outcome.conditional_power_design
                                                                       : outcome.conditional_power_trend;
      if (power < futility.values[k]) return FUTILITY;
      break;
    }
  }
  return CONTINUE;
}

void TrialSimulator::simulate(std::uint64_t replicate, TrialWorkspace& w, TrialOutcome& outcome) const {
  start_patients(replicate, w);  // the looks complete the patients they need
  run_looks(w, outcome);
}

void TrialSimulator::simulate(const PatientDraws& draws, TrialWorkspace& w, TrialOutcome& outcome) const {
  const std::size_t n = w.entry.size();
  if (fixed_entry_.empty()) {
    std::copy_n(draws.entry.begin(), n, w.entry.begin());
  } else {
    std::copy(fixed_entry_.begin(), fixed_entry_.end(), w.entry.begin());
  }
  std::copy_n(draws.stratum.begin(), n, w.stratum.begin());
  std::copy_n(draws.assigned.begin(), n, w.assigned.begin());
  w.completed = 0;
  w.event_calendar.clear();
  SharedDraws source{draws};
  complete_patients(source, w, n);
  run_looks(w, outcome);
}

void TrialSimulator::run_looks(TrialWorkspace& w, TrialOutcome& outcome) const {
  double previous = 0.0;
  bool primary = true;                   // the design's procedure goes on
  bool planned = observed_information_;  // the planned boundaries' own procedure goes on
  // Which of the compared statistics' procedures go on.
  const std::size_t compared = design_.test.compare.size();
  std::array<bool, MAX_COMPARED> running{};
  running.fill(true);
  for (int look = 0; look < looks(); ++look) {
    LookOutcome& o = outcome.looks[static_cast<std::size_t>(look)];
    const bool any_compared = std::find(running.begin(), running.begin() + static_cast<std::ptrdiff_t>(compared),
                                        true) != running.begin() + static_cast<std::ptrdiff_t>(compared);
    if (!primary && !planned && !any_compared) {
      o = not_performed_look();
      continue;
    }
    for (std::size_t c = 0; c < compared; ++c) {
      o.compared_decision[c] = running[c] ? CONTINUE : NOT_PERFORMED;
      if (!running[c]) o.compared_z[c] = NOT_AVAILABLE;
    }
    bool reached = true;
    previous = look_time(look, previous, w, reached);
    o.trigger_reached = reached;
    complete_through(previous, w);  // the cut's patients, every one randomised by then
    cut(look, previous, w, o);
    analyse(w, primary, planned, o, look);
    for (std::size_t c = 0; c < compared; ++c) running[c] = running[c] && o.compared_decision[c] == CONTINUE;
    planned = planned && o.planned_decision == CONTINUE;
    if (primary && o.decision != CONTINUE) {
      primary = false;
      outcome.stop_look = static_cast<std::int8_t>(look);
    }
  }
}

PatientRecords TrialSimulator::patients(std::uint64_t replicate) const {
  TrialWorkspace w = make_workspace();
  TrialOutcome outcome;
  simulate(replicate, w, outcome);
  complete_through(INFINITE_TIME, w);  // those that no look needed too
  PatientRecords records;
  records.entry = w.entry;
  records.arm = w.assigned;
  records.received = w.received;
  records.stratum = w.stratum;
  records.analysed = w.analysed;
  records.follow_up = w.follow_up;
  records.event = w.status;
  const std::size_t n = w.entry.size();
  for (int look = 0; look < looks(); ++look) {
    const LookOutcome& o = outcome.looks[static_cast<std::size_t>(look)];
    std::vector<double> time(n, NOT_AVAILABLE);
    std::vector<std::uint8_t> status(n, 0);
    if (analysed(o, static_cast<int>(design_.test.compare.size()))) {
      // Same rule as cut(): the look's population, randomised by the cut, analysed.
      const auto population = static_cast<std::size_t>(population_size(look));
      for (std::size_t p = 0; p < population && w.entry[p] <= o.time; ++p) {
        if (!w.analysed[p]) continue;
        const Censored seen = observe(w.entry[p], w.follow_up[p], w.status[p], o.time);
        status[p] = seen.event;
        time[p] = seen.time;
      }
    }
    records.time.push_back(std::move(time));
    records.status.push_back(std::move(status));
  }
  return records;
}

}  // namespace trialsim
