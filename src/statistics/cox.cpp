// Cox proportional hazards model with one binary covariate (x = 1 for the
// treatment arm), fitted by maximising the partial likelihood (Cox 1972) from
// beta = 0 with step halving, as R's coxph does (Therneau & Grambsch 2000,
// "Modeling Survival Data", ch. 3), but by Halley's method on a logit
// transform of the score rather than Newton-Raphson on the score itself
// (LogitHalley below: fewer evaluations, the same maximum and tolerances).
// Ties follow Breslow (1974) or Efron (1977) in the form given by Therneau &
// Grambsch ch. 3; the stratified model sums the log partial likelihoods of the
// strata (Kalbfleisch & Prentice 2002, ch. 4).
//
// With x binary, the risk-set sums at one event time reduce to counts:
//   S0(beta) = n0 + n1 r,  S1 = S2 = n1 r,  r = exp(beta),
// so the score is U = sum (d1 - d p) and the information I = sum d p (1 - p)
// with p = S1 / S0 the treatment share of the risk set's weight.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "trialsim/double_pair.hpp"
#include "trialsim/statistics.hpp"

namespace trialsim {
namespace {

constexpr double INFINITY_VALUE = std::numeric_limits<double>::infinity();
constexpr int MAX_ITERATIONS = 30;
constexpr int MAX_HALVINGS = 30;
constexpr double BETA_TOLERANCE = 1e-9;             // relative (absolute below |beta| = 1)
constexpr double LOG_LIKELIHOOD_TOLERANCE = 1e-12;  // absolute change
constexpr double DECREASE_TOLERANCE = 1e-11;        // relative fall still taken as rounding

//! Log partial likelihood and its first two derivatives in beta.
struct PartialLikelihood {
  double log_likelihood = 0.0;
  double score = 0.0;                      // U = d logL / d beta
  double information = 0.0;                // I = -d2 logL / d beta2
  double information_slope = 0.0;          // dI / d beta (NaN unless evaluated with SLOPE)
  double events = 0.0;                     // D, all events
  double expected_treatment_events = 0.0;  // P = sum of p over the events, O1 - U
};

//! The risk set and the events at one distinct event time, as doubles.
struct EventTime {
  double at_risk_control;
  double at_risk_treatment;
  double events_control;
  double events_treatment;
};

EventTime event_time(const EventRow& row) {
  return {static_cast<double>(row.at_risk[CONTROL]), static_cast<double>(row.at_risk[TREATMENT]),
          static_cast<double>(row.events[CONTROL]), static_cast<double>(row.events[TREATMENT])};
}

// Sum of logarithms kept as one running product, renormalised to its binary
// exponent before it can overflow or underflow: one std::log per evaluation
// instead of one per event time (the product's relative rounding error grows
// like k * 2^-53 over k factors, far below the tolerances used here).
class LogSum {
 public:
  void add_log_of(double x) {
    product_ *= x;
    if (out_of_range(product_)) {
      renormalise();
    }
  }
  double value() const { return std::log(product_) + static_cast<double>(exponent_) * LN2; }
  // a.value() + b.value() with one logarithm: each product is within [SMALL, LARGE]
  // (or 0, subnormal, infinite or NaN, which the log reports as before), so theirs is finite.
  static double value_of_sum(const LogSum& a, const LogSum& b) {
    return std::log(a.product_ * b.product_) + static_cast<double>(a.exponent_ + b.exponent_) * LN2;
  }

  // For the paired evaluation, which keeps the running products of two sums in one register.
  static constexpr double LARGE = 0x1p+500;
  static constexpr double SMALL = 0x1p-500;
  static bool out_of_range(double product) { return product > LARGE || product < SMALL; }
  double product() const { return product_; }
  void set_product(double product) { product_ = product; }

  // Moves the binary exponent of the product into exponent_, by bit
  // manipulation rather than a call to std::frexp, which would make the
  // compiler spill the callers' running sums in the hot loop.
  void renormalise() {
    const auto bits = std::bit_cast<std::uint64_t>(product_);
    const auto biased_exponent = static_cast<std::int64_t>((bits >> 52) & 0x7ff);
    if (biased_exponent == 0 || biased_exponent == 0x7ff) {
      return;  // 0, subnormal, infinity or NaN: left for the final log to report
    }
    exponent_ += biased_exponent - 1023;
    product_ = std::bit_cast<double>((bits & ~EXPONENT_BITS) | ONE_EXPONENT);  // in [1, 2)
  }

