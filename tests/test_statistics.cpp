// Tests of the survival statistics (event tables, log-rank, Cox, milestone).
// Reference numbers come from R's survival package (survdiff, coxph, survfit)
// run by tests/reference/statistics.R on the data sets in tests/data; that
// script writes tests/data/statistics_reference.csv, and these tests compare
// to it at REFERENCE_TOLERANCE (relative). Hand-worked values say so.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "trialsim/boundaries.hpp"
#include "trialsim/statistics.hpp"

namespace trialsim {
namespace {

constexpr double REFERENCE_TOLERANCE = 1e-8;  // relative, against R's full-precision output
constexpr double EXACT_TOLERANCE = 1e-12;     // hand-worked rational values

std::string data_path(const std::string& file) {
  return std::string(TRIALSIM_TEST_DATA) + "/" + file;
}

// Yields the data lines of a CSV file: '#' comment lines and the header skipped.
std::vector<std::string> data_lines(const std::string& file) {
  std::ifstream in(data_path(file));
  if (!in) {
    throw std::runtime_error("cannot open " + data_path(file));
  }
  std::vector<std::string> lines;
  bool header_seen = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    lines.push_back(line);
  }
  return lines;
}

struct DataSet {
  std::vector<Observation> observations;
  int strata = 1;
};

// tests/data/statistics_<name>.csv: time,event,arm,stratum
DataSet read_data_set(const std::string& name) {
  DataSet data;
  for (const std::string& line : data_lines("statistics_" + name + ".csv")) {
    std::istringstream fields(line);
    double time = 0.0;
    int event = 0;
    int arm = 0;
    int stratum = 0;
    char comma = 0;
    fields >> time >> comma >> event >> comma >> arm >> comma >> stratum;
    data.observations.push_back(
        {time, static_cast<std::uint8_t>(arm), static_cast<std::uint8_t>(event), static_cast<std::uint16_t>(stratum)});
    data.strata = std::max(data.strata, stratum + 1);
  }
  return data;
}

// tests/data/statistics_reference.csv: dataset,analysis,quantity,value
class Reference {
 public:
  Reference() {
    for (const std::string& line : data_lines("statistics_reference.csv")) {
      const auto last_comma = line.rfind(',');
      values_[line.substr(0, last_comma)] = std::stod(line.substr(last_comma + 1));
    }
  }
  double at(const std::string& dataset, const std::string& analysis, const std::string& quantity) const {
    const auto found = values_.find(dataset + "," + analysis + "," + quantity);
    if (found == values_.end()) {
      throw std::runtime_error("no reference value " + dataset + "," + analysis + "," + quantity);
    }
    return found->second;
  }

