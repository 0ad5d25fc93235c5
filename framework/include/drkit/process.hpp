// Running a child process from a step: the one way plugins start programs.
//
// Secrets go through `env` or `stdin_data`, never argv (argv is visible to every user in
// /proc). The child gets its own process group; on timeout or cancellation the whole group
// is sent SIGTERM, then SIGKILL after `kill_grace`. The engine is told of the child
// (Context::child_started) so a hard stop can kill it too.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "drkit/context.hpp"
#include "drkit/export.hpp"

namespace drkit {

struct ProcessRequest {
  std::vector<std::string> argv;             // argv[0] is looked up on PATH
  std::map<std::string, std::string> env;    // added to (or replacing) the inherited env
  std::string working_dir = {};              // empty: inherit
  std::string stdin_data = {};               // written then closed; empty: /dev/null
  std::chrono::milliseconds timeout{0};      // 0: none (cancellation still applies)
  std::chrono::milliseconds kill_grace{2000};
  std::size_t capture_limit = 1 << 20;       // bytes kept per stream (the tail)
};

struct ProcessResult {
  int exit_code = -1;     // -1 when killed by a signal
  int signal = 0;         // the signal that ended it, or 0
  bool timed_out = false;
  bool cancelled = false;
  std::string stdout_text;  // the last capture_limit bytes
  std::string stderr_text;
  bool truncated = false;   // a stream was longer than capture_limit
  bool ok() const { return exit_code == 0 && !timed_out && !cancelled; }
};

// Runs the process to completion (or timeout/cancellation). Throws StepError when the
// program cannot be started (not found, not executable), naming it.
DRKIT_API ProcessResult run_process(Context& ctx, const ProcessRequest& request);

// The last `max_lines` lines of `text`, for error messages.
DRKIT_API std::string tail_lines(const std::string& text, std::size_t max_lines);

}  // namespace drkit
