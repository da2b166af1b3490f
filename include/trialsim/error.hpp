#pragma once
//! \file error.hpp
//! The one domain exception: invalid user input (design file, arguments, files).
//! The command line maps it to exit code 2.

#include <stdexcept>
#include <string>

namespace trialsim {

class InputError : public std::runtime_error {
public:
  //! `where` is "file:line: key.path" or a file name; `what_is_wrong` says what is allowed.
  InputError(const std::string& where, const std::string& what_is_wrong)
      : std::runtime_error(where.empty() ? what_is_wrong : where + ": " + what_is_wrong) {}
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

} // namespace trialsim