 private:
  std::map<std::string, double> values_;
};

const Reference& reference() {
  static const Reference values;
  return values;
}

void expect_relative(double actual, double expected, double tolerance, const std::string& what) {
  EXPECT_NEAR(actual, expected, tolerance * std::max(std::abs(expected), 1e-12)) << what;
}

Observation patient(double time, int arm, int event, int stratum = 0) {
  return {time, static_cast<std::uint8_t>(arm), static_cast<std::uint8_t>(event), static_cast<std::uint16_t>(stratum)};
}

// --- Comparisons with R --------------------------------------------------------

void check_logrank(const std::string& dataset, const std::string& analysis, const LogrankResult& result) {
  const Reference& r = reference();
  const std::string what = dataset + " " + analysis;
  expect_relative(result.observed_minus_expected, r.at(dataset, analysis, "o_minus_e"), REFERENCE_TOLERANCE,
                  what + " O-E");
  expect_relative(result.variance, r.at(dataset, analysis, "variance"), REFERENCE_TOLERANCE, what + " V");
  expect_relative(result.z * result.z, r.at(dataset, analysis, "chisq"), REFERENCE_TOLERANCE, what + " chisq");
  EXPECT_EQ(result.z > 0.0, r.at(dataset, analysis, "o_minus_e") < 0.0) << what << " sign of z";
}

void check_cox(const std::string& dataset, const std::string& analysis, const CoxResult& result) {
  const Reference& r = reference();
  const std::string what = dataset + " " + analysis;
  const double coef = r.at(dataset, analysis, "coef");
  const double se = r.at(dataset, analysis, "se");
  EXPECT_TRUE(result.converged) << what;
  expect_relative(result.log_hr, coef, REFERENCE_TOLERANCE, what + " coef");
  expect_relative(result.se, se, REFERENCE_TOLERANCE, what + " se");
  expect_relative(result.z_wald, -coef / se, REFERENCE_TOLERANCE, what + " z_wald");
  expect_relative(result.z_score, r.at(dataset, analysis, "z_score"), REFERENCE_TOLERANCE, what + " z_score");
  expect_relative(result.z_lr, r.at(dataset, analysis, "z_lr"), REFERENCE_TOLERANCE, what + " z_lr");
  expect_relative(result.log_likelihood, r.at(dataset, analysis, "loglik"), REFERENCE_TOLERANCE, what + " loglik");
}

void check_milestone(const std::string& dataset, const MilestoneResult& result) {
  const Reference& r = reference();
  const char* analyses[2] = {"km_control", "km_treatment"};
  for (int arm : {CONTROL, TREATMENT}) {
    const std::string what = dataset + " " + analyses[arm];
    expect_relative(1.0 - result.event_probability[arm], r.at(dataset, analyses[arm], "surv"), REFERENCE_TOLERANCE,
                    what + " KM");
    expect_relative(std::sqrt(result.variance[arm]), r.at(dataset, analyses[arm], "std_err"), REFERENCE_TOLERANCE,
                    what + " Greenwood SE");
  }
  EXPECT_DOUBLE_EQ(result.difference, result.event_probability[CONTROL] - result.event_probability[TREATMENT]);
  EXPECT_DOUBLE_EQ(result.z, result.difference / result.se);
}

// The weights of tests/reference/statistics.R's Fleming-Harrington references.
const FlemingHarringtonWeight REFERENCE_WEIGHTS[] = {{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}, {0.5, 2.0}};

std::string weight_analysis(const FlemingHarringtonWeight& weight, bool stratified) {
  std::ostringstream name;
  name << "fh_" << weight.rho << "_" << weight.gamma << (stratified ? "_stratified" : "");
  return name.str();
}

void check_fleming_harrington(const std::string& dataset, std::span<const EventTable> tables, bool stratified) {
  const Reference& r = reference();
  for (const FlemingHarringtonWeight& weight : REFERENCE_WEIGHTS) {
    const std::string analysis = weight_analysis(weight, stratified);
    const WeightedLogrankResult result = fleming_harrington(tables, weight);
    const double score = r.at(dataset, analysis, "score");
    const double variance = r.at(dataset, analysis, "variance");
    // The score can be 0 to the last digit (a weight of 0 at every informative time).
    EXPECT_NEAR(result.score, score, REFERENCE_TOLERANCE * std::max(std::abs(score), 1.0))
        << dataset << " " << analysis;
    expect_relative(result.variance, variance, REFERENCE_TOLERANCE, dataset + " " + analysis + " V");
    EXPECT_NEAR(result.z, variance > 0 ? -score / std::sqrt(variance) : 0.0, 1e-7) << dataset << " " << analysis;
  }
}

// The references: mvtnorm's Miwa algorithm (about 1e-12 here), or, for the singular
// correlations of these weights, an integral to 1e-12 (tests/reference/weighted_logrank.R).
constexpr double MAXCOMBO_P_TOLERANCE = 1e-9;

void check_maxcombo(const std::string& dataset, std::span<const EventTable> tables, bool stratified) {
  const Reference& r = reference();
  const std::string analysis = stratified ? "maxcombo_stratified" : "maxcombo";
  const FlemingHarringtonWeight weights[] = {{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}};
  const MaxComboResult result = maxcombo(tables, weights);
  ASSERT_EQ(result.components, 3);
  for (int a = 0; a < 3; ++a) {
    EXPECT_NEAR(result.z[a], r.at(dataset, analysis, std::string("z").append(std::to_string(a))), 1e-8)
        << dataset << " component " << a;
  }
  EXPECT_NEAR(result.p_benefit, r.at(dataset, analysis, "p_benefit"), MAXCOMBO_P_TOLERANCE) << dataset;
  EXPECT_NEAR(result.p_harm, r.at(dataset, analysis, "p_harm"), MAXCOMBO_P_TOLERANCE) << dataset;
  EXPECT_NEAR(result.z_benefit, -normal_quantile(result.p_benefit), 1e-12);
}

void check_rmst(const std::string& dataset, const EventTable& table) {
  const Reference& r = reference();
  const double tau = r.at(dataset, "rmst_control", "tau");
  const RmstResult result = rmst(table, tau);
  const char* analyses[2] = {"rmst_control", "rmst_treatment"};
  for (int arm : {CONTROL, TREATMENT}) {
    const std::string what = dataset + " " + analyses[arm];
    expect_relative(result.rmst[arm], r.at(dataset, analyses[arm], "rmean"), REFERENCE_TOLERANCE, what + " rmean");
    expect_relative(std::sqrt(result.variance[arm]), r.at(dataset, analyses[arm], "se"), REFERENCE_TOLERANCE,
                    what + " se");
  }
  EXPECT_DOUBLE_EQ(result.difference, result.rmst[TREATMENT] - result.rmst[CONTROL]);
  EXPECT_DOUBLE_EQ(result.z, result.difference / result.se);
}

// Checks one data set, unstratified and (when it has strata) stratified.
void check_data_set(const std::string& dataset) {
  const DataSet data = read_data_set(dataset);
  StatisticsWorkspace workspace;
  auto tables = build_event_tables(data.observations, 1, workspace);
  check_logrank(dataset, "logrank", logrank(tables));
  check_cox(dataset, "cox_breslow", cox_fit(tables, Ties::breslow));
  check_cox(dataset, "cox_efron", cox_fit(tables, Ties::efron));
  check_milestone(dataset, milestone(tables[0], reference().at(dataset, "km_control", "landmark")));
  check_fleming_harrington(dataset, tables, false);
  check_maxcombo(dataset, tables, false);
  check_rmst(dataset, tables[0]);
  if (data.strata > 1) {
    tables = build_event_tables(data.observations, data.strata, workspace);
    ASSERT_EQ(tables.size(), static_cast<std::size_t>(data.strata));
    check_logrank(dataset, "logrank_stratified", logrank(tables));
    check_fleming_harrington(dataset, tables, true);
    check_maxcombo(dataset, tables, true);
    check_cox(dataset, "cox_breslow_stratified", cox_fit(tables, Ties::breslow));
    check_cox(dataset, "cox_efron_stratified", cox_fit(tables, Ties::efron));
  }
}

// --- Hand-worked example ---------------------------------------------------------

// Six patients (tests/data/statistics_tiny.csv):
//   control:   1 event, 3 event, 4 censored
//   treatment: 2 censored, 3 event, 3 censored (at risk at 3: censored at the event time)
// Event times and risk sets (n0, n1; d0, d1):
//   t = 1: (3, 3; 1, 0)  E1 = 1 * 3/6 = 1/2,  V = 1 * (3/6)(3/6)(6-1)/(6-1) = 1/4
//   t = 3: (2, 2; 1, 1)  E1 = 2 * 2/4 = 1,    V = 2 * (2/4)(2/4)(4-2)/(4-1) = 1/3
// O1 = 1, so O - E = 1 - 3/2 = -1/2, V = 7/12, z = (1/2) / sqrt(7/12).
// Cox, Breslow: logL = -log(3 + 3r) + beta - 2 log(2 + 2r), r = e^beta, so
//   U(beta) = 1 - 3r/(1 + r): U(0) = -1/2, I(0) = 1/4 + 2/4 = 3/4, z_score = (1/2)/sqrt(3/4);
//   U = 0 at r = 1/2: beta = -log 2, I = 3 p (1-p) with p = 1/3, so I = 2/3, se = sqrt(3/2).
// Kaplan-Meier at 3: control S = (2/3)(1/2) = 1/3, Greenwood V = (1/9)(1/(3*2) + 1/(2*1)) = 2/27;
//   treatment S = 1/2, V = (1/4)(1/(2*1)) = 1/8.
TEST(TinyExample, EventTableRows) {
  const DataSet data = read_data_set("tiny");
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(data.observations, 1, workspace);
  ASSERT_EQ(tables.size(), 1u);
  const EventTable& table = tables[0];
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0].time, 1.0);
  EXPECT_EQ(table.rows[0].at_risk[CONTROL], 3);
  EXPECT_EQ(table.rows[0].at_risk[TREATMENT], 3);
  EXPECT_EQ(table.rows[0].events[CONTROL], 1);
  EXPECT_EQ(table.rows[0].events[TREATMENT], 0);
  EXPECT_EQ(table.rows[1].time, 3.0);
  EXPECT_EQ(table.rows[1].at_risk[CONTROL], 2);
  EXPECT_EQ(table.rows[1].at_risk[TREATMENT], 2);
  EXPECT_EQ(table.rows[1].events[CONTROL], 1);
  EXPECT_EQ(table.rows[1].events[TREATMENT], 1);
  EXPECT_EQ(table.patients[CONTROL], 3);
  EXPECT_EQ(table.patients[TREATMENT], 3);
  EXPECT_EQ(table.events[CONTROL], 2);
  EXPECT_EQ(table.events[TREATMENT], 1);
}

