#include "option_checks.hpp"

#include <charconv>
#include <cmath>
#include <vector>

#include "trialsim/version.hpp"

namespace trialsim::cli {

std::string listed(const std::vector<std::string>& words, const char* last_separator) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) text += i + 1 == words.size() ? last_separator : ", ";
    text += words[i];
  }
  return text;
}

CLI::Validator whole_number(std::int64_t low, std::int64_t high, const std::string& note) {
  const std::string allowed = "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high) +
                              (note.empty() ? "" : " (" + note + ")");
  return CLI::Validator(
      [low, high, allowed](std::string& text) -> std::string {
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        const bool whole = !text.empty() && end == text.data() + text.size();
        if (whole && error == std::errc() && value >= low && value <= high) return "";
        return allowed + ", got '" + text + "'";
      },
      "");  // the option's own description states the range
}

CLI::Validator real_between(double low, double high) {
  const auto shortest = [](double x) {
    char text[32];
    const auto result = std::to_chars(text, text + sizeof text, x);
    return std::string(text, result.ptr);
  };
  const std::string allowed = "must be a number strictly between " + shortest(low) + " and " + shortest(high);
  return CLI::Validator(
      [low, high, allowed](std::string& text) -> std::string {
        double value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        const bool whole = !text.empty() && end == text.data() + text.size();
        if (whole && error == std::errc() && value > low && value < high) return "";
        return allowed + ", got '" + text + "'";
      },
      "");
}

CLI::Validator one_of(std::initializer_list<const char*> words) {
  const std::vector<std::string> allowed(words.begin(), words.end());
  const std::string text = listed(allowed);
  std::string choices;
  for (const std::string& word : allowed) choices += (choices.empty() ? "" : "|") + word;
  return CLI::Validator(
      [allowed, text](std::string& value) -> std::string {
        for (const std::string& word : allowed)
          if (value == word) return "";
        return "must be " + text + ", got '" + value + "'";
      },
      choices);
}

void add_threads_option(CLI::App& command, int& threads, const std::string& description) {
  command.add_option("--threads", threads, description)
      ->check(whole_number(0, std::numeric_limits<int>::max(), "0: all cores"));
}

void print_records(std::ostream& out, Records records, OutputFormat format, const std::string& command,
                   std::vector<std::pair<std::string, Cell>> leading) {
  leading.insert(leading.begin(), {{"command", command}, {"trialsim_version", std::string(VERSION)}});
  records.fields.insert(records.fields.begin(), leading.begin(), leading.end());
  write_records(out, records, format);
}

void add_format_option(CLI::App& command, OutputFormat& format) {
  command
      .add_option_function<std::string>(
          "--format",
          [&format](const std::string& value) {
            format = value == "csv" ? OutputFormat::csv : value == "json" ? OutputFormat::json : OutputFormat::table;
          },
          "table (default), csv (one row per record) or json (the run's figures and the same rows); "
          "columns: docs/output_formats.md")
      ->check(one_of({"table", "csv", "json"}));
}

}  // namespace trialsim::cli
