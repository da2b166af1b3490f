#pragma once
//! \file outcome.hpp
//! What one simulated trial leaves behind: a small record per look. Light on
//! purpose (no other trialsim header), so that the results, io and report
//! modules can read outcomes without knowing how a trial is simulated.

#include <array>
#include <cstdint>

namespace trialsim {

inline constexpr int CONTROL = 0;
inline constexpr int TREATMENT = 1;
inline constexpr int MAX_LOOKS = 10;
//! Statistics that `test.compare` can decide beside the design's own, on the same trials.
inline constexpr int MAX_COMPARED = 6;

//! What happened at one look of one trial. Codes of `decision`:
enum Decision : std::int8_t {
  NOT_PERFORMED = -1,  //!< the trial had stopped at an earlier look
  CONTINUE = 0,        //!< no boundary crossed at an interim look
  EFFICACY = 1,        //!< efficacy boundary crossed in the direction of benefit (HR < 1)
  HARM = 2,            //!< two-sided designs: boundary crossed in the direction of harm
  FUTILITY = 3,        //!< futility boundary crossed (interim looks)
  NO_REJECTION = 4,    //!< last look, no boundary crossed
};

struct LookOutcome {
  double time = 0.0;  //!< calendar time of the data cut
  //! The design's test statistic (z > 0 favours treatment); NaN where the statistic is
  //! undefined at this look (docs/edge_cases.md), which never crosses a boundary.
  double z = 0.0;
  double hr = 0.0;                  //!< Cox estimate of the HR, treatment vs control; 0 or inf when
                                    //!< one arm has no events, NaN when none exists (docs/edge_cases.md)
  double log_hr_se = 0.0;           //!< the Cox model's SE of log(hr) (1 / sqrt(information));
                                    //!< infinity when one arm has no events, NaN when hr is NaN
  std::int32_t enrolled = 0;        //!< randomised by the cut (in the look's population)
  std::int32_t events[2] = {0, 0};  //!< analysed events per arm
  std::int8_t decision = NOT_PERFORMED;
  bool trigger_reached = true;  //!< false: the trigger never fired; the look used all data
  //! The efficacy critical value the look applied: the plan's, or with `information: observed`
  //! the one spent at this trial's observed information (+infinity: nothing left to spend).
  double boundary_z = 0.0;
  //! Conditional power of rejecting for benefit at the last look, given the look's z, under
  //! the design's hazard ratio and under the current trend (monitoring.hpp); NaN at the last
  //! look and where z is undefined.
  double conditional_power_design = 0.0;
  double conditional_power_trend = 0.0;
  //! With `information: observed` (or observed_events), the decision of the same statistic with the planned
  //! boundaries, by their own procedure on the same trial (NOT_PERFORMED once that has
  //! stopped); otherwise equal to `decision`.
  std::int8_t planned_decision = NOT_PERFORMED;
  //! Each statistic of `test.compare`, decided by its own group-sequential procedure on
  //! the same data; NOT_PERFORMED once that procedure has stopped. A look that only the
  //! compared statistics reach (the design's procedure stopped before it) carries its data
  //! (time, events, HR) with decision NOT_PERFORMED and z NaN.
  std::array<double, MAX_COMPARED> compared_z{};
  std::array<std::int8_t, MAX_COMPARED> compared_decision{};
};

struct TrialOutcome {
  std::array<LookOutcome, MAX_LOOKS> looks;
  std::int8_t stop_look = 0;  //!< index of the look at which the design's procedure ended
};

//! True when some procedure analysed the look: the design's, or one of the first
//! `compared` compared statistics'.
inline bool analysed(const LookOutcome& look, int compared) {
  if (look.decision != NOT_PERFORMED || look.planned_decision != NOT_PERFORMED) return true;
  for (int c = 0; c < compared; ++c) {
    if (look.compared_decision[static_cast<std::size_t>(c)] != NOT_PERFORMED) return true;
  }
  return false;
}

}  // namespace trialsim
