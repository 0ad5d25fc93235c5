// PluginSandbox: a private temporary plugin folder for one test.
//
// The test plugins are built once into LOADER_PLUGIN_ROOT/<case>/; a test copies the ones it
// needs into its own folder (mode 0755, files 0755) so it can change permissions freely
// without disturbing tests that run at the same time. The folder is removed on destruction.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace drkit::loader_test {

class PluginSandbox {
 public:
  PluginSandbox();
  ~PluginSandbox();
  PluginSandbox(const PluginSandbox&) = delete;
  PluginSandbox& operator=(const PluginSandbox&) = delete;

  // The sandbox folder, canonical (as the loader reports it).
  const std::filesystem::path& dir() const { return dir_; }

  // Copies LOADER_PLUGIN_ROOT/<test_case>/<file> into the sandbox (or its `subdir`) as
  // `as` (default: the same name) with mode 0755, and returns the copy's path.
  std::filesystem::path add(std::string_view test_case, std::string_view file,
                            std::string_view as = {}, std::string_view subdir = {});
  // Copies the real core plugin from DRKIT_PLUGIN_DIR.
  std::filesystem::path add_core();
  // Makes `subdir` (mode 0755) and returns its path.
  std::filesystem::path make_dir(std::string_view subdir);

 private:
  std::filesystem::path dir_;
};

// The whole content of a file ("" if it does not exist).
std::string read_text(const std::filesystem::path& file);

// The mode bits of a file, e.g. 0755.
unsigned mode_of(const std::filesystem::path& file);

}  // namespace drkit::loader_test
