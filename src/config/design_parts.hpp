#pragma once
// The readers of each block of the design file, shared by the files of
// src/config. Each reads one block from a Field, checks it, and returns plain
// Design values; none sees the rest of the file except through its arguments.

#include <yaml-cpp/yaml.h>

#include <array>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/design.hpp"
#include "yaml_reader.hpp"

namespace trialsim::config {

// ---- survival_forms.cpp ----

//! Whose law a `survival:` (or dropout) mapping describes; only the treatment
//! arm may be given relative to the control.
enum class SurvivalRole { control, treatment, stratum_control, dropout };

struct ParsedSurvival {
  SurvivalModel model;    //!< complete, except the base and cure of a relative law
  bool relative = false;  //!< relative_to_control: only the hazard ratios are set
  YAML::Node form;        //!< the form in canonical shape, for the resolved design
};

ParsedSurvival read_survival(const Field& survival, SurvivalRole role);

//! The treatment law of a `relative_to_control` arm: the control's base hazard
//! and cure fraction with the treatment's hazard ratios.
SurvivalModel relative_to(const SurvivalModel& control, const ParsedSurvival& treatment);

// ---- allocation.cpp ----

struct ParsedAllocation {
  Allocation allocation;
  //! Each stratum's own control survival, when the strata give them.
  std::vector<std::optional<ParsedSurvival>> stratum_survival;
};

ParsedAllocation read_allocation(const Field& allocation);

// ---- enrollment.cpp ----

Enrollment read_enrollment(const Field& enrollment);

// ---- analyses.cpp ----

//! The looks; `population` is the top-level analysis_population (may be
//! absent); `design` already holds the enrolment and the follow-up.
std::vector<Look> read_looks(const Field& analyses, const Field& population, const Design& design);

//! What counts the information of every look, when one kind of count does: the events
//! (every look a single events trigger) or the patients with complete follow-up (every
//! look a single patient-count trigger).
enum class InformationCounts { none, events, patients };
InformationCounts information_counts(const Design& design);

//! Information fractions planned from the triggers (event counts or patient
//! counts), or nothing when the looks are not all of one such kind.
std::optional<std::vector<double>> planned_information_fractions(const Design& design);

// ---- test_plan.cpp ----

//! The test; `design` already holds the looks, the follow-up and the strata.
//! `test` may be absent (every default).
TestPlan read_test(const Field& test, const Design& design);

// ---- design_loader.cpp ----

//! The text of a design file; InputError when it cannot be read.
std::string read_design_text(const std::string& path);

//! The design file's top-level mapping; InputError for invalid YAML or an empty file.
YAML::Node load_yaml(const std::string& text, const std::string& source_name);

//! The whole design from the (overridden) top-level mapping; ignores the sweep block.
Design read_design(const Field& root);

// ---- overrides.cpp ----

//! Applies `--set` overrides to the tree; returns the key paths they replaced.
std::set<std::string> apply_overrides(YAML::Node& root, std::span<const Override> overrides);

//! Replaces the value at `path` (the syntax of --set) by `value`, creating
//! missing mapping keys on the way; returns the path as normalised. Errors name `origin`.
std::string set_value(YAML::Node& root, const std::string& path, const YAML::Node& value, const std::string& origin);

//! The node at `path` (the syntax of --set), when it exists.
std::optional<YAML::Node> node_at(const YAML::Node& root, const std::string& path);

//! InputError naming `origin` unless `path` is a well-formed key path.
void check_path(const std::string& path, const std::string& origin);

// ---- resolved_yaml.cpp ----

//! The survival forms as given, in canonical shape (Null nodes where absent).
struct SurvivalForms {
  std::array<YAML::Node, 2> arms;     //!< Null for the control when the strata give its survival
  std::vector<YAML::Node> strata;     //!< one per stratum when the strata give survival, else empty
  std::array<YAML::Node, 2> dropout;  //!< Null for an arm without dropout
};

//! The design with every default filled in, as YAML that parse_design reads back to the same Design.
std::string resolved_yaml(const Design& design, const SurvivalForms& forms);

}  // namespace trialsim::config
