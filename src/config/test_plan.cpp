// test: the statistic, sidedness and alpha, the efficacy boundary, the planned
// information fractions and the optional futility boundary.

#include "design_parts.hpp"

namespace trialsim::config {

namespace {

// Wang-Tsiatis Delta: 0 is O'Brien-Fleming, 0.5 Pocock; a little beyond either end is still a boundary.
constexpr double WANG_TSIATIS_MIN = -0.5;
constexpr double WANG_TSIATIS_MAX = 1.0;

std::string per_look_count(const std::string& what, std::size_t expected, std::size_t got) {
  return "must give one value per " + what + " (" + std::to_string(expected) + "), got " + std::to_string(got);
}

Statistic read_statistic(const Field& field) {
  const std::string name = field.choice({"logrank", "cox_wald", "cox_score", "cox_lr", "milestone"});
  if (name == "cox_wald") return Statistic::cox_wald;
  if (name == "cox_score") return Statistic::cox_score;
  if (name == "cox_lr") return Statistic::cox_lr;
  if (name == "milestone") return Statistic::milestone;
  return Statistic::logrank;
}

Boundary::Family read_family(const Field& field) {
  const std::string name =
      field.choice({"obrien_fleming", "pocock", "haybittle_peto", "wang_tsiatis", "nominal", "spending"});
  if (name == "pocock") return Boundary::Family::pocock;
  if (name == "haybittle_peto") return Boundary::Family::haybittle_peto;
  if (name == "wang_tsiatis") return Boundary::Family::wang_tsiatis;
  if (name == "nominal") return Boundary::Family::nominal;
  if (name == "spending") return Boundary::Family::spending;
  return Boundary::Family::obrien_fleming;
}

// The keys that each family takes besides `family`.
std::vector<std::string> family_keys(Boundary::Family family) {
  switch (family) {
    case Boundary::Family::haybittle_peto: return {"family", "interim_z"};
    case Boundary::Family::wang_tsiatis: return {"family", "parameter"};
    case Boundary::Family::nominal: return {"family", "alpha"};
    case Boundary::Family::spending: return {"family", "function", "parameter"};
    default: return {"family"};
  }
}

void read_spending(const Field& field, Boundary& boundary) {
  const std::string name = field.required("function").choice({"obrien_fleming", "pocock", "hsd", "power"});
  const Field parameter = field.child("parameter");
  if (name == "obrien_fleming" || name == "pocock") {
    boundary.spending = name == "pocock" ? Boundary::Spending::pocock : Boundary::Spending::obrien_fleming;
    if (parameter.present()) parameter.fail("only used by the hsd and power spending functions");
    return;
  }
  boundary.spending = name == "hsd" ? Boundary::Spending::hsd : Boundary::Spending::power;
  // Hwang-Shih-DeCani gamma may be any real; the power function's rho must be positive.
  boundary.parameter = name == "hsd" ? field.required("parameter").number() : field.required("parameter").positive();
}

std::vector<double> read_nominal_alpha(const Field& field, std::size_t looks) {
  const std::vector<Field> items = field.items();
  if (items.size() != looks) field.fail(per_look_count("look", looks, items.size()));
  std::vector<double> alpha;
  for (const Field& item : items) alpha.push_back(item.probability());
  return alpha;
}

Boundary read_boundary(const Field& field, std::size_t looks) {
  Boundary boundary;
  if (!field.present()) return boundary;
  field.expect_keys({"family", "interim_z", "parameter", "alpha", "function"});
  const Field family = field.required("family");
  boundary.family = read_family(family);
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
    case Boundary::Family::spending: read_spending(field, boundary); break;
    default: break;
  }
  return boundary;
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

Futility read_futility(const Field& field, std::size_t looks, int sides) {
  Futility futility;
  if (!field.present()) return futility;
  field.expect_keys({"z", "hazard_ratio", "binding"});
  if (looks < 2) field.fail("needs at least one interim look");
  const Field values =
      field.one_of({"z", "hazard_ratio"}, "needs z: [...] or hazard_ratio: [...], one per interim look");
  futility.scale = values.key() == "z" ? Futility::Scale::z : Futility::Scale::hazard_ratio;
  const std::vector<Field> items = values.items();
  if (items.size() != looks - 1) values.fail(per_look_count("interim look", looks - 1, items.size()));
  for (const Field& item : items) {
    futility.values.push_back(futility.scale == Futility::Scale::z ? item.number() : item.positive());
  }
  const Field binding = field.child("binding");
  if (binding.present()) futility.binding = binding.boolean();
  if (futility.binding && sides != 1)
    binding.fail("a binding futility boundary needs a one-sided test (test.sides: 1)");
  return futility;
}

double read_milestone(const Field& field, const Design& design, Statistic statistic) {
  if (field.present()) return field.positive();
  if (design.fixed_follow_up) return *design.fixed_follow_up;
  if (statistic == Statistic::milestone) field.fail("is required with statistic milestone (or give follow_up.fixed)");
  return INFINITE_TIME;
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
                      "stratified", "milestone", "target_power"});
  }
  if (test.has("statistic")) plan.statistic = read_statistic(test.child("statistic"));
  if (test.has("ties"))
    plan.ties = test.child("ties").choice({"efron", "breslow"}) == "efron" ? Ties::efron : Ties::breslow;
  read_sides_and_alpha(test, plan);
  plan.boundary = read_boundary(test.child("boundary"), design.looks.size());
  plan.information_fractions = information_fractions(test.child("information_fractions"), design);
  plan.futility = read_futility(test.child("futility"), design.looks.size(), plan.sides);
  if (test.has("stratified")) plan.stratified = test.child("stratified").boolean();
  plan.milestone = read_milestone(test.child("milestone"), design, plan.statistic);
  if (test.has("target_power")) plan.target_power = test.child("target_power").probability();
  return plan;
}

}  // namespace trialsim::config
