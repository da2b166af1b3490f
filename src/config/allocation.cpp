// allocation: the ratio, the permuted-block size and the randomisation strata
// (with, optionally, each stratum's own control survival).

#include <cmath>

#include "design_parts.hpp"

namespace trialsim::config {

namespace {

// Keeps blocks (a multiple of the ratio's sum) far from overflow.
constexpr std::int64_t MAX_RATIO_PART = 1000;
// Prevalences are fractions written by hand: they must add up to 1 up to rounding.
constexpr double PREVALENCE_TOLERANCE = 1e-9;

std::array<int, 2> read_ratio(const Field& field) {
  const std::vector<Field> items = field.items();
  if (items.size() != 2) {
    field.fail("must be a list of two positive integers [control, treatment], got " + std::to_string(items.size()) +
               " values");
  }
  std::array<int, 2> ratio{};
  for (std::size_t arm = 0; arm < 2; ++arm) {
    const std::int64_t part = items[arm].positive_integer();
    if (part > MAX_RATIO_PART)
      items[arm].fail("must be at most " + std::to_string(MAX_RATIO_PART) + ", got " + items[arm].shown());
    ratio[arm] = static_cast<int>(part);
  }
  return ratio;
}

int read_block_size(const Field& field, int ratio_sum) {
  const std::int64_t size = field.integer();
  if (size == 0) return 0;
  if (size < 0 || size % ratio_sum != 0 || size > MAX_RATIO_PART * ratio_sum) {
    field.fail("must be 0 (simple randomisation) or a positive multiple of " + std::to_string(ratio_sum) +
               " (the sum of the ratio), got " + field.shown());
  }
  return static_cast<int>(size);
}

struct StratumEntry {
  Stratum stratum;
  std::optional<ParsedSurvival> survival;
};

StratumEntry read_stratum(const Field& item) {
  item.expect_keys({"name", "prevalence", "survival"});
  StratumEntry entry;
  entry.stratum.name = item.required("name").text();
  if (entry.stratum.name.empty()) item.child("name").fail("must not be empty");
  entry.stratum.prevalence = item.required("prevalence").fraction_up_to_one();
  if (item.has("survival")) entry.survival = read_survival(item.child("survival"), SurvivalRole::stratum_control);
  return entry;
}

void read_strata(const Field& field, ParsedAllocation& parsed) {
  const std::vector<Field> items = field.items();
  if (items.empty()) field.fail("must list at least one stratum, as {name: N, prevalence: P}");
  double total = 0.0;
  bool any_survival = false;
  for (const Field& item : items) {
    StratumEntry entry = read_stratum(item);
    for (const Stratum& earlier : parsed.allocation.strata) {
      if (earlier.name == entry.stratum.name) item.child("name").fail("duplicate stratum name '" + earlier.name + "'");
    }
    total += entry.stratum.prevalence;
    any_survival = any_survival || entry.survival.has_value();
    parsed.allocation.strata.push_back(entry.stratum);
    parsed.stratum_survival.push_back(std::move(entry.survival));
  }
  if (std::abs(total - 1.0) > PREVALENCE_TOLERANCE) {
    field.fail("prevalences must sum to 1, got " + format_number(total));
  }
  for (std::size_t s = 0; any_survival && s < items.size(); ++s) {
    if (!parsed.stratum_survival[s]) {
      items[s].child("survival").fail("is required when any stratum gives its own survival");
    }
  }
  if (!any_survival) parsed.stratum_survival.clear();
}

}  // namespace

ParsedAllocation read_allocation(const Field& field) {
  ParsedAllocation parsed;
  Allocation& allocation = parsed.allocation;
  if (field.present()) {
    field.expect_keys({"ratio", "block_size", "strata"});
    if (field.has("ratio")) allocation.ratio = read_ratio(field.child("ratio"));
  }
  const int ratio_sum = allocation.ratio[0] + allocation.ratio[1];
  // Two of each allocation cycle per block: the usual 4 for 1:1.
  allocation.block_size = 2 * ratio_sum;
  if (field.present() && field.has("block_size")) {
    allocation.block_size = read_block_size(field.child("block_size"), ratio_sum);
  }
  if (field.present() && field.has("strata")) {
    read_strata(field.child("strata"), parsed);
  } else {
    allocation.strata = {Stratum{"all", 1.0}};
  }
  return parsed;
}

}  // namespace trialsim::config
