#pragma once
// Bad-input tests start from a valid design text and change one piece of it.

#include <gtest/gtest.h>

#include <string>

namespace trialsim::testing {

//! `text` with the first `from` replaced by `to`; a test failure when `from` is absent.
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return text;
  return text.replace(at, from.size(), to);
}

} // namespace trialsim::testing
