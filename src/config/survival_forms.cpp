// The survival forms of the design file (exponential, piecewise exponential,
// Weibull, relative to control, mixture cure) turned into a SurvivalModel.
// Every conversion is exact in the sense of SPEC.md: a cumulative event
// probability p at time t becomes a cumulative hazard H(t) = -ln(1 - p).

#include <cmath>
#include <numbers>

#include "design_parts.hpp"

namespace trialsim::config {

namespace {

const std::initializer_list<std::string_view> SURVIVAL_KEYS = {"exponential", "piecewise_exponential", "weibull",
                                                               "relative_to_control", "cure_fraction"};

struct BaseForm {
  BaseHazard base;
  YAML::Node form;
};

// H = -ln(1 - p), accurate for small p.
double cumulative_hazard_of(double event_probability) {
  return -std::log1p(-event_probability);
}

BaseHazard constant_hazard(double hazard) {
  BaseHazard base;
  base.hazards = {hazard};
  return base;
}

BaseForm read_exponential(const Field& field) {
  field.expect_keys({"hazard", "median", "event_probability", "at"});
  const Field given = field.one_of({"hazard", "median", "event_probability"},
                                   "needs one of hazard, median, or event_probability with at");
  const std::string key = given.key();
  const Field at = field.child("at");
  if (key != "event_probability" && at.present()) at.fail("only used with event_probability");
  YAML::Node form = flow_mapping();
  if (key == "hazard") {
    const double hazard = given.positive();
    form["hazard"] = number_node(hazard);
    return {constant_hazard(hazard), form};
  }
  if (key == "median") {
    const double median = given.positive();
    form["median"] = number_node(median);
    return {constant_hazard(std::numbers::ln2 / median), form};
  }
  const double probability = given.probability();
  const double time = field.required("at").positive();
  form["event_probability"] = number_node(probability);
  form["at"] = number_node(time);
  return {constant_hazard(cumulative_hazard_of(probability) / time), form};
}

// Interval starts: breaks[0] == 0, strictly increasing.
std::vector<double> read_breaks(const Field& field) {
  const std::vector<Field> items = field.items();
  if (items.empty()) field.fail("must list at least one interval start, beginning with 0");
  std::vector<double> breaks;
  for (const Field& item : items) {
    const double start = item.number();
    if (breaks.empty() && start != 0.0) item.fail("the first interval must start at 0, got " + item.shown());
    if (!breaks.empty() && !(start > breaks.back())) {
      item.fail("interval starts must be strictly increasing, got " + item.shown() + " after " +
                format_number(breaks.back()));
    }
    breaks.push_back(start);
  }
  return breaks;
}

// One value per interval of `breaks`, each checked by `read_one`.
template <typename Reader>
std::vector<double> read_per_interval(const Field& field, std::size_t intervals, Reader read_one) {
  const std::vector<Field> items = field.items();
  if (items.size() != intervals) {
    field.fail("must give one value per interval of breaks (" + std::to_string(intervals) + "), got " +
               std::to_string(items.size()));
  }
  std::vector<double> values;
  for (const Field& item : items) values.push_back(read_one(item));
  return values;
}

// {t1: p1, t2: p2, ...}: cumulative event probabilities at landmarks, one
// constant hazard per interval between landmarks (the last extends forever).
BaseForm read_landmarks(const Field& field) {
  const auto entries = field.entries();
  if (entries.empty()) field.fail("must give at least one landmark, as {time: probability}");
  std::vector<double> times, cumulative;
  double previous_probability = 0.0;
  YAML::Node form = flow_mapping();
  for (const auto& [key, value] : entries) {
    const std::optional<double> time = parse_number(key.node().Scalar());
    if (!time || *time <= 0.0) key.fail("landmark times must be positive numbers, got " + key.shown());
    if (!times.empty() && *time <= times.back()) {
      key.fail("landmark times must be strictly increasing, got " + key.shown() + " after " +
               format_number(times.back()));
    }
    const double probability = value.probability();
    if (probability < previous_probability) {
      value.fail("cumulative event probabilities must not decrease, got " + value.shown() + " after " +
                 format_number(previous_probability));
    }
    previous_probability = probability;
    times.push_back(*time);
    cumulative.push_back(cumulative_hazard_of(probability));
    form[format_number(*time)] = number_node(probability);
  }
  BaseHazard base;
  base.breaks = {0.0};
  base.hazards.clear();
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double start = i == 0 ? 0.0 : times[i - 1];
    const double before = i == 0 ? 0.0 : cumulative[i - 1];
    if (i > 0) base.breaks.push_back(start);
    base.hazards.push_back((cumulative[i] - before) / (times[i] - start));
  }
  YAML::Node outer = flow_mapping();
  outer["event_probability"] = form;
  return {base, outer};
}

BaseForm read_piecewise(const Field& field) {
  field.expect_keys({"event_probability", "breaks", "hazards"});
  if (field.has("event_probability")) {
    for (std::string_view key : {"breaks", "hazards"}) {
      if (field.has(key)) field.child(key).fail("give either event_probability or breaks with hazards");
    }
    return read_landmarks(field.child("event_probability"));
  }
  if (!field.has("breaks") && !field.has("hazards")) {
    field.fail("needs event_probability: {time: probability, ...} or breaks with hazards");
  }
  BaseHazard base;
  base.breaks = read_breaks(field.required("breaks"));
  const Field hazards = field.required("hazards");
  base.hazards = read_per_interval(hazards, base.breaks.size(), [](const Field& item) { return item.non_negative(); });
  bool any_positive = false;
  for (double hazard : base.hazards) any_positive = any_positive || hazard > 0.0;
  if (!any_positive) hazards.fail("must not all be zero (no patient would ever have the event)");
  YAML::Node form = flow_mapping();
  form["breaks"] = number_list(base.breaks);
  form["hazards"] = number_list(base.hazards);
  return {base, form};
}

BaseForm read_weibull(const Field& field) {
  field.expect_keys({"shape", "scale", "median"});
  BaseHazard base;
  base.family = BaseHazard::Family::weibull;
  base.weibull_shape = field.required("shape").positive();
  const Field given = field.one_of({"scale", "median"}, "needs shape with one of scale or median");
  YAML::Node form = flow_mapping();
  form["shape"] = number_node(base.weibull_shape);
  if (given.key() == "scale") {
    base.weibull_scale = given.positive();
    form["scale"] = number_node(base.weibull_scale);
  } else {
    // S(median) = 1/2: (median / scale)^shape = ln 2.
    const double median = given.positive();
    base.weibull_scale = median / std::pow(std::numbers::ln2, 1.0 / base.weibull_shape);
    form["median"] = number_node(median);
  }
  return {base, form};
}

ParsedSurvival read_relative(const Field& field) {
  field.expect_keys({"hazard_ratio", "breaks", "hazard_ratios"});
  field.one_of({"hazard_ratio", "breaks"}, "needs hazard_ratio, or breaks with hazard_ratios");
  ParsedSurvival parsed;
  parsed.relative = true;
  YAML::Node form = flow_mapping();
  if (field.has("hazard_ratio")) {
    if (field.has("hazard_ratios")) field.child("hazard_ratios").fail("only used with breaks");
    parsed.model.hazard_ratios = {field.child("hazard_ratio").positive()};
    form["hazard_ratio"] = number_node(parsed.model.hazard_ratios[0]);
  } else {
    parsed.model.ratio_breaks = read_breaks(field.child("breaks"));
    parsed.model.hazard_ratios = read_per_interval(field.required("hazard_ratios"), parsed.model.ratio_breaks.size(),
                                                   [](const Field& item) { return item.positive(); });
    form["breaks"] = number_list(parsed.model.ratio_breaks);
    form["hazard_ratios"] = number_list(parsed.model.hazard_ratios);
  }
  parsed.form = flow_mapping();
  parsed.form["relative_to_control"] = form;
  return parsed;
}

std::string role_forms(SurvivalRole role) {
  if (role == SurvivalRole::treatment) return "exponential, piecewise_exponential, weibull or relative_to_control";
  return "exponential, piecewise_exponential or weibull";
}

// relative_to_control describes the treatment arm only: the control, a
// stratum's control and dropout laws need a hazard of their own.
void check_relative_allowed(const Field& relative, SurvivalRole role) {
  if (role == SurvivalRole::treatment) return;
  if (role == SurvivalRole::dropout) relative.fail("dropout needs a law of its own; allowed: " + role_forms(role));
  relative.fail("only the treatment arm (the second) can be relative to the control; allowed: " + role_forms(role));
}

}  // namespace

