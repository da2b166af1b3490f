// Keys and labels of a statistic with its parameters (names.hpp).

#include <cstdio>

#include "trialsim/names.hpp"

namespace trialsim {

namespace {

std::string shortest(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

void append_weight(std::string& text, const FlemingHarringtonWeight& weight, const char* separator) {
  text.append(shortest(weight.rho)).append(separator).append(shortest(weight.gamma));
}

// The parameters in parentheses, with the separators of a key or of a label; empty when none.
std::string parameters(const StatisticSpec& spec, const char* separator, const char* list_separator) {
  std::string text;
  switch (spec.kind) {
    case Statistic::fleming_harrington: append_weight(text, spec.weight, separator); break;
    case Statistic::maxcombo:
      for (const FlemingHarringtonWeight& weight : spec.components) {
        if (!text.empty()) text.append(list_separator);
        append_weight(text, weight, separator);
      }
      break;
    case Statistic::rmst:
    case Statistic::milestone: text = shortest(spec.landmark); break;
    case Statistic::logrank:
    case Statistic::cox_wald:
    case Statistic::cox_score:
    case Statistic::cox_lr: return text;
  }
  return "(" + text + ")";
}

}  // namespace

std::string statistic_key(const StatisticSpec& spec) {
  std::string key(name_of(STATISTIC_NAMES, spec.kind).key);
  return key.append(parameters(spec, ",", ";"));
}

std::string statistic_label(const StatisticSpec& spec) {
  std::string label(name_of(STATISTIC_NAMES, spec.kind).label);
  if (spec.kind == Statistic::rmst || spec.kind == Statistic::milestone)
    return label.append(" at ").append(shortest(spec.landmark));
  return label.append(parameters(spec, ", ", "; "));
}

}  // namespace trialsim
