#include <chrono>
#include <cmath>

#include "text_table.hpp"
#include "trialsim/names.hpp"
#include "trialsim/report.hpp"

namespace trialsim {

namespace {

// "Hwang-Shih-DeCani (-4)": a spending function with its parameter when it takes one.
std::string spending_label(Boundary::Spending function, double parameter) {
  std::string label(name_of(SPENDING_NAMES, function).label);
  if (takes_parameter(function)) label += format(" (%g)", parameter);
  return label;
}

std::string with_se(double p, double se) {
  return format("%.4f (%.4f)", p, se);
}

std::string number(double x, const char* pattern) {
  if (std::isnan(x)) return "-";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return format(pattern, x);
}

// "mean (5%, 50%, 95%)" with the given number pattern.
std::string spread(const Distribution& d, const char* pattern) {
  if (d.count == 0) return "-";
  return number(d.mean, pattern) + " (" + number(d.quantiles[0], pattern) + ", " + number(d.quantiles[2], pattern) +
         ", " + number(d.quantiles[4], pattern) + ")";
}

void print_header(std::ostream& out, const Design& design) {
  const TestPlan& test = design.test;
  out << design.name << '\n';
  out << format("  %s-sided alpha %g, %s, %s; %d look%s\n", test.sides == 2 ? "two" : "one", test.alpha,
                statistic_label(test.statistic).c_str(), boundary_label(test.boundary).c_str(),
                static_cast<int>(design.looks.size()), design.looks.size() == 1 ? "" : "s");
  if (test.null_hazard_ratio != 1.0) {
    out << format("  null hypothesis HR = %g (non-inferiority margin): z tests HR = %g\n", test.null_hazard_ratio,
                  test.null_hazard_ratio);
  }
}

void print_decision_table(std::ostream& out, const Design& design, const Results& results) {
  const bool two_sided = design.test.sides == 2;
  const bool futility = design.test.futility.scale != Futility::Scale::none;
  std::vector<std::string> header{"look", "info", "z bound", "nominal alpha", "P(reject)"};
  if (two_sided) header.push_back("P(harm)");
  if (futility) header.push_back("P(futility)");
  header.insert(header.end(), {"P(stop)", "P(reached)", "mean CP design / trend"});
  TextTable table(header);
  for (const LookSummary& look : results.looks) {
    std::vector<std::string> row{look.name, format("%.3f", look.information_fraction), number(look.boundary_z, "%.4f"),
                                 number(look.nominal_alpha, "%.3g"), with_se(look.reject_probability, look.reject_se)};
    if (two_sided) row.push_back(with_se(look.harm_probability, look.harm_se));
    if (futility) row.push_back(with_se(look.futility_probability, look.futility_se));
    row.push_back(with_se(look.stop_probability, look.stop_se));
    row.push_back(format("%.4f", look.performed_probability));
    row.push_back(std::isnan(look.mean_conditional_power_design)
                      ? "-"
                      : number(look.mean_conditional_power_design, "%.3f") + " / " +
                            number(look.mean_conditional_power_trend, "%.3f"));
    table.add_row(std::move(row));
  }
  table.print(out);
  out << "  (CP: conditional power of rejecting for benefit at the last look, mean over the trials reaching the "
         "look)\n";
}

// Where the trial ends: futility and harm stops, and the expected size and duration at the end.
void print_stopping(std::ostream& out, const Design& design, const Results& results) {
  if (design.test.futility.scale != Futility::Scale::none) {
    out << format("  Stop for futility (any look):           %.4f  (Monte Carlo SE %.4f)\n",
                  results.futility_probability, results.futility_se);
  }
  if (design.test.sides == 2) {
    out << format("  Stop for harm (any look):               %.4f  (Monte Carlo SE %.4f)\n", results.harm_probability,
                  results.harm_se);
  }
  out << format("  Expected at the end: %s events (SE %s), %s enrolled (SE %s), duration %s %ss (SE %s)\n",
                number(results.expected_events, "%.2f").c_str(), number(results.expected_events_se, "%.2f").c_str(),
                number(results.expected_enrolled, "%.2f").c_str(), number(results.expected_enrolled_se, "%.2f").c_str(),
                number(results.expected_time, "%.1f").c_str(), design.time_unit.c_str(),
                number(results.expected_time_se, "%.1f").c_str());
  if (design.test.boundary.information != Boundary::Information::planned) {
    out << format(
        "  Planned boundaries on the same trials:  power %.4f (SE %.4f); observed minus planned %+.4f "
        "(paired SE %.4f)\n",
        results.planned_power, results.planned_power_se, results.observed_minus_planned_power,
        results.observed_minus_planned_se);
  }
}

void print_accrual_table(std::ostream& out, const Design& design, const Results& results) {
  const std::string time_header = "time, " + design.time_unit + "s: mean (5%, 50%, 95%)";
  std::vector<std::string> header{"look", "events: mean (5%, 50%, 95%)", "control / treatment", "enrolled (5%, 95%)",
                                  time_header};
  if (design.start_date) header.push_back("median date");
  header.push_back("HR mean / median");
  TextTable table(header);
  for (const LookSummary& look : results.looks) {
    std::vector<std::string> row{
        look.name, spread(look.events, "%.1f"),
        number(look.events_control.mean, "%.1f") + " / " + number(look.events_treatment.mean, "%.1f"),
        number(look.enrolled.mean, "%.1f") + " (" + number(look.enrolled.quantiles[0], "%.0f") + ", " +
            number(look.enrolled.quantiles[4], "%.0f") + ")",
        spread(look.time, "%.0f")};
    if (design.start_date) row.push_back(calendar_date(design, look.time.quantiles[2]));
    row.push_back(number(look.hr.mean, "%.3f") + " / " + number(look.hr.quantiles[2], "%.3f"));
    table.add_row(std::move(row));
  }
  table.print(out);
  out << "  (conditional on the trial reaching the look; HR = Cox estimate, treatment vs control)\n";
}

// The statistics of test.compare beside the design's, decided on the same trials.
void print_compared_table(std::ostream& out, const Design& design, const Results& results) {
  std::vector<std::string> header{"statistic", "power (SE)", "difference (paired SE)"};
  for (const Look& look : design.looks) header.push_back("P(reject) " + look.name);
  TextTable table(header);
  std::vector<std::string> own{statistic_label(design.test.statistic) + " (the design's)",
                               with_se(results.power, results.power_se), "-"};
  for (const LookSummary& look : results.looks) own.push_back(format("%.4f", look.reject_probability));
  table.add_row(std::move(own));
  for (const ComparedSummary& compared : results.compared) {
    std::vector<std::string> row{compared.label, with_se(compared.power, compared.power_se),
                                 format("%+.4f (%.4f)", compared.difference.difference, compared.difference.se)};
    for (double p : compared.look_reject_probability) row.push_back(format("%.4f", p));
    table.add_row(std::move(row));
  }
  out << "  Statistics compared on the same trials (each with the design's boundaries):\n";
  table.print(out);
}

}  // namespace

std::string boundary_label(const Boundary& boundary) {
  std::string name(name_of(BOUNDARY_FAMILY_NAMES, boundary.family).label);
  switch (boundary.family) {
    case Boundary::Family::haybittle_peto: return name + format(" (interim z %.3g)", boundary.interim_z);
    case Boundary::Family::wang_tsiatis: return name + format(" (Delta %.3g)", boundary.parameter);
    case Boundary::Family::spending:
      name += ", " + spending_label(boundary.spending, boundary.parameter);
      if (boundary.information != Boundary::Information::planned) {
        name += ", " + std::string(name_of(INFORMATION_NAMES, boundary.information).label);
      }
      return name;
    case Boundary::Family::user_spending:
    case Boundary::Family::nominal:
    case Boundary::Family::obrien_fleming:
    case Boundary::Family::pocock: return name;
  }
  return name;
}

std::string calendar_date(const Design& design, double time) {
  if (!design.start_date || !std::isfinite(time)) return "";
  using namespace std::chrono;
  const std::string& iso = *design.start_date;
  const year_month_day start{year{std::stoi(iso.substr(0, 4))},
                             month{static_cast<unsigned>(std::stoi(iso.substr(5, 2)))},
                             day{static_cast<unsigned>(std::stoi(iso.substr(8, 2)))}};
  double days_per_unit = 1.0;
  if (design.time_unit == "week") days_per_unit = 7.0;
  if (design.time_unit == "month") days_per_unit = 365.25 / 12.0;
  if (design.time_unit == "year") days_per_unit = 365.25;
  // Checked before the conversion to whole days, which could overflow: 4,000,000 days
  // (about 10,950 years) reach past the year 9999 from any four-digit start date, and a
  // date past the year 9999 is not written.
  constexpr double BEYOND_FOUR_DIGIT_YEARS = 4e6;
  const double days_after_start = std::floor(time * days_per_unit);
  if (std::fabs(days_after_start) > BEYOND_FOUR_DIGIT_YEARS) return "";
  const year_month_day date{sys_days{start} + days{static_cast<long>(days_after_start)}};
  if (!date.ok() || static_cast<int>(date.year()) < 0 || static_cast<int>(date.year()) > 9999) return "";
  return format("%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
}

void print_results(std::ostream& out, const Design& design, const Results& results) {
  print_header(out, design);
  out << format("  %lld replicates, seed %llu\n\n", static_cast<long long>(results.replicates),
                static_cast<unsigned long long>(results.seed));
  out << format("  Power (reject for benefit at any look): %.4f  (Monte Carlo SE %.4f)\n", results.power,
                results.power_se);
  if (design.test.sides == 2) {
    out << format("  Any rejection (benefit or harm):        %.4f  (Monte Carlo SE %.4f)\n", results.reject_probability,
                  results.reject_se);
  }
  print_stopping(out, design, results);
  out << format("  At the end of the trial: %s events, %s enrolled, time %s %ss\n\n",
                spread(results.events_at_stop, "%.1f").c_str(), spread(results.enrolled_at_stop, "%.1f").c_str(),
                spread(results.time_at_stop, "%.0f").c_str(), design.time_unit.c_str());
  print_decision_table(out, design, results);
  out << '\n';
  if (!results.compared.empty()) {
    print_compared_table(out, design, results);
    out << '\n';
  }
  print_accrual_table(out, design, results);
}

void print_boundaries(std::ostream& out, const Design& design, const BoundaryPlan& plan) {
  print_header(out, design);
  out << '\n';
  const Futility& rule = design.test.futility;
  const Futility::Scale scale = rule.scale;
  const bool futility = rule.on_z_scale() || scale == Futility::Scale::conditional_power;
  const bool beta_spent = !plan.beta_spent.empty();
  std::vector<std::string> header{"look", "info", "z bound", "nominal alpha", "cumulative alpha"};
  if (futility) {
    std::string name = rule.binding ? "futility z (binding)" : "futility z (non-binding)";
    if (scale == Futility::Scale::conditional_power) name += ", from CP at the planned information";
    header.push_back(name);
  }
  if (beta_spent) header.push_back("cumulative beta");
  TextTable table(header);
  for (std::size_t k = 0; k < plan.efficacy_z.size(); ++k) {
    std::vector<std::string> row{design.looks[k].name, format("%.3f", plan.information_fractions[k]),
                                 number(plan.efficacy_z[k], "%.4f"), number(plan.nominal_alpha[k], "%.3g"),
                                 number(plan.alpha_spent[k], "%.5f")};
    if (futility) row.push_back(k + 1 < plan.efficacy_z.size() ? number(plan.futility_z[k], "%.4f") : "-");
    if (beta_spent) row.push_back(number(plan.beta_spent[k], "%.5f"));
    table.add_row(std::move(row));
  }
  table.print(out);
  if (beta_spent) {
    const std::string function = spending_label(rule.beta_spending, rule.beta_parameter);
    out << format(
        "Futility by beta spending (%s, beta %g): the bounds spend beta under the drift %.4f "
        "(E[z] = %.4f sqrt(t)),\nwhere the design's power is %.4f.\n",
        function.c_str(), rule.beta, plan.alternative_drift, plan.alternative_drift, 1.0 - rule.beta);
  }
}

}  // namespace trialsim
