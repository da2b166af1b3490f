// The sweep block: design paths (the syntax of --set) with a list of values, or
// a mapping of labelled values; their Cartesian product gives the scenarios.
// Each value is put into a copy of the design tree exactly as `--set` would and
// the result validated as a whole design, so a scenario is the design a user
// would get by writing its values into the file.

#include <map>

#include "design_parts.hpp"
#include "trialsim/error.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim {

namespace config {

namespace {

// Paths a sweep may not vary: every scenario runs with the same Monte Carlo settings.
constexpr std::string_view FIXED_BLOCKS[] = {"simulation", "sweep"};

// A swept path with its value nodes (which keep their lines in the file).
struct ParsedAxis {
  SweepAxis axis;
  std::vector<Field> values;
  Field key;
  bool labelled = false;
};

// True when one path is the other or lies inside it (enrollment / enrollment.sample_size).
bool overlaps(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  if (!longer.starts_with(shorter)) return false;
  return longer.size() == shorter.size() || longer[shorter.size()] == '.' || longer[shorter.size()] == '[';
}

// A copy whose collections are all emitted in flow style, so a value reads as one line.
YAML::Node flow_copy(const YAML::Node& node) {
  YAML::Node copy = YAML::Clone(node);
  std::vector<YAML::Node> pending{copy};
  while (!pending.empty()) {
    YAML::Node current = pending.back();
    pending.pop_back();
    if (current.IsMap()) {
      current.SetStyle(YAML::EmitterStyle::Flow);
      for (auto entry = current.begin(); entry != current.end(); ++entry) pending.push_back(entry->second);
    } else if (current.IsSequence()) {
      current.SetStyle(YAML::EmitterStyle::Flow);
      for (auto item = current.begin(); item != current.end(); ++item) pending.push_back(*item);
    }
  }
  return copy;
}

std::string flow_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter out;
  out << flow_copy(node);
  return out.c_str();
}

// "enrollment.rates[1].rate" -> "rate".
std::string last_key(const std::string& path) {
  std::string key = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
  return key.substr(0, key.find('['));
}

void check_axis_path(const Field& key, const std::string& path, const std::vector<ParsedAxis>& earlier) {
  check_path(path, key.where());
  for (std::string_view block : FIXED_BLOCKS) {
    if (overlaps(path, std::string(block))) {
      key.fail("cannot be swept: the " + std::string(block) + " settings apply to every scenario");
    }
  }
  for (const ParsedAxis& other : earlier) {
    if (overlaps(path, other.axis.path)) {
      key.fail("overlaps the swept path " + other.axis.path + " (line " + std::to_string(other.key.line()) +
               "); sweep each value once");
    }
  }
}

// Two scenarios with one label (or one value) would be indistinguishable in the table and
// the file, and one of them silently redundant.
void expect_distinct_values(const ParsedAxis& parsed) {
  const SweepAxis& axis = parsed.axis;
  for (std::size_t v = 1; v < parsed.values.size(); ++v) {
    for (std::size_t w = 0; w < v; ++w) {
      const bool same_number = axis.numeric && axis.numbers[v] == axis.numbers[w];
      if (axis.labels[v] != axis.labels[w] && !same_number) continue;
      const std::string what = parsed.labelled ? "label '" + axis.labels[v] + "'" : "value " + axis.labels[v];
      parsed.values[v].fail(what + " is given twice (also as value " + std::to_string(w + 1) + " of " +
                            std::to_string(parsed.values.size()) + "); each value of a swept path must differ");
    }
  }
}

ParsedAxis read_axis(const Field& key, const Field& values, const std::vector<ParsedAxis>& earlier) {
  ParsedAxis parsed{{}, {}, key, values.node().IsMap()};
  SweepAxis& axis = parsed.axis;
  axis.path = key.node().Scalar();
  check_axis_path(key, axis.path, earlier);
  const bool labelled = parsed.labelled;
  if (values.node().IsSequence()) {
    parsed.values = values.items();
  } else if (labelled) {
    for (const auto& [label, value] : values.entries()) {
      parsed.values.push_back(value);
      axis.labels.push_back(label.node().Scalar());
    }
  } else {
    values.fail("must be a list of values, or a mapping from labels to values, got " + values.shown());
  }
  if (parsed.values.empty()) values.fail("must give at least one value");
  axis.numeric = !labelled;
  for (const Field& value : parsed.values) {
    axis.values.push_back(flow_text(value.node()));
    if (!labelled) axis.labels.push_back(axis.values.back());
    // value_or instead of dereferencing: GCC 12 at -O1 with sanitizers warns of an
    // uninitialised optional on the dereference.
    const std::optional<double> number = value.node().IsScalar() ? parse_number(value.node().Scalar()) : std::nullopt;
    axis.numeric = axis.numeric && number.has_value();
    if (axis.numeric) axis.numbers.push_back(number.value_or(0.0));
  }
  if (!axis.numeric) axis.numbers.clear();
  expect_distinct_values(parsed);
  return parsed;
}

std::vector<ParsedAxis> read_axes(const Field& sweep) {
  sweep.expect_mapping();
  const auto entries = sweep.entries();
  if (entries.empty()) sweep.fail("must list at least one design path with its values");
  std::vector<ParsedAxis> axes;
  std::size_t scenarios = 1;
  for (const auto& [key, values] : entries) {
    axes.push_back(read_axis(key, values, axes));
    scenarios *= axes.back().values.size();
    if (scenarios > MAX_SCENARIOS) {
      key.fail("the sweep has more than " + std::to_string(MAX_SCENARIOS) + " scenarios");
    }
  }
  // Short names for tables: the last key, unless two axes share it.
  std::map<std::string, int> uses;
  for (const ParsedAxis& parsed : axes) ++uses[last_key(parsed.axis.path)];
  for (ParsedAxis& parsed : axes) {
    const std::string key = last_key(parsed.axis.path);
    parsed.axis.short_name = uses[key] > 1 ? parsed.axis.path : key;
  }
  return axes;
}

void check_overrides(const std::vector<ParsedAxis>& axes, std::span<const Override> overrides) {
  for (const Override& override_ : overrides) {
    for (const ParsedAxis& parsed : axes) {
      if (overlaps(override_.path, parsed.axis.path)) {
        throw InputError("--set: " + override_.path, "is swept (" + parsed.key.where() +
                                                         "); change the sweep instead, e.g. --set 'sweep." +
                                                         parsed.axis.path + "=[...]'");
      }
    }
  }
}

// The message of an error found inside a design, without its "file:line: " prefix.
std::string without_location(const InputError& error, const std::string& source_name) {
  const std::string message = error.what();
  const std::string prefix = source_name + ":";
  if (!message.starts_with(prefix)) return message;
  const std::size_t end = message.find(": ", prefix.size());
  return end == std::string::npos ? message : message.substr(end + 2);
}

class ScenarioBuilder {
 public:
  ScenarioBuilder(const YAML::Node& base, const std::vector<ParsedAxis>& axes, const Source& source)
      : base_(base), axes_(axes), source_(source) {}

