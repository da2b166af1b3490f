#pragma once
// The per-look figures of a results summary, one list that /summary (written and read
// back) and a sweep's /scenarios/look_table both iterate. Private to the io module.

#include "trialsim/results.hpp"

namespace trialsim {

// Per-look probabilities and plan values of /summary, read and written alike.
struct LookField {
  const char* name;
  double LookSummary::*member;
  const char* description;
};
inline constexpr LookField LOOK_FIELDS[] = {
    {"reject_probability", &LookSummary::reject_probability, "P(stop for efficacy at the look)"},
    {"reject_se", &LookSummary::reject_se, "Monte Carlo SE of reject_probability"},
    {"harm_probability", &LookSummary::harm_probability, "P(stop for harm at the look), two-sided designs"},
    {"harm_se", &LookSummary::harm_se, "Monte Carlo SE of harm_probability"},
    {"futility_probability", &LookSummary::futility_probability, "P(stop for futility at the look)"},
    {"futility_se", &LookSummary::futility_se, "Monte Carlo SE of futility_probability"},
    {"stop_probability", &LookSummary::stop_probability, "P(the trial ends at the look, for any reason)"},
    {"stop_se", &LookSummary::stop_se, "Monte Carlo SE of stop_probability"},
    {"performed_probability", &LookSummary::performed_probability,
     "P(the design's procedure reaches the look): the share of replicates over which the look's distributions "
     "are taken"},
    {"trigger_missed_probability", &LookSummary::trigger_missed_probability,
     "P(the look's trigger never fired | the look was performed)"},
    {"boundary_z", &LookSummary::boundary_z, "efficacy critical value of z at the look"},
    {"nominal_alpha", &LookSummary::nominal_alpha, "nominal p-value threshold of the look (sides-sided)"},
    {"futility_z", &LookSummary::futility_z, "futility critical value of z (-inf: none)"},
    {"information_fraction", &LookSummary::information_fraction, "planned information fraction of the look"},
    {"mean_z", &LookSummary::mean_z, "mean z over the replicates that performed the look and where z is defined"},
    {"mean_conditional_power_design", &LookSummary::mean_conditional_power_design,
     "mean conditional power under the design's hazard ratio over the replicates that performed the look"},
    {"mean_conditional_power_trend", &LookSummary::mean_conditional_power_trend,
     "mean conditional power under the current trend over the replicates that performed the look"},
};

}  // namespace trialsim