 private:
  static constexpr double LN2 = 0.693147180559945309417232121458176568;
  static constexpr std::uint64_t EXPONENT_BITS = 0x7ffULL << 52;
  static constexpr std::uint64_t ONE_EXPONENT = 1023ULL << 52;
  double product_ = 1.0;
  std::int64_t exponent_ = 0;
};

struct Sums {
  LogSum log_denominators;  // sum of log S0 over the events
  double share_sum = 0.0;   // sum of p over the events
  double information = 0.0;
  double information_slope = 0.0;
};

// Adds the denominator terms of one event time with d events, each of which
// sees the whole risk set: exact for d = 1, Breslow's approximation for d > 1.
// The d1 * beta and d1 terms of logL and U are added by the caller.
inline void add_whole_risk_set(const EventTime& time, double events, double relative_hazard, Sums& sums) {
  const double treatment_weight = time.at_risk_treatment * relative_hazard;
  const double denominator = time.at_risk_control + treatment_weight;
  const double share = treatment_weight / denominator;
  sums.log_denominators.add_log_of(denominator);
  for (double k = 1.0; k < events; k += 1.0) {  // S0^d
    sums.log_denominators.add_log_of(denominator);
  }
  sums.share_sum += events * share;
  sums.information += events * share * (1.0 - share);
  sums.information_slope += events * share * (1.0 - share) * (1.0 - 2.0 * share);
}

// Efron's approximation for d > 1 tied events: the k-th (k = 0..d-1) sees the
// risk set with the fraction k/d of every tied event removed, so
// S0_k = S0 - (k/d)(d0 + d1 r) and S1_k = S1 - (k/d) d1 r; since
// dS0_k/dbeta = S1_k and dS1_k/dbeta = S1_k, the derivatives below are exact
// (Efron 1977; Therneau & Grambsch 2000, ch. 3).
void add_efron_ties(const EventTime& time, double events, double relative_hazard, Sums& sums) {
  for (double k = 0.0; k < events; k += 1.0) {
    const double removed = k / events;
    const double treatment_weight = (time.at_risk_treatment - removed * time.events_treatment) * relative_hazard;
    const double denominator = (time.at_risk_control - removed * time.events_control) + treatment_weight;
    const double share = treatment_weight / denominator;
    sums.log_denominators.add_log_of(denominator);
    sums.share_sum += share;
    sums.information += share * (1.0 - share);
    sums.information_slope += share * (1.0 - share) * (1.0 - 2.0 * share);
  }
}

template <Ties TIES>
void add_event_time(const EventTime& time, double relative_hazard, Sums& sums) {
  const double events = time.events_control + time.events_treatment;
  if (TIES == Ties::efron && events > 1.0) {
    add_efron_ties(time, events, relative_hazard, sums);
  } else {
    add_whole_risk_set(time, events, relative_hazard, sums);
  }
}

// The sums of even and odd rows, one per lane, for rows with a single event
// (with continuous times, nearly all): each lane performs the operations of
// add_whole_risk_set with events = 1 (the two divisions in one instruction),
// except that in runs of four rows each lane multiplies its two denominators
// together before the running product, which differs from the scalar sum by
// rounding only.
// Whether either lane is out of LogSum's range: on x86-64 two comparisons and one
// movmskpd, rather than moving each lane out.
inline bool any_out_of_range(DoublePair product) {
#ifdef __SSE2__
  const __m128d too_large = _mm_cmpgt_pd(product, _mm_set1_pd(LogSum::LARGE));
  const __m128d too_small = _mm_cmplt_pd(product, _mm_set1_pd(LogSum::SMALL));
  return _mm_movemask_pd(_mm_or_pd(too_large, too_small)) != 0;
#else
  return LogSum::out_of_range(product[0]) || LogSum::out_of_range(product[1]);
#endif
}

// With SLOPE, also the sum of dI/dbeta (only the fit's first evaluation needs it).
template <bool SLOPE>
class PairedSums {
 public:
  PairedSums(Sums& even, Sums& odd) : even_(even), odd_(odd) { load(); }
  ~PairedSums() { store(); }
  PairedSums(const PairedSums&) = delete;
  PairedSums& operator=(const PairedSums&) = delete;

  void add_single_events(const EventRow& first, const EventRow& second, double relative_hazard) {
    const Terms terms = single_event_terms(first, second, relative_hazard);
    product_ *= terms.denominator;
    if (any_out_of_range(product_)) {
      renormalise_out_of_range();
    }
    add(terms);
  }

