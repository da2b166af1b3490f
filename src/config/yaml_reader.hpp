#pragma once
// Reading a YAML tree with its key paths and line numbers. A Field is one node
// of the design file together with where it came from, so that every check can
// report `file:line: key.path: what is wrong; what is allowed` (or `--set: key.path`
// when the value was given on the command line).

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trialsim::config {

//! The design text's name and the key paths that `--set` replaced.
class Source {
 public:
  Source(std::string name, std::set<std::string> overridden_paths)
      : name_(std::move(name)), overridden_paths_(std::move(overridden_paths)) {}

  const std::string& name() const { return name_; }
  //! True when `path` itself or one of its ancestors was set with `--set`.
  bool overridden(const std::string& path) const;

 private:
  std::string name_;
  std::set<std::string> overridden_paths_;
};

//! One node of the design file with its key path and the line to report.
class Field {
 public:
  Field(YAML::Node node, std::string path, int line, const Source& source)
      : node_(std::move(node)), path_(std::move(path)), line_(line), source_(&source) {}

  //! The top-level mapping of a document.
  static Field root(const YAML::Node& node, const Source& source);

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  //! The last key of the path ("at" for "arms[0].survival.exponential.at").
  std::string key() const { return path_.substr(path_.rfind('.') + 1); }
  int line() const { return line_; }
  //! False for a key that is absent (see child()).
  bool present() const { return node_.IsDefined(); }

  //! "file:line: path" or "--set: path".
  std::string where() const;
  [[noreturn]] void fail(const std::string& what_is_wrong) const;

  // Structure. Each check fails with "must be a mapping" etc. when the node is not one.
  void expect_mapping() const;
  //! The mapping's keys must all be in `allowed`, each once.
  void expect_keys(std::initializer_list<std::string_view> allowed) const;
  void expect_keys(const std::vector<std::string>& allowed, const std::string& allowed_text = "") const;
  bool has(std::string_view key) const;
  //! The value of `key`, or a Field that is not present(), at this line, when absent.
  Field child(std::string_view key) const;
  //! The value of `key`; "is required" when absent.
  Field required(std::string_view key) const;
  //! The one of `keys` that is present; fails with `when_none` when none is and
  //! with "give only one of ..." when several are.
  Field one_of(std::initializer_list<std::string_view> keys, const std::string& when_none) const;
  //! The keys of a mapping, in document order, as Fields whose node is the key itself.
  std::vector<Field> keys() const;
  //! The entries of a mapping whose keys are data (landmark times, arm ids): the key
  //! and its value, both with the path `path.key`.
  std::vector<std::pair<Field, Field>> entries() const;
  //! The items of a list.
  std::vector<Field> items() const;

  // Scalars, exactly as written (no silent conversions).
  std::string text() const;
  //! The scalar as the user wrote it, or "a mapping", "a list", "nothing".
  std::string shown() const;
  double number() const;
  std::int64_t integer() const;
  std::uint64_t unsigned_integer(const std::string& what_is_allowed) const;
  bool boolean() const;
  //! One of `allowed`; "unknown value 'x'; allowed: a, b" otherwise.
  std::string choice(std::initializer_list<std::string_view> allowed) const;
  std::string choice(std::span<const std::string_view> allowed) const;

  // Numbers with a range; the messages name the range.
  double positive() const;            // > 0
  double non_negative() const;        // >= 0
  double probability() const;         // in (0, 1)
  double fraction_from_zero() const;  // in [0, 1)
  double fraction_up_to_one() const;  // in (0, 1]
  std::int64_t positive_integer() const;
  std::vector<double> numbers() const;  // a list of numbers

 private:
  YAML::Node node_;
  std::string path_;
  int line_;
  const Source* source_;
};

//! Joins names as "a, b, c".
std::string joined(const std::vector<std::string>& names);
std::string joined(std::initializer_list<std::string_view> names);
std::string joined(std::span<const std::string_view> names);

//! The shortest text that reads back as exactly `value` ("0.041", "180", "0.0050905045215613625").
std::string format_number(double value);

//! A scalar node holding format_number(value).
YAML::Node number_node(double value);
//! A flow-style list of numbers, e.g. [0, 30].
YAML::Node number_list(const std::vector<double>& values);
//! An empty mapping that is emitted in flow style, e.g. {hazard: 0.005}.
YAML::Node flow_mapping();

//! Parses a finite number written in decimal or exponent form (an optional leading '+').
std::optional<double> parse_number(const std::string& text);

}  // namespace trialsim::config