TEST(TinyExample, HandComputedValues) {
  const DataSet data = read_data_set("tiny");
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(data.observations, 1, workspace);

  const LogrankResult test = logrank(tables);
  EXPECT_NEAR(test.observed_minus_expected, -0.5, EXACT_TOLERANCE);
  EXPECT_NEAR(test.variance, 7.0 / 12.0, EXACT_TOLERANCE);
  EXPECT_NEAR(test.z, 0.5 / std::sqrt(7.0 / 12.0), EXACT_TOLERANCE);

  const CoxResult breslow = cox_fit(tables, Ties::breslow);
  EXPECT_NEAR(breslow.z_score, 0.5 / std::sqrt(0.75), EXACT_TOLERANCE);
  EXPECT_NEAR(breslow.log_hr, -std::log(2.0), EXACT_TOLERANCE);
  EXPECT_NEAR(breslow.se, std::sqrt(1.5), EXACT_TOLERANCE);

  const MilestoneResult at_3 = milestone(tables[0], 3.0);
  EXPECT_NEAR(at_3.event_probability[CONTROL], 2.0 / 3.0, EXACT_TOLERANCE);
  EXPECT_NEAR(at_3.event_probability[TREATMENT], 0.5, EXACT_TOLERANCE);
  EXPECT_NEAR(at_3.variance[CONTROL], 2.0 / 27.0, EXACT_TOLERANCE);
  EXPECT_NEAR(at_3.variance[TREATMENT], 1.0 / 8.0, EXACT_TOLERANCE);
  EXPECT_NEAR(at_3.difference, 1.0 / 6.0, EXACT_TOLERANCE);
  EXPECT_NEAR(at_3.z, (1.0 / 6.0) / std::sqrt(2.0 / 27.0 + 1.0 / 8.0), EXACT_TOLERANCE);
}

TEST(TinyExample, MatchesR) {
  check_data_set("tiny");
}

// --- Published and reference data sets -----------------------------------------------

// Freireich et al. (1963) 6-MP vs placebo, 21 + 21 patients, many ties.
TEST(GehanLeukaemia, MatchesR) {
  check_data_set("gehan");
}

// The rounded values quoted for these data: log-rank chi-square 16.8 and the
// Cox coefficient of placebo vs 6-MP 1.509 with Breslow ties (Kleinbaum &
// Klein 2012, "Survival Analysis: A Self-Learning Text", chs. 2-3, remission
// data), and 1.572 (se 0.412) with Efron ties, R's coxph default. Our
// covariate is 6-MP, hence the opposite sign.
TEST(GehanLeukaemia, PublishedRoundedValues) {
  const DataSet data = read_data_set("gehan");
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(data.observations, 1, workspace);
  const LogrankResult test = logrank(tables);
  EXPECT_NEAR(test.z * test.z, 16.8, 0.05);
  EXPECT_GT(test.z, 0.0);  // 6-MP prolongs remission
  const CoxResult efron = cox_fit(tables, Ties::efron);
  EXPECT_NEAR(efron.log_hr, -1.572, 5e-4);
  EXPECT_NEAR(efron.se, 0.412, 5e-4);
  EXPECT_NEAR(cox_fit(tables, Ties::breslow).log_hr, -1.509, 5e-4);
}

// Veterans' Administration lung cancer trial (Kalbfleisch & Prentice), four
// cell-type strata.
TEST(VeteransLungCancer, MatchesR) {
  check_data_set("veteran");
}

// Integer times 1..6 in three strata: most event times carry many tied events.
TEST(HeavyTies, MatchesR) {
  check_data_set("ties");
}

TEST(HeavyTies, EfronDiffersFromBreslow) {
  const DataSet data = read_data_set("ties");
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(data.observations, 1, workspace);
  EXPECT_GT(std::abs(cox_fit(tables, Ties::efron).log_hr - cox_fit(tables, Ties::breslow).log_hr), 1e-3);
}

// --- Properties on simulated data ----------------------------------------------------

std::vector<Observation> random_observations(int size, int strata, bool integer_times, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::exponential_distribution<double> exponential(1.0);
  std::uniform_int_distribution<int> coin(0, 1);
  std::uniform_int_distribution<int> stratum(0, strata - 1);
  std::vector<Observation> observations;
  for (int i = 0; i < size; ++i) {
    const int arm = coin(engine);
    double time = exponential(engine) * (arm == TREATMENT ? 1.4 : 1.0);
    if (integer_times) {
      time = std::ceil(time * 3.0);
    }
    observations.push_back(patient(time, arm, coin(engine) | coin(engine), stratum(engine)));
  }
  return observations;
}

// The event table by definition, patient by patient, without sorting.
std::vector<EventRow> brute_force_rows(const std::vector<Observation>& observations, int stratum) {
  std::vector<double> times;
  for (const Observation& o : observations) {
    if (o.event != 0 && o.stratum == stratum) {
      times.push_back(o.time);
    }
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  std::vector<EventRow> rows;
  for (double time : times) {
    EventRow row;
    row.time = time;
    for (const Observation& o : observations) {
      if (o.stratum == stratum && o.time >= time) {
        ++row.at_risk[o.arm];
        row.events[o.arm] += (o.time == time) ? o.event : 0;
      }
    }
    rows.push_back(row);
  }
  return rows;
}

void expect_same_rows(const std::vector<EventRow>& actual, const std::vector<EventRow>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].time, expected[i].time) << "row " << i;
    for (int arm : {CONTROL, TREATMENT}) {
      EXPECT_EQ(actual[i].at_risk[arm], expected[i].at_risk[arm]) << "row " << i << " arm " << arm;
      EXPECT_EQ(actual[i].events[arm], expected[i].events[arm]) << "row " << i << " arm " << arm;
    }
  }
}