  // The design with the chosen value of each axis in `choice` (SIZE_MAX: the base's value).
  Design design(const std::vector<std::size_t>& choice) const {
    YAML::Node root = YAML::Clone(base_);
    for (std::size_t a = 0; a < axes_.size(); ++a) {
      if (choice[a] == SIZE_MAX) continue;
      const ParsedAxis& parsed = axes_[a];
      // A clone of the value: assigning a node of the file's tree itself would merge that tree's
      // node pool (which every earlier scenario has joined) into this scenario's, so that
      // building n scenarios took time in n^2 (41.5 s to check 1000 scenarios, 3/4 of it here).
      set_value(root, parsed.axis.path, YAML::Clone(parsed.values[choice[a]].node()), parsed.key.where());
    }
    return read_design(Field::root(root, source_));
  }

  // Each value on its own (the other paths as in the base), so that a bad value
  // is reported at its own line.
  void check_each_value() const {
    for (std::size_t a = 0; a < axes_.size(); ++a) {
      for (std::size_t v = 0; v < axes_[a].values.size(); ++v) {
        std::vector<std::size_t> choice(axes_.size(), SIZE_MAX);
        choice[a] = v;
        try {
          design(choice);
        } catch (const InputError& error) {
          axes_[a].values[v].fail(without_location(error, source_.name()));
        }
      }
    }
  }

