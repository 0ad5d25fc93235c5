// InvocationContext: the Context given to one component call.
#pragma once

#include <mutex>
#include <set>

#include "drkit/context.hpp"
#include "run_scope.h"

namespace drkit {

class InvocationContext final : public Context {
 public:
  InvocationContext(RunScope& scope, Params params, Invocation invocation,
                    const CancellationToken& cancellation, bool dry_run);

  const Params& params() const override { return params_; }
  const Invocation& invocation() const override { return invocation_; }
  Log& log() override { return log_; }
  void progress(std::uint64_t done, std::uint64_t total, std::string_view unit) override;
  const CancellationToken& cancellation() const override { return cancellation_; }
  bool dry_run() const override { return dry_run_; }
  const boost::json::object* step_outputs(std::string_view step_id) const override;
  void forget_shared(const std::string& key) override { scope_.forget_shared(key); }
  void add_secret(std::string value) override { scope_.redactor().add(std::move(value)); }
  void child_started(pid_t pid) override;
  void child_finished(pid_t pid) override;
  // Sends `signal` to the process groups of the children this invocation started.
  void signal_children(int signal);

 protected:
  std::shared_ptr<void> shared_any(const std::string& key,
                                   const std::function<std::shared_ptr<void>()>& make) override {
    return scope_.shared(key, make);
  }

 private:
  class ScopeLog final : public Log {
   public:
    explicit ScopeLog(InvocationContext& ctx) : ctx_(ctx) {}
    void write(LogLevel level, std::string_view message) override;

   private:
    InvocationContext& ctx_;
  };

  RunScope& scope_;
  Params params_;
  Invocation invocation_;
  const CancellationToken& cancellation_;
  bool dry_run_;
  ScopeLog log_{*this};
  std::mutex children_mu_;
  std::set<pid_t> children_;
};

}  // namespace drkit
