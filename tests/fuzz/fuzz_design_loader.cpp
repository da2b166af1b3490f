// libFuzzer target for the design loader and validator (tools/fuzz runs it).
// For any input, loading must either give a Design or throw InputError: never
// crash, hang, leak or throw anything else. A design that loads must also get
// its boundary plan and simulator built (what `trialsim check` and `run` do
// before simulating; nothing is simulated here), and its resolved YAML, which
// results files store and `show` reads back, must load to the same text.
//
// Leading lines "#set path=value" are `--set` overrides; to the YAML document
// they are comments, so every input is also a plain design file.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/engine.hpp"
#include "trialsim/error.hpp"
#include "trialsim/trial.hpp"

namespace {

std::vector<trialsim::Override> leading_overrides(const std::string& text) {
  std::vector<trialsim::Override> overrides;
  const std::string prefix = "#set ";
  std::size_t line = 0;
  while (text.compare(line, prefix.size(), prefix) == 0) {
    const std::size_t end = text.find('\n', line);
    const std::string assignment =
        text.substr(line + prefix.size(), end == std::string::npos ? std::string::npos : end - line - prefix.size());
    try {
      overrides.push_back(trialsim::parse_override(assignment));
    } catch (const trialsim::InputError&) {
      // A malformed assignment is the command line's error, tested elsewhere; skip it.
    }
    if (end == std::string::npos) break;
    line = end + 1;
  }
  return overrides;
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_design_loader: %s\n%s\n", what, detail.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<trialsim::Override> overrides = leading_overrides(text);
  trialsim::Design design;
  try {
    design = trialsim::parse_design(text, "fuzz.yaml", overrides);
    const trialsim::BoundaryPlan plan = trialsim::plan_boundaries(design);
    const trialsim::TrialSimulator simulator(design, plan);
  } catch (const trialsim::InputError&) {
    return 0; // rejected with a message: the expected outcome for most inputs
  }
  try {
    const trialsim::Design again = trialsim::parse_design(design.resolved_yaml, "resolved.yaml");
    if (again.resolved_yaml != design.resolved_yaml) {
      fail("the resolved design does not read back to the same text", design.resolved_yaml + "\n---\n" +
                                                                          again.resolved_yaml);
    }
  } catch (const trialsim::InputError& error) {
    fail("the resolved design of a valid design is rejected", design.resolved_yaml + "\n---\n" + error.what());
  }
  return 0;
}
