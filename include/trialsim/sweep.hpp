#pragma once
//! \file sweep.hpp
//! Scenario sweeps: the `sweep:` block of a design file lists design paths (the
//! syntax of `--set`) with alternative values; their Cartesian product runs as
//! scenarios, each a complete Design validated on its own. Plain values only:
//! yaml-cpp stays behind the config module.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/design.hpp"

namespace trialsim {

//! One swept path and its alternative values.
struct SweepAxis {
  std::string path;                 //!< design path, as in --set: arms[1].survival.exponential.event_probability
  std::string short_name;           //!< the path's last key, or the whole path when that is ambiguous
  std::vector<std::string> labels;  //!< one per value: its label, or its YAML text when unlabelled
  std::vector<std::string> values;  //!< one per value: its YAML text (flow style)
  bool numeric = false;             //!< every value is a plain number and none is labelled
  std::vector<double> numbers;      //!< the values as numbers, when numeric
};

//! One combination of the axes' values.
struct Scenario {
  std::vector<std::size_t> choice;  //!< index of the value of each axis
  std::string label;                //!< "short_name=label, ..." (empty without a sweep)
  Design design;
};

//! A design file with its sweep. Without a `sweep:` block there are no axes and
//! a single scenario, the design itself.
struct SweepDesign {
  Design base;                      //!< the file without its sweep block
  std::vector<SweepAxis> axes;      //!< in the order written
  std::vector<Scenario> scenarios;  //!< the Cartesian product; the last axis varies fastest
  //! The design file after `--set`, sweep block included (the root `config_yaml` of a sweep file).
  //! Defaults are not filled in, since they may depend on swept values (the planned
  //! information fractions on the sample size); each scenario's design has its own resolved_yaml.
  std::string config_yaml;

  bool has_sweep() const { return !axes.empty(); }
};

//! At most this many scenarios in one sweep.
inline constexpr std::size_t MAX_SCENARIOS = 10000;

//! Reads, overrides and validates a design file and every scenario of its sweep.
//! `--set` applies to the base before the sweep; a `--set` of a swept path is an error.
SweepDesign load_sweep(const std::string& path, std::span<const Override> overrides = {});

//! Same, from text; `source_name` is used in error messages in place of a file name.
SweepDesign parse_sweep(const std::string& yaml_text, const std::string& source_name,
                        std::span<const Override> overrides = {});

//! The number at `path` (the syntax of --set) in a design's text, e.g. its resolved_yaml;
//! absent when the path does not lead to a number.
std::optional<double> number_at(const std::string& yaml_text, const std::string& path);

}  // namespace trialsim
