#pragma once
// What the fuzz target checks for one input, shared with tests/test_fuzz_corpus.cpp
// so that every saved input (seeds, and inputs that fuzzing found to fail, kept
// in tests/fuzz/regressions/) is checked again by the ordinary test suite.
//
// For any text, loading must either give a Design or throw InputError. A design
// that loads must also get its boundary plan and its simulator built (what
// `trialsim check` and `run` do before simulating; nothing is simulated), and its
// resolved YAML, which results files store and `show` reads back, must load to
// the same text. Leading lines "#set path=value" are `--set` overrides; to the
// YAML document they are comments, so every input is also a plain design file.

#include <stdexcept>
#include <string>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"
#include "trialsim/trial.hpp"

namespace trialsim::fuzz {

//! A property of the loader that an input violates.
class Violation : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

enum class Verdict { rejected, accepted };

inline std::vector<Override> leading_overrides(const std::string& text) {
  std::vector<Override> overrides;
  const std::string prefix = "#set ";
  std::size_t line = 0;
  while (text.compare(line, prefix.size(), prefix) == 0) {
    const std::size_t end = text.find('\n', line);
    const std::size_t start = line + prefix.size();
    const std::string assignment = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    try {
      overrides.push_back(parse_override(assignment));
    } catch (const InputError&) {
      // A malformed assignment is the command line's error, tested elsewhere: skip it.
    }
    if (end == std::string::npos) break;
    line = end + 1;
  }
  return overrides;
}

//! Rejected or accepted; throws Violation when a property fails, and lets any
//! exception other than InputError escape (itself a failure).
inline Verdict check_design_input(const std::string& text) {
  Design design;
  try {
    design = parse_design(text, "fuzz.yaml", leading_overrides(text));
    const BoundaryPlan plan = plan_boundaries(design);
    const TrialSimulator simulator(design, plan);
  } catch (const InputError&) {
    return Verdict::rejected;
  }
  try {
    const Design again = parse_design(design.resolved_yaml, "resolved.yaml");
    if (again.resolved_yaml != design.resolved_yaml) {
      throw Violation("the resolved design does not read back to the same text:\n" + design.resolved_yaml +
                      "\n---\n" + again.resolved_yaml);
    }
  } catch (const InputError& error) {
    throw Violation("the resolved design of a valid design is rejected:\n" + design.resolved_yaml + "\n---\n" +
                    error.what());
  }
  return Verdict::accepted;
}

} // namespace trialsim::fuzz
