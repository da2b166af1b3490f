#include "suggestions.hpp"

#include <algorithm>

#include "option_checks.hpp"

namespace trialsim::cli {

namespace {

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(command->get_name());
  return names;
}

// "--replicates", "-o", ... of a command.
std::vector<std::string> option_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  return names;
}

std::string quoted(const std::vector<std::string>& words) {
  std::vector<std::string> each;
  for (const std::string& word : words) each.push_back("'" + word + "'");
  return listed(each, ", ");
}

}  // namespace

// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of
// one substring): a swap of two neighbouring letters, the commonest typo, costs one.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// Near enough: a prefix of the candidate (at least two letters), or at most a third
// of the word's letters edited (at least two edits allowed).
std::optional<std::string> nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, (word.size() + 2) / 3) + 1;
  for (const std::string& candidate : candidates) {
    const bool prefix = word.size() >= 2 && candidate.size() > word.size() && candidate.rfind(word, 0) == 0;
    const std::size_t distance = prefix ? 1 : edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::optional<std::string> unknown_command_message(const CLI::App& app, const std::string& first) {
  const std::vector<std::string> commands = command_names(app);
  if (first.empty() || first[0] == '-' || std::find(commands.begin(), commands.end(), first) != commands.end()) {
    return std::nullopt;
  }
  std::string message = "unknown command '" + first + "'";
  const bool design_file = first.ends_with(".yaml") || first.ends_with(".yml");
  if (design_file) {
    message += "; did you mean 'trialsim run " + first + "'?";
  } else if (const auto suggestion = nearest(first, commands)) {
    message += "; did you mean '" + *suggestion + "'?";
  }
  return message + " (commands: " + listed(commands, ", ") + ")";
}

std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error) {
  const std::vector<CLI::App*> given = app.get_subcommands();
  if (given.empty()) {
    // Only reached without a command (a first argument that is no command is caught before parsing).
    return "a command is required: " + listed(command_names(app), ", ") + " (trialsim --help says what each does)";
  }
  const CLI::App& command = *given.front();
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    const std::vector<std::string> extras = app.remaining(true);
    const std::vector<std::string> options = option_names(command);
    for (const std::string& extra : extras) {
      if (extra.empty() || extra[0] != '-') continue;
      const std::string name = extra.substr(0, extra.find('='));
      std::string message = command.get_name() + ": unknown option '" + name + "'";
      if (const auto suggestion = nearest(name, options)) message += "; did you mean '" + *suggestion + "'?";
      return message + " (trialsim " + command.get_name() + " --help lists the options)";
    }
    return command.get_name() + ": unexpected argument" + (extras.size() > 1 ? "s " : " ") + quoted(extras) +
           " (trialsim " + command.get_name() + " --help lists the arguments)";
  }
  return command.get_name() + ": " + error.what();
}

}  // namespace trialsim::cli
