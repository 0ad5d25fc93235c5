// Workspace: the loaded plugins and, when a command needs it, the validated manifest.
//
// Commands declare what they need (ninja's "when: after manifest load" idea): plugins only
// (`plugins list`), or plugins plus a valid manifest (`validate`, `plan`, `run`). Problems
// become ValidationFailed, which main() prints one per line and maps to exit code 2.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "component_registry.h"
#include "global_options.h"
#include "manifest.h"
#include "plugin_loader.h"

namespace drkit::cli {

class Workspace {
 public:
  // Loads plugins from the default search path (plus the manifest's plugin_path when a
  // manifest is given). Throws ValidationFailed when a plugin is refused.
  static std::unique_ptr<Workspace> plugins_only(const GlobalOptions& options);
  // Parses and validates the manifest, loading only the plugins it uses (see
  // LoaderOptions::only) plus those of `also_components` (qualified names, e.g. the probe
  // `drkit probe` runs).
  static std::unique_ptr<Workspace> with_manifest(const GlobalOptions& options,
                                                  const std::vector<std::string>& also_components = {});

  const ComponentRegistry& registry() const { return registry_; }
  const PluginLoader& loader() const { return loader_; }
  const Manifest& manifest() const { return *manifest_; }
  bool has_manifest() const { return manifest_.has_value(); }
  // The manifest's pipeline or ValidationFailed("unknown pipeline ...").
  const PipelineDef& pipeline(const std::string& name) const;

 private:
  // `only`: see LoaderOptions::only; nullopt loads every plugin on the path.
  void load_plugins(const GlobalOptions& options, const std::vector<std::filesystem::path>& manifest_dirs,
                    std::optional<std::set<std::string>> only);

  // The loader is destroyed first (reverse order) and unloads the plugins; nothing made by
  // a plugin may outlive a command's use of the Workspace.
  ComponentRegistry registry_;
  PluginLoader loader_{registry_};
  std::optional<Manifest> manifest_;
};

// The state folder: --state-dir, DRKIT_STATE_DIR, $XDG_STATE_HOME/drkit, ~/.local/state/drkit.
std::filesystem::path state_dir(const GlobalOptions& options);

}  // namespace drkit::cli