  // Rows `rows[0..3]`, one event each: the products of two denominators per lane
  // are multiplied in at once, so the range of the running product is checked
  // once for four rows (a product in [SMALL, LARGE] times two denominators
  // stays finite and normal while each is within 2^+-260, i.e. |beta| < 180,
  // far beyond any finite maximum; beyond it the evaluation reports a
  // non-finite likelihood, which the fit treats as a decrease).
  void add_single_events(const EventRow* rows, double relative_hazard) {
    const Terms first = single_event_terms(rows[0], rows[1], relative_hazard);
    const Terms second = single_event_terms(rows[2], rows[3], relative_hazard);
    product_ *= first.denominator * second.denominator;
    if (any_out_of_range(product_)) {
      renormalise_out_of_range();
    }
    add(first);
    add(second);
  }

  // Hands the lanes back to the scalar sums (for a row with tied events), and back.
  void store() {
    even_.log_denominators.set_product(product_[0]);
    odd_.log_denominators.set_product(product_[1]);
    even_.share_sum = share_sum_[0];
    odd_.share_sum = share_sum_[1];
    even_.information = information_[0];
    odd_.information = information_[1];
    even_.information_slope = information_slope_[0];
    odd_.information_slope = information_slope_[1];
  }
  void load() {
    product_ = DoublePair{even_.log_denominators.product(), odd_.log_denominators.product()};
    share_sum_ = DoublePair{even_.share_sum, odd_.share_sum};
    information_ = DoublePair{even_.information, odd_.information};
    information_slope_ = DoublePair{even_.information_slope, odd_.information_slope};
  }

 private:
  // Only the lane that left the range, as the scalar sum would: the final log
  // depends on where the binary exponent was split off.
  void renormalise_out_of_range() {
    store();
    for (Sums* sums : {&even_, &odd_}) {
      if (LogSum::out_of_range(sums->log_denominators.product())) {
        sums->log_denominators.renormalise();
      }
    }
    load();
  }

  struct Terms {
    DoublePair denominator;
    DoublePair share;
  };
  static Terms single_event_terms(const EventRow& first, const EventRow& second, double relative_hazard) {
#ifdef __SSE2__
    // Each row's two counts in one load and one conversion, then regrouped by arm.
    static_assert(CONTROL == 0 && TREATMENT == 1);
    const __m128d first_counts = _mm_cvtepi32_pd(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(first.at_risk)));
    const __m128d second_counts = _mm_cvtepi32_pd(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(second.at_risk)));
    const DoublePair at_risk_control = _mm_unpacklo_pd(first_counts, second_counts);
    const DoublePair at_risk_treatment = _mm_unpackhi_pd(first_counts, second_counts);
#else
    const DoublePair at_risk_control = {static_cast<double>(first.at_risk[CONTROL]),
                                        static_cast<double>(second.at_risk[CONTROL])};
    const DoublePair at_risk_treatment = {static_cast<double>(first.at_risk[TREATMENT]),
                                          static_cast<double>(second.at_risk[TREATMENT])};
#endif
    const DoublePair treatment_weight = at_risk_treatment * relative_hazard;
    const DoublePair denominator = at_risk_control + treatment_weight;
    return {denominator, treatment_weight / denominator};
  }
  void add(const Terms& terms) {
    share_sum_ += terms.share;
    const DoublePair variance = terms.share * (1.0 - terms.share);
    information_ += variance;
    if constexpr (SLOPE) {
      information_slope_ += variance * (1.0 - 2.0 * terms.share);
    }
  }

  Sums& even_;
  Sums& odd_;
  DoublePair product_;
  DoublePair share_sum_;
  DoublePair information_;
  DoublePair information_slope_;
};

bool single_event(const EventRow& row) {
  return row.events[CONTROL] + row.events[TREATMENT] == 1;
}

