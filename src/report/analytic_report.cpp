// The tables of `trialsim design`: textbook sizes, what the design buys, the
// expected course of the trial and the group-sequential power, with the simulated
// figures beside them when asked; and the same figures as records (CSV, JSON).

#include <array>
#include <cmath>
#include <limits>
#include <optional>

#include "text_table.hpp"
#include "trialsim/records.hpp"
#include "trialsim/report.hpp"

namespace trialsim {

namespace {

constexpr double NONE = std::numeric_limits<double>::quiet_NaN();

// One figure: analytic, and simulated with its Monte Carlo SE where the simulation measures it.
struct Figure {
  std::string quantity;
  std::string look;
  double power = NONE;
  double alpha = NONE;
  double analytic = NONE;
  double simulated = NONE;
  double simulated_se = NONE;
};

std::string value(double x, const char* pattern) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return format(pattern, x);
}

// "analytic" or "analytic | simulated (SE) diff/SE".
std::string beside(double analytic, double simulated, double se, const char* pattern, bool with_simulation) {
  std::string text = value(analytic, pattern);
  if (!with_simulation) return text;
  text += " | " + value(simulated, pattern) + " (" + value(se, pattern) + ")";
  if (se > 0.0 && std::isfinite(analytic)) text += format(" %+.1f", (analytic - simulated) / se);
  return text;
}

double standard_error(const Distribution& d) {
  return d.count > 1 ? d.sd / std::sqrt(static_cast<double>(d.count)) : NONE;
}

// Per-look figures, analytic and simulated.
std::vector<Figure> look_figures(const DesignAnalysis& analysis, const Results* simulated) {
  std::vector<Figure> figures;
  for (std::size_t k = 0; k < analysis.looks.size(); ++k) {
    const ExpectedLook& look = analysis.looks[k];
    const LookSummary* sim = simulated ? &simulated->looks[k] : nullptr;
    const auto add = [&](const std::string& quantity, double analytic, const Distribution* d) {
      figures.push_back({quantity, look.name, NONE, NONE, analytic, d ? d->mean : NONE, d ? standard_error(*d) : NONE});
    };
    add("time", look.time, sim ? &sim->time : nullptr);
    add("time_reached", look.time_reached, nullptr);
    add("events", look.events, sim ? &sim->events : nullptr);
    add("events_control", look.events_per_arm[CONTROL], sim ? &sim->events_control : nullptr);
    add("events_treatment", look.events_per_arm[TREATMENT], sim ? &sim->events_treatment : nullptr);
    add("enrolled", look.enrolled, sim ? &sim->enrolled : nullptr);
    add("information", look.information, nullptr);
    const double efficacy = k < analysis.sequential.efficacy.size() ? analysis.sequential.efficacy[k] : NONE;
    figures.push_back(
        {"reject", look.name, NONE, NONE, efficacy, sim ? sim->reject_probability : NONE, sim ? sim->reject_se : NONE});
  }
  return figures;
}

void print_formulas(std::ostream& out, const Design& design, const DesignAnalysis& analysis) {
  out << "Required size for a fixed-sample test (group-sequential: the design's boundaries, Schoenfeld drift)\n";
  std::vector<std::string> header{"power", "alpha", "Schoenfeld events", "Freedman events", "group-sequential events"};
  if (analysis.landmark) {
    header.push_back("two-proportion n per arm");
    header.push_back("with continuity correction");
  }
  TextTable table(header);
  for (const FormulaRow& row : analysis.formulas) {
    std::vector<std::string> cells{format("%.2f", row.power), format("%.4g", row.alpha),
                                   format("%.1f -> %.0f", row.schoenfeld, std::ceil(row.schoenfeld)),
                                   format("%.1f -> %.0f", row.freedman, std::ceil(row.freedman)),
                                   std::isnan(row.sequential)
                                       ? std::string("-")
                                       : format("%.1f -> %.0f", row.sequential, std::ceil(row.sequential))};
    if (row.two_proportion) {
      for (const ArmSizes& sizes : {*row.two_proportion, *row.two_proportion_cc}) {
        cells.push_back(format("%.1f / %.1f -> %.0f", sizes.control, sizes.treatment,
                               std::ceil(sizes.control) + std::ceil(sizes.treatment)));
      }
    }
    table.add_row(std::move(cells));
  }
  table.print(out);
  out << format("  (events: %s-sided test at the alpha shown; n per arm: control / treatment -> total)\n\n",
                design.test.sides == 2 ? "two" : "one");
}

void print_buys(std::ostream& out, const Design& design, const DesignAnalysis& analysis, const Results* simulated) {
  const double final_events = analysis.looks.back().events;
  out << format("What the design buys at alpha %g (expected events at the last look %.1f, %d patients)\n",
                design.test.alpha, final_events, design.enrollment.sample_size);
  TextTable table({"calculation", "power"});
  table.add_row({"Schoenfeld, fixed sample, at the expected final events", format("%.4f", analysis.schoenfeld_power)});
  table.add_row({"Freedman, fixed sample, at the expected final events", format("%.4f", analysis.freedman_power)});
  if (analysis.two_proportion_power) {
    table.add_row(
        {"two-proportion at the landmark, analysed patients", format("%.4f", *analysis.two_proportion_power)});
    table.add_row({"  with continuity correction", format("%.4f", *analysis.two_proportion_cc_power)});
  }
  table.add_row({"group-sequential (boundary recursion, expected events per look)",
                 beside(analysis.sequential.power, simulated ? simulated->power : NONE,
                        simulated ? simulated->power_se : NONE, "%.4f", simulated != nullptr)});
  table.print(out);
  if (simulated) out << "  (analytic | simulated (Monte Carlo SE) and their difference in SEs)\n";
  out << '\n';
}

void print_course(std::ostream& out, const Design& design, const DesignAnalysis& analysis, const Results* simulated) {
  out << "Expected course of the trial" << (simulated ? " (analytic | simulated mean (SE) diff/SE)" : "") << '\n';
  std::vector<std::string> header{
      "look", "time, " + design.time_unit + "s", "events", "control / treatment", "enrolled", "info", "P(reject)"};
  if (design.start_date) header.insert(header.begin() + 2, "date");
  TextTable table(header);
  const bool with = simulated != nullptr;
  for (std::size_t k = 0; k < analysis.looks.size(); ++k) {
    const ExpectedLook& look = analysis.looks[k];
    const LookSummary* sim = with ? &simulated->looks[k] : nullptr;
    std::string time =
        beside(look.time, sim ? sim->time.mean : NONE, sim ? standard_error(sim->time) : NONE, "%.1f", with);
    if (look.time_reached != look.time) time += format(" [reached %.1f]", look.time_reached);
    std::vector<std::string> row{
        look.name + (look.exact ? "" : " (approx.)"),
        time,
        beside(look.events, sim ? sim->events.mean : NONE, sim ? standard_error(sim->events) : NONE, "%.2f", with),
        format("%.1f / %.1f", look.events_per_arm[CONTROL], look.events_per_arm[TREATMENT]),
        beside(look.enrolled, sim ? sim->enrolled.mean : NONE, sim ? standard_error(sim->enrolled) : NONE, "%.1f",
               with),
        format("%.3f", look.information),
        beside(k < analysis.sequential.efficacy.size() ? analysis.sequential.efficacy[k] : NONE,
               sim ? sim->reject_probability : NONE, sim ? sim->reject_se : NONE, "%.4f", with)};
    if (design.start_date) row.insert(row.begin() + 2, calendar_date(design, look.time));
    table.add_row(std::move(row));
  }
  table.print(out);
  out << '\n';
}

}  // namespace

