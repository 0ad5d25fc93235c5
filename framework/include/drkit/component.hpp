// The three component kinds: Step, Probe, Notifier.
//
// A component is created by its factory from validated Params (see registry.hpp) for one
// invocation and destroyed after it; the framework never shares one across threads.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "drkit/context.hpp"
#include "drkit/export.hpp"

namespace drkit {

// What a step would do, computed without side effects.
struct Plan {
  // One line: "restore 3 log backups to [mgc] on backup_sql (12 already applied)".
  std::string summary;
  // The exact actions, in order: T-SQL batches, command lines, files. Secrets as ***.
  std::vector<std::string> actions = {};
  // True when the step already sees nothing to do ("already ONLINE").
  bool no_op = false;
};

// Does one thing to the estate.
//
// Contract:
//  - plan() has no side effects. It may read state to be precise; when state cannot be
//    read (a server is down) it still describes the actions it would take, and says so.
//  - run() is re-runnable: after a crash the engine runs an interrupted step again, so
//    run() looks at the current state first and skips what is already done.
//  - run() returns its outputs (available to later steps as ${steps.ID.outputs.KEY} and
//    journaled: never put secrets in them) or throws StepError; any other exception is
//    recorded as a non-retryable failure.
//  - run() checks ctx.cancellation() between units of work.
class DRKIT_API Step {
 public:
  virtual ~Step();
  virtual Plan plan(Context& ctx) = 0;
  virtual boost::json::object run(Context& ctx) = 0;
};

struct ProbeResult {
  // The condition the probe tests holds ("reachable", "ONLINE"). With an `expect` in the
  // manifest, the engine compares `value` instead.
  bool ok = false;
  // What was observed: true/false, "ONLINE", a row count, an object.
  boost::json::value value = nullptr;
  // One line for people: "backup_sql: mgc is RESTORING (redo_start_lsn 4200000000123)".
  std::string message = {};
};

// Reads state and never changes it. An exception means "could not check" and counts as
// not holding, with the exception's message.
class DRKIT_API Probe {
 public:
  virtual ~Probe();
  virtual ProbeResult check(Context& ctx) = 0;
};

// A run event, delivered to notifiers and journaled.
struct Event {
  // "run.started", "run.finished", "step.started", "step.succeeded", "step.failed",
  // "step.retrying", "step.skipped", "gate.waiting", "gate.approved", "guard.failed",
  // or "test" for `drkit notify test`.
  std::string type;
  std::string run_id;
  std::string pipeline;
  std::string environment;
  std::string step_id = {};   // empty for run.* events
  std::string status = {};    // "running", "succeeded", "failed", "interrupted", ...
  std::string message = {};   // one line; already redacted
  std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
  std::optional<double> duration_seconds = {};
  boost::json::object data = {};  // event-specific fields (attempt, error code, rto...)

  // {"type":..., "run_id":..., "time":"2026-11-23T14:15:03Z", ...}
  DRKIT_API boost::json::object to_json() const;
};

// Receives events. A notifier failure (exception) is logged, retried by the engine's
// bounded queue, journaled, and never fails the run. notify() should honour
// ctx.cancellation(): the engine cancels it at the delivery deadline.
class DRKIT_API Notifier {
 public:
  virtual ~Notifier();
  virtual void notify(const Event& event, Context& ctx) = 0;
};

}  // namespace drkit
