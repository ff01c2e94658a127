// A directory of its own for every test. ctest runs each test as its own process, two or more
// at a time, so a fixed name under the shared temp dir (a checker script, an output file) is a
// race between tests; and two tests in one process must not see each other's files either.
//
// scratch_dir() is <TempDir>/wirestate-XXXXXX/<Suite.Test>: the first part is made by mkdtemp
// once per process, the second names the running test. Everything is removed when the process
// exits (set WIRESTATE_KEEP_SCRATCH=1 to keep it for a post-mortem).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace wirestate::test {

namespace detail {

// The process's root, made once; removed at exit by the process that made it (a forked child
// that exits must not delete its parent's files).
class ScratchRoot {
 public:
  ScratchRoot() {
    std::string pattern = ::testing::TempDir() + "wirestate-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed under " + ::testing::TempDir());
    path_ = pattern;
    owner_ = ::getpid();
  }
  ScratchRoot(const ScratchRoot&) = delete;
  ScratchRoot& operator=(const ScratchRoot&) = delete;
  ~ScratchRoot() {
    if (::getpid() != owner_ || std::getenv("WIRESTATE_KEEP_SCRATCH") != nullptr) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  pid_t owner_ = 0;
};

inline const std::filesystem::path& scratch_root() {
  static const ScratchRoot root;
  return root.path();
}

// "Suite.Name" of the running test with every character outside [A-Za-z0-9_.-] replaced by
// '_' (parameterized names carry '/'); "no_test" outside a test body.
inline std::string current_test_tag() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string tag = info == nullptr ? "no_test" : std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : tag) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '.' || c == '-';
    if (!keep) c = '_';
  }
  return tag;
}

}  // namespace detail

// This test's own directory, created on first use.
inline std::filesystem::path scratch_dir() {
  auto dir = detail::scratch_root() / detail::current_test_tag();
  std::filesystem::create_directories(dir);
  return dir;
}

// A path named `name` inside this test's own directory (the file is not created).
inline std::filesystem::path scratch_path(std::string_view name) { return scratch_dir() / std::string(name); }

}  // namespace wirestate::test
