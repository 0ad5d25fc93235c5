// Journal: the durable record of every run, in SQLite (WAL, synchronous=FULL).
//
// The engine writes a step's start before the step touches anything and its outcome and
// outputs right after, each in its own committed transaction, so after a crash, kill -9 or
// power loss the journal says exactly which steps finished. `drkit resume`, `drkit runs`
// and `drkit report` read it. Values written here are already redacted by the caller.
//
// Thread-safety: one Journal may be used from several threads (parallel stages); writes
// are serialized internally.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace drkit {

using TimePoint = std::chrono::system_clock::time_point;

// A closed set, stored as text.
enum class RunStatus { running, succeeded, failed, interrupted, refused, rolled_back };
enum class StepStatus { running, succeeded, failed, warning, skipped, interrupted, rolled_back };

const char* to_string(RunStatus s);
const char* to_string(StepStatus s);
std::optional<RunStatus> run_status_from(std::string_view s);
std::optional<StepStatus> step_status_from(std::string_view s);

struct RunRecord {
  std::string id;             // "20261123-141503-7f3a"
  std::string manifest_path;  // absolute
  std::string manifest_hash;  // SHA-256 hex of the manifest bytes
  std::string manifest_text;  // the manifest as it was (templates, never secret values)
  std::string pipeline;
  std::string environment;
  std::string lock_key;       // manifest path + pipeline + environment
  RunStatus status = RunStatus::running;
  TimePoint started_at{};
  std::optional<TimePoint> finished_at;
  int pid = 0;
  std::string host;
  std::string user;
  std::optional<std::chrono::milliseconds> rto_target;
  std::string error;          // why it failed / was refused, one line
  bool dry_run = false;
};

// One try of one step (or of a compensation, a guard, a verify probe).
struct AttemptRecord {
  std::int64_t id = 0;        // assigned by the journal
  std::string run_id;
  std::string step_id;
  std::string kind = "step";  // "step", "compensate", "guard", "verify", "wait", "gate"
  std::string uses;           // component name
  int attempt = 1;
  StepStatus status = StepStatus::running;
  TimePoint started_at{};
  std::optional<TimePoint> finished_at;
  boost::json::object outputs;
  std::string error;
  std::string error_code;
  bool retryable = false;
};

struct ApprovalRecord {
  std::string run_id;
  std::string step_id;
  std::string gate_text;
  std::string approver;  // user@host
  std::string method;    // "terminal", "--approve", "--yes"
  bool approved = false;
  TimePoint decided_at{};
};

struct GuardOverrideRecord {
  std::string run_id;
  std::string guard_id;
  std::string user;      // user@host
  std::string reason;    // the guard's message when it was overridden
  TimePoint at{};
};

struct EventRecord {
  std::string run_id;
  TimePoint time{};
  std::string type;      // "step.started", "notifier.failed", ...
  std::string step_id;
  boost::json::object data;  // Event::to_json() or details
};

// A readiness check (`drkit check`) that passed or failed.
struct CheckRecord {
  std::string manifest_path;
  std::string manifest_hash;
  std::string pipeline;
  std::string environment;
  TimePoint at{};
  bool ok = false;
};

struct JournalOptions {
  // false only for benchmarks ("the no-fsync figure"): synchronous=OFF.
  bool durable = true;
};

class Journal {
 public:
  // Opens `state_dir`/journal.db and migrates the schema to the current version. Folders it
  // creates are 0700 and the file 0600 whatever the umask; an existing state dir that group
  // or others can use is warned about on stderr, not changed. Throws std::runtime_error
  // naming the file on failure.
  static std::unique_ptr<Journal> open(const std::filesystem::path& state_dir,
                                       const JournalOptions& options = {});
  virtual ~Journal() = default;

  virtual int schema_version() const = 0;

  virtual void create_run(const RunRecord& run) = 0;
  virtual void update_run_status(const std::string& run_id, RunStatus status,
                                 const std::string& error,
                                 std::optional<TimePoint> finished_at) = 0;
  // Re-owns a run for `drkit resume`: new pid/host, status running, finished_at cleared,
  // and (if accepted) the new manifest hash and text.
  virtual void take_over_run(const std::string& run_id, int pid, const std::string& host,
                             const std::string& manifest_hash,
                             const std::string& manifest_text) = 0;
  virtual std::optional<RunRecord> find_run(const std::string& run_id) const = 0;
  // Newest first.
  virtual std::vector<RunRecord> list_runs(std::size_t limit = 50) const = 0;
  // The run with status running for this lock key, if any.
  virtual std::optional<RunRecord> active_run(const std::string& lock_key) const = 0;

  // Returns the attempt id. Committed before returning.
  virtual std::int64_t start_attempt(const AttemptRecord& attempt) = 0;
  virtual void finish_attempt(std::int64_t attempt_id, StepStatus status,
                              const boost::json::object& outputs, const std::string& error,
                              const std::string& error_code, bool retryable,
                              TimePoint finished_at) = 0;
  // In start order.
  virtual std::vector<AttemptRecord> attempts(const std::string& run_id) const = 0;

  virtual void record_approval(const ApprovalRecord& approval) = 0;
  virtual std::vector<ApprovalRecord> approvals(const std::string& run_id) const = 0;
  virtual void record_guard_override(const GuardOverrideRecord& record) = 0;
  virtual std::vector<GuardOverrideRecord> guard_overrides(const std::string& run_id) const = 0;
  virtual void record_event(const EventRecord& event) = 0;
  virtual std::vector<EventRecord> events(const std::string& run_id) const = 0;
  virtual void record_check(const CheckRecord& check) = 0;
  // The newest passing check for this manifest path + pipeline + environment.
  virtual std::optional<CheckRecord> last_passing_check(const std::string& manifest_path,
                                                        const std::string& pipeline,
                                                        const std::string& environment) const = 0;
};

}  // namespace drkit
