// Flags every command accepts (before or after the command name).
#pragma once

#include <string>
#include <vector>

namespace drkit::cli {

struct GlobalOptions {
  std::string manifest = "drkit.json";  // --manifest, -m
  std::string environment;              // --env
  std::string state_dir;                // --state-dir; else DRKIT_STATE_DIR, XDG_STATE_HOME/drkit, ~/.local/state/drkit
  std::vector<std::string> plugin_path; // --plugin-path (repeatable, or colon-separated)
  bool allow_insecure_plugins = false;  // --allow-insecure-plugins
  bool yes = false;                     // --yes: approve every gate
  std::vector<std::string> approve;     // --approve ID (repeatable)
  bool dry_run = false;                 // --dry-run
  std::string output = "text";          // --output text|json
  bool verbose = false;                 // --verbose
  bool json() const { return output == "json"; }
};

}  // namespace drkit::cli