// Patients and events per arm of one stratum, counted one by one.
void expect_same_totals(const EventTable& table, const std::vector<Observation>& observations, int stratum) {
  std::int32_t patients[2] = {0, 0};
  std::int32_t events[2] = {0, 0};
  for (const Observation& o : observations) {
    if (o.stratum == stratum) {
      ++patients[o.arm];
      events[o.arm] += o.event;
    }
  }
  for (int arm : {CONTROL, TREATMENT}) {
    EXPECT_EQ(table.patients[arm], patients[arm]) << "arm " << arm;
    EXPECT_EQ(table.events[arm], events[arm]) << "arm " << arm;
  }
}

// Sizes on both sides of the switch from insertion sort to distribution sort;
// integer times put many tied observations in one bucket.
TEST(EventTables, MatchTheDefinition) {
  StatisticsWorkspace workspace;
  std::uint32_t seed = 1;
  for (int size : {1, 2, 7, 31, 32, 33, 200, 1000}) {
    for (int strata : {1, 3}) {
      for (bool integer_times : {false, true}) {
        std::vector<Observation> observations = random_observations(size, strata, integer_times, seed++);
        const auto tables = build_event_tables(observations, strata, workspace);
        ASSERT_EQ(tables.size(), static_cast<std::size_t>(strata));
        // Sorted by time, within strata when stratified.
        const auto kept_end = workspace.sorted.begin() + static_cast<std::ptrdiff_t>(workspace.sorted_count);
        ASSERT_TRUE(
            std::is_sorted(workspace.sorted.begin(), kept_end, [strata](const Observation& a, const Observation& b) {
              if (strata > 1 && a.stratum != b.stratum) {
                return a.stratum < b.stratum;
              }
              return a.time < b.time;
            }));
        for (int s = 0; s < strata; ++s) {
          SCOPED_TRACE("size " + std::to_string(size) + " stratum " + std::to_string(s));
          expect_same_rows(tables[s].rows, brute_force_rows(observations, s));
          expect_same_totals(tables[s], observations, s);
        }
      }
    }
  }
}

// One far outlier squeezes every other time into the first bucket of the
// distribution sort; the insertion pass then runs out of its move budget and
// the sort must still come out right.
TEST(EventTables, SkewedTimesStillSorted) {
  std::vector<Observation> observations = random_observations(2000, 2, false, 11);
  observations.push_back(patient(1e12, TREATMENT, 1, 1));
  StatisticsWorkspace workspace;
  for (int strata : {1, 2}) {
    const auto tables = build_event_tables(observations, strata, workspace);
    for (int s = 0; s < strata; ++s) {
      std::vector<Observation> one_stratum;
      for (Observation o : observations) {
        if (strata == 1 || o.stratum == s) {
          o.stratum = 0;
          one_stratum.push_back(o);
        }
      }
      expect_same_rows(tables[s].rows, brute_force_rows(one_stratum, 0));
    }
  }
}

// Observations after the last event are left out of the sort; they must still count as
// patients, and a stratum made only of them must still get its table, without rows.
TEST(EventTables, ObservationsAfterTheLastEventStillCount) {
  std::vector<Observation> observations;
  for (int i = 0; i < 60; ++i) {
    observations.push_back(patient(1.0 + i, i % 2, i % 3 == 0 ? 1 : 0, 0));     // events up to time 58
    observations.push_back(patient(100.0 + i, i % 2, 0, 1));                    // censored after all events
    observations.push_back(patient(59.0 + i, (i + 1) % 2, i == 0 ? 1 : 0, 2));  // one event, at 59, the last
  }
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(observations, 3, workspace);
  for (int s = 0; s < 3; ++s) {
    SCOPED_TRACE("stratum " + std::to_string(s));
    expect_same_rows(tables[s].rows, brute_force_rows(observations, s));
    expect_same_totals(tables[s], observations, s);
  }
  EXPECT_TRUE(tables[1].rows.empty());
  EXPECT_EQ(tables[1].patients[CONTROL] + tables[1].patients[TREATMENT], 60);
}

// The table of known totals (the cut counts them as it makes the observations) against the
// definition, with the totals and the last event time counted here one by one.
TEST(EventTables, KnownTotalsGiveTheSameTable) {
  StatisticsWorkspace workspace;
  std::uint32_t seed = 40;
  for (int size : {0, 1, 31, 33, 360}) {
    for (bool integer_times : {false, true}) {
      SCOPED_TRACE("size " + std::to_string(size) + (integer_times ? ", tied times" : ""));
      const std::vector<Observation> observations = random_observations(size, 1, integer_times, seed++);
      EventTotals totals;
      double last_event = 0.0;
      for (const Observation& o : observations) {
        ++totals.patients;
        totals.treatment_patients += o.arm;
        totals.events += o.event;
        totals.treatment_events += o.arm * o.event;
        if (o.event == 1) last_event = std::max(last_event, o.time);
      }
      const auto tables = build_event_table(observations, totals, last_event, workspace);
      ASSERT_EQ(tables.size(), 1u);
      expect_same_rows(tables[0].rows, brute_force_rows(observations, 0));
      expect_same_totals(tables[0], observations, 0);
    }
  }
}

TEST(EventTables, SingleTableIgnoresStratum) {
  const std::vector<Observation> observations = random_observations(300, 4, true, 99);
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(observations, 1, workspace);
  std::vector<Observation> one_stratum = observations;
  for (Observation& o : one_stratum) {
    o.stratum = 0;
  }
  expect_same_rows(tables[0].rows, brute_force_rows(one_stratum, 0));
  EXPECT_EQ(tables[0].patients[CONTROL] + tables[0].patients[TREATMENT], 300);
}

