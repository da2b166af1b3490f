#pragma once
// Bad-input tests compare the exact message of the InputError that a parse,
// a load or a command throws.

#include <string>

#include "trialsim/error.hpp"

namespace trialsim::testing {

//! The what() of the InputError that `action` throws; "no InputError" (which no
//! expected message equals) when it throws none.
template <class Action>
std::string input_error_of(Action&& action) {
  try {
    action();
  } catch (const InputError& error) {
    return error.what();
  }
  return "no InputError";
}

}  // namespace trialsim::testing
