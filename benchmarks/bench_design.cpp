// `trialsim design` at large sample sizes: the analytic side of the event-driven DanGer
// Shock variant (configs/danger_shock_event_driven.yaml, deterministic arrivals) scaled
// to N patients, its enrolment rates and event targets multiplied by N / 360 so that the
// trial keeps its calendar. Its cost should not grow with N (src/analytic/entry_sums.hpp).

#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "trialsim/analytic.hpp"
#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"

using namespace trialsim;

namespace {

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

Design scaled_event_driven(int patients) {
  const double scale = patients / 360.0;
  const std::vector<Override> overrides{
      {"enrollment.sample_size", std::to_string(patients)},
      {"enrollment.rates",
       "[{from: 0, rate: " + number(0.041 * scale) + "}, {from: 2190, rate: " + number(0.164 * scale) + "}]"},
      {"analyses", "[{name: interim, when: {events: " + std::to_string(std::lround(92 * scale)) +
                       "}}, {name: final, when: {events: " + std::to_string(std::lround(184 * scale)) + "}}]"},
  };
  return load_design(std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock_event_driven.yaml", overrides);
}

void design_event_driven(benchmark::State& state) {
  const Design design = scaled_event_driven(static_cast<int>(state.range(0)));
  const BoundaryPlan plan = plan_boundaries(design);
  for (auto _ : state) benchmark::DoNotOptimize(analyse_design(design, plan));
}

}  // namespace

BENCHMARK(design_event_driven)->Arg(360)->Arg(20000)->Arg(200000)->Unit(benchmark::kMillisecond);