TEST(EventTables, NegativeZeroTimeSortsFirst) {
  std::vector<Observation> observations;
  for (int i = 0; i < 100; ++i) {
    observations.push_back(patient(1.0 + i, i % 2, 1));
  }
  observations.push_back(patient(-0.0, CONTROL, 1));
  observations.push_back(patient(0.0, TREATMENT, 1));
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(observations, 1, workspace);
  ASSERT_EQ(tables[0].rows.size(), 101u);
  EXPECT_EQ(tables[0].rows[0].time, 0.0);
  EXPECT_EQ(tables[0].rows[0].events[CONTROL], 1);
  EXPECT_EQ(tables[0].rows[0].events[TREATMENT], 1);
  EXPECT_EQ(tables[0].rows[0].at_risk[CONTROL] + tables[0].rows[0].at_risk[TREATMENT], 102);
}

// Without ties the Cox score test under Breslow (= Efron) is the log-rank test
// (Cox 1972; Therneau & Grambsch 2000, ch. 3), and the hypergeometric variance is the
// Cox information at 0.
TEST(Properties, ScoreTestIsLogrankWithoutTies) {
  const std::vector<Observation> observations = random_observations(360, 1, false, 7);
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(observations, 1, workspace);
  const LogrankResult test = logrank(tables);
  const CoxResult breslow = cox_fit(tables, Ties::breslow);
  const CoxResult efron = cox_fit(tables, Ties::efron);
  EXPECT_NEAR(breslow.z_score, test.z, 1e-12);
  EXPECT_NEAR(efron.log_hr, breslow.log_hr, 1e-12);
  EXPECT_NEAR(efron.se, breslow.se, 1e-12);
  EXPECT_TRUE(breslow.converged);
  EXPECT_LT(breslow.iterations, 10);
}

// logrank_z takes the fit's score test where it is the log-rank test (no tied
// event times, one stratum or three) and the log-rank test itself where ties make
// the two differ (integer times: the hypergeometric variance is below I(0)).
TEST(Properties, LogrankZTakesTheScoreTestOnlyWithoutTies) {
  StatisticsWorkspace workspace;
  for (const int strata : {1, 3}) {
    const std::vector<Observation> continuous = random_observations(360, strata, false, 11);
    const auto tables = build_event_tables(continuous, strata, workspace);
    const CoxResult cox = cox_fit(tables, Ties::efron);
    EXPECT_EQ(logrank_z(tables, cox), cox.z_score);
    EXPECT_NEAR(logrank_z(tables, cox), logrank(tables).z, 1e-12);
    EXPECT_GT(std::abs(cox.z_score), 0.1);  // a real statistic, not the 0 of no information
  }
  const std::vector<Observation> tied = random_observations(360, 1, true, 11);
  const auto tables = build_event_tables(tied, 1, workspace);
  const CoxResult breslow = cox_fit(tables, Ties::breslow);
  EXPECT_EQ(logrank_z(tables, breslow), logrank(tables).z);
  EXPECT_GT(std::abs(breslow.z_score - logrank(tables).z), 1e-6);
  // One tied pair of events in one stratum of three is enough for the log-rank test itself.
  std::vector<Observation> one_tie = random_observations(360, 3, false, 11);
  one_tie.push_back(patient(0.25, CONTROL, 1, 2));
  one_tie.push_back(patient(0.25, TREATMENT, 1, 2));
  const auto stratified = build_event_tables(one_tie, 3, workspace);
  const CoxResult efron = cox_fit(stratified, Ties::efron);
  EXPECT_FALSE(stratified[2].single_events);
  EXPECT_EQ(logrank_z(stratified, efron), logrank(stratified).z);
}

// With every patient followed past the landmark or having the event before
// it, KM is the observed proportion and Greenwood's variance p(1-p)/n, so the
// milestone z is the unpooled two-proportion test.
TEST(Properties, MilestoneWithCompleteFollowUpIsTwoProportionTest) {
  std::vector<Observation> observations;
  const int deaths[2] = {30, 21};
  const int patients[2] = {50, 50};
  for (int arm : {CONTROL, TREATMENT}) {
    for (int i = 0; i < patients[arm]; ++i) {
      const bool died = i < deaths[arm];
      observations.push_back(patient(died ? 1.0 + i % 7 : 180.0, arm, died ? 1 : 0));
    }
  }
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(observations, 1, workspace);
  const MilestoneResult result = milestone(tables[0], 30.0);
  const double p0 = 0.6;
  const double p1 = 0.42;
  EXPECT_NEAR(result.event_probability[CONTROL], p0, EXACT_TOLERANCE);
  EXPECT_NEAR(result.event_probability[TREATMENT], p1, EXACT_TOLERANCE);
  EXPECT_NEAR(result.variance[CONTROL], p0 * (1 - p0) / 50, EXACT_TOLERANCE);
  EXPECT_NEAR(result.variance[TREATMENT], p1 * (1 - p1) / 50, EXACT_TOLERANCE);
  EXPECT_NEAR(result.z, (p0 - p1) / std::sqrt(p0 * (1 - p0) / 50 + p1 * (1 - p1) / 50), EXACT_TOLERANCE);
}

// The Cox score and information by their definition, row by row (Efron: the k-th
// of d tied events sees the fraction k/d of each tied event removed), for checking
// that a fit lands on the root of the score wherever it starts from.
struct ScoreAndInformation {
  double score = 0.0;
  double information = 0.0;
};

ScoreAndInformation score_by_definition(std::span<const EventTable> tables, Ties ties, double beta) {
  ScoreAndInformation sum;
  const double r = std::exp(beta);
  for (const EventTable& table : tables) {
    for (const EventRow& row : table.rows) {
      const int d = row.events[CONTROL] + row.events[TREATMENT];
      sum.score += row.events[TREATMENT];
      for (int k = 0; k < d; ++k) {
        const double removed = ties == Ties::efron ? static_cast<double>(k) / d : 0.0;
        const double control = row.at_risk[CONTROL] - removed * row.events[CONTROL];
        const double treatment = (row.at_risk[TREATMENT] - removed * row.events[TREATMENT]) * r;
        const double p = treatment / (control + treatment);
        sum.score -= p;
        sum.information += p * (1.0 - p);
      }
    }
  }
  return sum;
}

