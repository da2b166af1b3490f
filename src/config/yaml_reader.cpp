#include "yaml_reader.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include "trialsim/error.hpp"

namespace trialsim::config {

namespace {

// yaml-cpp counts lines from 0; nodes created by `--set` have no position (-1).
int line_of(const YAML::Mark& mark, int fallback) {
  return mark.line < 0 ? fallback : mark.line + 1;
}

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

template <typename Integer>
std::optional<Integer> parse_integer(const std::string& text) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  Integer value{};
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last || first == last) return std::nullopt;
  return value;
}

// The largest integer below which every integer is exactly a double.
constexpr double EXACT_INTEGER_LIMIT = 9007199254740992.0;  // 2^53

}  // namespace

bool Source::overridden(const std::string& path) const {
  for (const std::string& set : overridden_paths_) {
    if (path == set) return true;
    if (path.size() > set.size() && path.starts_with(set) && (path[set.size()] == '.' || path[set.size()] == '[')) {
      return true;
    }
  }
  return false;
}

Field Field::root(const YAML::Node& node, const Source& source) {
  return Field(node, "", line_of(node.Mark(), 1), source);
}

std::string Field::where() const {
  if (source_->overridden(path_)) return path_.empty() ? "--set" : "--set: " + path_;
  const std::string location = source_->name() + ":" + std::to_string(line_);
  return path_.empty() ? location : location + ": " + path_;
}

void Field::fail(const std::string& what_is_wrong) const {
  throw InputError(where(), what_is_wrong);
}

void Field::expect_mapping() const {
  if (!node_.IsMap()) fail("must be a mapping, got " + shown());
}

void Field::expect_keys(std::initializer_list<std::string_view> allowed) const {
  std::vector<std::string> names;
  for (std::string_view name : allowed) names.emplace_back(name);
  expect_keys(names);
}

void Field::expect_keys(const std::vector<std::string>& allowed, const std::string& allowed_text) const {
  expect_mapping();
  std::set<std::string> seen;
  for (const Field& key : keys()) {
    const std::string name = key.node().Scalar();
    bool known = false;
    for (const std::string& candidate : allowed) known = known || candidate == name;
    if (!known) {
      key.fail("unknown key '" + name + "'; allowed: " + (allowed_text.empty() ? joined(allowed) : allowed_text));
    }
    if (!seen.insert(name).second) key.fail("key given twice; each key may appear only once");
  }
}

bool Field::has(std::string_view key) const {
  return child(key).present();
}

Field Field::child(std::string_view key) const {
  if (node_.IsMap()) {
    for (auto entry = node_.begin(); entry != node_.end(); ++entry) {
      if (entry->first.IsScalar() && entry->first.Scalar() == key) {
        return Field(entry->second, child_path(path_, key), line_of(entry->first.Mark(), line_), *source_);
      }
    }
  }
  return Field(YAML::Node(YAML::NodeType::Undefined), child_path(path_, key), line_, *source_);
}

Field Field::required(std::string_view key) const {
  expect_mapping();
  Field value = child(key);
  if (!value.present()) value.fail("is required");
  return value;
}

Field Field::one_of(std::initializer_list<std::string_view> keys, const std::string& when_none) const {
  std::optional<Field> found;
  for (std::string_view key : keys) {
    const Field candidate = child(key);
    if (!candidate.present()) continue;
    if (found) candidate.fail("give only one of " + joined(keys));
    found = candidate;
  }
  if (!found) fail(when_none);
  return *found;
}

std::vector<Field> Field::keys() const {
  expect_mapping();
  std::vector<Field> result;
  for (auto entry = node_.begin(); entry != node_.end(); ++entry) {
    const int line = line_of(entry->first.Mark(), line_);
    if (!entry->first.IsScalar()) Field(entry->first, path_, line, *source_).fail("keys must be plain names");
    result.emplace_back(entry->first, child_path(path_, entry->first.Scalar()), line, *source_);
  }
  return result;
}

std::vector<std::pair<Field, Field>> Field::entries() const {
  const std::vector<Field> names = keys();
  std::vector<std::pair<Field, Field>> result;
  auto entry = node_.begin();
  for (const Field& key : names) {
    result.emplace_back(key, Field(entry->second, key.path(), key.line(), *source_));
    ++entry;
  }
  return result;
}

std::vector<Field> Field::items() const {
  if (!node_.IsSequence()) fail("must be a list, got " + shown());
  std::vector<Field> result;
  for (std::size_t i = 0; i < node_.size(); ++i) {
    const YAML::Node item = node_[i];
    result.emplace_back(item, path_ + "[" + std::to_string(i) + "]", line_of(item.Mark(), line_), *source_);
  }
  return result;
}

