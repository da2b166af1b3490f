#pragma once
//! \file config.hpp
//! The design file (YAML, see README "Design file") turned into a validated
//! Design. yaml-cpp lives only behind this header. Every error is an InputError
//! naming the file, the line, the key path and what is allowed.

#include <span>
#include <string>

#include "trialsim/design.hpp"

namespace trialsim {

//! A `--set path=value` override, e.g. {"enrollment.sample_size", "300"} or
//! {"arms[1].survival.exponential.event_probability", "0.45"}. The value is read as YAML.
struct Override {
  std::string path;
  std::string value;
};

//! Parses "path=value" (InputError when there is no '=' or the path is empty).
Override parse_override(const std::string& assignment);

//! Reads, overrides and validates a design file.
Design load_design(const std::string& path, std::span<const Override> overrides = {});

//! Same, from text; `source_name` is used in error messages in place of a file name.
Design parse_design(const std::string& yaml_text, const std::string& source_name,
                    std::span<const Override> overrides = {});

} // namespace trialsim