template <Ties TIES, bool SLOPE>
PartialLikelihood evaluate(std::span<const EventTable> tables, double beta) {
  const double relative_hazard = std::exp(beta);
  // Two independent sets of sums, alternating over the rows, halve the
  // length of the floating-point dependency chains; rows with one event each
  // are added in pairs, one to each set.
  Sums even;
  Sums odd;
  double treatment_events = 0.0;
  double events = 0.0;
  for (const EventTable& table : tables) {
    treatment_events += table.events[TREATMENT];
    events += table.events[CONTROL] + table.events[TREATMENT];
    const std::size_t rows = table.rows.size();
    std::size_t i = 0;
    if (table.single_events) {  // the common case, without a test per row
      PairedSums<SLOPE> paired(even, odd);
      for (; i + 3 < rows; i += 4) {
        paired.add_single_events(&table.rows[i], relative_hazard);
      }
      if (i + 1 < rows) {
        paired.add_single_events(table.rows[i], table.rows[i + 1], relative_hazard);
        i += 2;
      }
    } else {
      PairedSums<SLOPE> paired(even, odd);
      for (; i + 1 < rows; i += 2) {
        const EventRow& first = table.rows[i];
        const EventRow& second = table.rows[i + 1];
        if (single_event(first) && single_event(second)) {
          paired.add_single_events(first, second, relative_hazard);
          continue;
        }
        paired.store();
        add_event_time<TIES>(event_time(first), relative_hazard, even);
        add_event_time<TIES>(event_time(second), relative_hazard, odd);
        paired.load();
      }
    }
    if (i < rows) {
      add_event_time<TIES>(event_time(table.rows[i]), relative_hazard, even);
    }
  }
  const double log_denominators = LogSum::value_of_sum(even.log_denominators, odd.log_denominators);
  const double expected_treatment_events = even.share_sum + odd.share_sum;
  return {treatment_events * beta - log_denominators,
          treatment_events - expected_treatment_events,
          even.information + odd.information,
          SLOPE ? even.information_slope + odd.information_slope : std::numeric_limits<double>::quiet_NaN(),
          events,
          expected_treatment_events};
}

template <bool SLOPE = false>
PartialLikelihood evaluate(std::span<const EventTable> tables, Ties ties, double beta) {
  return ties == Ties::efron ? evaluate<Ties::efron, SLOPE>(tables, beta)
                             : evaluate<Ties::breslow, SLOPE>(tables, beta);
}

enum class Estimate { finite, plus_infinity, minus_infinity, undefined };

// U(beta) decreases in beta (the log partial likelihood is concave), from
// U(-inf) = sum over times with controls at risk of d1 to
// U(+inf) = -(sum over times with treatment patients at risk of d0).
// The MLE is +inf when U(+inf) = 0 < U(-inf): no control event while a
// treatment patient is at risk (e.g. no control events); -inf symmetrically;
// and undefined when both vanish, i.e. no event ever has both arms at risk, so
// the likelihood is flat (no events, one arm empty, a single patient).
Estimate classify(std::span<const EventTable> tables) {
  bool score_at_plus_infinity_zero = true;
  bool score_at_minus_infinity_zero = true;
  for (const EventTable& table : tables) {
    for (const EventRow& row : table.rows) {
      if (row.at_risk[TREATMENT] > 0 && row.events[CONTROL] > 0) {
        score_at_plus_infinity_zero = false;
      }
      if (row.at_risk[CONTROL] > 0 && row.events[TREATMENT] > 0) {
        score_at_minus_infinity_zero = false;
      }
      if (!score_at_plus_infinity_zero && !score_at_minus_infinity_zero) {
        return Estimate::finite;  // typically within the first rows: no need to read the rest
      }
    }
  }
  if (score_at_plus_infinity_zero && score_at_minus_infinity_zero) {
    return Estimate::undefined;
  }
  if (score_at_plus_infinity_zero) {
    return Estimate::plus_infinity;
  }
  return score_at_minus_infinity_zero ? Estimate::minus_infinity : Estimate::finite;
}

// Supremum of the log partial likelihood when beta diverges. At each event
// time the arm favoured by the limit (treatment for +inf) takes all the weight
// if it has anyone at risk, and then has all the events there (that is what
// makes the likelihood monotone), so the term tends to the beta-free term of
// that arm's risk set alone; otherwise the time only has the other arm at risk
// and its term does not depend on beta.
template <Ties TIES>
double limit_log_likelihood(std::span<const EventTable> tables, int favoured_arm) {
  Sums sums;
  for (const EventTable& table : tables) {
    for (const EventRow& row : table.rows) {
      EventTime time = event_time(row);
      const int other_arm = 1 - favoured_arm;
      const int remaining_arm = row.at_risk[favoured_arm] > 0 ? favoured_arm : other_arm;
      if (remaining_arm == TREATMENT) {
        time.at_risk_control = time.events_control = 0.0;
      } else {
        time.at_risk_treatment = time.events_treatment = 0.0;
      }
      add_event_time<TIES>(time, 1.0, sums);
    }
  }
  return -sums.log_denominators.value();
}