// Strong effects (hazard ratios e^-4 to e^4, where the first step from beta = 0 is
// far off), strata and ties: the fit converges within a few iterations to the root
// of the score computed independently, to within 1e-8 of beta (the fit's tolerance
// is 1e-9 relative, the rest is the rounding of a sum over some 250 rows), and its
// standard error is 1 / sqrt(I) there.
TEST(Properties, FitIsTheRootOfTheScore) {
  StatisticsWorkspace workspace;
  std::uint32_t seed = 101;
  for (const double log_hazard_ratio : {-4.0, -1.5, -0.4, 0.0, 0.7, 2.0, 4.0}) {
    for (const int strata : {1, 3}) {
      for (const bool integer_times : {false, true}) {
        std::mt19937 engine(seed++);
        std::exponential_distribution<double> exponential(1.0);
        std::uniform_int_distribution<int> coin(0, 1);
        std::uniform_int_distribution<int> stratum(0, strata - 1);
        std::vector<Observation> observations;
        for (int i = 0; i < 360; ++i) {
          const int arm = coin(engine);
          double time = exponential(engine) * (arm == TREATMENT ? std::exp(-log_hazard_ratio) : 1.0);
          if (integer_times) time = std::ceil(time * 3.0);
          observations.push_back(patient(time, arm, coin(engine) | coin(engine), stratum(engine)));
        }
        const auto tables = build_event_tables(observations, strata, workspace);
        for (const Ties ties : {Ties::breslow, Ties::efron}) {
          const CoxResult fit = cox_fit(tables, ties);
          const std::string what = "log HR " + std::to_string(log_hazard_ratio) + ", " + std::to_string(strata) +
                                   " strata" + (integer_times ? ", ties" : "") +
                                   (ties == Ties::efron ? ", Efron" : ", Breslow");
          ASSERT_TRUE(fit.converged) << what;
          EXPECT_LE(fit.iterations, 6) << what;
          const ScoreAndInformation at_fit = score_by_definition(tables, ties, fit.log_hr);
          EXPECT_LT(std::abs(at_fit.score / at_fit.information), 1e-8 * std::max(1.0, std::abs(fit.log_hr))) << what;
          expect_relative(fit.se, 1.0 / std::sqrt(at_fit.information), 1e-8, what + " se");
        }
      }
    }
  }
}

// --- Edge cases ---------------------------------------------------------------------

void expect_no_nan(const LogrankResult& test, const CoxResult& cox, const MilestoneResult& landmark) {
  for (double value :
       {test.observed_minus_expected, test.variance, test.z, cox.log_hr, cox.se, cox.z_wald, cox.z_score, cox.z_lr,
        cox.log_likelihood, landmark.difference, landmark.se, landmark.z, landmark.variance[0], landmark.variance[1]}) {
    EXPECT_FALSE(std::isnan(value));
  }
}

struct AllStatistics {
  LogrankResult test;
  CoxResult breslow;
  CoxResult efron;
  MilestoneResult landmark;
};

AllStatistics analyse(const std::vector<Observation>& observations, StatisticsWorkspace& workspace,
                      double landmark = INFINITE_TIME) {
  const auto tables = build_event_tables(observations, 1, workspace);
  AllStatistics all{logrank(tables), cox_fit(tables, Ties::breslow), cox_fit(tables, Ties::efron),
                    milestone(tables[0], landmark)};
  for (const CoxResult* cox : {&all.breslow, &all.efron}) {
    expect_no_nan(all.test, *cox, all.landmark);
  }
  return all;
}

// FH(0, 0) weighs every event time 1: the log-rank sums, term by term, so equal to the last bit.
TEST(Properties, FlemingHarringtonZeroZeroIsTheLogrankTest) {
  for (const std::string dataset : {"gehan", "veteran", "ties"}) {
    const DataSet data = read_data_set(dataset);
    StatisticsWorkspace workspace;
    for (int strata : {1, data.strata}) {
      const auto tables = build_event_tables(data.observations, strata, workspace);
      const LogrankResult expected = logrank(tables);
      const WeightedLogrankResult result = fleming_harrington(tables, {0.0, 0.0});
      EXPECT_EQ(result.score, expected.observed_minus_expected) << dataset;
      EXPECT_EQ(result.variance, expected.variance) << dataset;
      EXPECT_EQ(result.z, expected.z) << dataset;
    }
  }
}

// One component: MaxCombo's p-value is the normal tail of that component's z.
TEST(Properties, MaxComboOfOneWeightIsThatWeightsTest) {
  const DataSet data = read_data_set("veteran");
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(data.observations, 1, workspace);
  const FlemingHarringtonWeight weight{0.0, 1.0};
  const MaxComboResult combo = maxcombo(tables, std::span(&weight, 1));
  const double z = fleming_harrington(tables, weight).z;
  EXPECT_DOUBLE_EQ(combo.z[0], z);
  EXPECT_NEAR(combo.p_benefit, 1.0 - normal_cdf(z), 1e-14);
  EXPECT_NEAR(combo.z_benefit, z, 1e-9);
}

// Two identical components are perfectly correlated: the maximum is one of them.
TEST(Properties, MaxComboOfARepeatedWeightIsThatWeightsTest) {
  const DataSet data = read_data_set("gehan");
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(data.observations, 1, workspace);
  const FlemingHarringtonWeight weights[] = {{1.0, 0.0}, {1.0, 0.0}};
  const MaxComboResult combo = maxcombo(tables, weights);
  const double z = fleming_harrington(tables, weights[0]).z;
  EXPECT_NEAR(combo.correlation(0, 1), 1.0, 1e-14);
  EXPECT_NEAR(combo.p_benefit, 1.0 - normal_cdf(z), 1e-9);
  EXPECT_NEAR(combo.p_harm, normal_cdf(z), 1e-9);
}

// With complete follow-up to tau the Kaplan-Meier area is the mean of min(T, tau).
TEST(Properties, RmstWithoutCensoringIsTheMeanOfTheTruncatedTimes) {
  std::vector<Observation> observations;
  double sums[2] = {0.0, 0.0};
  const double tau = 5.0;
  for (int i = 0; i < 40; ++i) {
    const int arm = i % 2;
    const double time = 0.37 * (i + 1) + 0.05 * arm;
    observations.push_back(patient(time, arm, 1));
    sums[arm] += std::min(time, tau);
  }
  StatisticsWorkspace workspace;
  const auto tables = build_event_tables(observations, 1, workspace);
  const RmstResult result = rmst(tables[0], tau);
  EXPECT_NEAR(result.rmst[CONTROL], sums[CONTROL] / 20.0, 1e-12);
  EXPECT_NEAR(result.rmst[TREATMENT], sums[TREATMENT] / 20.0, 1e-12);
}