  Scenario scenario(const std::vector<std::size_t>& choice, std::size_t index, const Field& sweep) const {
    Scenario scenario{choice, label(choice), {}};
    try {
      scenario.design = design(choice);
    } catch (const InputError& error) {
      sweep.fail("scenario " + std::to_string(index) + " (" + scenario.label +
                 ") is not a valid design: " + without_location(error, source_.name()));
    }
    return scenario;
  }

 private:
  std::string label(const std::vector<std::size_t>& choice) const {
    std::string text;
    for (std::size_t a = 0; a < axes_.size(); ++a) {
      text += (a > 0 ? ", " : "") + axes_[a].axis.short_name + "=" + axes_[a].axis.labels[choice[a]];
    }
    return text;
  }

  const YAML::Node& base_;
  const std::vector<ParsedAxis>& axes_;
  const Source& source_;
};

// The Cartesian product in written order, the last axis fastest.
std::vector<std::vector<std::size_t>> combinations(const std::vector<ParsedAxis>& axes) {
  std::vector<std::vector<std::size_t>> result{{}};
  for (const ParsedAxis& parsed : axes) {
    std::vector<std::vector<std::size_t>> extended;
    for (const auto& prefix : result) {
      for (std::size_t v = 0; v < parsed.values.size(); ++v) {
        extended.push_back(prefix);
        extended.back().push_back(v);
      }
    }
    result = std::move(extended);
  }
  return result;
}

std::string emitted(const YAML::Node& root) {
  YAML::Emitter out;
  out.SetIndent(2);
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

}  // namespace config

SweepDesign parse_sweep(const std::string& yaml_text, const std::string& source_name,
                        std::span<const Override> overrides) {
  using namespace config;
  YAML::Node root = load_yaml(yaml_text, source_name);
  try {
    const Source source(source_name, apply_overrides(root, overrides));
    const Field top = Field::root(root, source);
    const Field sweep = top.child("sweep");
    SweepDesign result{read_design(top), {}, {}, ""};
    if (!sweep.present()) {
      result.config_yaml = result.base.resolved_yaml;
      result.scenarios.push_back({{}, "", result.base});
      return result;
    }
    const std::vector<ParsedAxis> axes = read_axes(sweep);
    check_overrides(axes, overrides);
    result.config_yaml = emitted(root);
    root.remove("sweep");
    const ScenarioBuilder builder(root, axes, source);
    builder.check_each_value();
    const auto choices = combinations(axes);
    for (std::size_t k = 0; k < choices.size(); ++k) result.scenarios.push_back(builder.scenario(choices[k], k, sweep));
    for (const ParsedAxis& parsed : axes) result.axes.push_back(parsed.axis);
    return result;
  } catch (const YAML::Exception& error) {
    // Defensive: every read checks node types first, so yaml-cpp should not throw here.
    throw InputError(source_name, "invalid YAML: " + error.msg);
  }
}

SweepDesign load_sweep(const std::string& path, std::span<const Override> overrides) {
  return parse_sweep(config::read_design_text(path), path, overrides);
}

}  // namespace trialsim

namespace trialsim {

std::optional<double> number_at(const std::string& yaml_text, const std::string& path) {
  try {
    const auto node = config::node_at(YAML::Load(yaml_text), path);
    if (!node || !node->IsScalar()) return std::nullopt;
    return config::parse_number(node->Scalar());
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

}  // namespace trialsim