ParsedSurvival read_survival(const Field& survival, SurvivalRole role) {
  survival.expect_keys(SURVIVAL_KEYS);
  const Field form = survival.one_of({"exponential", "piecewise_exponential", "weibull", "relative_to_control"},
                                     "needs one of " + role_forms(role));
  const std::string key = form.key();
  const Field cure = survival.child("cure_fraction");
  if (key == "relative_to_control") {
    check_relative_allowed(form, role);
    if (cure.present()) cure.fail("not allowed with relative_to_control (the control's cure fraction applies)");
    return read_relative(form);
  }
  const BaseForm base = key == "exponential" ? read_exponential(form)
                        : key == "weibull"   ? read_weibull(form)
                                             : read_piecewise(form);
  ParsedSurvival parsed;
  parsed.model.base = base.base;
  parsed.form = flow_mapping();
  parsed.form[key] = base.form;
  if (cure.present()) {
    parsed.model.cure_fraction = cure.fraction_from_zero();
    if (parsed.model.cure_fraction > 0.0) parsed.form["cure_fraction"] = number_node(parsed.model.cure_fraction);
  }
  return parsed;
}

SurvivalModel relative_to(const SurvivalModel& control, const ParsedSurvival& treatment) {
  SurvivalModel model = treatment.model;
  model.base = control.base;
  model.cure_fraction = control.cure_fraction;
  return model;
}

}  // namespace trialsim::config
