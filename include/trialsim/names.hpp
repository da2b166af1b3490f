#pragma once
//! \file names.hpp
//! One name table per enum of the design: the key a design file uses and the label a
//! report shows. The config reader, the resolved YAML writer and the reports all read
//! these tables, so that a new value is named in exactly one place (docs/extending.md).

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

#include "trialsim/design.hpp"

namespace trialsim {

template <class Enum>
struct EnumName {
  Enum value;
  std::string_view key;    //!< as written in a design file
  std::string_view label;  //!< as shown in reports
};

inline constexpr EnumName<Statistic> STATISTIC_NAMES[] = {
    {Statistic::logrank, "logrank", "log-rank"},
    {Statistic::cox_wald, "cox_wald", "Cox Wald"},
    {Statistic::cox_score, "cox_score", "Cox score"},
    {Statistic::cox_lr, "cox_lr", "Cox likelihood ratio"},
    {Statistic::milestone, "milestone", "milestone (KM difference)"},
    {Statistic::fleming_harrington, "fleming_harrington", "Fleming-Harrington"},
    {Statistic::maxcombo, "maxcombo", "MaxCombo"},
    {Statistic::rmst, "rmst", "RMST difference"},
};

inline constexpr EnumName<Ties> TIES_NAMES[] = {
    {Ties::efron, "efron", "Efron"},
    {Ties::breslow, "breslow", "Breslow"},
};

inline constexpr EnumName<Boundary::Family> BOUNDARY_FAMILY_NAMES[] = {
    {Boundary::Family::obrien_fleming, "obrien_fleming", "classical O'Brien-Fleming"},
    {Boundary::Family::pocock, "pocock", "classical Pocock"},
    {Boundary::Family::haybittle_peto, "haybittle_peto", "Haybittle-Peto"},
    {Boundary::Family::wang_tsiatis, "wang_tsiatis", "Wang-Tsiatis"},
    {Boundary::Family::nominal, "nominal", "nominal alphas as given"},
    {Boundary::Family::spending, "spending", "Lan-DeMets spending"},
    {Boundary::Family::user_spending, "user_spending", "user-given alpha spending"},
};

inline constexpr EnumName<Boundary::Spending> SPENDING_NAMES[] = {
    {Boundary::Spending::obrien_fleming, "obrien_fleming", "O'Brien-Fleming type"},
    {Boundary::Spending::pocock, "pocock", "Pocock type"},
    {Boundary::Spending::hsd, "hsd", "Hwang-Shih-DeCani"},
    {Boundary::Spending::power, "power", "power family"},
};

inline constexpr EnumName<Boundary::Information> INFORMATION_NAMES[] = {
    {Boundary::Information::planned, "planned", "at the planned information"},
    {Boundary::Information::observed, "observed", "at each trial's observed information"},
    {Boundary::Information::observed_events, "observed_events", "at each trial's observed events"},
};

inline constexpr EnumName<Futility::Effect> CONDITIONAL_POWER_EFFECT_NAMES[] = {
    {Futility::Effect::design, "design", "under the design effect"},
    {Futility::Effect::trend, "trend", "under the current trend"},
};
//! Whether a spending function takes a parameter (HSD gamma, power rho).
constexpr bool takes_parameter(Boundary::Spending function) {
  return function == Boundary::Spending::hsd || function == Boundary::Spending::power;
}

//! The entry of `value` in its table; a value missing from its table is a programming error.
template <class Enum, std::size_t N>
constexpr const EnumName<Enum>& name_of(const EnumName<Enum> (&table)[N], Enum value) {
  for (const EnumName<Enum>& entry : table) {
    if (entry.value == value) return entry;
  }
  throw std::logic_error("a value missing from its name table");
}

//! The keys of a table, in its order (the allowed values of a design key).
template <class Enum, std::size_t N>
constexpr std::array<std::string_view, N> keys_of(const EnumName<Enum> (&table)[N]) {
  std::array<std::string_view, N> keys{};
  for (std::size_t i = 0; i < N; ++i) keys[i] = table[i].key;
  return keys;
}

}  // namespace trialsim

namespace trialsim {

//! A statistic with its parameters as a short key: "logrank", "fleming_harrington(0,1)",
//! "maxcombo(0,0;0,1;1,0)", "rmst(180)", "milestone(180)". Names the compared statistics
//! in results files.
std::string statistic_key(const StatisticSpec& spec);
//! The same for reports: "Fleming-Harrington(0, 1)", "RMST difference at 180".
std::string statistic_label(const StatisticSpec& spec);

}  // namespace trialsim
