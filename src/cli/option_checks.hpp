#pragma once
// Checks of option values with messages that name the allowed range, and the
// --format option that every command printing figures shares.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "trialsim/records.hpp"

namespace trialsim::cli {

inline constexpr std::int64_t MAX_WHOLE = std::numeric_limits<std::int64_t>::max();

//! A whole number from `low` to `high`: "must be a whole number from 1 to 100, got '0'".
//! `note` follows the range in the message, e.g. "0: all cores".
CLI::Validator whole_number(std::int64_t low, std::int64_t high, const std::string& note = "");

//! A real number strictly between `low` and `high`.
CLI::Validator real_between(double low, double high);

//! An option's value among fixed words: "must be table, csv or json, got 'xml'".
CLI::Validator one_of(std::initializer_list<const char*> words);

//! --threads alone.
void add_threads_option(CLI::App& command, int& threads, const std::string& description);

//! Adds --format table|csv|json.
void add_format_option(CLI::App& command, OutputFormat& format);

//! Writes `records` as CSV or JSON, the JSON led by the command, the program's version and `leading`.
void print_records(std::ostream& out, Records records, OutputFormat format, const std::string& command,
                   std::vector<std::pair<std::string, Cell>> leading = {});

//! "a, b or c".
std::string listed(const std::vector<std::string>& words, const char* last_separator = " or ");

}  // namespace trialsim::cli
