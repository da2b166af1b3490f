// The one writer of CSV and JSON output: every command hands it Records.

#include "trialsim/records.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace trialsim {

namespace {

// The shortest decimal text that reads back as the same double (std::to_chars),
// so scripts see the figures at full precision.
std::string number_text(double x) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
  return std::string(buffer.data(), result.ptr);
}

std::string csv_text(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string csv_cell(const Cell& cell) {
  if (const auto* x = std::get_if<double>(&cell)) return std::isnan(*x) ? std::string() : number_text(*x);
  if (const auto* n = std::get_if<std::int64_t>(&cell)) return std::to_string(*n);
  if (const auto* text = std::get_if<std::string>(&cell)) return csv_text(*text);
  std::string joined;
  for (const std::string& item : std::get<std::vector<std::string>>(cell)) joined += (joined.empty() ? "" : ";") + item;
  return csv_text(joined);
}

// RFC 8259 string: quote, backslash and control characters escaped; other bytes
// (UTF-8 from the design file) as they are.
std::string json_text(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    switch (c) {
      case '"': quoted += "\\\""; break;
      case '\\': quoted += "\\\\"; break;
      case '\n': quoted += "\\n"; break;
      case '\r': quoted += "\\r"; break;
      case '\t': quoted += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          quoted += escape;
        } else {
          quoted += c;
        }
    }
  }
  return quoted + '"';
}

std::string json_cell(const Cell& cell) {
  if (const auto* x = std::get_if<double>(&cell)) return std::isfinite(*x) ? number_text(*x) : "null";
  if (const auto* n = std::get_if<std::int64_t>(&cell)) return std::to_string(*n);
  if (const auto* text = std::get_if<std::string>(&cell)) return json_text(*text);
  std::string list = "[";
  for (const std::string& item : std::get<std::vector<std::string>>(cell)) {
    list += (list.size() > 1 ? ", " : "") + json_text(item);
  }
  return list + "]";
}

}  // namespace

void write_csv(std::ostream& out, const Records& records) {
  for (std::size_t c = 0; c < records.columns.size(); ++c) out << (c ? "," : "") << csv_text(records.columns[c]);
  out << '\n';
  for (const auto& row : records.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << csv_cell(row[c]);
    out << '\n';
  }
}

void write_json(std::ostream& out, const Records& records) {
  out << "{\n";
  for (const auto& [name, value] : records.fields) out << "  " << json_text(name) << ": " << json_cell(value) << ",\n";
  out << "  \"rows\": [";
  for (std::size_t r = 0; r < records.rows.size(); ++r) {
    out << (r ? ",\n    {" : "\n    {");
    const auto& row = records.rows[r];
    for (std::size_t c = 0; c < row.size(); ++c) {
      out << (c ? ", " : "") << json_text(records.columns[c]) << ": " << json_cell(row[c]);
    }
    out << '}';
  }
  out << (records.rows.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

void write_records(std::ostream& out, const Records& records, OutputFormat format) {
  if (format == OutputFormat::json) {
    write_json(out, records);
  } else {
    write_csv(out, records);
  }
}

}  // namespace trialsim
