// Shard ranges, the `--shard K/N` argument and the design digest.

#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "trialsim/error.hpp"
#include "trialsim/shard.hpp"

namespace trialsim {

namespace {

// floor(part * total / parts) for 0 <= part <= parts <= total, without forming
// part * total (which overflows for runs of billions of replicates).
std::int64_t split_point(std::int64_t part, std::int64_t parts, std::int64_t total) {
  const std::int64_t quotient = total / parts, remainder = total % parts;
  return part * quotient + part * remainder / parts;
}

// A whole non-negative number written in `text` (digits only), or -1.
std::int64_t whole_number(std::string_view text) {
  std::int64_t value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || text.front() == '-') return -1;
  return value;
}

} // namespace

Shard make_shard(std::int64_t index, std::int64_t count, std::int64_t total) {
  if (index < 1 || index > count || count > total) {
    throw std::invalid_argument("no shard " + std::to_string(index) + "/" + std::to_string(count) + " of " +
                                std::to_string(total) + " replicates");
  }
  return {index, count, split_point(index - 1, count, total), split_point(index, count, total), total};
}

Shard parse_shard(const std::string& text, std::int64_t total) {
  const std::size_t slash = text.find('/');
  const std::int64_t index = slash == std::string::npos ? -1 : whole_number(std::string_view(text).substr(0, slash));
  const std::int64_t count = slash == std::string::npos ? -1 : whole_number(std::string_view(text).substr(slash + 1));
  if (index < 0 || count < 0) {
    throw InputError("--shard", "expected K/N (shard K of N, counted from 1, e.g. 2/8), found \"" + text + "\"");
  }
  if (count < 1 || index < 1 || index > count) {
    throw InputError("--shard", "K must be 1 to N in K/N, found " + text);
  }
  if (count > total) {
    throw InputError("--shard",
                     "N must be at most the number of replicates (" + std::to_string(total) + "), found " + text);
  }
  return make_shard(index, count, total);
}

std::string replicate_range_text(std::int64_t begin, std::int64_t end) {
  if (end == begin + 1) return std::to_string(end);
  return std::to_string(begin + 1) + ".." + std::to_string(end);
}

std::string shard_text(const Shard& shard) {
  return "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) + " (replicates " +
         replicate_range_text(shard.begin, shard.end) + " of " + std::to_string(shard.total) + ")";
}

std::string design_digest(std::string_view resolved_yaml) { return fnv1a_digest(resolved_yaml); }

std::string fnv1a_digest(std::string_view bytes) {
  // 64-bit FNV-1a (Fowler, Noll and Vo): simple, fast, and enough to tell inputs
  // apart; it guards against mistakes, not against forgery.
  std::uint64_t hash = 14695981039346656037ull;
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 1099511628211ull;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

} // namespace trialsim