double limit_log_likelihood(std::span<const EventTable> tables, Ties ties, int favoured_arm) {
  return ties == Ties::efron ? limit_log_likelihood<Ties::efron>(tables, favoured_arm)
                             : limit_log_likelihood<Ties::breslow>(tables, favoured_arm);
}

// Signed root of the likelihood-ratio statistic; rounding can make a
// near-zero difference slightly negative.
double signed_root(double beta, double log_likelihood, double log_likelihood_at_zero) {
  const double statistic = std::max(0.0, 2.0 * (log_likelihood - log_likelihood_at_zero));
  return beta > 0.0 ? -std::sqrt(statistic) : (beta < 0.0 ? std::sqrt(statistic) : 0.0);
}

// A log-likelihood that is not finite (exp(beta) overflowed or underflowed)
// counts as a decrease; so does a fall beyond rounding, as a rounding-level
// fall near the maximum would only trigger useless halvings.
bool decreases(const PartialLikelihood& current, const PartialLikelihood& candidate) {
  const double rounding = DECREASE_TOLERANCE * (1.0 + std::abs(current.log_likelihood));
  const bool finite = std::isfinite(candidate.log_likelihood);
  return !(finite && candidate.log_likelihood >= current.log_likelihood - rounding);
}

bool small_step(double step, double beta) {
  return std::abs(step) <= BETA_TOLERANCE * std::max(1.0, std::abs(beta));
}

// The iteration solves U(beta) = O1 - P(beta) = 0, where P = sum of p over the
// events (the treatment events expected at beta), O1 the treatment events and
// D all events, not on U but on
//   h(beta) = logit(P / D) - logit(O1 / D),
// which has the same root (P rises from 0 to D with beta) and is nearly linear
// in beta: exactly so when every risk set has the same treatment share at
// beta = 0, as P / D is then the logistic function of beta plus a constant (a
// Newton step on h from 0 is then Pike's estimate, 1972, and lands on the root).
// From h = log P - log Q, Q = D - P, P' = I, P'' = I' = sum p (1 - p)(1 - 2p)
// (each term of P, Efron's included, is a share p with p' = p (1 - p)):
//   h = -log1p(D U / (O0 P)),  h' = I D / (P Q),  h'' / h' = I' / I - I (Q - P) / (P Q).
struct LogitScore {
  double newton_step = 0.0;  // -h / h'
  double slope = 0.0;        // h'
  bool defined = false;      // false where P or Q is 0 in floating point
};

LogitScore logit_score(const PartialLikelihood& at) {
  const double expected = at.expected_treatment_events;             // P
  const double rest = at.events - expected;                         // Q
  const double control_events = at.events - (at.score + expected);  // O0 = D - O1
  const double x = at.events * at.score / (control_events * expected);
  LogitScore h;
  h.slope = at.information * at.events / (expected * rest);
  h.newton_step = std::log1p(x) / h.slope;
  h.defined = x > -1.0 && std::isfinite(h.newton_step) && std::isfinite(h.slope) && h.slope > 0.0;
  return h;
}

// h'' from the information's slope I' (the first evaluation, at beta = 0).
double logit_curvature(const PartialLikelihood& at, const LogitScore& h) {
  const double expected = at.expected_treatment_events;
  const double rest = at.events - expected;
  return h.slope * (at.information_slope / at.information - at.information * (rest - expected) / (expected * rest));
}

// Halley's method on h (cubic convergence; e.g. Press et al., "Numerical
// Recipes", 3rd ed., 9.4): n / (1 + n h'' / (2 h')), n = -h / h'. h'' is exact
// at beta = 0; at later iterates it is extrapolated from the last two, as the
// line through h''(b0) at b0 whose mean over [b0, b1] is (h'(b1) - h'(b0)) /
// (b1 - b0): h''(b1) = 2 (h'(b1) - h'(b0)) / (b1 - b0) - h''(b0), which spares
// every later evaluation the sum of I'. On this design's looks a fit then needs
// 3.1 evaluations on average, Newton's method on U 4. Far from the root
// (Halley's denominator below 1/2) the step is Newton's on h, and where h is not
// defined Newton's on U; the caller halves any step that decreases the
// likelihood either way.
class LogitHalley {
 public:
  explicit LogitHalley(const PartialLikelihood& at_zero)
      : last_(logit_score(at_zero)), curvature_(last_.defined ? logit_curvature(at_zero, last_) : 0.0) {}

