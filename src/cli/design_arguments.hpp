#pragma once
// The options every subcommand that reads a design file shares: the file and `--set`.

#include <CLI/CLI.hpp>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "trialsim/config.hpp"
#include "trialsim/error.hpp"
#include "trialsim/sweep.hpp"

namespace trialsim::cli {

struct DesignArguments {
  std::string path;
  std::vector<std::string> assignments;
  std::vector<Override> extra;  // overrides implied by other options (--replicates)
  // As text, checked by overrides(): CLI11 would read -1 as 2^64 - 1 and 2^64 as 2^64 - 1.
  std::optional<std::string> seed;

  void add_to(CLI::App& command) {
    command.add_option("design", path, "Design file (YAML)")->required();
    command.add_option("--set", assignments, "Override a design value, e.g. enrollment.sample_size=300 (repeatable)");
  }

  //! --seed, for the commands that simulate.
  void add_seed_to(CLI::App& command) { command.add_option("--seed", seed, "Random seed, 0 to " + MAX_SEED_TEXT); }

  std::vector<Override> overrides() const {
    std::vector<Override> result;
    for (const std::string& assignment : assignments) result.push_back(parse_override(assignment));
    result.insert(result.end(), extra.begin(), extra.end());
    if (seed) result.push_back({"simulation.seed", std::to_string(checked_seed(*seed))});
    return result;
  }

  static inline const std::string MAX_SEED_TEXT = std::to_string(std::numeric_limits<std::uint64_t>::max());

  //! The seed written in `text`: decimal digits only, 0 to 2^64 - 1.
  static std::uint64_t checked_seed(const std::string& text) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front())) || error != std::errc() ||
        stop != end) {
      throw InputError("--seed", "must be an integer from 0 to " + MAX_SEED_TEXT + ", got '" + text + "'");
    }
    return value;
  }

  Design load() const { return load_design(path, overrides()); }

  //! The design with its sweep, every scenario validated (a single scenario when there is no sweep).
  SweepDesign load_sweep() const { return trialsim::load_sweep(path, overrides()); }
};

} // namespace trialsim::cli
