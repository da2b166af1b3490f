// analyses: the looks, what triggers each, and who is analysed at it; and the
// information fractions that the triggers plan.

#include "design_parts.hpp"

namespace trialsim::config {

namespace {

const std::initializer_list<std::string_view> TRIGGER_KEYS = {"events", "time", "enrolled", "completed_follow_up"};

struct TriggerField {
  Trigger trigger;
  Field field;
};

std::string can_never_be_reached(const Design& design, const Field& field) {
  return "can never be reached: at most " + std::to_string(design.enrollment.sample_size) +
         " patients (enrollment.sample_size), got " + field.shown();
}

// A count of patients (or events) that the trial can reach.
double patient_count(const Field& field, const Design& design) {
  const std::int64_t count = field.positive_integer();
  if (count > design.enrollment.sample_size) field.fail(can_never_be_reached(design, field));
  return static_cast<double>(count);
}

Trigger read_completed_follow_up(const Field& field, const Design& design) {
  if (!design.fixed_follow_up) field.fail("needs follow_up.fixed (with open follow-up no patient completes it)");
  if (field.node().IsScalar() && field.node().Scalar() == "all") {
    return {Trigger::Kind::all_completed, static_cast<double>(design.enrollment.sample_size)};
  }
  if (!field.node().IsScalar() || !parse_number(field.node().Scalar())) {
    field.fail("must be a positive integer or all, got " + field.shown());
  }
  return {Trigger::Kind::completed_follow_up, patient_count(field, design)};
}

Trigger read_trigger(const Field& field, const Design& design) {
  const std::string key = field.key();
  if (key == "events") return {Trigger::Kind::events, patient_count(field, design)};
  if (key == "enrolled") return {Trigger::Kind::enrolled, patient_count(field, design)};
  if (key == "time") return {Trigger::Kind::time, field.positive()};
  return read_completed_follow_up(field, design);
}

std::vector<TriggerField> read_triggers(const Field& when, Look& look, const Design& design) {
  when.expect_keys({"events", "time", "enrolled", "completed_follow_up", "lag", "combine"});
  std::vector<TriggerField> triggers;
  for (std::string_view key : TRIGGER_KEYS) {
    const Field field = when.child(key);
    if (field.present()) triggers.push_back({read_trigger(field, design), field});
  }
  if (triggers.empty()) when.fail("needs a trigger: one of " + joined(TRIGGER_KEYS));
  for (const TriggerField& trigger : triggers) look.triggers.push_back(trigger.trigger);
  if (when.has("lag")) look.lag = when.child("lag").non_negative();
  const Field combine = when.child("combine");
  if (combine.present()) {
    if (triggers.size() < 2) combine.fail("only used with several triggers");
    look.combine = combine.choice({"first", "last"}) == "first" ? Look::Combine::first : Look::Combine::last;
  }
  return triggers;
}

// Kinds whose values can be compared across looks (completed and all-completed count the same patients).
int comparable_kind(Trigger::Kind kind) {
  return kind == Trigger::Kind::all_completed ? static_cast<int>(Trigger::Kind::completed_follow_up)
                                              : static_cast<int>(kind);
}

// A single-trigger look may not come before an earlier look of the same kind.
void check_order(const std::vector<Look>& earlier, const std::vector<TriggerField>& triggers) {
  if (triggers.size() != 1) return;
  const Trigger& trigger = triggers.front().trigger;
  for (std::size_t k = earlier.size(); k-- > 0;) {
    const Look& look = earlier[k];
    if (look.triggers.size() != 1) continue;
    if (comparable_kind(look.triggers[0].kind) != comparable_kind(trigger.kind)) continue;
    if (trigger.value < look.triggers[0].value) {
      triggers.front().field.fail("must not be below the " + format_number(look.triggers[0].value) + " of analyses[" +
                                  std::to_string(k) + "] (looks are listed in the order they happen), got " +
                                  triggers.front().field.shown());
    }
    return;
  }
}

Population read_population(const Field& field) {
  return field.choice({"all_randomised", "first_completed"}) == "first_completed" ? Population::first_completed
                                                                                  : Population::all_randomised;
}

bool has_completed_count(const Look& look) {
  for (const Trigger& trigger : look.triggers) {
    if (trigger.kind == Trigger::Kind::completed_follow_up) return true;
  }
  return false;
}

// A look's own `population:`, else the top-level default where it applies
// (first_completed only where the look counts completed patients).
void set_population(Look& look, const Field& item, Population default_population) {
  const Field own = item.child("population");
  if (own.present()) {
    look.population = read_population(own);
    if (look.population == Population::first_completed && !has_completed_count(look)) {
      own.fail("first_completed needs a completed_follow_up: N trigger in this look");
    }
    return;
  }
  look.population = has_completed_count(look) ? default_population : Population::all_randomised;
}

}  // namespace

std::vector<Look> read_looks(const Field& analyses, const Field& population, const Design& design) {
  const std::vector<Field> items = analyses.items();
  if (items.empty() || items.size() > static_cast<std::size_t>(MAX_LOOKS)) {
    analyses.fail("must list 1 to " + std::to_string(MAX_LOOKS) + " looks, got " + std::to_string(items.size()));
  }
  const Population default_population = population.present() ? read_population(population) : Population::all_randomised;
  std::vector<Look> looks;
  bool any_first_completed = false;
  for (const Field& item : items) {
    item.expect_keys({"name", "when", "population"});
    Look look;
    look.name = item.has("name") ? item.child("name").text() : "look" + std::to_string(looks.size() + 1);
    if (look.name.empty()) item.child("name").fail("must not be empty");
    for (const Look& earlier : looks) {
      if (earlier.name == look.name) item.child("name").fail("duplicate look name '" + look.name + "'");
    }
    const std::vector<TriggerField> triggers = read_triggers(item.required("when"), look, design);
    check_order(looks, triggers);
    set_population(look, item, default_population);
    any_first_completed = any_first_completed || look.population == Population::first_completed;
    looks.push_back(std::move(look));
  }
  if (default_population == Population::first_completed && !any_first_completed) {
    population.fail("first_completed needs a look with a completed_follow_up: N trigger");
  }
  return looks;
}

InformationCounts information_counts(const Design& design) {
  const double fixed = design.fixed_follow_up.value_or(INFINITE_TIME);
  bool all_events = true;
  bool all_patients = true;
  for (const Look& look : design.looks) {
    const Trigger::Kind kind = look.triggers[0].kind;
    const bool single = look.triggers.size() == 1;
    all_events = all_events && single && kind == Trigger::Kind::events;
    // Patients whose follow-up is complete by the look: completed counts, or
    // enrolment counts with a lag of at least the fixed follow-up.
    all_patients = all_patients && single &&
                   (kind == Trigger::Kind::completed_follow_up || kind == Trigger::Kind::all_completed ||
                    (kind == Trigger::Kind::enrolled && look.lag >= fixed));
  }
  if (all_events) return InformationCounts::events;
  return all_patients ? InformationCounts::patients : InformationCounts::none;
}

std::optional<std::vector<double>> planned_information_fractions(const Design& design) {
  const std::vector<Look>& looks = design.looks;
  if (looks.size() == 1) return std::vector<double>{1.0};
  if (information_counts(design) == InformationCounts::none) return std::nullopt;
  std::vector<double> fractions;
  for (const Look& look : looks) fractions.push_back(look.triggers[0].value / looks.back().triggers[0].value);
  return fractions;
}

}  // namespace trialsim::config
