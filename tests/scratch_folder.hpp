#pragma once
// Helpers shared by the tests that write files: a fresh folder per test (named
// after the suite, the test and the process, so that parallel runs never share
// one) and a file's exact bytes.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace trialsim::testing {

inline std::filesystem::path make_scratch_folder(const std::string& prefix) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() /
      (prefix + std::to_string(::getpid()) + "_" + test->test_suite_name() + "_" + test->name());
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  return folder;
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace trialsim::testing

// A test fixture with a scratch folder of its own, removed after the test.
class ScratchFolderTest : public ::testing::Test {
protected:
  void SetUp() override { dir_ = trialsim::testing::make_scratch_folder("trialsim_"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};
