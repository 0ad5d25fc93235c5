// Engine: runs a pipeline durably.
//
// Order of a run: take the run lock -> resolve resources -> journal the run -> guards ->
// stages in order (a parallel stage runs its steps concurrently up to max_parallel) ->
// failure policy (abort, continue, rollback through `compensate` in reverse) -> events and
// the final status. Per step: `when` -> gate (`confirm`) -> attempts with timeout and
// retries on retryable errors -> `verify` probes -> `wait_until` -> outputs. Every start is
// journaled before the step runs and every outcome right after, so `resume` knows exactly
// what finished: finished steps are skipped (outputs restored), the rest run again.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "component_registry.h"
#include "journal.h"
#include "manifest.h"
#include "run_scope.h"

namespace drkit {

struct RunOptions {
  std::string pipeline;
  // Mutating steps are planned, not run; read-only steps and probes run.
  bool dry_run = false;
  // Approve every gate (--yes).
  bool yes = false;
  // Gates approved in advance by step id (--approve ID).
  std::set<std::string> approve;
  // Guards to override by id (--force ID); each override is journaled.
  std::set<std::string> force_guards;
  // Resume this run instead of starting a new one.
  std::string resume_run_id;
  // Resume even though the manifest changed since the run started.
  bool accept_manifest_change = false;
  // How long the end of a run waits for notifications to be delivered. Default 15 s.
  std::chrono::milliseconds notify_deadline{15'000};
  // How long a step gets to stop after its timeout's cancellation before its child
  // processes are killed. Default 5 s.
  std::chrono::milliseconds kill_grace{5'000};
};

struct Approval {
  bool approved = false;
  std::string approver;  // user@host
  std::string method;    // "terminal", "--approve", "--yes"
};

// Asks a person to approve a gate. Called from the engine's thread; may block.
class Approver {
 public:
  virtual ~Approver() = default;
  virtual Approval ask(const std::string& step_id, const std::string& text) = 0;
};

// What the CLI shows while a run goes on.
class EngineObserver : public RunObserver {
 public:
  // A step (or guard, compensation) changed state: "started", "succeeded", "failed",
  // "retrying", "skipped", "warning", "interrupted", "approved", "dry-run".
  virtual void on_step(const std::string& step_id, const std::string& state, const std::string& message,
                       std::optional<double> seconds) = 0;
  // Engine notes for the operator ("resuming: 4 steps already finished").
  virtual void on_note(std::string_view message) = 0;
};

struct RunResult {
  std::string run_id;
  RunStatus status = RunStatus::failed;
  int exit_code = 1;         // drkit's exit codes: 0, 1, 3, 4, 5 (2 comes as exceptions)
  std::string message;       // one line for the operator
  bool notifications_abandoned = false;  // a notifier was still running at the deadline
};

class Engine {
 public:
  Engine(const Manifest& manifest, const ComponentRegistry& registry, Journal& journal,
         std::filesystem::path state_dir, EngineObserver& observer, Approver& approver);
  ~Engine();

  // Runs or resumes. Throws ConfigError / ValidationFailed for problems found before the
  // run starts (bad secrets, changed manifest without --accept-manifest-change).
  RunResult run(const RunOptions& options);

  // Thread-safe, from a signal-handling thread: the first call cancels running steps at
  // their next safe point and the run ends "interrupted"; hard_stop() kills children.
  void interrupt(const std::string& reason);
  void hard_stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "20261123-141503-7f3a": sortable, unique enough for one state dir.
std::string new_run_id();

}  // namespace drkit