void print_design_analysis(std::ostream& out, const Design& design, const BoundaryPlan& plan,
                           const DesignAnalysis& analysis, const Results* simulated) {
  const TestPlan& test = design.test;
  out << design.name << ": analytic side\n";
  out << format("  %s-sided alpha %g; final nominal alpha %.4g after %d look%s\n", test.sides == 2 ? "two" : "one",
                test.alpha, plan.nominal_alpha.back(), static_cast<int>(design.looks.size()),
                design.looks.size() == 1 ? "" : "s");
  out << format("  hazard ratio %.4f (%s), %.3g of patients randomised to treatment\n", analysis.hazard_ratio.value,
                analysis.hazard_ratio.proportional ? "proportional hazards" : "average over the expected events",
                analysis.treatment_share);
  if (analysis.landmark) {
    out << format("  event probability by %g %ss (landmark): control %.4f, treatment %.4f\n", *analysis.landmark,
                  design.time_unit.c_str(), analysis.landmark_probability[CONTROL],
                  analysis.landmark_probability[TREATMENT]);
  }
  if (simulated) {
    out << format("  simulated: %lld replicates, seed %llu\n", static_cast<long long>(simulated->replicates),
                  static_cast<unsigned long long>(simulated->seed));
  }
  out << '\n';
  print_formulas(out, design, analysis);
  print_buys(out, design, analysis, simulated);
  print_course(out, design, analysis, simulated);
  out << "Notes:\n";
  for (const std::string& note : analysis.notes) out << "  - " << note << '\n';
}

