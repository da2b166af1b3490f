#pragma once
// A test fixture with a folder of its own: created empty before each test under
// the system's temporary folder (named after the suite and the test, so that
// tests running in parallel never share one) and removed afterwards.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

class ScratchFolderTest : public ::testing::Test {
protected:
  void SetUp() override {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("trialsim_" + std::string(test->test_suite_name()) + "_" + test->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};
