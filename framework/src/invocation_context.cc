#include "invocation_context.h"

#include <signal.h>

namespace drkit {

InvocationContext::InvocationContext(RunScope& scope, Params params, Invocation invocation,
                                     const CancellationToken& cancellation, bool dry_run)
    : scope_(scope),
      params_(std::move(params)),
      invocation_(std::move(invocation)),
      cancellation_(cancellation),
      dry_run_(dry_run) {}

void InvocationContext::progress(std::uint64_t done, std::uint64_t total, std::string_view unit) {
  if (auto* o = scope_.observer()) o->on_progress(invocation_, done, total, unit);
}

const boost::json::object* InvocationContext::step_outputs(std::string_view step_id) const {
  return scope_.outputs(step_id);
}

void InvocationContext::child_started(pid_t pid) {
  scope_.child_started(pid);
  std::lock_guard lock(children_mu_);
  children_.insert(pid);
}

void InvocationContext::child_finished(pid_t pid) {
  scope_.child_finished(pid);
  std::lock_guard lock(children_mu_);
  children_.erase(pid);
}

void InvocationContext::signal_children(int signal) {
  std::lock_guard lock(children_mu_);
  for (pid_t pid : children_) ::kill(-pid, signal);
}

void InvocationContext::ScopeLog::write(LogLevel level, std::string_view message) {
  if (auto* o = ctx_.scope_.observer())
    o->on_log(ctx_.invocation_, level, ctx_.scope_.redactor().redact(message));
}

}  // namespace drkit
