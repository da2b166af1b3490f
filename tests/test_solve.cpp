// Solving for a target power: the monotone search on curves whose crossing is
// known exactly, Schoenfeld's power against its closed form, and `trialsim solve`
// end to end on a design whose answer is known analytically.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "input_error.hpp"
#include "trialsim/boundaries.hpp"
#include "trialsim/config.hpp"
#include "trialsim/error.hpp"
#include "trialsim/solve.hpp"

using namespace trialsim;
namespace fs = std::filesystem;

namespace {

const double Z80 = normal_quantile(0.8);     // 0.8416
const double Z975 = normal_quantile(0.975);  // 1.96

std::string error_of(const std::function<PowerPoint(double)>& power_at, const SolveSettings& settings) {
  return trialsim::testing::input_error_of([&] { solve_for_power(power_at, settings, "test.path"); });
}

}  // namespace

TEST(Solve, IntegerSearchFromTheStartFindsTheFirstValueThatReaches) {
  // Power Phi((x - 100) / 20) with a standard error of 0.01 at every x: 0.8 is
  // reached at 100 + 20 z_0.8 = 116.83, so the first integer is 117. The power's
  // band +-1.96 SE crosses 0.8 at 100 + 20 Phi^-1(0.8 -+ 0.0196) = 115.48 and 118.29,
  // so the interval is [116, 119]; the SE is 0.01 / (phi(z_0.8) / 20) = 0.714.
  int evaluations = 0;
  const auto power_at = [&evaluations](double x) {
    ++evaluations;
    return PowerPoint{x, normal_cdf((x - 100) / 20), 0.01};
  };
  SolveSettings settings;
  settings.integer = true;
  settings.start = 10;  // doubles up to 160, then bisects
  const Solution solution = solve_for_power(power_at, settings, "test.path");
  EXPECT_EQ(solution.value, 117);
  EXPECT_NEAR(solution.interpolated, 100 + 20 * Z80, 0.01);
  EXPECT_TRUE(solution.increasing);
  ASSERT_TRUE(solution.lower && solution.upper);
  EXPECT_EQ(*solution.lower, 116);
  EXPECT_EQ(*solution.upper, 119);
  const double density = std::exp(-Z80 * Z80 / 2) / std::sqrt(2 * M_PI);
  EXPECT_NEAR(solution.standard_error, 0.01 / (density / 20), 0.03);
  // Each value is simulated once however often the search asks for it.
  EXPECT_EQ(static_cast<std::size_t>(evaluations), solution.points.size());
  EXPECT_TRUE(std::is_sorted(solution.points.begin(), solution.points.end(),
                             [](const PowerPoint& a, const PowerPoint& b) { return a.value < b.value; }));

  settings.start = 1000;  // halves down to 125, 62, then bisects
  EXPECT_EQ(solve_for_power(power_at, settings, "test.path").value, 117);
}

TEST(Solve, RealSearchOverADecreasingCurve) {
  // Like the treatment arm's mortality: power 1 - Phi((x - 0.5) / 0.05) falls as x grows;
  // 0.8 at x = 0.5 - 0.05 z_0.8 = 0.45792.
  const auto power_at = [](double x) { return PowerPoint{x, 1 - normal_cdf((x - 0.5) / 0.05), 0.004}; };
  SolveSettings settings;
  settings.low = 0.3;
  settings.high = 0.7;
  const Solution solution = solve_for_power(power_at, settings, "test.path");
  EXPECT_FALSE(solution.increasing);
  // Bisection to 1e-3 of the range (4e-4), then linear interpolation.
  EXPECT_NEAR(solution.value, 0.5 - 0.05 * Z80, 1e-5);
  ASSERT_TRUE(solution.lower && solution.upper);
  EXPECT_NEAR(*solution.lower, 0.5 - 0.05 * normal_quantile(0.8 + Z975 * 0.004), 1e-5);
  EXPECT_NEAR(*solution.upper, 0.5 - 0.05 * normal_quantile(0.8 - Z975 * 0.004), 1e-5);
}

TEST(Solve, InvalidValuesKeepTheSearchInsideTheDomain) {
  // Values below 35 give no valid design (as a sample size below an interim's count).
  // Power Phi((x - 40) / 10) reaches 0.5 at exactly 40.
  const auto power_at = [](double x) {
    if (x < 35) throw InvalidValue("too small");
    return PowerPoint{x, normal_cdf((x - 40) / 10), 0.01};
  };
  SolveSettings settings;
  settings.integer = true;
  settings.target_power = 0.5;
  settings.start = 60;
  EXPECT_EQ(solve_for_power(power_at, settings, "test.path").value, 40);
  settings.target_power = 0.2;  // Phi(-0.5) = 0.31 at 35, the smallest valid value
  EXPECT_EQ(error_of(power_at, settings),
            "test.path: the power already reaches the target at the smallest valid value 35 (power 0.3085 (SE "
            "0.0100))");
}

