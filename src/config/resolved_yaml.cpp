// The resolved design: the whole Design written back as a design file, every
// default filled in, numbers in their shortest exact form, so that reading it
// again gives the same Design and the same text. Survival laws keep the form
// the user chose (event probability at a time, landmarks, median, ...), which
// reads better than the hazards they imply and converts back identically.

#include "design_parts.hpp"
#include "trialsim/names.hpp"

namespace trialsim::config {

namespace {

YAML::Node text_node(const std::string& text) {
  return YAML::Node(text);
}
YAML::Node integer_node(std::int64_t value) {
  return YAML::Node(std::to_string(value));
}
YAML::Node boolean_node(bool value) {
  return YAML::Node(value ? "true" : "false");
}

YAML::Node arms_node(const Design& design, const SurvivalForms& forms) {
  YAML::Node arms(YAML::NodeType::Sequence);
  for (std::size_t arm = 0; arm < 2; ++arm) {
    YAML::Node entry;
    entry["id"] = text_node(design.arms[arm].id);
    entry["label"] = text_node(design.arms[arm].label);
    if (!forms.arms[arm].IsNull()) entry["survival"] = forms.arms[arm];
    arms.push_back(entry);
  }
  return arms;
}

YAML::Node allocation_node(const Design& design, const SurvivalForms& forms) {
  YAML::Node allocation;
  allocation["ratio"] =
      number_list({static_cast<double>(design.allocation.ratio[0]), static_cast<double>(design.allocation.ratio[1])});
  allocation["block_size"] = integer_node(design.allocation.block_size);
  YAML::Node strata(YAML::NodeType::Sequence);
  for (std::size_t s = 0; s < design.allocation.strata.size(); ++s) {
    YAML::Node stratum = flow_mapping();
    stratum["name"] = text_node(design.allocation.strata[s].name);
    stratum["prevalence"] = number_node(design.allocation.strata[s].prevalence);
    if (!forms.strata.empty()) stratum["survival"] = forms.strata[s];
    strata.push_back(stratum);
  }
  allocation["strata"] = strata;
  return allocation;
}

// A list of sites, or of rate periods when no sites were given.
YAML::Node arrivals_node(const std::vector<RatePeriod>& rates, const std::vector<Site>& sites) {
  YAML::Node periods(YAML::NodeType::Sequence);
  for (const Site& site : sites) {
    YAML::Node entry = flow_mapping();
    entry["name"] = text_node(site.name);
    entry["from"] = number_node(site.from);
    if (site.to < INFINITE_TIME) entry["to"] = number_node(site.to);
    entry["rate"] = number_node(site.rate);
    periods.push_back(entry);
  }
  for (std::size_t k = 0; sites.empty() && k < rates.size(); ++k) {
    YAML::Node entry = flow_mapping();
    entry["from"] = number_node(rates[k].from);
    entry["rate"] = number_node(rates[k].rate);
    periods.push_back(entry);
  }
  return periods;
}

YAML::Node enrollment_node(const Enrollment& enrollment) {
  YAML::Node node;
  node["sample_size"] = integer_node(enrollment.sample_size);
  if (enrollment.arrivals == Enrollment::Arrivals::deterministic) node["arrivals"] = text_node("deterministic");
  if (enrollment.timelines.empty()) {
    node[enrollment.sites.empty() ? "rates" : "sites"] = arrivals_node(enrollment.periods, enrollment.sites);
    return node;
  }
  node["timeline"] = text_node(enrollment.timeline);
  YAML::Node timelines;
  for (const Timeline& timeline : enrollment.timelines) {
    YAML::Node body;
    body[timeline.sites.empty() ? "rates" : "sites"] = arrivals_node(timeline.periods, timeline.sites);
    timelines[timeline.name] = body;
  }
  node["timelines"] = timelines;
  return node;
}

void add_optional_blocks(YAML::Node& root, const Design& design, const SurvivalForms& forms) {
  if (design.fixed_follow_up) {
    YAML::Node follow_up = flow_mapping();
    follow_up["fixed"] = number_node(*design.fixed_follow_up);
    root["follow_up"] = follow_up;
  }
  if (!forms.dropout[0].IsNull() || !forms.dropout[1].IsNull()) {
    YAML::Node dropout;
    for (std::size_t arm = 0; arm < 2; ++arm) {
      if (!forms.dropout[arm].IsNull()) dropout[design.arms[arm].id] = forms.dropout[arm];
    }
    root["dropout"] = dropout;
  }
  YAML::Node crossover = flow_mapping();
  crossover["control_to_treatment"] = number_node(design.crossover[CONTROL]);
  crossover["treatment_to_control"] = number_node(design.crossover[TREATMENT]);
  root["crossover"] = crossover;
  root["exclusion"] = number_node(design.exclusion);
  root["as_treated"] = boolean_node(design.as_treated);
}

const char* trigger_key(Trigger::Kind kind) {
  switch (kind) {
    case Trigger::Kind::events: return "events";
    case Trigger::Kind::time: return "time";
    case Trigger::Kind::enrolled: return "enrolled";
    default: return "completed_follow_up";
  }
}

YAML::Node look_node(const Look& look) {
  YAML::Node when = flow_mapping();
  for (const Trigger& trigger : look.triggers) {
    when[trigger_key(trigger.kind)] =
        trigger.kind == Trigger::Kind::all_completed ? text_node("all") : number_node(trigger.value);
  }
  when["lag"] = number_node(look.lag);
  if (look.triggers.size() > 1) when["combine"] = text_node(look.combine == Look::Combine::first ? "first" : "last");
  YAML::Node node;
  node["name"] = text_node(look.name);
  node["when"] = when;
  node["population"] = text_node(look.population == Population::first_completed ? "first_completed" : "all_randomised");
  return node;
}

YAML::Node weight_node(const FlemingHarringtonWeight& weight) {
  YAML::Node node = flow_mapping();
  node["rho"] = number_node(weight.rho);
  node["gamma"] = number_node(weight.gamma);
  return node;
}

// The statistic's parameters as keys of `node` (the test block or an item of test.compare).
void add_statistic_parameters(YAML::Node& node, const StatisticSpec& spec) {
  switch (spec.kind) {
    case Statistic::fleming_harrington:
      node["rho"] = number_node(spec.weight.rho);
      node["gamma"] = number_node(spec.weight.gamma);
      break;
    case Statistic::maxcombo: {
      YAML::Node weights(YAML::NodeType::Sequence);
      for (const FlemingHarringtonWeight& weight : spec.components) weights.push_back(weight_node(weight));
      node["weights"] = weights;
      break;
    }
    case Statistic::rmst: node["tau"] = number_node(spec.landmark); break;
    case Statistic::milestone: node["milestone"] = number_node(spec.landmark); break;
    case Statistic::logrank:
    case Statistic::cox_wald:
    case Statistic::cox_score:
    case Statistic::cox_lr: break;  // no parameters
  }
}

YAML::Node compare_node(const std::vector<StatisticSpec>& compare) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (const StatisticSpec& spec : compare) {
    YAML::Node item = flow_mapping();
    item["statistic"] = text_node(std::string(name_of(STATISTIC_NAMES, spec.kind).key));
    add_statistic_parameters(item, spec);
    list.push_back(item);
  }
  return list;
}

// A spending function under `key`, with its parameter when it takes one.
void add_spending(YAML::Node& node, const char* key, Boundary::Spending function, double parameter) {
  node[key] = text_node(std::string(name_of(SPENDING_NAMES, function).key));
  if (takes_parameter(function)) node["parameter"] = number_node(parameter);
}

YAML::Node boundary_node(const Boundary& boundary) {
  YAML::Node node = flow_mapping();
  node["family"] = text_node(std::string(name_of(BOUNDARY_FAMILY_NAMES, boundary.family).key));
  switch (boundary.family) {
    case Boundary::Family::haybittle_peto: node["interim_z"] = number_node(boundary.interim_z); break;
    case Boundary::Family::wang_tsiatis: node["parameter"] = number_node(boundary.parameter); break;
    case Boundary::Family::nominal: node["alpha"] = number_list(boundary.nominal_alpha); break;
    case Boundary::Family::spending:
      add_spending(node, "function", boundary.spending, boundary.parameter);
      node["information"] = text_node(std::string(name_of(INFORMATION_NAMES, boundary.information).key));
      break;
    case Boundary::Family::user_spending: node["alpha_spent"] = number_list(boundary.alpha_spent); break;
    case Boundary::Family::obrien_fleming:
    case Boundary::Family::pocock: break;  // no parameters
  }
  return node;
}

YAML::Node futility_node(const Futility& futility) {
  YAML::Node node = flow_mapping();
  switch (futility.scale) {
    case Futility::Scale::z: node["z"] = number_list(futility.values); break;
    case Futility::Scale::hazard_ratio: node["hazard_ratio"] = number_list(futility.values); break;
    case Futility::Scale::beta_spending:
      add_spending(node, "beta_spending", futility.beta_spending, futility.beta_parameter);
      node["beta"] = number_node(futility.beta);
      break;
    case Futility::Scale::conditional_power:
      node["conditional_power"] = number_list(futility.values);
      node["under"] = text_node(std::string(name_of(CONDITIONAL_POWER_EFFECT_NAMES, futility.effect).key));
      break;
    case Futility::Scale::none: break;
  }
  node["binding"] = boolean_node(futility.binding);
  return node;
}

YAML::Node test_node(const TestPlan& test) {
  YAML::Node node;
  node["statistic"] = text_node(std::string(name_of(STATISTIC_NAMES, test.statistic.kind).key));
  add_statistic_parameters(node, test.statistic);
  if (!test.compare.empty()) node["compare"] = compare_node(test.compare);
  node["ties"] = text_node(std::string(name_of(TIES_NAMES, test.ties).key));
  node["sides"] = integer_node(test.sides);
  node["alpha"] = number_node(test.alpha);
  node["boundary"] = boundary_node(test.boundary);
  node["information_fractions"] = number_list(test.information_fractions);
  if (test.futility.scale != Futility::Scale::none) node["futility"] = futility_node(test.futility);
  if (test.null_hazard_ratio != 1.0) node["null_hazard_ratio"] = number_node(test.null_hazard_ratio);
  if (test.design_hazard_ratio) node["design_hazard_ratio"] = number_node(*test.design_hazard_ratio);
  if (test.planned_final_events) node["planned_final_events"] = number_node(*test.planned_final_events);
  node["stratified"] = boolean_node(test.stratified);
  if (test.target_power) node["target_power"] = number_node(*test.target_power);
  if (test.milestone < INFINITE_TIME && test.statistic.kind != Statistic::milestone) {
    node["milestone"] = number_node(test.milestone);
  }
  return node;
}

}  // namespace

std::string resolved_yaml(const Design& design, const SurvivalForms& forms) {
  YAML::Node root;
  root["name"] = text_node(design.name);
  root["time_unit"] = text_node(design.time_unit);
  if (design.start_date) root["start_date"] = text_node(*design.start_date);
  root["arms"] = arms_node(design, forms);
  root["allocation"] = allocation_node(design, forms);
  root["enrollment"] = enrollment_node(design.enrollment);
  add_optional_blocks(root, design, forms);
  YAML::Node looks(YAML::NodeType::Sequence);
  for (const Look& look : design.looks) looks.push_back(look_node(look));
  root["analyses"] = looks;
  root["test"] = test_node(design.test);
  YAML::Node simulation;
  simulation["replicates"] = integer_node(design.simulation.replicates);
  simulation["seed"] = text_node(std::to_string(design.simulation.seed));
  root["simulation"] = simulation;
  YAML::Emitter out;
  out.SetIndent(2);
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace trialsim::config