std::string Field::text() const {
  if (!node_.IsScalar()) fail("must be a string, got " + shown());
  return node_.Scalar();
}

std::string Field::shown() const {
  if (!present() || node_.IsNull()) return "nothing";
  if (node_.IsMap()) return "a mapping";
  if (node_.IsSequence()) return "a list";
  return node_.Scalar().empty() ? "''" : node_.Scalar();
}

double Field::number() const {
  const std::optional<double> value = node_.IsScalar() ? parse_number(node_.Scalar()) : std::nullopt;
  if (!value) fail("must be a number, got " + shown());
  return *value;
}

std::int64_t Field::integer() const {
  if (node_.IsScalar()) {
    if (const auto value = parse_integer<std::int64_t>(node_.Scalar())) return *value;
    // Also accept integers written as 1e5 or 360.0.
    const std::optional<double> number = parse_number(node_.Scalar());
    if (number && std::trunc(*number) == *number && std::abs(*number) < EXACT_INTEGER_LIMIT) {
      return static_cast<std::int64_t>(*number);
    }
  }
  fail("must be an integer, got " + shown());
}

std::uint64_t Field::unsigned_integer(const std::string& what_is_allowed) const {
  const auto value = node_.IsScalar() ? parse_integer<std::uint64_t>(node_.Scalar()) : std::nullopt;
  if (!value) fail(what_is_allowed + ", got " + shown());
  return *value;
}

bool Field::boolean() const {
  if (node_.IsScalar()) {
    const std::string& text = node_.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  fail("must be true or false, got " + shown());
}

std::string Field::choice(std::initializer_list<std::string_view> allowed) const {
  return choice(std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

std::string Field::choice(std::span<const std::string_view> allowed) const {
  if (!node_.IsScalar()) fail("must be one of " + joined(allowed) + ", got " + shown());
  for (std::string_view candidate : allowed) {
    if (node_.Scalar() == candidate) return node_.Scalar();
  }
  fail("unknown value '" + node_.Scalar() + "'; allowed: " + joined(allowed));
}

double Field::positive() const {
  const double value = number();
  if (!(value > 0.0)) fail("must be a positive number, got " + shown());
  return value;
}

double Field::non_negative() const {
  const double value = number();
  if (!(value >= 0.0)) fail("must be a non-negative number, got " + shown());
  return value;
}

double Field::probability() const {
  const double value = number();
  if (!(value > 0.0 && value < 1.0)) fail("must be a probability in (0, 1), got " + shown());
  return value;
}

double Field::fraction_from_zero() const {
  const double value = number();
  if (!(value >= 0.0 && value < 1.0)) fail("must be in [0, 1), got " + shown());
  return value;
}

double Field::fraction_up_to_one() const {
  const double value = number();
  if (!(value > 0.0 && value <= 1.0)) fail("must be in (0, 1], got " + shown());
  return value;
}

std::int64_t Field::positive_integer() const {
  const std::int64_t value = integer();
  if (value <= 0) fail("must be a positive integer, got " + shown());
  return value;
}

std::vector<double> Field::numbers() const {
  if (!node_.IsSequence()) fail("must be a list of numbers, got " + shown());
  std::vector<double> values;
  for (const Field& item : items()) values.push_back(item.number());
  return values;
}

std::string joined(const std::vector<std::string>& names) {
  std::string result;
  for (const std::string& name : names) result += (result.empty() ? "" : ", ") + name;
  return result;
}

std::string joined(std::initializer_list<std::string_view> names) {
  return joined(std::span<const std::string_view>(names.begin(), names.size()));
}

std::string joined(std::span<const std::string_view> names) {
  std::vector<std::string> copies;
  for (std::string_view name : names) copies.emplace_back(name);
  return joined(copies);
}

std::string format_number(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::string("nan");
}

YAML::Node number_node(double value) {
  return YAML::Node(format_number(value));
}

YAML::Node number_list(const std::vector<double>& values) {
  YAML::Node list(YAML::NodeType::Sequence);
  for (double value : values) list.push_back(format_number(value));
  list.SetStyle(YAML::EmitterStyle::Flow);
  return list;
}

YAML::Node flow_mapping() {
  YAML::Node mapping(YAML::NodeType::Map);
  mapping.SetStyle(YAML::EmitterStyle::Flow);
  return mapping;
}

std::optional<double> parse_number(const std::string& text) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  double value = 0.0;
  const auto [end, error] = std::from_chars(first, last, value);
  if (error != std::errc() || end != last || first == last || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace trialsim::config