TEST(Solve, TargetsOutsideTheRangeAreInputErrors) {
  const auto power_at = [](double x) { return PowerPoint{x, 1 - normal_cdf((x - 0.5) / 0.05), 0.004}; };
  SolveSettings settings;
  EXPECT_EQ(error_of(power_at, settings), "--range: is required to solve for a real-valued path such as test.path");
  settings.low = 0.55;
  settings.high = 0.7;
  EXPECT_EQ(error_of(power_at, settings),
            "test.path: the power does not cross the target 0.8 between 0.55 (power 0.1587 (SE 0.0040)) and 0.7 "
            "(power 0.0000 (SE 0.0040)); give a --range where it does");
}

TEST(Solve, SchoenfeldPowerOfAOneLookDesign) {
  const Design design = parse_design(R"(name: one look
arms:
  - {id: control, survival: {exponential: {median: 100}}}
  - {id: treatment, survival: {relative_to_control: {hazard_ratio: 0.6}}}
enrollment: {sample_size: 200, rates: [{from: 0, rate: 2}]}
analyses: [{when: {events: 120}}]
test: {sides: 1, alpha: 0.025}
)",
                                     "one.yaml");
  const AnalyticPower analytic = schoenfeld_power(design);
  ASSERT_TRUE(analytic.power);
  EXPECT_DOUBLE_EQ(analytic.hazard_ratio, 0.6);
  EXPECT_EQ(analytic.events, 120);
  // Phi(|ln 0.6| sqrt(120 / 4) - z_0.975) = 0.7989.
  EXPECT_NEAR(*analytic.power, normal_cdf(-std::log(0.6) * std::sqrt(30.0) - Z975), 1e-9);
  EXPECT_EQ(analytic.caveat, "");
}

