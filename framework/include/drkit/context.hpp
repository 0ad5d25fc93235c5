// Context: everything a component may use while it plans, runs, checks or notifies.
//
// The engine makes one Context per component invocation. It is the component's only window
// on the run: parameters, the outputs of earlier steps, the log, progress, cancellation, the
// dry-run flag, and a per-run cache for expensive handles (one SQL connection per instance
// for the whole run). Components must not keep a Context beyond the call that received it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "drkit/cancellation.hpp"
#include "drkit/export.hpp"
#include "drkit/log.hpp"
#include "drkit/params.hpp"

namespace drkit {

// Identifies the invocation, for messages and for naming things the component creates.
struct Invocation {
  std::string run_id;       // "20261123-141503-7f3a"; empty outside a run (plugins describe)
  std::string pipeline;     // "failover"
  std::string environment;  // "lab"; empty when no --env
  std::string step_id;      // the manifest id of the step, guard or probe
  int attempt = 1;          // 1 for the first try, 2.. for retries and resumes
};

class DRKIT_API Context {
 public:
  virtual ~Context();

  // The component's validated parameters (see params.hpp).
  virtual const Params& params() const = 0;
  virtual const Invocation& invocation() const = 0;
  virtual Log& log() = 0;

  // Reports progress: `done` of `total` `unit`s ("files", "bytes"). total 0 = unknown.
  // Cheap to call often: the engine throttles what it draws and journals.
  // Thread-safety: may be called from several threads.
  virtual void progress(std::uint64_t done, std::uint64_t total, std::string_view unit) = 0;

  virtual const CancellationToken& cancellation() const = 0;

  // True in `drkit plan` and `drkit run --dry-run`. Only read-only components and plan()
  // are called then; a probe may use it to avoid slow checks.
  virtual bool dry_run() const = 0;

  // Outputs of a step that finished earlier in this run (restored from the journal on
  // resume), or nullptr. Templates usually make this unnecessary.
  virtual const boost::json::object* step_outputs(std::string_view step_id) const = 0;

  // A value shared by every component of the run under `key` (e.g. "sqlserver:backup_sql"),
  // created by `make` on first use and destroyed when the run ends (before plugins unload).
  // Thread-safety: `make` runs at most once per key.
  template <class T>
  std::shared_ptr<T> shared(const std::string& key, const std::function<std::shared_ptr<T>()>& make) {
    return std::static_pointer_cast<T>(
        shared_any(key, [&]() -> std::shared_ptr<void> { return make(); }));
  }
  // Forgets the value under `key` (e.g. a broken connection, so the next use reopens it).
  virtual void forget_shared(const std::string& key) = 0;

  // Registers a secret learned at run time (a generated password) with the redactor.
  virtual void add_secret(std::string value) = 0;

  // Called by drkit::run_process: the engine kills these on timeout or hard stop.
  virtual void child_started(pid_t pid) = 0;
  virtual void child_finished(pid_t pid) = 0;

 protected:
  virtual std::shared_ptr<void> shared_any(const std::string& key,
                                           const std::function<std::shared_ptr<void>()>& make) = 0;
};

}  // namespace drkit
