#pragma once
// A trial under H0 for the type I error tests of the non-proportional-hazards statistics:
// both arms with the control law of configs/danger_shock_delayed_effect.yaml (early hazard),
// 300 patients. A design file's arms, allocation and enrolment; the tests add the rest.

#include <string>

inline const std::string NULL_EARLY_HAZARD_TRIAL = R"(
time_unit: day
arms:
  - id: control
    survival:
      piecewise_exponential: {event_probability: {7: 0.35, 30: 0.50, 180: 0.60}}
  - id: treatment
    survival:
      piecewise_exponential: {event_probability: {7: 0.35, 30: 0.50, 180: 0.60}}
allocation: {ratio: [1, 1], block_size: 4}
enrollment:
  sample_size: 300
  rates: [{from: 0, rate: 0.5}]
)";
