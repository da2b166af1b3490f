// The design file as a whole: read the text, apply `--set`, then read each
// top-level block in an order where every check can see what it depends on
// (arms after strata, looks after enrolment and follow-up, the test after the looks).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include <yaml-cpp/depthguard.h>

#include "design_parts.hpp"
#include "trialsim/config.hpp"
#include "trialsim/error.hpp"

namespace trialsim {

namespace config {

namespace {

const std::initializer_list<std::string_view> TOP_LEVEL_KEYS = {
    "name",      "time_unit", "start_date", "arms",     "allocation", "enrollment",          "follow_up",  "dropout",
    "crossover", "exclusion", "as_treated", "analyses", "test",       "analysis_population", "simulation", "sweep"};

bool is_identifier(const std::string& text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool is_calendar_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  const int year = std::stoi(text.substr(0, 4));
  const int month = std::stoi(text.substr(5, 2));
  const int day = std::stoi(text.substr(8, 2));
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= DAYS[month - 1] + (month == 2 && leap ? 1 : 0);
}

void read_identity(const Field& root, Design& design) {
  const Field name = root.required("name");
  design.name = name.text();
  if (design.name.empty()) name.fail("must not be empty");
  if (root.has("time_unit")) design.time_unit = root.child("time_unit").choice({"day", "week", "month", "year"});
  const Field start = root.child("start_date");
  if (!start.present()) return;
  if (!start.node().IsScalar() || !is_calendar_date(start.node().Scalar())) {
    start.fail("must be a calendar date written yyyy-mm-dd, got " + start.shown());
  }
  design.start_date = start.node().Scalar();
}

Arm read_arm(const Field& item) {
  item.expect_keys({"id", "label", "survival"});
  const Field id = item.required("id");
  Arm arm{id.text(), ""};
  if (!is_identifier(arm.id)) {
    id.fail("must be an identifier (letters, digits and _, not starting with a digit), got '" + arm.id + "'");
  }
  arm.label = item.has("label") ? item.child("label").text() : arm.id;
  return arm;
}

// Survival rows when each stratum gives its own control law and the treatment shares one hazard ratio.
void read_stratified_survival(const std::vector<Field>& arms, const ParsedAllocation& allocation, Design& design,
                              SurvivalForms& forms) {
  const Field control = arms[0].child("survival");
  if (control.present()) control.fail("not allowed when the strata give their own control survival");
  const ParsedSurvival treatment = read_survival(arms[1].required("survival"), SurvivalRole::treatment);
  if (!treatment.relative) {
    arms[1]
        .child("survival")
        .fail(
            "must be relative_to_control when the strata give their own control survival (the hazard ratio is shared)");
  }
  for (const auto& stratum : allocation.stratum_survival) {
    design.survival.push_back({stratum->model, relative_to(stratum->model, treatment)});
    forms.strata.push_back(stratum->form);
  }
  forms.arms[TREATMENT] = treatment.form;
}

void read_arm_survival(const std::vector<Field>& arms, const ParsedAllocation& allocation, Design& design,
                       SurvivalForms& forms) {
  if (!allocation.stratum_survival.empty()) {
    read_stratified_survival(arms, allocation, design, forms);
    return;
  }
  const ParsedSurvival control = read_survival(arms[0].required("survival"), SurvivalRole::control);
  const ParsedSurvival treatment = read_survival(arms[1].required("survival"), SurvivalRole::treatment);
  const SurvivalModel treatment_model = treatment.relative ? relative_to(control.model, treatment) : treatment.model;
  design.survival.assign(allocation.allocation.strata.size(), {control.model, treatment_model});
  forms.arms = {control.form, treatment.form};
}

void read_arms(const Field& field, const ParsedAllocation& allocation, Design& design, SurvivalForms& forms) {
  const std::vector<Field> items = field.items();
  if (items.size() != 2) {
    field.fail("must list exactly two arms (the control first, then the treatment), got " +
               std::to_string(items.size()));
  }
  design.arms = {read_arm(items[0]), read_arm(items[1])};
  if (design.arms[1].id == design.arms[0].id) {
    items[1].child("id").fail("duplicate arm id '" + design.arms[1].id + "'; arm ids must be unique");
  }
  read_arm_survival(items, allocation, design, forms);
}

void read_follow_up(const Field& field, Design& design) {
  if (!field.present()) return;
  field.expect_keys({"fixed"});
  if (field.has("fixed")) design.fixed_follow_up = field.child("fixed").positive();
}

void read_dropout(const Field& field, Design& design, SurvivalForms& forms) {
  if (!field.present()) return;
  field.expect_keys({design.arms[0].id, design.arms[1].id});
  for (int arm = 0; arm < 2; ++arm) {
    const Field law = field.child(design.arms[static_cast<std::size_t>(arm)].id);
    if (!law.present()) continue;
    ParsedSurvival parsed = read_survival(law, SurvivalRole::dropout);
    design.dropout[static_cast<std::size_t>(arm)] = parsed.model;
    forms.dropout[static_cast<std::size_t>(arm)] = parsed.form;
  }
}

void read_non_adherence(const Field& root, Design& design) {
  const Field crossover = root.child("crossover");
  if (crossover.present()) {
    crossover.expect_keys({"control_to_treatment", "treatment_to_control"});
    if (crossover.has("control_to_treatment")) {
      design.crossover[CONTROL] = crossover.child("control_to_treatment").fraction_from_zero();
    }
    if (crossover.has("treatment_to_control")) {
      design.crossover[TREATMENT] = crossover.child("treatment_to_control").fraction_from_zero();
    }
  }
  if (root.has("exclusion")) design.exclusion = root.child("exclusion").fraction_from_zero();
  if (root.has("as_treated")) design.as_treated = root.child("as_treated").boolean();
}

Simulation read_simulation(const Field& field) {
  Simulation simulation;
  if (!field.present()) return simulation;
  field.expect_keys({"replicates", "seed"});
  if (field.has("replicates")) simulation.replicates = field.child("replicates").positive_integer();
  if (field.has("seed")) {
    simulation.seed = field.child("seed").unsigned_integer("must be a non-negative integer up to 18446744073709551615");
  }
  return simulation;
}

}  // namespace

// The sweep block, if any, is read by sweep.cpp; a design is everything else.
Design read_design(const Field& root) {
  root.expect_keys(TOP_LEVEL_KEYS);
  Design design;
  SurvivalForms forms;
  read_identity(root, design);
  const ParsedAllocation allocation = read_allocation(root.child("allocation"));
  design.allocation = allocation.allocation;
  read_arms(root.required("arms"), allocation, design, forms);
  design.enrollment = read_enrollment(root.required("enrollment"));
  read_follow_up(root.child("follow_up"), design);
  read_dropout(root.child("dropout"), design, forms);
  read_non_adherence(root, design);
  design.looks = read_looks(root.required("analyses"), root.child("analysis_population"), design);
  design.test = read_test(root.child("test"), design);
  design.simulation = read_simulation(root.child("simulation"));
  design.resolved_yaml = resolved_yaml(design, forms);
  return design;
}

// yaml-cpp would read a NUL byte as an escape sequence and report "unknown escape character".
void expect_no_nul_byte(const std::string& text, const std::string& source_name) {
  const std::size_t at = text.find('\0');
  if (at == std::string::npos) return;
  const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
  const std::size_t line_start = text.rfind('\n', at);
  const std::size_t column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  throw InputError(source_name + ":" + std::to_string(line),
                   "a NUL byte (column " + std::to_string(column) + "): a design file is text");
}

// The line of the `---` that starts the second document: the last one at or before the
// document's first node (an empty document's node lies past the marker, or past the end).
std::size_t second_document_line(const std::string& text, int node_line) {
  std::size_t line = 1, marker = 1, start = 0;
  while (start < text.size() && (node_line < 0 || line <= static_cast<std::size_t>(node_line) + 1)) {
    if (text.compare(start, 3, "---") == 0) marker = line;
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;
    start = end + 1;
    ++line;
  }
  return marker;
}

YAML::Node load_yaml(const std::string& text, const std::string& source_name) {
  expect_no_nul_byte(text, source_name);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::DeepRecursion& error) {
    // yaml-cpp stops at 500 levels with "bad file"; a design needs fewer than ten.
    throw InputError(
        source_name + ":" + std::to_string(error.mark.line + 1),
        "invalid YAML: nested too deeply (" + std::to_string(error.depth()) + " levels of sequences or mappings)");
  } catch (const YAML::ParserException& error) {
    throw InputError(source_name + ":" + std::to_string(error.mark.line + 1), "invalid YAML: " + error.msg);
  }
  if (documents.size() > 1) {
    // Only the first would be read: the rest would be silently ignored.
    throw InputError(source_name + ":" + std::to_string(second_document_line(text, documents[1].Mark().line)),
                     "a second YAML document (after ---): a design file holds one");
  }
  const YAML::Node root = documents.empty() ? YAML::Node() : documents.front();
  if (!root.IsDefined() || root.IsNull()) throw InputError(source_name, "the design file is empty");
  if (!root.IsMap()) {
    throw InputError(source_name + ":" + std::to_string(root.Mark().line + 1),
                     "the design file must be a mapping of keys (name, arms, enrollment, analyses, ...)");
  }
  return root;
}

}  // namespace config