TEST(Properties, ALandmarkIsReachedWhenEachArmIsFollowedToItOrItsCurveIsZero) {
  StatisticsWorkspace workspace;
  // Control followed to 10 (censored there), treatment only to 8 (censored).
  const std::vector<Observation> short_treatment{patient(3, 0, 1), patient(10, 0, 0), patient(2, 1, 1),
                                                 patient(8, 1, 0)};
  auto tables = build_event_tables(short_treatment, 1, workspace);
  EXPECT_TRUE(reaches_landmark(short_treatment, tables[0], 8.0, 1));
  EXPECT_FALSE(reaches_landmark(short_treatment, tables[0], 9.0, 1));
  EXPECT_FALSE(reaches_landmark(short_treatment, tables[0], 8.0, 2));  // one at risk is too few then
  // Every treatment patient has the event by 4: that curve is 0 at any later landmark.
  const std::vector<Observation> all_died{patient(3, 0, 1), patient(10, 0, 0), patient(2, 1, 1), patient(4, 1, 1)};
  tables = build_event_tables(all_died, 1, workspace);
  EXPECT_TRUE(reaches_landmark(all_died, tables[0], 9.0, 1));
  EXPECT_FALSE(reaches_landmark(all_died, tables[0], 9.0, 2));   // control has only one at risk at 9
  EXPECT_FALSE(reaches_landmark(all_died, tables[0], 11.0, 1));  // control is not followed that long
}

TEST(EdgeCases, NoObservations) {
  StatisticsWorkspace workspace;
  const AllStatistics all = analyse({}, workspace);
  EXPECT_EQ(all.test.z, 0.0);
  EXPECT_EQ(all.breslow.log_hr, 0.0);
  EXPECT_FALSE(all.breslow.converged);
  EXPECT_EQ(all.landmark.z, 0.0);
}

TEST(EdgeCases, NoEvents) {
  StatisticsWorkspace workspace;
  const AllStatistics all = analyse({patient(3, 0, 0), patient(4, 1, 0), patient(5, 1, 0)}, workspace);
  EXPECT_EQ(all.test.variance, 0.0);
  EXPECT_EQ(all.test.z, 0.0);
  EXPECT_EQ(all.breslow.z_score, 0.0);
  EXPECT_EQ(all.breslow.z_wald, 0.0);
  EXPECT_EQ(all.breslow.z_lr, 0.0);
  EXPECT_TRUE(std::isinf(all.breslow.se));
  EXPECT_EQ(all.landmark.event_probability[CONTROL], 0.0);
  EXPECT_EQ(all.landmark.z, 0.0);
}

// Only control patients have events: the partial likelihood increases without
// bound as beta -> -infinity (HR -> 0), so the MLE is -infinity; its supremum
// is reached by letting the control arm take all the weight. Data: control
// events at 1, 2, 4, treatment censored at 3, 5, 6. Breslow at beta = 0:
//   t=1 (3,3; 1,0): p = 1/2;  t=2 (2,3; 1,0): p = 3/5;  t=4 (1,2; 1,0): p = 2/3
//   U(0) = -(1/2 + 3/5 + 2/3) = -53/30,  I(0) = 1/4 + 6/25 + 2/9 = 0.7122...
//   logL(0) = -log 6 - log 5 - log 3, sup logL = -log 3 - log 2 - log 1.
TEST(EdgeCases, EventsInOneArmOnly) {
  StatisticsWorkspace workspace;
  const AllStatistics all = analyse(
      {patient(1, 0, 1), patient(2, 0, 1), patient(4, 0, 1), patient(3, 1, 0), patient(5, 1, 0), patient(6, 1, 0)},
      workspace);
  const double score = -53.0 / 30.0;
  const double information = 0.25 + 6.0 / 25.0 + 2.0 / 9.0;
  for (const CoxResult* cox : {&all.breslow, &all.efron}) {
    EXPECT_EQ(cox->log_hr, -std::numeric_limits<double>::infinity());
    EXPECT_TRUE(std::isinf(cox->se));
    EXPECT_EQ(cox->z_wald, 0.0);
    EXPECT_FALSE(cox->converged);
    EXPECT_NEAR(cox->z_score, -score / std::sqrt(information), EXACT_TOLERANCE);
    EXPECT_NEAR(cox->log_likelihood, -std::log(6.0), EXACT_TOLERANCE);
    EXPECT_NEAR(cox->z_lr, std::sqrt(2.0 * (-std::log(6.0) + std::log(90.0))), EXACT_TOLERANCE);
  }
  EXPECT_GT(all.test.z, 0.0);
  EXPECT_TRUE(std::isfinite(all.test.z));

  // The mirror image: only treatment events, HR -> infinity.
  const AllStatistics mirror = analyse(
      {patient(1, 1, 1), patient(2, 1, 1), patient(4, 1, 1), patient(3, 0, 0), patient(5, 0, 0), patient(6, 0, 0)},
      workspace);
  EXPECT_EQ(mirror.breslow.log_hr, std::numeric_limits<double>::infinity());
  EXPECT_NEAR(mirror.breslow.z_score, score / std::sqrt(information), EXACT_TOLERANCE);
  EXPECT_NEAR(mirror.breslow.z_lr, -all.breslow.z_lr, EXACT_TOLERANCE);
}

// Monotone likelihood with events in both arms: every treatment event happens
// after the last control patient has left the risk set.
TEST(EdgeCases, MonotoneLikelihoodWithEventsInBothArms) {
  StatisticsWorkspace workspace;
  const AllStatistics all =
      analyse({patient(1, 0, 1), patient(2, 0, 1), patient(3, 1, 1), patient(4, 1, 1)}, workspace);
  EXPECT_EQ(all.breslow.log_hr, -std::numeric_limits<double>::infinity());
  // Breslow: t=1 (2,2;1,0) and t=2 (1,2;1,0) depend on beta, t=3 and t=4 have only treatment at risk.
  // logL(0) = -log 4 - log 3 - log 2, sup = -log 2 - log 1 - log 2.
  EXPECT_NEAR(all.breslow.log_likelihood, -2.0 * std::log(2.0), EXACT_TOLERANCE);
  EXPECT_NEAR(all.breslow.z_lr, std::sqrt(2.0 * (std::log(24.0) - std::log(4.0))), EXACT_TOLERANCE);
}

