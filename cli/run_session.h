// Running or resuming a pipeline from the CLI: journal, console, approver, signals,
// engine, and the summary line. Shared by `run` and `resume`.
#pragma once

#include "engine.h"
#include "global_options.h"

namespace drkit::cli {

struct RunFlags {
  std::vector<std::string> force;   // --force GUARD
  bool accept_manifest_change = false;
  std::string notify_deadline = "15s";
};

// Returns drkit's exit code.
int execute_run(const GlobalOptions& options, const RunFlags& flags, const std::string& pipeline,
                const std::string& resume_run_id);

}  // namespace drkit::cli
