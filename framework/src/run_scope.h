// RunScope: what the components of one run share, and where their output goes.
//
// Owns the per-run cache behind Context::shared (one SQL connection per instance for the
// whole run), the outputs of finished steps, the redactor, and the children started through
// run_process. Destroy it before the plugins are unloaded: cached values hold plugin code.
//
// Thread-safety: every member may be called from several threads (parallel stages).
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <boost/json/object.hpp>

#include "drkit/context.hpp"
#include "redactor.h"

namespace drkit {

// Receives every log line and progress report of the run (already redacted).
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_log(const Invocation& who, LogLevel level, std::string_view message) = 0;
  virtual void on_progress(const Invocation& who, std::uint64_t done, std::uint64_t total,
                           std::string_view unit) = 0;
};

class RunScope {
 public:
  explicit RunScope(RunObserver* observer = nullptr) : observer_(observer) {}
  ~RunScope();

  Redactor& redactor() { return redactor_; }
  RunObserver* observer() const { return observer_; }
  void set_observer(RunObserver* observer) { observer_ = observer; }

  std::shared_ptr<void> shared(const std::string& key,
                               const std::function<std::shared_ptr<void>()>& make);
  void forget_shared(const std::string& key);
  void clear_shared();

  void set_outputs(const std::string& step_id, boost::json::object outputs);
  // A copy-stable pointer: outputs are never replaced once a step finished in this run.
  const boost::json::object* outputs(std::string_view step_id) const;
  std::map<std::string, boost::json::object> all_outputs() const;

  void child_started(pid_t pid);
  void child_finished(pid_t pid);
  std::set<pid_t> children() const;
  // Sends `signal` to the process group of every live child.
  void signal_children(int signal);

 private:
  RunObserver* observer_;
  Redactor redactor_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<void>> shared_;
  std::map<std::string, std::unique_ptr<boost::json::object>, std::less<>> outputs_;
  std::set<pid_t> children_;
};

}  // namespace drkit