Design parse_design(const std::string& yaml_text, const std::string& source_name, std::span<const Override> overrides) {
  YAML::Node root = config::load_yaml(yaml_text, source_name);
  try {
    const config::Source source(source_name, config::apply_overrides(root, overrides));
    return config::read_design(config::Field::root(root, source));
  } catch (const YAML::Exception& error) {
    // Defensive: every read above checks node types first, so yaml-cpp should not throw here.
    throw InputError(source_name, "invalid YAML: " + error.msg);
  }
}

std::string config::read_design_text(const std::string& path) {
  // Opened without blocking and checked before reading: opening a FIFO for reading
  // would wait for a writer for ever, and reading a device might never end.
  const auto failure = [&path] {
    std::string reason = std::generic_category().message(errno);
    reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
    return InputError(path, "cannot read design file (" + reason + ")");
  };
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (descriptor < 0) throw failure();
  struct Closer {
    int descriptor;
    ~Closer() { ::close(descriptor); }
  } closer{descriptor};
  struct stat status {};
  if (::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
    throw InputError(path, S_ISDIR(status.st_mode) ? "cannot read design file: it is a folder"
                                                   : "cannot read design file: not a regular file (a FIFO, device "
                                                     "or socket)");
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(descriptor, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw failure();
    if (got == 0) return text;
    text.append(buffer, static_cast<std::size_t>(got));
  }
}

Design load_design(const std::string& path, std::span<const Override> overrides) {
  return parse_design(config::read_design_text(path), path, overrides);
}

}  // namespace trialsim
