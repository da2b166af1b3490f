// `--set path=value`: a value of the design file replaced before validation.
// Paths are keys joined by dots with [i] for list items, as in error messages
// (arms[1].survival.exponential.event_probability); values are read as YAML.

#include <cctype>

#include "design_parts.hpp"
#include "trialsim/error.hpp"

namespace trialsim {

namespace config {

namespace {

const std::string PATH_HELP = "use keys joined by '.' and [i] for list items, e.g. arms[1].survival.exponential.at";

//! One step of a path: a mapping key, or a list index when `key` is empty.
struct PathStep {
  std::string key;
  std::size_t index = 0;
};

// Reads "[12]" at `at`; returns the position after it, or npos when malformed.
std::size_t read_index(const std::string& path, std::size_t at, std::vector<PathStep>& steps) {
  const std::size_t close = path.find(']', at);
  if (close == std::string::npos || close == at + 1) return std::string::npos;
  std::size_t index = 0;
  for (std::size_t i = at + 1; i < close; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(path[i])) || index > 1'000'000) return std::string::npos;
    index = index * 10 + static_cast<std::size_t>(path[i] - '0');
  }
  steps.push_back({"", index});
  return close + 1;
}

// The steps of a path, or nothing when it is malformed.
std::optional<std::vector<PathStep>> split_path(const std::string& path) {
  std::vector<PathStep> steps;
  std::size_t at = 0;
  while (at < path.size()) {
    const std::size_t end = path.find_first_of(".[]", at);
    const std::string key = path.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (key.empty()) return std::nullopt;
    steps.push_back({key, 0});
    at = end == std::string::npos ? path.size() : end;
    while (at < path.size() && path[at] == '[') {
      at = read_index(path, at, steps);
      if (at == std::string::npos) return std::nullopt;
    }
    if (at < path.size() && (path[at] != '.' || at + 1 == path.size())) return std::nullopt;
    if (at < path.size()) ++at;
  }
  if (steps.empty()) return std::nullopt;
  return steps;
}

std::string step_text(const std::string& before, const PathStep& step) {
  if (step.key.empty()) return before + "[" + std::to_string(step.index) + "]";
  return before.empty() ? step.key : before + "." + step.key;
}

[[noreturn]] void fail(const std::string& origin, const std::string& path, const std::string& what_is_wrong) {
  throw InputError(origin + ": " + path, what_is_wrong);
}

// `step` must exist below `parent` as a list index, or be a key of a mapping
// (an empty value, as in `simulation:` with nothing after it, takes keys too).
void check_step(const YAML::Node& parent, const std::string& parent_path, const PathStep& step,
                const std::string& origin) {
  const std::string path = step_text(parent_path, step);
  if (step.key.empty()) {
    if (!parent.IsSequence()) fail(origin, parent_path, "is not a list, so " + path + " does not exist");
    if (step.index >= parent.size()) {
      fail(origin, path, "index out of range; the list has " + std::to_string(parent.size()) + " items");
    }
    return;
  }
  if (!parent.IsMap() && !parent.IsNull()) {
    fail(origin, parent_path, "is not a mapping, so " + path + " does not exist");
  }
}

// The node at `step` below `parent`. A missing key on the way becomes an empty
// mapping, so that simulation.seed can be set in a file without a simulation
// block (validation still rejects a misspelt key as unknown).
YAML::Node step_into(YAML::Node& parent, const std::string& parent_path, const PathStep& step,
                     const std::string& origin) {
  check_step(parent, parent_path, step, origin);
  if (step.key.empty()) return parent[step.index];
  const YAML::Node& lookup = parent;  // const: looking up must not insert
  if (!lookup[step.key].IsDefined()) parent[step.key] = YAML::Node(YAML::NodeType::Map);
  return parent[step.key];
}

void assign(YAML::Node& parent, const std::string& parent_path, const PathStep& step, const YAML::Node& value,
            const std::string& origin) {
  check_step(parent, parent_path, step, origin);
  if (step.key.empty()) {
    parent[step.index] = value;
  } else {
    parent[step.key] = value;
  }
}

YAML::Node parsed_value(const Override& override_) {
  try {
    return YAML::Load(override_.value);
  } catch (const YAML::Exception& error) {
    fail("--set", override_.path, "invalid YAML: " + error.msg);
  }
}

// The steps of a well-formed path. A path into the sweep block keeps the rest
// as one key, since sweep keys are design paths themselves (sweep.enrollment.sample_size).
std::vector<PathStep> checked_steps(const std::string& path, const std::string& origin = "--set") {
  if (path.starts_with("sweep.") && path.size() > 6) {
    checked_steps(path.substr(6), origin);
    return {{"sweep", 0}, {path.substr(6), 0}};
  }
  const auto steps = split_path(path);
  if (!steps) throw InputError(origin, "malformed path '" + path + "'; " + PATH_HELP);
  return *steps;
}

}  // namespace

std::string set_value(YAML::Node& root, const std::string& path, const YAML::Node& value, const std::string& origin) {
  const std::vector<PathStep> steps = checked_steps(path, origin);
  YAML::Node node;
  node.reset(root);  // rebinds, unlike operator=, which would overwrite the tree
  std::string parent_path;
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
    const YAML::Node next = step_into(node, parent_path, steps[i], origin);
    node.reset(next);
    parent_path = step_text(parent_path, steps[i]);
  }
  assign(node, parent_path, steps.back(), value, origin);
  return step_text(parent_path, steps.back());
}

std::optional<YAML::Node> node_at(const YAML::Node& root, const std::string& path) {
  const auto steps = split_path(path);
  if (!steps) return std::nullopt;
  YAML::Node node;
  node.reset(root);
  for (const PathStep& step : *steps) {
    const YAML::Node& current = node; // const: looking up must not insert
    YAML::Node next;
    if (step.key.empty() && current.IsSequence() && step.index < current.size()) {
      next.reset(current[step.index]);
    } else if (!step.key.empty() && current.IsMap() && current[step.key].IsDefined()) {
      next.reset(current[step.key]);
    } else {
      return std::nullopt;
    }
    node.reset(next);
  }
  return node;
}

void check_path(const std::string& path, const std::string& origin) {
  checked_steps(path, origin);
}

std::set<std::string> apply_overrides(YAML::Node& root, std::span<const Override> overrides) {
  std::set<std::string> paths;
  for (const Override& override_ : overrides) {
    checked_steps(override_.path);
    paths.insert(set_value(root, override_.path, parsed_value(override_), "--set"));
  }
  return paths;
}

}  // namespace config

Override parse_override(const std::string& assignment) {
  const std::size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InputError("--set", "expected path=value, got '" + assignment + "'");
  }
  // Spaces around the path ("--set 'enrollment.sample_size = 300'") are not part of it.
  std::string path = assignment.substr(0, equals);
  path.erase(0, path.find_first_not_of(' '));
  path.erase(path.find_last_not_of(' ') + 1);
  Override result{path, assignment.substr(equals + 1)};
  config::checked_steps(result.path);
  return result;
}

}  // namespace trialsim
