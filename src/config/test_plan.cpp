// test: the statistic, sidedness and alpha, the efficacy boundary, the planned
// information fractions and the optional futility boundary.

#include <algorithm>

#include "design_parts.hpp"
#include "trialsim/names.hpp"

namespace trialsim::config {

namespace {

// Wang-Tsiatis Delta: 0 is O'Brien-Fleming, 0.5 Pocock; a little beyond either end is still a boundary.
constexpr double WANG_TSIATIS_MIN = -0.5;
constexpr double WANG_TSIATIS_MAX = 1.0;

std::string per_look_count(const std::string& what, std::size_t expected, std::size_t got) {
  return "must give one value per " + what + " (" + std::to_string(expected) + "), got " + std::to_string(got);
}

template <class Enum, std::size_t N>
Enum read_enum(const Field& field, const EnumName<Enum> (&table)[N]) {
  const std::string key = field.choice(keys_of(table));
  for (const EnumName<Enum>& entry : table) {
    if (entry.key == key) return entry.value;
  }
  field.fail("unknown value '" + key + "'");
}

// The keys that each family takes besides `family`.
std::vector<std::string> family_keys(Boundary::Family family) {
  switch (family) {
    case Boundary::Family::haybittle_peto: return {"family", "interim_z"};
    case Boundary::Family::wang_tsiatis: return {"family", "parameter"};
    case Boundary::Family::nominal: return {"family", "alpha"};
    case Boundary::Family::spending: return {"family", "function", "parameter", "information"};
    case Boundary::Family::user_spending: return {"family", "alpha_spent"};
    default: return {"family"};
  }
}

// A spending function named by `function` and its `parameter` key in `holder` (alpha
// spending in test.boundary, beta spending in test.futility).
void read_spending(const Field& holder, const Field& function, Boundary::Spending& spending, double& value) {
  spending = read_enum(function, SPENDING_NAMES);
  const Field parameter = holder.child("parameter");
  if (!takes_parameter(spending)) {
    if (parameter.present()) parameter.fail("only used by the hsd and power spending functions");
    return;
  }
  // Hwang-Shih-DeCani gamma may be any real; the power function's rho must be positive.
  value = spending == Boundary::Spending::hsd ? holder.required("parameter").number()
                                              : holder.required("parameter").positive();
}

// Cumulative alpha spent by each look (sides-sided): non-decreasing in [0, alpha], reaching
// alpha at the last look. A repeated value spends nothing at that look: no efficacy stop.
std::vector<double> read_alpha_spent(const Field& field, std::size_t looks, double alpha) {
  const std::vector<Field> items = field.items();
  if (items.size() != looks) field.fail(per_look_count("look", looks, items.size()));
  std::vector<double> spent;
  for (const Field& item : items) {
    const double value = item.number();
    const double previous = spent.empty() ? 0.0 : spent.back();
    if (!(value >= previous && value <= alpha)) {
      item.fail("must be cumulative: non-decreasing in [" + format_number(previous) +
                ", test.alpha = " + format_number(alpha) + "], got " + item.shown());
    }
    spent.push_back(value);
  }
  if (spent.back() != alpha) {
    items.back().fail("the last look spends all of test.alpha (" + format_number(alpha) + "), got " +
                      items.back().shown());
  }
  return spent;
}

std::vector<double> read_nominal_alpha(const Field& field, std::size_t looks) {
  const std::vector<Field> items = field.items();
  if (items.size() != looks) field.fail(per_look_count("look", looks, items.size()));
  std::vector<double> alpha;
  for (const Field& item : items) alpha.push_back(item.probability());
  return alpha;
}

Boundary read_boundary(const Field& field, std::size_t looks, double alpha) {
  Boundary boundary;
  if (!field.present()) return boundary;
  field.expect_keys({"family", "interim_z", "parameter", "alpha", "function", "information", "alpha_spent"});
  const Field family = field.required("family");
  boundary.family = read_enum(family, BOUNDARY_FAMILY_NAMES);
  field.expect_keys(family_keys(boundary.family),
                    joined(family_keys(boundary.family)) + " (with family " + family.text() + ")");
  switch (boundary.family) {
    case Boundary::Family::haybittle_peto:
      if (field.has("interim_z")) boundary.interim_z = field.child("interim_z").positive();
      break;
    case Boundary::Family::wang_tsiatis: {
      const Field parameter = field.required("parameter");
      boundary.parameter = parameter.number();
      if (boundary.parameter < WANG_TSIATIS_MIN || boundary.parameter > WANG_TSIATIS_MAX) {
        parameter.fail("must be in [-0.5, 1] (0 is O'Brien-Fleming, 0.5 Pocock), got " + parameter.shown());
      }
      break;
    }
    case Boundary::Family::nominal: boundary.nominal_alpha = read_nominal_alpha(field.required("alpha"), looks); break;
    case Boundary::Family::spending:
      read_spending(field, field.required("function"), boundary.spending, boundary.parameter);
      break;
    case Boundary::Family::user_spending:
      boundary.alpha_spent = read_alpha_spent(field.required("alpha_spent"), looks, alpha);
      break;
    default: break;
  }
  return boundary;
}

// Spending at each trial's observed information needs a count that measures it at every
// look: events (looks on event counts) or patients (looks on patient counts); observed_events
// counts events whatever the triggers.
void read_information(const Field& field, const Design& design, Boundary& boundary) {
  if (!field.present()) return;
  boundary.information = read_enum(field, INFORMATION_NAMES);
  if (boundary.information == Boundary::Information::observed && design.looks.size() > 1 &&
      information_counts(design) == InformationCounts::none) {
    field.fail(
        "observed needs every look to have a single events trigger, or every look a single patient-count "
        "trigger (completed_follow_up, or enrolled with a lag of at least the fixed follow-up)");
  }
}

std::vector<double> read_fractions(const Field& field, std::size_t looks) {
  const std::vector<Field> items = field.items();
  if (items.size() != looks) field.fail(per_look_count("look", looks, items.size()));
  std::vector<double> fractions;
  for (const Field& item : items) {
    const double fraction = item.fraction_up_to_one();
    if (!fractions.empty() && !(fraction > fractions.back())) {
      item.fail("must be strictly increasing, got " + item.shown() + " after " + format_number(fractions.back()));
    }
    fractions.push_back(fraction);
  }
  if (fractions.back() != 1.0) items.back().fail("the last look's fraction must be 1, got " + items.back().shown());
  return fractions;
}

std::vector<double> information_fractions(const Field& field, const Design& design) {
  if (field.present()) return read_fractions(field, design.looks.size());
  const auto planned = planned_information_fractions(design);
  if (!planned) {
    field.fail("required when the looks are not all event- or patient-count triggered; give one fraction per look");
  }
  for (std::size_t k = 1; k < planned->size(); ++k) {
    if (!((*planned)[k] > (*planned)[k - 1])) {
      std::string shown;
      for (double fraction : *planned) shown += (shown.empty() ? "" : ", ") + format_number(fraction);
      field.fail("the fractions planned from the triggers (" + shown +
                 ") are not strictly increasing; give one fraction per look");
    }
  }
  return *planned;
}

// A conditional-power threshold: one number for every interim look, or one per interim look.
std::vector<double> read_conditional_power(const Field& field, std::size_t looks) {
  if (!field.node().IsSequence()) return std::vector<double>(looks - 1, field.probability());
  const std::vector<Field> items = field.items();
  if (items.size() != looks - 1) field.fail(per_look_count("interim look", looks - 1, items.size()));
  std::vector<double> values;
  for (const Field& item : items) values.push_back(item.probability());
  return values;
}

// Beta spending (rpact's typeBetaSpending): the function, its parameter and beta, which
// defaults to 1 - test.target_power when that is given, else to rpact's 0.2.
void read_beta_spending(const Field& field, const Field& function, const TestPlan& plan, Futility& futility) {
  if (plan.sides != 1) {
    function.fail(
        "beta-spending futility needs a one-sided test (test.sides: 1), as rpact computes it; "
        "with a two-sided test give futility z: [...] or hazard_ratio: [...]");
  }
  read_spending(field, function, futility.beta_spending, futility.beta_parameter);
  if (plan.target_power) futility.beta = 1.0 - *plan.target_power;
  const Field beta = field.child("beta");
  if (beta.present()) futility.beta = beta.probability();
  if (!(futility.beta < 1.0 - plan.alpha)) {
    (beta.present() ? beta : function)
        .fail("beta (" + format_number(futility.beta) + ") must be below 1 - test.alpha (" +
              format_number(1.0 - plan.alpha) + ")");
  }
}

Futility read_futility(const Field& field, std::size_t looks, const TestPlan& plan) {
  Futility futility;
  if (!field.present()) return futility;
  field.expect_keys(
      {"z", "hazard_ratio", "conditional_power", "under", "beta_spending", "parameter", "beta", "binding"});
  if (looks < 2) field.fail("needs at least one interim look");
  const Field values = field.one_of({"z", "hazard_ratio", "conditional_power", "beta_spending"},
                                    "needs z: [...] or hazard_ratio: [...], one per interim look, conditional_power: p "
                                    "or beta_spending: FUNCTION");
  const Field under = field.child("under");
  if (values.key() != "conditional_power" && under.present()) under.fail("only used with conditional_power");
  if (values.key() != "beta_spending") {
    for (const std::string_view key : {"parameter", "beta"}) {
      if (field.has(key)) field.child(key).fail("only used with beta_spending");
    }
  }
  if (values.key() == "conditional_power") {
    futility.scale = Futility::Scale::conditional_power;
    futility.values = read_conditional_power(values, looks);
    if (under.present()) futility.effect = read_enum(under, CONDITIONAL_POWER_EFFECT_NAMES);
  } else if (values.key() == "beta_spending") {
    futility.scale = Futility::Scale::beta_spending;
    read_beta_spending(field, values, plan, futility);
  } else {
    futility.scale = values.key() == "z" ? Futility::Scale::z : Futility::Scale::hazard_ratio;
    const std::vector<Field> items = values.items();
    if (items.size() != looks - 1) values.fail(per_look_count("interim look", looks - 1, items.size()));
    for (const Field& item : items) {
      futility.values.push_back(futility.scale == Futility::Scale::z ? item.number() : item.positive());
    }
  }
  const Field binding = field.child("binding");
  if (binding.present()) futility.binding = binding.boolean();
  if (futility.binding && plan.sides != 1)
    binding.fail("a binding futility boundary needs a one-sided test (test.sides: 1)");
  const Boundary::Family family = plan.boundary.family;
  if (futility.binding && futility.scale == Futility::Scale::beta_spending && family != Boundary::Family::spending &&
      family != Boundary::Family::user_spending) {
    binding.fail(
        "binding beta-spending futility needs an alpha-spending boundary (family spending or "
        "user_spending), as in rpact");
  }
  return futility;
}

// A non-inferiority margin: a null hazard ratio other than 1 is tested by the log-rank
// statistic shifted by the margin and by the Cox Wald statistic; no other statistic has one.
double read_null_hazard_ratio(const Field& field, const TestPlan& plan) {
  if (!field.present()) return 1.0;
  const double margin = field.positive();
  if (margin == 1.0) return margin;
  const auto supported = [](const StatisticSpec& spec) {
    return spec.kind == Statistic::logrank || spec.kind == Statistic::cox_wald;
  };
  const auto refuse = [&](const StatisticSpec& spec) {
    field.fail("a null hazard ratio other than 1 is tested with statistic logrank or cox_wald, not " +
               std::string(name_of(STATISTIC_NAMES, spec.kind).key));
  };
  if (!supported(plan.statistic)) refuse(plan.statistic);
  for (const StatisticSpec& spec : plan.compare) {
    if (!supported(spec)) refuse(spec);
  }
  return margin;
}

// A landmark (milestone, RMST tau): given, or the fixed follow-up. No patient is followed
// past the fixed follow-up, so a later landmark could never be estimated.
double read_landmark(const Field& field, const Design& design, const std::string& statistic) {
  if (!field.present()) {
    if (design.fixed_follow_up) return *design.fixed_follow_up;
    field.fail("is required with statistic " + statistic + " (or give follow_up.fixed)");
  }
  const double landmark = field.positive();
  if (design.fixed_follow_up && landmark > *design.fixed_follow_up) {
    field.fail("must be at most follow_up.fixed (" + format_number(*design.fixed_follow_up) +
               "): no patient is followed beyond it, got " + field.shown());
  }
  return landmark;
}

FlemingHarringtonWeight read_weight(const Field& holder) {
  FlemingHarringtonWeight weight;
  if (holder.has("rho")) weight.rho = holder.child("rho").non_negative();
  if (holder.has("gamma")) weight.gamma = holder.child("gamma").non_negative();
  return weight;
}

// The default MaxCombo: log-rank, and weights for late and for early differences
// (Lin et al. 2020, "Alternative analysis methods for time to event endpoints under
// nonproportional hazards", Stat Biopharm Res 12:187-198).
const std::vector<FlemingHarringtonWeight> DEFAULT_COMBO{{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}};

std::vector<FlemingHarringtonWeight> read_combo(const Field& field) {
  if (!field.present()) return DEFAULT_COMBO;
  const std::vector<Field> items = field.items();
  if (items.empty() || items.size() > static_cast<std::size_t>(MAX_COMBO_COMPONENTS)) {
    field.fail("must list 1 to " + std::to_string(MAX_COMBO_COMPONENTS) + " weights {rho: R, gamma: G}, got " +
               std::to_string(items.size()));
  }
  std::vector<FlemingHarringtonWeight> weights;
  for (const Field& item : items) {
    item.expect_keys({"rho", "gamma"});
    const FlemingHarringtonWeight weight = read_weight(item);
    if (std::find(weights.begin(), weights.end(), weight) != weights.end()) item.fail("repeats an earlier weight");
    weights.push_back(weight);
  }
  return weights;
}

// Which statistic each parameter key belongs to.
struct StatisticParameter {
  std::string_view key;
  Statistic statistic;
};
constexpr StatisticParameter STATISTIC_PARAMETERS[] = {{"rho", Statistic::fleming_harrington},
                                                       {"gamma", Statistic::fleming_harrington},
                                                       {"weights", Statistic::maxcombo},
                                                       {"tau", Statistic::rmst},
                                                       {"milestone", Statistic::milestone}};

// A statistic and its parameters from the keys of `holder` (the test block, or an item of
// test.compare); `statistic` names it. Parameters of another statistic are refused, so a
// misplaced `rho` never goes unnoticed. The milestone key of the test block also serves
// the analytic landmark, so there it is allowed with any statistic.
StatisticSpec read_statistic(const Field& holder, const Field& statistic, const Design& design, bool test_block) {
  StatisticSpec spec;
  if (statistic.present()) spec.kind = read_enum(statistic, STATISTIC_NAMES);
  const std::string name(name_of(STATISTIC_NAMES, spec.kind).key);
  for (const StatisticParameter& parameter : STATISTIC_PARAMETERS) {
    if (parameter.statistic == spec.kind || !holder.node().IsMap() || !holder.has(parameter.key)) continue;
    if (test_block && parameter.key == "milestone") continue;
    holder.child(parameter.key)
        .fail("only used with statistic " + std::string(name_of(STATISTIC_NAMES, parameter.statistic).key) + ", not " +
              name);
  }
  switch (spec.kind) {
    case Statistic::fleming_harrington: spec.weight = read_weight(holder); break;
    case Statistic::maxcombo: spec.components = read_combo(holder.child("weights")); break;
    case Statistic::rmst: spec.landmark = read_landmark(holder.child("tau"), design, name); break;
    case Statistic::milestone: spec.landmark = read_landmark(holder.child("milestone"), design, name); break;
    case Statistic::logrank:
    case Statistic::cox_wald:
    case Statistic::cox_score:
    case Statistic::cox_lr: break;  // no parameters
  }
  return spec;
}

// The latest calendar time at which look `look` can cut the data, whatever happens in the
// trial: only calendar-time triggers bound it.
double latest_cut(const Look& look) {
  double latest = look.combine == Look::Combine::first ? INFINITE_TIME : 0.0;
  for (const Trigger& trigger : look.triggers) {
    const double bound = trigger.kind == Trigger::Kind::time ? trigger.value : INFINITE_TIME;
    latest = look.combine == Look::Combine::first ? std::min(latest, bound) : std::max(latest, bound);
  }
  return latest + look.lag;
}

// A Kaplan-Meier quantity at a landmark has no estimate at a look that cuts the data before
// any patient can have been followed that long: refuse such a design rather than report an
// extrapolation (docs/edge_cases.md has the rule for looks where it happens by chance).
void check_landmark_reachable(const Field& where, const StatisticSpec& spec, const Design& design) {
  if (spec.kind != Statistic::milestone && spec.kind != Statistic::rmst) return;
  for (const Look& look : design.looks) {
    const double latest = latest_cut(look);
    if (latest < spec.landmark) {
      where.fail(std::string(name_of(STATISTIC_NAMES, spec.kind).key) + " at " + format_number(spec.landmark) +
                 " cannot be estimated at look '" + look.name + "', which cuts the data by time " +
                 format_number(latest) + ", before any patient can be followed to " + format_number(spec.landmark));
    }
  }
}

std::vector<StatisticSpec> read_compare(const Field& field, const Design& design, const StatisticSpec& primary) {
  std::vector<StatisticSpec> compare;
  if (!field.present()) return compare;
  const std::vector<Field> items = field.items();
  if (items.empty() || items.size() > static_cast<std::size_t>(MAX_COMPARED)) {
    field.fail("must list 1 to " + std::to_string(MAX_COMPARED) + " statistics, got " + std::to_string(items.size()));
  }
  for (const Field& item : items) {
    StatisticSpec spec;
    if (item.node().IsMap()) {
      item.expect_keys({"statistic", "rho", "gamma", "weights", "tau", "milestone"});
      spec = read_statistic(item, item.required("statistic"), design, false);
    } else {
      spec = read_statistic(item, item, design, false);
    }
    if (spec == primary) item.fail("is the design's own statistic (test.statistic), which is always decided");
    if (std::find(compare.begin(), compare.end(), spec) != compare.end()) item.fail("repeats an earlier statistic");
    check_landmark_reachable(item, spec, design);
    compare.push_back(spec);
  }
  return compare;
}

void read_sides_and_alpha(const Field& test, TestPlan& plan) {
  const Field sides = test.child("sides");
  if (sides.present()) {
    const std::int64_t value = sides.integer();
    if (value != 1 && value != 2) sides.fail("must be 1 or 2, got " + sides.shown());
    plan.sides = static_cast<int>(value);
  }
  const Field alpha = test.child("alpha");
  if (!alpha.present()) return;
  plan.alpha = alpha.probability();
  if (plan.sides == 1 && plan.alpha > 0.5) alpha.fail("a one-sided alpha must be at most 0.5, got " + alpha.shown());
}

}  // namespace

TestPlan read_test(const Field& test, const Design& design) {
  TestPlan plan;
  if (test.present()) {
    test.expect_keys({"statistic", "ties", "sides", "alpha", "boundary", "information_fractions", "futility",
                      "stratified", "milestone", "target_power", "rho", "gamma", "weights", "tau", "compare",
                      "null_hazard_ratio", "design_hazard_ratio", "planned_final_events"});
  }
  plan.statistic = read_statistic(test, test.child("statistic"), design, true);
  check_landmark_reachable(test.child("statistic"), plan.statistic, design);
  plan.compare = read_compare(test.child("compare"), design, plan.statistic);
  if (test.has("ties")) plan.ties = read_enum(test.child("ties"), TIES_NAMES);
  read_sides_and_alpha(test, plan);
  plan.boundary = read_boundary(test.child("boundary"), design.looks.size(), plan.alpha);
  if (test.has("boundary")) read_information(test.child("boundary").child("information"), design, plan.boundary);
  plan.information_fractions = information_fractions(test.child("information_fractions"), design);
  if (test.has("target_power")) plan.target_power = test.child("target_power").probability();
  plan.futility = read_futility(test.child("futility"), design.looks.size(), plan);
  plan.null_hazard_ratio = read_null_hazard_ratio(test.child("null_hazard_ratio"), plan);
  if (test.has("design_hazard_ratio")) plan.design_hazard_ratio = test.child("design_hazard_ratio").positive();
  if (test.has("planned_final_events")) plan.planned_final_events = test.child("planned_final_events").positive();
  if (test.has("stratified")) plan.stratified = test.child("stratified").boolean();
  // The analytic landmark mortality: the milestone statistic's landmark, or the fixed follow-up.
  if (plan.statistic.kind == Statistic::milestone) {
    plan.milestone = plan.statistic.landmark;
  } else if (test.has("milestone")) {
    plan.milestone = read_landmark(test.child("milestone"), design, "milestone");
  } else {
    plan.milestone = design.fixed_follow_up.value_or(INFINITE_TIME);
  }
  return plan;
}

}  // namespace trialsim::config
