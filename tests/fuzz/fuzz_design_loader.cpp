// libFuzzer target for the design loader and validator (tools/fuzz runs it);
// the properties checked are in design_input.hpp. A Violation, or any
// exception other than InputError, aborts: libFuzzer saves the input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "design_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    trialsim::fuzz::check_design_input(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const trialsim::fuzz::Violation& violation) {
    std::fprintf(stderr, "fuzz_design_loader: %s\n", violation.what());
    std::abort();
  }
  return 0;
}
