#include "workspace.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "drkit/errors.hpp"
#include "component_constraints.h"
#include "manifest_validator.h"

namespace drkit::cli {

namespace fs = std::filesystem;

void Workspace::load_plugins(const GlobalOptions& options, const std::vector<fs::path>& manifest_dirs,
                             std::optional<std::set<std::string>> only) {
  std::vector<fs::path> explicit_dirs;
  for (const auto& entry : options.plugin_path) {
    std::string_view s(entry);
    while (!s.empty()) {
      auto colon = s.find(':');
      if (colon != 0) explicit_dirs.emplace_back(s.substr(0, colon));
      if (colon == std::string_view::npos) break;
      s.remove_prefix(colon + 1);
    }
  }
  LoaderOptions lo{default_plugin_path(explicit_dirs, manifest_dirs), options.allow_insecure_plugins, only};
  auto problems = loader_.load(lo);
  if (!problems.empty()) throw ValidationFailed(problems);
  registry_.freeze();
}

std::unique_ptr<Workspace> Workspace::plugins_only(const GlobalOptions& options) {
  auto ws = std::unique_ptr<Workspace>(new Workspace());
  ws->load_plugins(options, {}, std::nullopt);
  return ws;
}

std::unique_ptr<Workspace> Workspace::with_manifest(const GlobalOptions& options,
                                                    const std::vector<std::string>& also_components) {
  auto ws = std::unique_ptr<Workspace>(new Workspace());
  ws->manifest_ = load_manifest(options.manifest, options.environment);
  auto needed = ws->manifest_->plugin_names();
  for (const auto& c : also_components) needed.insert(c.substr(0, c.find('.')));
  ws->load_plugins(options, ws->manifest_->plugin_path, std::move(needed));
  auto problems = validate_manifest(*ws->manifest_, ws->registry_);
  // Factories see only parameters that passed the specs; their own checks come second.
  if (problems.empty()) problems = check_component_constraints(*ws->manifest_, ws->registry_);
  if (!problems.empty()) throw ValidationFailed(problems);
  return ws;
}

const PipelineDef& Workspace::pipeline(const std::string& name) const {
  if (const auto* p = manifest_->pipeline(name)) return *p;
  throw ValidationFailed({{manifest_->file.string(), 0, 0, "pipelines", manifest_->unknown_pipeline_message(name)}});
}

fs::path state_dir(const GlobalOptions& options) {
  if (!options.state_dir.empty()) return options.state_dir;
  if (const char* s = std::getenv("DRKIT_STATE_DIR"); s && *s) return s;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return fs::path(x) / "drkit";
  const char* home = std::getenv("HOME");
  if (home && *home) return fs::path(home) / ".local" / "state" / "drkit";
  // No HOME (a bare service environment): the account's home, never a shared folder such as
  // /tmp, where another user could prepare the journal's folder in advance.
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir && *pw->pw_dir)
    return fs::path(pw->pw_dir) / ".local" / "state" / "drkit";
  throw ConfigError("cannot tell where the state folder goes: HOME is not set and this account has no home; "
                    "pass --state-dir or set DRKIT_STATE_DIR");
}

}  // namespace drkit::cli
