// drkit's exit codes (docs/cli.md). Scripts and CI pipelines depend on them: never renumber.
#pragma once

namespace drkit::cli {

enum ExitCode : int {
  kOk = 0,
  kRunFailed = 1,
  kUsage = 2,        // bad flags, invalid manifest, unknown plugin, missing secret
  kGuardRefused = 3,
  kInterrupted = 4,  // SIGINT/SIGTERM: resumable with `drkit resume`
  kLocked = 5,       // another run holds the lock
};

}  // namespace drkit::cli