// Monotone likelihood with tied events in the favoured arm. Control events at
// 1, 1, 2, treatment censored at 3, 4. As beta -> -infinity only the controls
// count in each risk set:
//   Efron:   t=1 (3,2; 2,0) -> -log 3 - log(3 - 2/2); t=2 (1,2; 1,0) -> -log 1;  sup = -log 6
//   Breslow: t=1 -> -2 log 3; t=2 -> 0;                                            sup = -log 9
// and at beta = 0: Efron -log 5 - log 4 - log 3 = -log 60, Breslow -2 log 5 - log 3 = -log 75.
// (R's coxph, iterating towards -infinity, reports log-likelihoods within 1e-9 of these sups.)
TEST(EdgeCases, MonotoneLikelihoodWithTies) {
  StatisticsWorkspace workspace;
  const AllStatistics all =
      analyse({patient(1, 0, 1), patient(1, 0, 1), patient(2, 0, 1), patient(3, 1, 0), patient(4, 1, 0)}, workspace);
  EXPECT_EQ(all.efron.log_hr, -std::numeric_limits<double>::infinity());
  EXPECT_NEAR(all.efron.log_likelihood, -std::log(6.0), EXACT_TOLERANCE);
  EXPECT_NEAR(all.efron.z_lr, std::sqrt(2.0 * std::log(10.0)), EXACT_TOLERANCE);
  EXPECT_EQ(all.breslow.log_hr, -std::numeric_limits<double>::infinity());
  EXPECT_NEAR(all.breslow.log_likelihood, -std::log(9.0), EXACT_TOLERANCE);
  EXPECT_NEAR(all.breslow.z_lr, std::sqrt(2.0 * (std::log(75.0) - std::log(9.0))), EXACT_TOLERANCE);
}

TEST(EdgeCases, SinglePatient) {
  StatisticsWorkspace workspace;
  for (int event : {0, 1}) {
    const AllStatistics all = analyse({patient(2.5, 1, event)}, workspace);
    EXPECT_EQ(all.test.z, 0.0);
    EXPECT_EQ(all.test.variance, 0.0);
    EXPECT_EQ(all.breslow.log_hr, 0.0);
    EXPECT_EQ(all.breslow.z_score, 0.0);
    EXPECT_EQ(all.landmark.event_probability[TREATMENT], event);
    EXPECT_EQ(all.landmark.z, 0.0);
  }
}

// Everyone has the event at the same time: the hypergeometric variance is 0
// (d = n), the partial likelihood is maximal at beta = 0 (U(beta) = n1 - n p).
TEST(EdgeCases, AllTimesTiedAllEvents) {
  StatisticsWorkspace workspace;
  std::vector<Observation> observations;
  for (int i = 0; i < 60; ++i) {
    observations.push_back(patient(7.0, i % 3 == 0 ? TREATMENT : CONTROL, 1));
  }
  const AllStatistics all = analyse(observations, workspace, 7.0);
  EXPECT_EQ(all.test.variance, 0.0);
  EXPECT_EQ(all.test.z, 0.0);
  for (const CoxResult* cox : {&all.breslow, &all.efron}) {
    EXPECT_TRUE(cox->converged);
    EXPECT_NEAR(cox->log_hr, 0.0, 1e-12);
    EXPECT_TRUE(std::isfinite(cox->se));
  }
  EXPECT_EQ(all.landmark.event_probability[CONTROL], 1.0);
  EXPECT_EQ(all.landmark.se, 0.0);
  EXPECT_EQ(all.landmark.z, 0.0);
}

// One tied time with some censored there: one row, at risk = everyone.
// n = 10 (n1 = 4), d = 6 (d1 = 1): E1 = 6 * 4/10 = 2.4, V = 2.4 * 0.6 * 4/9.
TEST(EdgeCases, AllTimesTiedSomeCensored) {
  StatisticsWorkspace workspace;
  std::vector<Observation> observations;
  for (int i = 0; i < 10; ++i) {
    const int arm = i < 4 ? TREATMENT : CONTROL;
    const int event = (arm == TREATMENT) ? (i == 0) : (i < 9);
    observations.push_back(patient(7.0, arm, event));
  }
  const AllStatistics all = analyse(observations, workspace);
  EXPECT_NEAR(all.test.observed_minus_expected, 1.0 - 2.4, EXACT_TOLERANCE);
  EXPECT_NEAR(all.test.variance, 2.4 * 0.6 * 4.0 / 9.0, EXACT_TOLERANCE);
  EXPECT_TRUE(all.efron.converged);
  EXPECT_LT(all.efron.log_hr, 0.0);
}

// One workspace reused across data sets of different sizes and strata gives
// bit-identical results to a fresh workspace each time.
TEST(Workspace, ReuseGivesIdenticalResults) {
  std::vector<std::vector<Observation>> data_sets;
  std::vector<int> strata;
  for (const char* name : {"gehan", "veteran", "ties", "tiny"}) {
    const DataSet data = read_data_set(name);
    data_sets.push_back(data.observations);
    strata.push_back(data.strata);
  }
  data_sets.push_back(random_observations(500, 2, false, 3));
  strata.push_back(2);
  data_sets.push_back({});
  strata.push_back(1);

  StatisticsWorkspace shared;
  for (int round = 0; round < 50; ++round) {
    const std::size_t k = (round * 7) % data_sets.size();
    StatisticsWorkspace fresh;
    const auto expected_tables = build_event_tables(data_sets[k], strata[k], fresh);
    const CoxResult expected = cox_fit(expected_tables, Ties::efron);
    const LogrankResult expected_test = logrank(expected_tables);
    const auto tables = build_event_tables(data_sets[k], strata[k], shared);
    const CoxResult actual = cox_fit(tables, Ties::efron);
    ASSERT_EQ(tables.size(), expected_tables.size());
    for (std::size_t s = 0; s < tables.size(); ++s) {
      expect_same_rows(tables[s].rows, expected_tables[s].rows);
    }
    EXPECT_EQ(logrank(tables).z, expected_test.z);
    EXPECT_EQ(actual.log_hr, expected.log_hr);
    EXPECT_EQ(actual.se, expected.se);
    EXPECT_EQ(actual.z_lr, expected.z_lr);
  }
}

}  // namespace
}  // namespace trialsim
