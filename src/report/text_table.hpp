#pragma once
// A minimal column-aligned text table for terminal reports.

#include <ostream>
#include <string>
#include <vector>

namespace trialsim {

class TextTable {
public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out, const std::string& indent = "  ") const;

private:
  std::vector<std::vector<std::string>> rows_;
};

//! printf-style formatting into a std::string.
std::string format(const char* pattern, ...) __attribute__((format(printf, 1, 2)));

} // namespace trialsim
