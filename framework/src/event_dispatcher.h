// EventDispatcher: delivers run events to notifiers without ever holding up the run.
//
// publish() only enqueues (a bounded queue: when full, the oldest event is dropped and
// the drop is journaled). One worker thread delivers each event to every notifier whose
// `on` patterns match, with bounded retries and a per-delivery deadline enforced through
// the notifier's cancellation token. Every event is journaled by the worker; a delivery
// that finally fails is journaled as "notifier.failed". finish() waits for the queue to
// drain up to a deadline; a notifier that ignores cancellation past it is abandoned.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drkit/component.hpp"
#include "journal.h"
#include "manifest.h"
#include "run_environment.h"

namespace drkit {

struct DispatchOptions {
  std::size_t queue_limit = 512;                            // events waiting, at most
  int attempts = 3;                                         // per notifier per event
  std::chrono::milliseconds delivery_timeout{10'000};       // per attempt
  std::chrono::milliseconds retry_delay{500};               // doubled each retry
};

// True when `type` ("step.failed") matches `pattern` ("step.*", "*", "run.finished").
bool event_matches(std::string_view pattern, std::string_view type);

class EventDispatcher {
 public:
  // `journal` may be null (plan, notify test). Notifiers are built from `defs` now: a bad
  // notifier configuration throws ConfigError before the run starts.
  EventDispatcher(const RunEnvironment& env, Journal* journal, const std::vector<NotifierDef>& defs,
                  DispatchOptions options = {});
  ~EventDispatcher();  // finish(0) if not finished

  void publish(Event event);
  // Returns true if every event was delivered or given up on normally; false if a
  // notifier was still running at the deadline (its thread is then detached).
  bool finish(std::chrono::milliseconds deadline);
  // Failures recorded so far ("ops-email: connection refused"), for the run summary.
  std::vector<std::string> failures() const;

 private:
  struct Target {
    NotifierDef def;
    const ComponentEntry* entry;
  };
  void work();
  void deliver(const Target& target, const Event& event);

  const RunEnvironment& env_;
  Journal* journal_;
  DispatchOptions options_;
  std::vector<Target> targets_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> queue_;
  bool stopping_ = false;
  bool busy_ = false;
  std::vector<std::string> failures_;
  std::shared_ptr<CancellationToken> current_;  // the delivery in progress
  std::thread worker_;
  bool finished_ = false;
};

}  // namespace drkit