  // The step from `current` at `beta` (the first call: at_zero at 0).
  double step(const PartialLikelihood& current, double beta) {
    if (calls_++ > 0) {
      const LogitScore h = logit_score(current);
      curvature_ = h.defined && last_.defined ? 2.0 * (h.slope - last_.slope) / (beta - last_beta_) - curvature_ : 0.0;
      last_ = h;
      last_beta_ = beta;
    }
    if (!last_.defined) {
      return current.score / current.information;
    }
    const double denominator = 1.0 + last_.newton_step * curvature_ / (2.0 * last_.slope);
    const double halley = last_.newton_step / denominator;
    return denominator >= 0.5 && std::isfinite(halley) ? halley : last_.newton_step;
  }

 private:
  LogitScore last_;
  double curvature_;
  double last_beta_ = 0.0;
  int calls_ = 0;
};

// Halley's method on h (LogitHalley) from beta = 0, halving the step while the
// log-likelihood decreases (Therneau & Grambsch 2000, ch. 3; R's coxph halves
// its Newton steps on U the same way). Converged when the
// next full step would change beta by less than BETA_TOLERANCE relative: that
// step is the estimate of the remaining distance to the maximum, so it is
// taken without evaluating the likelihood there once more (beta's error is then
// of the order of the cube of the step, or its square after a Newton step; the
// information and log-likelihood are those one step before, which differ from the ones at beta by a relative
// amount of the order of the step and of its square). Also converged when a
// step changes the log-likelihood by less than LOG_LIKELIHOOD_TOLERANCE.
void maximise(std::span<const EventTable> tables, Ties ties, const PartialLikelihood& at_zero, CoxResult& result) {
  double beta = 0.0;
  PartialLikelihood current = at_zero;
  LogitHalley halley(at_zero);
  for (int iteration = 1; iteration <= MAX_ITERATIONS; ++iteration) {
    result.iterations = iteration;
    if (!(current.information > 0.0)) {
      break;  // numerically flat at an extreme beta; report the last iterate
    }
    double step = halley.step(current, beta);
    if (small_step(step, beta + step)) {
      beta += step;
      result.converged = true;
      break;
    }
    PartialLikelihood candidate = evaluate(tables, ties, beta + step);
    int halvings = 0;
    while (decreases(current, candidate) && !small_step(step, beta) && halvings < MAX_HALVINGS) {
      step *= 0.5;
      candidate = evaluate(tables, ties, beta + step);
      ++halvings;
    }
    const double change = candidate.log_likelihood - current.log_likelihood;
    beta += step;
    current = candidate;
    if (halvings == 0 && std::abs(change) < LOG_LIKELIHOOD_TOLERANCE) {
      result.converged = true;
      break;
    }
  }
  result.log_hr = beta;
  result.log_likelihood = current.log_likelihood;
  result.se = current.information > 0.0 ? 1.0 / std::sqrt(current.information) : INFINITY_VALUE;
  result.z_wald = std::isfinite(result.se) ? -beta / result.se : 0.0;
  result.z_lr = signed_root(beta, current.log_likelihood, at_zero.log_likelihood);
}

}  // namespace

// When the MLE does not exist (monotone likelihood; Therneau & Grambsch 2000,
// ch. 3, on infinite coefficients) log_hr is +-infinity, se
// infinity, z_wald 0, converged false, and z_lr and log_likelihood come from
// the supremum of the likelihood (its limit); z_score is computed as usual.
// When the likelihood is flat, log_hr is 0, se infinity and every z is 0.
CoxResult cox_fit(std::span<const EventTable> tables, Ties ties) {
  CoxResult result;
  const PartialLikelihood at_zero = evaluate<true>(tables, ties, 0.0);
  result.log_likelihood = at_zero.log_likelihood;
  result.z_score = at_zero.information > 0.0 ? -at_zero.score / std::sqrt(at_zero.information) : 0.0;

  const Estimate estimate = classify(tables);
  switch (estimate) {
    case Estimate::finite: maximise(tables, ties, at_zero, result); break;
    case Estimate::plus_infinity:
    case Estimate::minus_infinity: {
      const bool plus = estimate == Estimate::plus_infinity;
      result.log_hr = plus ? INFINITY_VALUE : -INFINITY_VALUE;
      result.se = INFINITY_VALUE;
      result.log_likelihood = limit_log_likelihood(tables, ties, plus ? TREATMENT : CONTROL);
      result.z_lr = signed_root(result.log_hr, result.log_likelihood, at_zero.log_likelihood);
      break;
    }
    case Estimate::undefined: result.se = INFINITY_VALUE; break;
  }
  return result;
}

}  // namespace trialsim