Records design_analysis_records(const Design& design, const BoundaryPlan& plan, const DesignAnalysis& analysis,
                                const Results* simulated) {
  std::vector<Figure> figures{{"hazard_ratio", "", NONE, NONE, analysis.hazard_ratio.value},
                              {"treatment_share", "", NONE, NONE, analysis.treatment_share}};
  if (analysis.landmark) {
    figures.push_back({"landmark_probability_control", "", NONE, NONE, analysis.landmark_probability[CONTROL]});
    figures.push_back({"landmark_probability_treatment", "", NONE, NONE, analysis.landmark_probability[TREATMENT]});
  }
  for (const FormulaRow& row : analysis.formulas) {
    figures.push_back({"events_schoenfeld", "", row.power, row.alpha, row.schoenfeld});
    figures.push_back({"events_freedman", "", row.power, row.alpha, row.freedman});
    figures.push_back({"events_group_sequential", "", row.power, row.alpha, row.sequential});
    if (row.two_proportion) {
      figures.push_back({"two_proportion_control", "", row.power, row.alpha, row.two_proportion->control});
      figures.push_back({"two_proportion_treatment", "", row.power, row.alpha, row.two_proportion->treatment});
      figures.push_back({"two_proportion_cc_control", "", row.power, row.alpha, row.two_proportion_cc->control});
      figures.push_back({"two_proportion_cc_treatment", "", row.power, row.alpha, row.two_proportion_cc->treatment});
    }
  }
  figures.push_back({"power_schoenfeld", "", NONE, design.test.alpha, analysis.schoenfeld_power});
  figures.push_back({"power_freedman", "", NONE, design.test.alpha, analysis.freedman_power});
  if (analysis.two_proportion_power) {
    figures.push_back({"power_two_proportion", "", NONE, design.test.alpha, *analysis.two_proportion_power});
    figures.push_back({"power_two_proportion_cc", "", NONE, design.test.alpha, *analysis.two_proportion_cc_power});
  }
  for (std::size_t k = 0; k < plan.efficacy_z.size(); ++k) {
    figures.push_back({"boundary_z", design.looks[k].name, NONE, NONE, plan.efficacy_z[k]});
    figures.push_back({"nominal_alpha", design.looks[k].name, NONE, NONE, plan.nominal_alpha[k]});
  }
  for (Figure& figure : look_figures(analysis, simulated)) figures.push_back(std::move(figure));
  figures.push_back({"power", "", NONE, design.test.alpha, analysis.sequential.power,
                     simulated ? simulated->power : NONE, simulated ? simulated->power_se : NONE});
  Records records;
  records.field("design", design.name);
  records.field("sides", static_cast<std::int64_t>(design.test.sides));
  records.field("alpha", design.test.alpha);
  records.field("simulated_replicates", simulated ? simulated->replicates : std::int64_t{0});
  for (const Figure& f : figures) {
    records.rows.push_back({f.quantity, f.look, f.power, f.alpha, f.analytic, f.simulated, f.simulated_se});
  }
  records.columns = {"quantity", "look", "power", "alpha", "analytic", "simulated", "simulated_se"};
  return records;
}

}  // namespace trialsim
