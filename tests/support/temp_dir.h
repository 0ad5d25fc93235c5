// TempDir: a fresh folder under $TMPDIR for one test, removed with everything in it when the
// test ends. Shared by every test suite (drkit_add_test puts tests/support on the include path).
#pragma once

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace drkit::test_support {

class TempDir {
 public:
  // `prefix` names the folder, so a leftover says which suite made it. mkdtemp makes it 0700;
  // `mode` changes that (a folder other processes must read).
  explicit TempDir(std::string_view prefix = "drkit-test", std::optional<mode_t> mode = std::nullopt) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
    if (mode) ::chmod(tmpl.c_str(), *mode);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  std::string file(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace drkit::test_support
