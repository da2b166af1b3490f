#pragma once
// The reference tables of tests/data (written by the scripts in tests/reference): CSV with
// '#' comment lines and a header of column names; R's NA, Inf and -Inf as numbers.

#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace trialsim::testing {

using Row = std::map<std::string, std::string>;

inline std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
  return fields;
}

// The rows of tests/data/<file>, keyed by the header's column names; '#' lines are comments.
inline std::vector<Row> read_table(const std::string& file) {
  const std::string path = std::string(TRIALSIM_TEST_DATA) + "/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::string> header;
  std::vector<Row> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> fields = split(line);
    if (header.empty()) {
      header = fields;
      continue;
    }
    if (fields.size() != header.size()) throw std::runtime_error("bad line in " + path + ": " + line);
    Row row;
    for (std::size_t i = 0; i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(row);
  }
  return rows;
}

// R writes NA for a missing value, Inf and -Inf for infinities.
inline double number(const Row& row, const std::string& column) {
  const std::string& text = row.at(column);
  if (text == "NA") return std::numeric_limits<double>::quiet_NaN();
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace trialsim::testing
