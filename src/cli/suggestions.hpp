#pragma once
// Messages for command-line mistakes: an unknown command or option with the
// nearest valid name ("did you mean 'run'?"), and CLI11's parse errors in the
// program's own words.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace trialsim::cli {

//! Edits (insertions, deletions, substitutions, swaps of neighbours) that turn `a` into `b`.
std::size_t edit_distance(const std::string& a, const std::string& b);

//! The candidate nearest to `word`, when it is near enough to be what was meant.
std::optional<std::string> nearest(const std::string& word, const std::vector<std::string>& candidates);

//! The message for a first argument that is no command (nothing when it is one, or an option).
std::optional<std::string> unknown_command_message(const CLI::App& app, const std::string& first);

//! The message for a parse error, with suggestions for unknown options.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error);

}  // namespace trialsim::cli
