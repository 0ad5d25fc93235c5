// EngineRun: the state of one run inside the engine (private to engine*.cc).
#pragma once

#include <atomic>
#include <map>
#include <mutex>

#include "engine.h"
#include "event_dispatcher.h"
#include "invocation_context.h"
#include "run_environment.h"

namespace drkit {

// How a step ended, as the stage loop needs it.
struct StepOutcome {
  StepStatus status = StepStatus::failed;
  std::string error;
};

class EngineRun {
 public:
  EngineRun(const Manifest& manifest, const PipelineDef& pipeline, Journal& journal, RunEnvironment& env,
            EventDispatcher& events, EngineObserver& observer, Approver& approver, const RunOptions& options,
            const RunRecord& run, std::atomic<bool>& interrupted, CancellationToken& run_token);

  // Runs one step (or compensation) through its whole life cycle.
  StepOutcome execute(const StepDef& step, const std::string& kind);

  // Statuses of steps that finished in an earlier process of this run (resume).
  void restore(const std::vector<AttemptRecord>& attempts);
  bool finished_before(const std::string& step_id) const;

  Event event(std::string type, const std::string& step_id, std::string status, std::string message) const;

 private:
  StepOutcome attempt_loop(const StepDef& step, const std::string& kind, const ComponentEntry& entry);
  bool gate(const StepDef& step);
  std::optional<std::string> skip_reason(const StepDef& step);
  void finish(std::int64_t attempt_id, StepStatus status, const boost::json::object& outputs,
              const std::string& error, const std::string& code, bool retryable);
  std::string verify_and_wait(const StepDef& step, const CancellationToken& token);

  const Manifest& manifest_;
  const PipelineDef& pipeline_;
  Journal& journal_;
  RunEnvironment& env_;
  EventDispatcher& events_;
  EngineObserver& observer_;
  Approver& approver_;
  const RunOptions& options_;
  const RunRecord& run_;
  std::atomic<bool>& interrupted_;
  CancellationToken& run_token_;

  mutable std::mutex mu_;
  std::map<std::string, StepStatus> finished_;   // from earlier processes of this run
  std::map<std::string, int> attempts_so_far_;   // attempt numbers continue across resumes
  std::set<std::string> approved_before_;
  std::mutex approver_mu_;                        // one prompt at a time
};

}  // namespace drkit
