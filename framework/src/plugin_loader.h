// PluginLoader: finds drkit-*.so files on the search path and loads them with Boost.DLL.
//
// Refuses, with a message naming the file: a file or folder writable by group or others
// (unless allow_insecure), a shared library that is not a drkit plugin, a plugin built for
// another ABI version or toolchain (naming both), and two plugins registering one name.
// Earlier folders shadow later ones: the first drkit-NAME.so found wins, like PATH.
// With `only`, the plugins a manifest does not name are not opened (nor checked): `drkit
// plugins list` loads and checks them all.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include "component_registry.h"
#include "diagnostic.h"

namespace drkit {

struct LoadedPlugin {
  std::string name;
  std::string version;
  std::string summary;
  int abi_version = 0;
  std::string toolchain;
  std::filesystem::path file;
};

struct LoaderOptions {
  // Folders searched in order. Missing folders are skipped.
  std::vector<std::filesystem::path> search_path;
  // Load plugins even from group/other-writable files and folders (--allow-insecure-plugins).
  bool allow_insecure = false;
  // If set, load only drkit-NAME.so for these plugin names (a manifest's `plugin_names()`):
  // opening a plugin costs milliseconds of dynamic linking, and a manifest rarely needs them
  // all. When one of the names is not satisfied that way (no such file, or the file calls
  // itself otherwise), every plugin on the path is loaded, so the errors and did-you-mean
  // suggestions are exactly those of a full load.
  std::optional<std::set<std::string>> only;
};

// The default search path: `explicit_dirs` (--plugin-path), DRKIT_PLUGIN_PATH, the manifest's
// plugin_path, the installed lib/drkit/plugins, then the build tree's plugin folder.
std::vector<std::filesystem::path> default_plugin_path(
    const std::vector<std::filesystem::path>& explicit_dirs,
    const std::vector<std::filesystem::path>& manifest_dirs);

class PluginLoader {
 public:
  // REQUIRES: `registry` outlives the loader (declare it first).
  explicit PluginLoader(ComponentRegistry& registry) : registry_(registry) {}
  PluginLoader(const PluginLoader&) = delete;
  PluginLoader& operator=(const PluginLoader&) = delete;
  // Removes the plugins' components from the registry, then unloads the plugins.
  // Components made by plugins must be destroyed before the loader.
  ~PluginLoader();

  // Loads every plugin on the path; returns one diagnostic per refused file.
  Diagnostics load(const LoaderOptions& options);
  // Loads one file; throws std::runtime_error with the reason on refusal.
  void load_file(const std::filesystem::path& file, bool allow_insecure);

  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }

 private:
  ComponentRegistry& registry_;
  std::vector<LoadedPlugin> plugins_;
  std::vector<boost::dll::shared_library> libraries_;
};

}  // namespace drkit