TEST(Solve, SchoenfeldPowerNeedsAConstantRatioAndKnownEvents) {
  const std::string danger = std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock.yaml";
  const AnalyticPower planned = schoenfeld_power(load_design(danger));
  ASSERT_TRUE(planned.power);
  // 360 patients followed 180 days with 60% and 42% mortality: 360 x 0.51 = 183.6 events.
  EXPECT_NEAR(planned.events, 183.6, 1e-9);
  EXPECT_NEAR(planned.hazard_ratio, std::log(0.58) / std::log(0.40), 1e-12);
  const AnalyticPower weibull = schoenfeld_power(
      load_design(danger, std::vector<Override>{{"arms[1].survival", "{weibull: {shape: 2, median: 200}}"}}));
  EXPECT_FALSE(weibull.power);
  EXPECT_EQ(weibull.reason, "the hazard ratio is not one constant");
  const AnalyticPower by_time = schoenfeld_power(load_design(
      danger, std::vector<Override>{{"analyses[1].when", "{time: 5000}"}, {"test.information_fractions", "[0.5, 1]"}}));
  EXPECT_FALSE(by_time.power);
  const AnalyticPower with_crossover =
      schoenfeld_power(load_design(std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock_timeline.yaml"));
  EXPECT_EQ(with_crossover.caveat, "ignores crossover");
}

TEST(Solve, SchoenfeldEventsCountDropout) {
  // Exponential event hazard l and dropout hazard m: P(event before dropout within
  // 180 days) = l / (l + m) (1 - exp(-(l + m) 180)), per arm, half the patients each.
  const std::string danger = std::string(TRIALSIM_SOURCE_DIR) + "/configs/danger_shock.yaml";
  const AnalyticPower with_dropout =
      schoenfeld_power(load_design(danger, std::vector<Override>{{"dropout",
                                                                  "{control: {exponential: {hazard: 0.002}}, "
                                                                  "pump: {exponential: {hazard: 0.004}}}"}}));
  ASSERT_TRUE(with_dropout.power);
  double expected = 0.0;
  for (const auto& [mortality, dropout] : {std::pair{0.60, 0.002}, std::pair{0.42, 0.004}}) {
    const double hazard = -std::log(1.0 - mortality) / 180.0;
    expected += 180.0 * hazard / (hazard + dropout) * (1.0 - std::exp(-(hazard + dropout) * 180.0));
  }
  EXPECT_NEAR(with_dropout.events, expected, 1e-6 * expected);
  EXPECT_LT(with_dropout.events, 183.6);
  EXPECT_EQ(with_dropout.caveat, "");
}

namespace {

struct Command {
  int exit_code;
  std::string out;
  std::string err;
};

Command run_trialsim(const std::string& arguments) {
  const fs::path dir = fs::temp_directory_path();
  const fs::path out = dir / "trialsim_solve_out.txt", err = dir / "trialsim_solve_err.txt";
  const int status = std::system(
      (std::string(TRIALSIM_BINARY) + " " + arguments + " > " + out.string() + " 2> " + err.string()).c_str());
  const auto slurp = [](const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

// One look when E events have occurred, HR 0.6, one-sided alpha 0.025.
const std::string ONE_LOOK = R"(name: events for 80% power
arms:
  - {id: control, survival: {exponential: {median: 100}}}
  - {id: treatment, survival: {relative_to_control: {hazard_ratio: 0.6}}}
enrollment: {sample_size: 200, rates: [{from: 0, rate: 2}]}
analyses: [{name: final, when: {events: 100}}]
test: {statistic: logrank, sides: 1, alpha: 0.025}
simulation: {replicates: 10000, seed: 3}
)";

fs::path written(const std::string& name, const std::string& text) {
  const fs::path path = fs::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}

// The power printed for `value` in solve's table.
double power_in_table(const std::string& out, int value) {
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    int v = 0;
    double power = 0;
    if (std::sscanf(line.c_str(), " %d %lf", &v, &power) == 2 && v == value) return power;
  }
  return std::nan("");
}

}  // namespace

TEST(SolveCommand, EventsForEightyPercentPowerMatchSchoenfeld) {
  // Schoenfeld: D = 4 (z_0.975 + z_0.8)^2 / (ln 0.6)^2 = 120.3 events. 10,000
  // replicates per value: power SE 0.004, slope phi(z_0.8) |ln 0.6| / (4 sqrt(D)) =
  // 0.00326 per event, so the solution's SE is about 1.2 events. Schoenfeld's
  // formula is itself an approximation for HR away from 1 (Freedman's, the other
  // classical one, gives 125.6): the tolerance is 3 stated SEs plus 3% of D.
  const fs::path design = written("trialsim_solve_one_look.yaml", ONE_LOOK);
  const Command solve =
      run_trialsim("solve " + design.string() + " --for 'analyses[0].when.events' --range 80:200 -q --threads 2");
  ASSERT_EQ(solve.exit_code, 0) << solve.err;
  int value = 0, lower = 0, upper = 0;
  double crossing = 0, se = 0;
  const std::size_t at = solve.out.find("simulated: ");
  ASSERT_NE(at, std::string::npos) << solve.out;
  ASSERT_EQ(
      std::sscanf(solve.out.c_str() + at,
                  "simulated: analyses[0].when.events = %d (crossing at %lf); 95%% CI %d to %d; Monte Carlo SE %lf",
                  &value, &crossing, &lower, &upper, &se),
      5)
      << solve.out;
  const double schoenfeld = 4 * std::pow(Z975 + Z80, 2) / std::pow(std::log(0.6), 2);
  EXPECT_NEAR(schoenfeld, 120.3, 0.05);
  EXPECT_NEAR(value, schoenfeld, 3 * se + 0.03 * schoenfeld) << solve.out;
  // The stated SE is the power's SE over the slope (within the slope's own noise).
  const double slope = std::exp(-Z80 * Z80 / 2) / std::sqrt(2 * M_PI) * -std::log(0.6) / (4 * std::sqrt(schoenfeld));
  EXPECT_NEAR(se, std::sqrt(0.8 * 0.2 / 10000) / slope, 0.5 * std::sqrt(0.8 * 0.2 / 10000) / slope);
  EXPECT_LE(lower, value);
  EXPECT_GE(upper, value);
  // The answer is where the simulated power crosses 0.8.
  EXPECT_GE(power_in_table(solve.out, value), 0.8);
  EXPECT_LT(power_in_table(solve.out, value - 1), 0.8);
  EXPECT_NE(solve.out.find("analytic: analyses[0].when.events = 120.3 (Schoenfeld"), std::string::npos) << solve.out;
  fs::remove(design);
}

TEST(SolveCommand, BadRequestsExitWithCodeTwo) {
  const fs::path design = written("trialsim_solve_bad.yaml", ONE_LOOK);
  const std::string run = "solve " + design.string() + " --replicates 200 -q ";
  const Command real_without_range = run_trialsim(run + "--for 'arms[1].survival.relative_to_control.hazard_ratio'");
  EXPECT_EQ(real_without_range.exit_code, 2);
  EXPECT_NE(real_without_range.err.find("--range: is required"), std::string::npos) << real_without_range.err;
  const Command not_crossed =
      run_trialsim(run + "--for 'arms[1].survival.relative_to_control.hazard_ratio' --range 0.95:0.99");
  EXPECT_EQ(not_crossed.exit_code, 2);
  EXPECT_NE(not_crossed.err.find("the power does not cross the target 0.8 between 0.95"), std::string::npos)
      << not_crossed.err;
  const Command not_a_number = run_trialsim(run + "--for test.statistic");
  EXPECT_EQ(not_a_number.exit_code, 2);
  EXPECT_NE(not_a_number.err.find("--for: test.statistic: not a number in the design"), std::string::npos)
      << not_a_number.err;
  const Command bad_range = run_trialsim(run + "--for enrollment.sample_size --range 300:200");
  EXPECT_EQ(bad_range.exit_code, 2);
  const Command invalid_end = run_trialsim(run + "--for enrollment.sample_size --range 50:400");
  EXPECT_EQ(invalid_end.exit_code, 2);
  EXPECT_NE(invalid_end.err.find("enrollment.sample_size: the value 50 gives no valid design: "), std::string::npos)
      << invalid_end.err;
  fs::remove(design);
}
